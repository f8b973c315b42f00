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

// The three parts of parse_common_line, for a caller that keeps records in its
// own storage. Each writes its record only when it accepts the line, and then
// sets every field of it (no zeroing first: it runs on most lines of a trace).

/// A whole Go 1.18+ gc line from offset 0 (kGc); `*end` is LineParse::end.
bool read_common_gc(std::string_view line, GcCycle& out, size_t* end);
/// A whole Go 1.21+ scav line from offset 0 (kScav); `*end` is LineParse::end.
bool read_common_scav(std::string_view line, ScavEvent& out, size_t* end);

/// Bytes that read_padded_gc and read_padded_scav may read after a line.
inline constexpr size_t kLinePadding = 64;
/// read_common_gc and read_common_scav for a line whose storage goes on: the
/// byte just after it is "\n", "\r" or "\0", and kLinePadding bytes after
/// the line can be read. Same results, with no bounds checks while reading.
bool read_padded_gc(std::string_view line, GcCycle& out, size_t* end);
bool read_padded_scav(std::string_view line, ScavEvent& out, size_t* end);

/// Program output that cannot hold runtime text anywhere (kProgram, begin 0, end = size).
bool plain_program_line(std::string_view line);

}  // namespace gcsight
