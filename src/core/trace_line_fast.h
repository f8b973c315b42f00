// A hand-written recogniser for the lines that make up almost all of a real
// trace: a whole Go 1.18+ gc line, a whole Go 1.21+ scav line, and program
// output that cannot hold a runtime line at all. It gives the same LineParse as
// the grammar path (trace_line_parser) or declines, and the grammar path then
// reads the line; it never decides anything the grammar would decide otherwise.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/trace_line_parser.h"

namespace gcsight {

/// Reads `line` when it is one of the common whole-line shapes and fills `out`
/// (default-constructed) exactly as the grammar path would; returns false (leaving `out` unspecified)
/// for anything else: other shapes, text before the runtime text, split lines,
/// unusual number spellings, values near the limits.
bool parse_common_line(std::string_view line, LineParse& out);

/// Bytes that a padded read may read after a line.
inline constexpr size_t kLinePadding = 64;

/// parse_common_line for a caller that keeps records in its own storage: a
/// whole gc line is read into `gc` (kGc), a whole scav line into `scav`
/// (kScav), program output is kProgram, and kPartial means the fast path
/// declines. `*end` is LineParse::end. A record is written only when its kind
/// is returned, and then every field of it (no zeroing first: this runs on
/// most lines of a trace).
/// With Padded, the line's storage goes on: the byte just after it is "\n",
/// "\r" or "\0", and kLinePadding bytes after the line can be read. The
/// results are the same; the readers then check no bounds.
template <bool Padded>
LineKind read_common_line(std::string_view line, GcCycle& gc, ScavEvent& scav, size_t* end);

/// read_common_line<true> of a gc or scav line whose end is not known yet: the
/// line starts at `p` and ends at the first "\n" or "\r\n", with kLinePadding
/// bytes readable after that. kGc or kScav when the record is read; the line
/// is that one only when the record ends at its terminator (`p[*end]`), which
/// is for the caller to check. kPartial for anything else.
LineKind read_runtime_line_at(const char* p, GcCycle& gc, ScavEvent& scav, size_t* end);

/// Program output that cannot hold runtime text anywhere (kProgram, begin 0, end = size).
bool plain_program_line(std::string_view line);

}  // namespace gcsight
