// `gcsight watch FILE|-`: follow a growing trace log (as `tail -F`), report
// each cycle as it is read (NDJSON), a status line per interval or a
// full-screen dashboard (--live), and serve the figures to Prometheus
// (--metrics-listen).
#pragma once

#include <cstdint>
#include <string>

#include "cli/terminal.h"

namespace gcsight {

/// Options of `watch`.
struct WatchArgs {
  std::string input;                    ///< a file, or "-" for standard input
  std::string format = "text";          ///< text (status lines) or json (NDJSON)
  int64_t interval_ns = 1'000'000'000;  ///< --interval: status / summary period
  int64_t poll_ns = 100'000'000;        ///< how often a file is checked for growth
  bool from_end = false;                ///< --from-end: skip what the file already holds
  std::string metrics_listen;           ///< --metrics-listen HOST:PORT
  bool live = false;                    ///< --live: the full-screen dashboard instead of status lines
  ChartsMode charts = ChartsMode::kAuto;  ///< --charts: the dashboard's chart glyphs
};

/// Runs `watch` until the input ends (standard input closed), SIGINT/SIGTERM or,
/// with --live, q; returns 0, 2 (a bad option or the metrics address cannot be
/// bound), 3 (the input cannot be read) or 4 (standard output was lost).
int run_watch(const WatchArgs& args);

}  // namespace gcsight
