// What `gcsight watch` writes: with --format json, one JSON object per line
// (NDJSON) for each gc cycle and scavenger line as it is read and a summary
// each interval; with text, a one-line status per interval. The fields are
// documented in docs/cli.md. The later full-screen view reads the same
// WatchStatus.
#pragma once

#include <cstdint>
#include <string>

#include "core/live_snapshot.h"
#include "core/trace_event.h"

namespace gcsight {

/// The figures of one status line / summary object.
struct WatchStatus {
  LiveSnapshot live;              ///< the analysis so far
  uint64_t window_cycles = 0;     ///< cycles in the pause window (up to RecentPauses::kSize)
  uint64_t last_pause_ns = 0;     ///< the latest cycle's stop-the-world pause
  uint64_t window_p99_pause_ns = 0;
  int64_t elapsed_ns = 0;         ///< since watch started
  uint64_t rotations = 0, truncations = 0;
  bool final = false;             ///< the last one, written when watch ends
};

/// `{"type":"gc",...}` for one cycle of run `run`, without a newline.
std::string ndjson_cycle(uint32_t run, const GcCycle& c);
/// `{"type":"scav",...}` for one scavenger line (run: of the latest gc line, 0 = none yet).
std::string ndjson_scav(uint32_t run, const ScavEvent& e);
/// `{"type":"summary",...}`.
std::string ndjson_summary(const WatchStatus& s);
/// The compact one-line status (no newline); with `ascii`, in ASCII only ("us" for "µs"),
/// for a terminal that may not show UTF-8 (as the text report with ASCII charts).
std::string status_line(const WatchStatus& s, bool ascii = false);

}  // namespace gcsight
