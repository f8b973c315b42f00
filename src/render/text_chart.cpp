#include "render/text_chart.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace gcsight {

namespace {

constexpr std::array<std::string_view, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::string_view kAsciiRamp = "_.-:=+*#";

// Level 0..7 of `v` against `scale_max`: 0 only for the smallest values, 7 for the largest.
size_t level(uint64_t v, uint64_t scale_max) {
  if (scale_max == 0 || v == 0) return 0;
  const double f = static_cast<double>(v) / static_cast<double>(scale_max);
  const auto l = static_cast<size_t>(f * 8.0);
  return std::min<size_t>(l, 7);
}

}  // namespace

uint64_t series_max(const ChartSeries& series, int64_t from_ns, int64_t to_ns) {
  uint64_t m = 0;
  for (const auto& [t, v] : series.points) {
    if (t >= from_ns && t <= to_ns) m = std::max(m, v);
  }
  return m;
}

std::string sparkline(const ChartSeries& series, int64_t from_ns, int64_t to_ns, size_t columns,
                      uint64_t scale_max, ChartGlyphs glyphs) {
  if (glyphs == ChartGlyphs::kOff || columns == 0) return {};
  const int64_t span = std::max<int64_t>(1, to_ns - from_ns);
  // Largest value per column, -1 where no point fell.
  std::vector<int64_t> col_max(columns, -1);
  for (const auto& [t, v] : series.points) {
    if (t < from_ns || t > to_ns) continue;
    const auto c = std::min(columns - 1, static_cast<size_t>(static_cast<double>(t - from_ns) /
                                                              static_cast<double>(span) * static_cast<double>(columns)));
    col_max[c] = std::max(col_max[c], static_cast<int64_t>(v));
  }
  // A level holds from one point until the next: empty columns between points
  // show the last value seen.
  if (series.holds) {
    int64_t carry = -1;
    auto it = series.points.begin();
    while (it != series.points.end() && it->first < from_ns) carry = static_cast<int64_t>((it++)->second);
    for (size_t c = 0; c < columns; ++c) {
      if (col_max[c] >= 0) {
        // The level at the column's end is its last point's value.
        int64_t last = col_max[c];
        for (; it != series.points.end() && it->first <= to_ns; ++it) {
          const auto pc = std::min(columns - 1, static_cast<size_t>(static_cast<double>(it->first - from_ns) /
                                                                     static_cast<double>(span) * static_cast<double>(columns)));
          if (pc > c) break;
          last = static_cast<int64_t>(it->second);
        }
        carry = last;
      } else if (carry >= 0) {
        col_max[c] = carry;
      }
    }
  }
  std::string out;
  out.reserve(columns * 3);
  for (size_t c = 0; c < columns; ++c) {
    if (col_max[c] < 0) {
      out.push_back(' ');
      continue;
    }
    const size_t l = level(static_cast<uint64_t>(col_max[c]), scale_max);
    if (glyphs == ChartGlyphs::kUnicode) {
      out += kBlocks[l];
    } else {
      out.push_back(kAsciiRamp[l]);
    }
  }
  return out;
}

}  // namespace gcsight
