// LogUnwrapper: recovers a Go program's own stderr lines from inside the envelope
// a log collector wrapped them in, and keeps the collector's wall-clock time.
//
// gctrace lines mostly reach us second-hand: through docker's json-file driver, the
// CRI files kubelet keeps under /var/log/pods, `kubectl logs --timestamps`, or
// journald/syslog. The wrapper is told from the first non-empty lines and then
// fixed for the whole input, because a per-line guess would misread program output
// that happens to look like an envelope. Detection asks for a wrapper's full shape
// (a parseable time, the CRI stream word and F/P tag, a complete JSON record with
// log/stream/time, a syslog tag `prog[pid]:`), so a plain log is not taken for a
// wrapped one by accident; and if none of the first 16 non-empty lines has such a
// shape, or a bare gc or scavenger line comes first, the input is plain for good
// and feed() only copies a view.
//
// The collectors split long lines: docker at 16 KiB (a record whose "log" does not
// end in "\n"), CRI runtimes with `P` (partial) records ended by an `F` one. Pieces
// are joined per stream, since stdout and stderr records interleave. A line that
// does not fit the detected wrapper is passed through unchanged and counted, never
// dropped: the caller reports how much of the input was not what it expected.
//
// Times are converted with integer civil-date arithmetic (days_from_civil) rather
// than timegm(), which depends on the environment's time zone machinery. Syslog
// dates have neither year nor zone: the year comes from the options (stepping on at
// a December -> January turn) and the time is taken as UTC.
#include "core/log_wrapper.h"

#include <array>
#include <cstring>
#include <utility>

namespace gcsight {
namespace {

// A calendar time taken apart, before conversion to unix nanoseconds.
struct Civil {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t frac_ns = 0;
  int offset_s = 0;           // east of UTC
  size_t len = 0;             // characters consumed
  int frac_digits = 0;        // digits after the decimal point (0 = none)
  bool rfc3339_zone = false;  // `Z` or `+hh:mm` (not the `+hhmm` of strftime's %z)
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads n decimal digits at s[pos].
bool read_digits(std::string_view s, size_t pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Unix nanoseconds; false outside the years int64 nanoseconds can hold.
bool to_unix_ns(const Civil& c, int64_t* ns) {
  if (c.year < 1678 || c.year > 2261) return false;
  int64_t secs = days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 +
                 c.second - c.offset_s;
  *ns = secs * 1'000'000'000 + c.frac_ns;
  return true;
}

// `HH:MM:SS[.fraction]` at s[pos]; sets the fields and returns the position after it.
size_t parse_clock(std::string_view s, size_t pos, Civil& c) {
  if (!read_digits(s, pos, 2, &c.hour) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
      !read_digits(s, pos + 3, 2, &c.minute) || pos + 5 >= s.size() || s[pos + 5] != ':' ||
      !read_digits(s, pos + 6, 2, &c.second)) {
    return 0;
  }
  // 60 is a leap second; it lands on the next minute's first second.
  if (c.hour > 23 || c.minute > 59 || c.second > 60) return 0;
  pos += 8;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t frac = 0;
    int digits = 0;
    while (pos < s.size() && is_digit(s[pos])) {
      if (digits < 9) frac = frac * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 12) return 0;
    for (int i = digits; i < 9; ++i) frac *= 10;
    c.frac_ns = frac;
    c.frac_digits = digits;
  }
  return pos;
}

// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.f](Z|+hh:mm|+hhmm)` at the start of s.
bool parse_iso_time(std::string_view s, Civil& c) {
  if (s.size() < 20 || !read_digits(s, 0, 4, &c.year) || s[4] != '-' ||
      !read_digits(s, 5, 2, &c.month) || s[7] != '-' || !read_digits(s, 8, 2, &c.day) ||
      (s[10] != 'T' && s[10] != 't')) {
    return false;
  }
  if (c.year < 1900 || c.year > 2200 || c.month < 1 || c.month > 12 || c.day < 1 ||
      c.day > days_in_month(c.year, c.month)) {
    return false;
  }
  size_t pos = parse_clock(s, 11, c);
  if (pos == 0 || pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    c.rfc3339_zone = true;
    c.len = pos + 1;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos] == '-' ? -1 : 1;
  int oh = 0;
  int om = 0;
  if (!read_digits(s, pos + 1, 2, &oh)) return false;
  size_t mpos = pos + 3;
  if (mpos < s.size() && s[mpos] == ':') {
    c.rfc3339_zone = true;
    ++mpos;
  }
  if (!read_digits(s, mpos, 2, &om) || oh > 23 || om > 59) return false;
  c.offset_s = sign * (oh * 3600 + om * 60);
  c.len = mpos + 2;
  return true;
}

// Syslog `Mmm dd HH:MM:SS[.ffffff]` (day space- or zero-padded); the year is left 0.
bool parse_syslog_time(std::string_view s, Civil& c) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 15 || s[3] != ' ') return false;
  c.month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (s.substr(0, 3) == kMonths[i]) c.month = static_cast<int>(i) + 1;
  }
  if (c.month == 0) return false;
  size_t pos = 4;
  if (s[pos] == ' ' && read_digits(s, pos + 1, 1, &c.day)) {
    pos += 2;
  } else if (read_digits(s, pos, 2, &c.day)) {
    pos += 2;
  } else {
    return false;
  }
  if (c.day < 1 || c.day > 31 || pos >= s.size() || s[pos] != ' ') return false;
  pos = parse_clock(s, pos + 1, c);
  if (pos == 0) return false;
  c.len = pos;
  return true;
}

// The `host prog[pid]: ` that follows a journald/syslog time at s[pos] (s[pos] is the
// space); returns where the message starts, or 0.
size_t parse_syslog_tag(std::string_view s, size_t pos) {
  if (pos >= s.size() || s[pos] != ' ') return 0;
  size_t host = pos + 1;
  size_t host_end = s.find(' ', host);
  if (host_end == std::string_view::npos || host_end == host || s[host_end - 1] == ':') return 0;
  size_t i = host_end + 1;
  size_t ident = i;
  while (i < s.size() && s[i] != ' ' && s[i] != '[' && s[i] != ':') ++i;
  if (i == ident || i >= s.size()) return 0;
  if (s[i] == '[') {
    size_t digits = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == digits || i >= s.size() || s[i] != ']') return 0;
    ++i;
  }
  if (i >= s.size() || s[i] != ':') return 0;
  ++i;
  if (i == s.size()) return i;  // empty message
  return s[i] == ' ' ? i + 1 : 0;
}

// CRI: `<RFC 3339> <stdout|stderr> <F|P>[:more tags] <content>`.
bool parse_cri(std::string_view line, bool* stderr_stream, bool* partial, std::string_view* text,
               Civil& c) {
  if (!parse_iso_time(line, c)) return false;
  size_t pos = c.len;
  if (pos + 8 > line.size() || line[pos] != ' ') return false;
  std::string_view stream = line.substr(pos + 1, 6);
  if (stream == "stderr") {
    *stderr_stream = true;
  } else if (stream == "stdout") {
    *stderr_stream = false;
  } else {
    return false;
  }
  pos += 7;
  if (line[pos] != ' ' || pos + 1 >= line.size()) return false;
  char tag = line[pos + 1];
  if (tag != 'F' && tag != 'P') return false;
  pos += 2;
  if (pos < line.size() && line[pos] == ':') {  // reserved further tags, `F:x`
    while (pos < line.size() && line[pos] != ' ') ++pos;
  }
  if (pos < line.size() && line[pos] != ' ') return false;
  *partial = tag == 'P';
  *text = pos < line.size() ? line.substr(pos + 1) : std::string_view();
  return true;
}

// --- a small JSON reader, just enough for docker's one-object-per-line records ---

size_t skip_ws(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r' || s[pos] == '\n')) {
    ++pos;
  }
  return pos;
}

// s[pos] is the opening quote; returns the position of the closing quote (0 if none)
// and whether a backslash occurs in between. memchr keeps this fast on long log texts.
size_t scan_string(std::string_view s, size_t pos, bool* escaped) {
  const char* base = s.data();
  size_t i = pos + 1;
  for (;;) {
    const void* q = std::memchr(base + i, '"', s.size() - i);
    if (q == nullptr) return 0;
    size_t quote = static_cast<size_t>(static_cast<const char*>(q) - base);
    size_t k = quote;
    while (k > pos + 1 && base[k - 1] == '\\') --k;
    if ((quote - k) % 2 == 0) {  // not itself escaped
      *escaped = std::memchr(base + pos + 1, '\\', quote - pos - 1) != nullptr;
      return quote;
    }
    i = quote + 1;
  }
}

// Skips a non-string value (number, literal, object, array); returns the position after it.
size_t skip_value(std::string_view s, size_t pos) {
  int depth = 0;
  size_t start = pos;
  while (pos < s.size()) {
    char ch = s[pos];
    if (ch == '"') {
      bool esc = false;
      size_t end = scan_string(s, pos, &esc);
      if (end == 0) return 0;
      pos = end + 1;
      continue;
    }
    if (ch == '{' || ch == '[') {
      ++depth;
    } else if (ch == '}' || ch == ']') {
      if (depth == 0) break;
      --depth;
    } else if (ch == ',' && depth == 0) {
      break;
    }
    ++pos;
  }
  return depth == 0 && pos > start ? pos : 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(std::string_view s, size_t pos, uint32_t* v) {
  if (pos + 4 > s.size()) return false;
  uint32_t r = 0;
  for (size_t i = 0; i < 4; ++i) {
    int h = hex_value(s[pos + i]);
    if (h < 0) return false;
    r = (r << 4) | static_cast<uint32_t>(h);
  }
  *v = r;
  return true;
}

void append_utf8(std::string& out, uint32_t cp) {
  auto byte = [](uint32_t b) { return static_cast<char>(static_cast<unsigned char>(b)); };
  if (cp < 0x80) {
    out.push_back(byte(cp));
  } else if (cp < 0x800) {
    out.push_back(byte(0xC0 | (cp >> 6)));
    out.push_back(byte(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(byte(0xE0 | (cp >> 12)));
    out.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(byte(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(byte(0xF0 | (cp >> 18)));
    out.push_back(byte(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(byte(0x80 | (cp & 0x3F)));
  }
}

// Decodes the body of a JSON string (without quotes) into out (cleared first).
bool json_unescape(std::string_view raw, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < raw.size()) {
    const void* bs = std::memchr(raw.data() + i, '\\', raw.size() - i);
    size_t run_end =
        bs ? static_cast<size_t>(static_cast<const char*>(bs) - raw.data()) : raw.size();
    out.append(raw.data() + i, run_end - i);
    i = run_end;
    if (i == raw.size()) break;
    if (i + 1 >= raw.size()) return false;
    char e = raw[i + 1];
    i += 2;
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!read_hex4(raw, i, &cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo = 0;
          if (i + 6 <= raw.size() && raw[i] == '\\' && raw[i + 1] == 'u' &&
              read_hex4(raw, i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;  // a lone high surrogate
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;  // a lone low surrogate
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

// Docker json-file: `{"log":"...","stream":"stderr","time":"<RFC 3339>"}` (other keys
// such as "attrs" are skipped). The log text is a view into the line when it has no
// escape other than its final "\n", else it is decoded into *scratch.
bool parse_docker(std::string_view line, std::string* scratch, bool* stderr_stream, bool* partial,
                  std::string_view* text, Civil& c) {
  size_t pos = skip_ws(line, 0);
  if (pos >= line.size() || line[pos] != '{') return false;
  std::string_view log_raw;
  bool log_escaped = false;
  bool have_log = false;
  bool have_stream = false;
  bool have_time = false;
  pos = skip_ws(line, pos + 1);
  if (pos < line.size() && line[pos] == '}') return false;  // {} has no log
  for (;;) {
    if (pos >= line.size() || line[pos] != '"') return false;
    bool key_escaped = false;
    size_t key_end = scan_string(line, pos, &key_escaped);
    if (key_end == 0) return false;
    std::string_view key = line.substr(pos + 1, key_end - pos - 1);
    pos = skip_ws(line, key_end + 1);
    if (pos >= line.size() || line[pos] != ':') return false;
    pos = skip_ws(line, pos + 1);
    if (pos >= line.size()) return false;
    if (line[pos] == '"') {
      bool escaped = false;
      size_t end = scan_string(line, pos, &escaped);
      if (end == 0) return false;
      std::string_view value = line.substr(pos + 1, end - pos - 1);
      if (key == "log") {
        log_raw = value;
        log_escaped = escaped;
        have_log = true;
      } else if (key == "stream") {
        if (value == "stderr") {
          *stderr_stream = true;
        } else if (value == "stdout") {
          *stderr_stream = false;
        } else {
          return false;
        }
        have_stream = true;
      } else if (key == "time") {
        if (!parse_iso_time(value, c) || c.len != value.size()) return false;
        have_time = true;
      }
      pos = end + 1;
    } else {
      pos = skip_value(line, pos);
      if (pos == 0) return false;
    }
    pos = skip_ws(line, pos);
    if (pos >= line.size()) return false;
    if (line[pos] == '}') break;
    if (line[pos] != ',') return false;
    pos = skip_ws(line, pos + 1);
  }
  if (skip_ws(line, pos + 1) != line.size()) return false;
  if (!have_log || !have_stream || !have_time) return false;

  std::string_view log = log_raw;
  bool ends_nl = log.size() >= 2 && log.substr(log.size() - 2) == "\\n";
  if (ends_nl) log.remove_suffix(2);
  // Only the final "\n" escaped: the common case needs no decoding.
  bool needs_decode = log_escaped && std::memchr(log.data(), '\\', log.size()) != nullptr;
  if (needs_decode) {
    if (!json_unescape(log_raw, *scratch)) return false;
    log = *scratch;
    ends_nl = !log.empty() && log.back() == '\n';
    if (ends_nl) log.remove_suffix(1);
  }
  if (ends_nl && !log.empty() && log.back() == '\r') log.remove_suffix(1);
  *partial = !ends_nl;
  *text = log;
  return true;
}

}  // namespace

std::string_view wrapper_name(WrapperKind k) {
  switch (k) {
    case WrapperKind::kNone:
      return "none";
    case WrapperKind::kDockerJson:
      return "docker-json";
    case WrapperKind::kCri:
      return "cri";
    case WrapperKind::kKubectlTimestamps:
      return "kubectl-timestamps";
    case WrapperKind::kJournald:
      return "journald";
  }
  return "none";
}

LogUnwrapper::LogUnwrapper(UnwrapOptions opts) : opts_(opts), syslog_year_(opts.default_year) {}

bool LogUnwrapper::parse(WrapperKind kind, std::string_view line, bool strict, Piece& piece) {
  Civil c;
  switch (kind) {
    case WrapperKind::kNone:
      return false;
    case WrapperKind::kDockerJson:
      if (line.empty() || (line[0] != '{' && line[0] != ' ')) return false;
      if (!parse_docker(line, &scratch_, &piece.stderr_stream, &piece.partial, &piece.text, c)) {
        return false;
      }
      break;
    case WrapperKind::kCri:
      if (!parse_cri(line, &piece.stderr_stream, &piece.partial, &piece.text, c)) return false;
      break;
    case WrapperKind::kKubectlTimestamps: {
      if (!parse_iso_time(line, c)) return false;
      // Detection wants kubelet's own shape (fraction, RFC 3339 zone); after it, any time.
      if (strict && (c.frac_digits == 0 || !c.rfc3339_zone)) return false;
      if (c.len == line.size() && !strict) {
        piece.text = std::string_view();
      } else if (c.len < line.size() && line[c.len] == ' ') {
        piece.text = line.substr(c.len + 1);
      } else {
        return false;
      }
      piece.stderr_stream = true;
      piece.partial = false;
      break;
    }
    case WrapperKind::kJournald: {
      bool iso = parse_iso_time(line, c);
      if (!iso && !parse_syslog_time(line, c)) return false;
      size_t msg = parse_syslog_tag(line, c.len);
      if (msg == 0) return false;
      if (!iso) {
        // No year in the line: carry one, and step it at a December -> January turn.
        int year = syslog_year_;
        if (syslog_last_month_ == 12 && c.month == 1) ++year;
        c.year = year;
        int64_t ns = 0;
        if (!to_unix_ns(c, &ns)) return false;
        syslog_year_ = year;
        syslog_last_month_ = c.month;
      }
      piece.text = line.substr(msg);
      piece.stderr_stream = true;
      piece.partial = false;
      break;
    }
  }
  if (!to_unix_ns(c, &piece.wall_ns)) return false;
  piece.has_time = true;
  return true;
}

// The first lines: find the wrapper. The order matters only between journald's
// ISO form and kubectl, which share the leading time: journald never prints
// nanoseconds and always has the `host prog[pid]:` tag.
WrapperKind LogUnwrapper::detect(std::string_view line, Piece& piece) {
  char c0 = line[0];
  if (c0 == '{' || c0 == ' ') {
    if (parse(WrapperKind::kDockerJson, line, true, piece)) return WrapperKind::kDockerJson;
    return WrapperKind::kNone;
  }
  if (c0 >= '0' && c0 <= '9') {
    if (parse(WrapperKind::kCri, line, true, piece)) return WrapperKind::kCri;
    Civil c;
    bool nanos = parse_iso_time(line, c) && c.frac_digits == 9;
    if (!nanos && parse(WrapperKind::kJournald, line, true, piece)) return WrapperKind::kJournald;
    if (parse(WrapperKind::kKubectlTimestamps, line, true, piece)) {
      return WrapperKind::kKubectlTimestamps;
    }
    return WrapperKind::kNone;
  }
  if (c0 >= 'A' && c0 <= 'Z' && parse(WrapperKind::kJournald, line, true, piece)) {
    return WrapperKind::kJournald;
  }
  return WrapperKind::kNone;
}

bool LogUnwrapper::emit_pending(Pending& p, bool stderr_stream, Unwrapped& out) {
  out_buf_.swap(p.text);  // keeps both buffers' capacity: no allocation once warm
  p.text.clear();
  p.active = false;
  out.payload = out_buf_;
  out.wall_ns = p.wall_ns;
  out.first_line = p.first_line;
  out.has_time = p.has_time;
  out.stderr_stream = stderr_stream;
  return true;
}

bool LogUnwrapper::deliver(const Piece& piece, uint64_t number, Unwrapped& out) {
  Pending& p = pending_[piece.stderr_stream ? 1 : 0];
  if (!piece.partial && !p.active) {
    out.payload = piece.text;
    out.wall_ns = piece.wall_ns;
    out.first_line = number;
    out.has_time = piece.has_time;
    out.stderr_stream = piece.stderr_stream;
    return true;
  }
  if (!p.active) {
    // The joined line keeps the time and line number of its first piece.
    p.active = true;
    p.text.assign(piece.text);
    p.wall_ns = piece.wall_ns;
    p.first_line = number;
    p.has_time = piece.has_time;
  } else {
    p.text.append(piece.text);
  }
  if (!piece.partial || p.text.size() >= opts_.max_joined_bytes) {
    return emit_pending(p, piece.stderr_stream, out);
  }
  return false;
}

bool LogUnwrapper::feed_detected(std::string_view line, uint64_t number, Unwrapped& out) {
  if (decided_) {
    Piece piece;
    if (parse(kind_, line, false, piece)) {
      ++unwrapped_;
      return deliver(piece, number, out);
    }
    ++passthrough_;
    pass_through(line, number, out);
    return true;
  }
  if (!line.empty()) {
    Piece piece;
    WrapperKind k = detect(line, piece);
    if (k != WrapperKind::kNone) {
      kind_ = k;
      decided_ = true;
      passthrough_ += undecided_;  // the lines before it did not fit the wrapper
      ++unwrapped_;
      return deliver(piece, number, out);
    }
    // A gc or scavenger line as the runtime writes it, with no envelope: every
    // line of a wrapped log has one, so the log is plain, whatever the program
    // prints at the start of its own lines later (RFC 3339 times, say).
    const bool bare_runtime_line =
        (line.starts_with("gc ") && line.size() > 3 && line[3] >= '0' && line[3] <= '9') ||
        line.starts_with("scav ") || line.starts_with("scvg");
    if (bare_runtime_line || ++probed_ >= kProbeLines) decided_ = true;  // plain for good
  }
  ++undecided_;
  pass_through(line, number, out);
  return true;
}

bool LogUnwrapper::finish(Unwrapped& out) {
  Pending* first = nullptr;
  for (Pending& p : pending_) {
    if (p.active && (first == nullptr || p.first_line < first->first_line)) first = &p;
  }
  if (first == nullptr) return false;
  return emit_pending(*first, first == &pending_[1], out);
}

}  // namespace gcsight
