// The slow, obviously correct reference parser of one runtime trace line, used
// only by tests and the fuzzer to check the fast parser (core/trace_line_parser).
// It is written from docs (go-trace-formats.md §2, §3, §7, §8), not from the
// fast parser's token tables: one std::regex per line shape, a leftmost search,
// and exact integer conversion of every number into the units of GcCycle and
// ScavEvent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/trace_event.h"

namespace gcsight::ref {

/// What the reference parser read on a line.
enum class RefKind : unsigned char {
  kNone,      ///< no complete runtime line (program output, or a piece of a split line)
  kGc,        ///< a gc line of Go 1.5 or later
  kGcLegacy,  ///< a Go <= 1.4 gc line
  kScav,      ///< a scvg or scav line
  kGcForced,  ///< the bare `GC forced` line
  kPacer,     ///< a line starting with `pacer: ` and one of the runtime's pacer texts
  kScan,      ///< a line starting with `scan: total ` or `scan: class `
};

/// Which spellings of numbers the parser accepts.
enum class Spelling : unsigned char {
  /// Any `\d+(\.\d+)?` duration or seconds value, integers with leading zeros.
  kLenient,
  /// Only the text the runtime itself prints for the value (fmtNSAsMS, `%d.%03d`,
  /// plain decimal integers); a match spelled otherwise is skipped and the search goes on.
  kRuntime,
};

/// The outcome of reading one line.
struct RefParse {
  RefKind kind = RefKind::kNone;
  std::size_t begin = 0;  ///< where the runtime text starts (what precedes it is program text)
  std::size_t end = 0;    ///< where the runtime text ends (what follows it is program text)
  GcCycle gc;             ///< for kGc and kGcLegacy (line and wall_ns stay 0)
  ScavEvent scav;         ///< for kScav (line and wall_ns stay 0)
  /// Every number of the match is spelled as the runtime prints it (always true in kRuntime).
  bool runtime_spelling = true;
  std::string_view shape;  ///< name of the regex that matched, for messages ("" if none)
};

/// Reads one complete line (no terminator). Text before and after the runtime
/// text is allowed. Numbers must fit their record field exactly after unit
/// conversion; a match whose values do not fit is not a runtime line.
RefParse reference_parse(std::string_view line, Spelling spelling = Spelling::kLenient);

/// Name of a kind, for messages.
std::string_view ref_kind_name(RefKind kind);

/// Go's fmtNSAsMS: how the runtime prints a duration of `ns` nanoseconds in ms.
std::string format_ns_as_ms(unsigned long long ns);

}  // namespace gcsight::ref
