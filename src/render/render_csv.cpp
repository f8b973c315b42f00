// GcCycle -> CSV row. This is called once per cycle of a trace that may hold
// millions, so a row is formatted with std::to_chars into a fixed stack
// buffer and handed to the stream in one write: no allocation, no locale, no
// iostream formatting state. The dialect is RFC 4180 (CRLF line ends); no
// field ever needs quoting because every field is an integer or a fixed
// token. A field the line's shape does not print is left empty rather than
// written as a zero that would read as a measurement: the Go <= 1.4 line has
// no `@` time, phase split, cpu figures, goal or utilisation; only Go 1.18+
// prints stacks and globals; a wall time exists only behind a log wrapper.
#include "render/render_csv.h"

#include <charconv>

namespace gcsight {
namespace {

// 26 fields of at most 20 digits, a sign and a separator, plus the line end.
constexpr size_t kMaxRow = 26 * 22 + 2;

// Appends fields to a row buffer; each field is followed by a comma except the last.
class RowWriter {
 public:
  explicit RowWriter(char* buf) : p_(buf) {}

  void u(uint64_t v) {
    p_ = std::to_chars(p_, p_ + 20, v).ptr;
    *p_++ = ',';
  }
  void i(int64_t v) {
    p_ = std::to_chars(p_, p_ + 21, v).ptr;
    *p_++ = ',';
  }
  void u_if(bool present, uint64_t v) {
    if (present) {
      u(v);
    } else {
      *p_++ = ',';
    }
  }
  void i_if(bool present, int64_t v) {
    if (present) {
      i(v);
    } else {
      *p_++ = ',';
    }
  }
  void flag(bool b) {
    *p_++ = b ? '1' : '0';
    *p_++ = ',';
  }
  void last(std::string_view token) {
    for (const char c : token) *p_++ = c;
    *p_++ = '\r';
    *p_++ = '\n';
  }
  [[nodiscard]] char* end() const { return p_; }

 private:
  char* p_;
};

}  // namespace

std::string_view csv_shape_name(GcShape shape) {
  switch (shape) {
    case GcShape::kLegacy14:
      return "go1.4";
    case GcShape::kGo15:
      return "go1.5";
    case GcShape::kGo16:
      return "go1.6";
    case GcShape::kGo118:
      return "go1.18";
  }
  return "unknown";
}

void write_csv_header(std::ostream& os) {
  os.write(kCsvHeader.data(), static_cast<std::streamsize>(kCsvHeader.size()));
}

void write_csv_row(std::ostream& os, uint32_t run_index, const GcCycle& c) {
  char buf[kMaxRow];
  RowWriter w(buf);
  const bool legacy = c.shape == GcShape::kLegacy14;
  const bool go118 = c.shape == GcShape::kGo118;

  w.u(run_index);
  w.u(c.gc);
  w.u(c.line);
  w.i_if(c.has(kGcHasTime), c.start_ns);
  w.i_if(c.wall_ns != 0, c.wall_ns);
  w.flag(c.has(kGcUserForced));
  w.flag(c.has(kGcPeriodic));
  w.flag(c.has(kGcStitched));
  // Go <= 1.4 printed four stop-the-world phases; the parser keeps their sum as the pause.
  w.u_if(!legacy, c.clock_ns[0]);
  w.u_if(!legacy, c.clock_ns[1]);
  w.u_if(!legacy, c.clock_ns[2]);
  w.u(c.stw_ns());
  for (const uint64_t cpu : c.cpu_ns) w.u_if(!legacy, cpu);
  w.u(c.heap_start);
  w.u(c.heap_end);
  w.u(c.heap_live);
  w.u_if(!legacy, c.goal);
  w.u_if(go118, c.stacks);
  w.u_if(go118, c.globals);
  w.i(c.procs);
  w.i_if(!legacy, c.util_pct);
  w.last(csv_shape_name(c.shape));

  os.write(buf, w.end() - buf);
}

}  // namespace gcsight
