// What gcsight knows while its input is still coming: the figures of the
// current run so far, the parse counts and, under `gcsight run`, the latest
// /proc figures. `watch` prints it as a status line and the metrics endpoint
// serves it; both read this one value, never the analyzer itself.
#pragma once

#include <cstdint>
#include <optional>

#include "core/report.h"

namespace gcsight {

/// A point-in-time copy of the analysis; plain data, safe to hand to another thread.
struct LiveSnapshot {
  uint64_t runs = 0;          ///< runs found so far
  bool have_run = false;      ///< a gc cycle has been read
  uint32_t run_index = 0;     ///< the run `run` describes: the one begun last
  RunSummary run;             ///< its statistics so far
  uint64_t lines = 0;         ///< physical lines read
  uint64_t gc_lines = 0;      ///< gc cycles read, every run
  uint64_t scavenger_lines = 0;
  uint64_t program_lines = 0;
  uint64_t malformed_lines = 0;

  // `gcsight run` only.
  bool process = false;
  bool program_running = false;
  std::optional<uint64_t> rss;   ///< the latest sample's VmRSS
  bool parts_known = false;      ///< `parts` holds a decomposition (it lags the samples until the next cycle)
  RssBreakdown parts;
  uint64_t program_cpu_ns = 0;
  uint64_t samples = 0, samples_missing = 0;
  std::optional<uint64_t> self_rss;  ///< gcsight's own
  uint64_t self_cpu_ns = 0;
};

/// The snapshot of a finished analysis: its last run and, for `gcsight run`,
/// the process's figures at the end.
LiveSnapshot snapshot_of_report(const Report& report);

}  // namespace gcsight
