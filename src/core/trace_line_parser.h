// Classifies one logical line: a complete runtime trace line (gc, scavenger,
// `GC forced`, pacer, scan), ordinary program output, or the start of a runtime
// line that program output has split (to be re-assembled by LineStitcher).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/trace_event.h"
#include "core/trace_grammar.h"

namespace gcsight {

/// What a line is.
enum class LineKind : uint8_t {
  kProgram,   ///< not a runtime line: the program's own output
  kGc,        ///< a complete gc line (any era from 1.5)
  kGcLegacy,  ///< a Go <= 1.4 gc line (recognised and counted)
  kScav,      ///< a complete scavenger line (scvg or scav)
  kGcForced,  ///< the bare `GC forced` line of the periodic GC
  kPacer,     ///< a `pacer:` line (gcpacertrace), recognised and skipped
  kScan,      ///< a `scan:` line (gctrace=2, Go 1.25+), recognised and skipped
  kPartial,   ///< a runtime line that does not finish on this line
};

/// The outcome of parsing one line.
struct LineParse {
  LineKind kind = LineKind::kProgram;
  size_t begin = 0;  ///< offset where the runtime text starts (text before it is program output)
  size_t end = 0;    ///< offset where the runtime text ends (text after it is program output)
  GcCycle gc;        ///< for kGc / kGcLegacy
  ScavEvent scav;    ///< for kScav
  // For kPartial: the shape that got furthest, and where it stopped.
  const Shape* shape = nullptr;
  std::span<const Shape> family;  ///< all shapes sharing the head that was found
  size_t fail_tok = 0;    ///< index of the token that did not match
  size_t fail_pos = 0;    ///< offset in the line where it did not match
  bool strong = false;    ///< the runtime start is unambiguous (line start, or several tokens matched)
};

/// Parses one line (without its terminator): the whole-line fast path
/// (trace_line_fast) for the common shapes, else the grammar path.
LineParse parse_trace_line(std::string_view line);

/// The grammar path alone; parse_trace_line gives the same result faster.
LineParse parse_trace_line_grammar(std::string_view line);

/// Greedy match of `shape` from token `tok` over `s` starting at `pos`.
struct GreedyMatch {
  bool complete = false;  ///< every token matched (optional ones may be absent)
  size_t pos = 0;         ///< where matching stopped
  size_t tok = 0;         ///< first token not matched
};
GreedyMatch match_greedy(const Shape& shape, std::string_view s, size_t pos, size_t tok,
                         FieldValues& vals);

/// Builds the record of a complete gc match (kGc or kGcLegacy shapes).
GcCycle build_gc(const Shape& shape, const FieldValues& v);
/// Builds the record of a complete scavenger match.
ScavEvent build_scav(const Shape& shape, const FieldValues& v);

/// Whether a line that is not a runtime line looks like the tail of one
/// (` ms clock, `, ` ms cpu, `, `KiB work`...): an orphaned piece of a split line.
bool looks_like_runtime_tail(std::string_view line);

/// Human-readable description of what token `tok` of `shape` expects.
std::string_view expected_text(const Shape& shape, size_t tok);

}  // namespace gcsight
