// Checks shared by the differential fuzzer (fuzz/fuzz_parser.cpp) and the
// tests that replay its findings (tests/unit/fuzz_regressions_test.cpp): the
// fast line parser against the reference parser, and the line stitcher's
// promise never to lose a line. Each check returns a description of the first
// problem, or an empty string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/line_stitcher.h"
#include "core/trace_event.h"

namespace gcsight::ref {

/// `s` with control and non-ASCII bytes written as \xNN, for messages.
std::string escape(std::string_view s);

/// Field-by-field differences "name: a vs b", one per line; empty when equal.
std::string diff_gc(const GcCycle& a, const GcCycle& b);
/// Field-by-field differences "name: a vs b", one per line; empty when equal.
std::string diff_scav(const ScavEvent& a, const ScavEvent& b);

/// Compares parse_trace_line with the reference parser (runtime spelling) on one
/// line: either neither reads a complete runtime line, or both read the same kind
/// at the same offsets with identical records. Empty when they agree.
std::string compare_line(std::string_view line);

/// A line the lenient reference reads although its numbers are not spelled as
/// the runtime prints them (so the strict fast parser reads it differently):
/// a description of the disagreement, or empty.
std::string spelling_note(std::string_view line);

/// Splits `input` the way LineReader does: on "\n", dropping one "\r" before it;
/// a last line without "\n" is unterminated. Views point into `input`.
std::vector<InputLine> split_lines(std::string_view input);

/// Feeds `input` through LineStitcher and checks its events: every line number
/// comes back in some event, except that a stitched record may consume the last
/// piece of its line (that piece has no program text left to return); event
/// line numbers exist; an unstitched record is what the reference reads on its line;
/// a line the reference reads as a whole gc or scav line from column 0 gives a record.
std::string check_stitcher(std::string_view input);

/// compare_line on every line of `input`, then check_stitcher; the first failure.
std::string check_input(std::string_view input);

}  // namespace gcsight::ref
