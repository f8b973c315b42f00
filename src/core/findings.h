// The rules that turn a run's statistics into findings. Each rule has a
// stable code, a severity, and thresholds documented in docs/findings.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/report.h"

namespace gcsight {

class RunStats;

/// Facts about a run that the statistics do not hold: gaps and read problems.
struct RunFacts {
  uint64_t malformed_lines = 0;
  uint64_t first_malformed_line = 0;
  uint64_t truncated_lines = 0;
  uint64_t numbering_gaps = 0;
  uint64_t missing_cycles = 0;
  uint32_t first_gap_after = 0;
  uint32_t first_gc_read = 0;  ///< the run's first gc number in the input, whether --since/--until selected it or not
  size_t run_count = 1;
  std::string input_error;
  int64_t first_wall_ns = 0;
  int64_t first_wall_end_ns = 0;
  bool rss_sampled = false;  ///< `gcsight run` sampled RSS: what the trace cannot show is shown there
};

/// One rule of the catalogue, for documentation.
struct RuleInfo {
  const char* code;
  const char* summary;
};

/// The rule catalogue, in evaluation order.
const std::vector<RuleInfo>& rule_catalogue();

/// Evaluates every rule; appends caveats about what the trace cannot show to `notes`.
std::vector<Finding> evaluate_findings(const RunStats& stats, const RunSummary& s,
                                       const RunFacts& facts, std::vector<std::string>* notes);

/// Human IEC size, e.g. "444 MiB", "1.2 GiB" (used in explanations).
std::string human_bytes(uint64_t bytes);
/// Human duration, e.g. "1.236 s", "2m02s", "350 µs".
std::string human_duration(int64_t ns);

}  // namespace gcsight
