// The terminal side of `gcsight run --live` and `gcsight watch --live`: the
// controlling terminal in dashboard mode (alternate screen, hidden cursor,
// keys read without echo), restored on every way out, and the dashboard's
// state (the program's output, a bounded recent history, pause and scroll)
// turned into frames drawn by render/render_live at most four times a second.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/live_snapshot.h"
#include "core/recent_pauses.h"
#include "core/trace_event.h"
#include "render/output_pane.h"
#include "render/render_live.h"

namespace gcsight {

/// The terminal on standard output, in dashboard mode while this exists.
class LiveTerminal {
 public:
  /// Enters dashboard mode; nullptr (and why in `err`) when standard output is not a terminal.
  /// Keys come from /dev/tty; only with `keys_from_stdin` may standard input stand in
  /// for it (never when standard input is what is being read).
  static std::unique_ptr<LiveTerminal> open(std::string* err, bool keys_from_stdin = true);
  ~LiveTerminal();
  LiveTerminal(const LiveTerminal&) = delete;
  LiveTerminal& operator=(const LiveTerminal&) = delete;

  /// Leaves dashboard mode (idempotent).
  void restore();
  /// Columns and rows now.
  [[nodiscard]] std::pair<size_t, size_t> size() const;
  /// Whether the terminal was resized since the last call.
  bool take_resize();
  /// Bytes typed since the last call (never blocks).
  std::string read_input();
  /// The descriptor keys come from, to wait on (-1: none).
  [[nodiscard]] int input_fd() const { return in_fd_; }
  /// Draws `lines` from the top-left corner, each line's rest cleared.
  void draw(const std::vector<std::string>& lines);

 private:
  LiveTerminal() = default;
  int in_fd_ = -1;
  bool own_in_fd_ = false;
  bool active_ = false;
};

/// The dashboard's state between frames.
class LiveDashboard {
 public:
  /// `clock_from_cycles`: the windows and charts end at the latest cycle's time
  /// instead of the time of the frame (`watch`, whose cycles carry the trace's own
  /// clock: a log read from its start must not look like all its cycles just happened).
  LiveDashboard(std::string title, LiveTerminal& terminal, ChartGlyphs glyphs, bool clock_from_cycles = false);

  /// Output of the program (stdout, and stderr that is not the runtime's).
  void on_output(std::string_view bytes);
  /// A gc cycle at `t_ns` (since launch, or on the trace's clock).
  void on_cycle(const GcCycle& c, int64_t t_ns);
  /// Forgets the cycle history and the pause window (a new run began: its clock starts again).
  void reset_history();
  /// A message of gcsight's own (a rotation, a truncation), shown until the next one.
  void set_notice(std::string text);
  /// What the output pane holds ("program output" unless told otherwise).
  void set_pane_title(std::string title) { pane_title_ = std::move(title); }
  /// A /proc sample at `t_ns` since launch.
  void on_sample(int64_t t_ns, std::optional<uint64_t> rss);
  /// Reads keys, follows resizes and redraws if one is due. Returns true the
  /// first time q is pressed (the caller ends the program).
  bool poll(int64_t t_ns, const std::function<LiveSnapshot()>& snapshot,
            const std::function<std::vector<Finding>()>& findings);
  /// The program ended: shown until the dashboard closes.
  void set_ended(int status, int64_t t_ns, const std::function<LiveSnapshot()>& snapshot,
                 const std::function<std::vector<Finding>()>& findings);

 private:
  void handle_keys(const std::string& keys, bool* quit);
  void chart_older();  // the charts' window half a span back in time
  void chart_newer();
  void newest();       // the newest output and the charts up to now
  void redraw(int64_t t_ns, const std::function<LiveSnapshot()>& snapshot,
              const std::function<std::vector<Finding>()>& findings);

  struct CyclePoint {
    int64_t t_ns;
    uint64_t heap_live, pause_ns, gc_cpu_ns, wall_cpu_ns;  // wall_cpu_ns: the cycle's wall time x procs
  };
  std::string title_;
  LiveTerminal& terminal_;
  ChartGlyphs glyphs_;
  bool clock_from_cycles_ = false;
  int64_t latest_cycle_ns_ = 0;
  std::string notice_;
  std::string pane_title_ = "program output";
  OutputPane output_;
  RecentPauses pauses_;
  std::vector<CyclePoint> cycles_;  // ring of the latest kHistory
  size_t cycles_next_ = 0;
  std::vector<std::pair<int64_t, uint64_t>> rss_;  // ring of the latest kHistory samples
  size_t rss_next_ = 0;
  std::vector<Finding> findings_;
  int64_t findings_at_ = -1;
  int64_t last_draw_ = -1;
  bool dirty_ = true;
  bool paused_ = false;
  bool quitting_ = false;
  bool ended_ = false;
  int exit_status_ = 0;
  size_t scroll_ = 0;
  // The charts' window: how far its end lies before the newest time (history
  // keys), and its span (+ and - step through kChartSpans; 5 minutes at first).
  static constexpr int64_t kChartSpans[] = {10'000'000'000,  30'000'000'000,  60'000'000'000,
                                            300'000'000'000, 900'000'000'000, 3'600'000'000'000};
  int64_t chart_back_ns_ = 0;
  size_t chart_span_ = 3;
  std::string pending_keys_;  // an escape sequence cut between reads
};

}  // namespace gcsight
