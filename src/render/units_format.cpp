// Unit formatting for human output. Every quantity inside gcsight is integer
// bytes or nanoseconds; this file is where they become "12.3 MiB" or "2m05s".
// The rule is the same for every ladder: pick the largest unit that keeps the
// value below one step, print one decimal below 100 and none from 100 up, and
// move to the next unit when rounding would print a full step ("1024 KiB"
// becomes "1.0 MiB", "999.96 µs" becomes "1.0 ms"). Minutes and hours switch
// to the compact clock form ("2m05s", "1h02m") because decimals of a minute
// are hard to read. Output depends only on the value: no locale, no clock.
#include "render/units_format.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iterator>
#include <string_view>
#include <utility>

namespace gcsight {
namespace {

// Formats v >= 0 already scaled into `unit`: one decimal below 100, none above.
std::string one_decimal_or_whole(double v, std::string_view unit) {
  if (v < 99.95) return fmt::format("{:.1f} {}", v, unit);
  return fmt::format("{:.0f} {}", v, unit);
}

// Bytes (or bytes per something) of a non-negative magnitude.
std::string iec_magnitude(double v, std::string_view suffix) {
  static constexpr std::string_view kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (v < 1023.5) return fmt::format("{:.0f} B{}", v, suffix);
  v /= 1024.0;
  size_t u = 0;
  // Promote while the printed value would reach a full step.
  while (v >= 1023.5 && u + 1 < std::size(kUnits)) {
    v /= 1024.0;
    ++u;
  }
  return one_decimal_or_whole(v, kUnits[u]) + std::string(suffix);
}

std::string signed_iec(double v, std::string_view suffix) {
  if (!std::isfinite(v)) return "?";
  if (v < 0) return fmt::format("-{}", iec_magnitude(-v, suffix));
  return iec_magnitude(v, suffix);
}

std::string duration_magnitude(uint64_t ns) {
  if (ns < 1000) return fmt::format("{} ns", ns);
  static constexpr std::string_view kUnits[] = {"µs", "ms"};
  double v = static_cast<double>(ns) / 1e3;
  for (const std::string_view unit : kUnits) {
    if (v < 999.5) return one_decimal_or_whole(v, unit);
    v /= 1e3;
  }
  // v is now in seconds.
  if (v < 59.95) return fmt::format("{:.1f} s", v);
  const auto secs = static_cast<uint64_t>(std::llround(v));
  if (secs < 3600) return fmt::format("{}m{:02}s", secs / 60, secs % 60);
  const auto mins = static_cast<uint64_t>(std::llround(v / 60.0));
  return fmt::format("{}h{:02}m", mins / 60, mins % 60);
}

}  // namespace

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  return iec_magnitude(static_cast<double>(bytes), "");
}

std::string format_bytes_whole_mib(uint64_t bytes) { return fmt::format("{} MiB", bytes >> 20); }

std::string format_bytes_signed(double bytes) { return signed_iec(bytes, ""); }

std::string format_duration(int64_t ns) {
  if (ns < 0) {
    return fmt::format("-{}", duration_magnitude(static_cast<uint64_t>(-(ns + 1)) + 1));
  }
  return duration_magnitude(static_cast<uint64_t>(ns));
}

std::string format_byte_rate(double bytes_per_s) { return signed_iec(bytes_per_s, "/s"); }

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) return "?";
  const double pct = fraction * 100.0;
  if (pct != 0 && std::fabs(pct) < 0.05) return pct > 0 ? "<0.1%" : ">-0.1%";
  return fmt::format("{:.1f}%", pct);
}

std::string format_count(uint64_t n) {
  const std::string digits = fmt::format("{}", n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_wall_utc(int64_t ns_since_epoch) {
  namespace chr = std::chrono;
  const chr::sys_time<chr::nanoseconds> tp{chr::nanoseconds(ns_since_epoch)};
  const auto day = chr::floor<chr::days>(tp);
  const chr::year_month_day ymd{day};
  const chr::hh_mm_ss<chr::nanoseconds> hms{tp - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count() / 1000000);
}

std::string ascii_glyphs(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kAscii[] = {
      {"—", "-"}, {"–", "-"}, {"…", "~"}, {"µ", "u"}, {"²", "2"}, {"≈", "~"}};
  std::string plain;
  plain.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (static_cast<unsigned char>(text[i]) >= 0x80) {
      for (const auto& [glyph, ascii] : kAscii) {
        if (text.substr(i, glyph.size()) == glyph) {
          plain += ascii;
          i += glyph.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) plain += text[i++];
  }
  return plain;
}

}  // namespace gcsight
