#include "io/input_ends.h"

#include <cstring>

#include "core/log_wrapper.h"
#include "core/trace_line_parser.h"
#include "io/line_reader.h"

namespace gcsight {

InputEnds read_input_ends(const std::string& path, int default_year) {
  InputEnds ends;
  std::string err;
  auto reader = LineReader::open(path, &err);
  if (!reader) return ends;
  UnwrapOptions uopts;
  uopts.default_year = default_year;
  LogUnwrapper unwrap(uopts);
  Line line;
  Unwrapped u;
  while (reader->next(line)) {
    if (!unwrap.feed(line.text, line.number, u)) continue;
    // Only lines that can hold a gc line are parsed.
    const std::string_view p = u.payload;
    const size_t at = p.find("gc ");
    if (at == std::string_view::npos || p.find(" @", at) == std::string_view::npos) continue;
    const LineParse lp = parse_trace_line(p);
    if (lp.kind != LineKind::kGc || !lp.gc.has(kGcHasTime)) continue;
    if (!ends.has_gc) {
      ends.has_gc = true;
      ends.first_gc = lp.gc.gc;
      ends.first_ns = lp.gc.start_ns;
    }
    ends.last_gc = lp.gc.gc;
    ends.last_ns = lp.gc.start_ns;
  }
  return ends;
}

}  // namespace gcsight
