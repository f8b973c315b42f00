// The full-screen dashboard of `gcsight run --live` and `watch --live` as
// plain lines: a LiveFrame (the figures, the recent history, the findings so
// far and the program's output) and a terminal size in, exactly `rows` lines
// out, none wider than `columns`. Pure, so it is tested at fixed sizes; the
// terminal handling is cli/live_view's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/report.h"
#include "render/render_watch.h"
#include "render/text_chart.h"

namespace gcsight {

/// Everything one frame of the dashboard shows.
struct LiveFrame {
  std::string title;                 ///< what is watched: the command, or the followed file
  WatchStatus status;                ///< the snapshot, the pause window, the elapsed time
  double window_gc_cpu = -1;         ///< GC CPU over the recent window; -1 unknown
  double window_cycles_per_min = -1; ///< cycle rate over the recent window; -1 unknown
  int64_t window_ns = 0;             ///< that window's length
  ChartSeries heap_live, goal, rss, pauses;  ///< recent history, times since launch
  int64_t chart_from_ns = 0, chart_to_ns = 0;
  int64_t chart_back_ns = 0;         ///< how far chart_to_ns lies before the newest time (history keys)
  std::vector<Finding> findings;     ///< so far, most severe first
  std::vector<std::string_view> output;  ///< the program's output lines (already made safe), oldest first
  size_t scroll = 0;                 ///< lines scrolled up from the newest
  bool paused = false;               ///< redraws paused
  bool ended = false;                ///< the program has ended
  int exit_status = 0;
  bool quitting = false;             ///< q was pressed: waiting for the program to end
  bool clock_from_cycles = false;    ///< windows and charts end at the latest cycle, on the trace's clock (watch)
  std::string notice;                ///< gcsight's latest message (a rotation...), already made safe; "" none
  std::string pane_title = "program output";  ///< what the output pane holds
};

/// Smallest size the dashboard draws at; below it one line says so.
inline constexpr size_t kLiveMinColumns = 40, kLiveMinRows = 12;

/// The dashboard as `rows` lines of at most `columns` display columns (UTF-8, no escapes).
std::vector<std::string> render_live(const LiveFrame& frame, size_t columns, size_t rows, ChartGlyphs glyphs);

/// The largest scroll that still fills the output pane at this size.
size_t live_max_scroll(const LiveFrame& frame, size_t columns, size_t rows);

}  // namespace gcsight
