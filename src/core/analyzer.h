// The analysis pipeline after the stitcher: trace events -> runs -> per-run
// statistics -> findings -> Report. Pure: it sees events, never files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/line_stitcher.h"
#include "core/live_snapshot.h"
#include "core/report.h"

namespace gcsight {

/// A bound of --since / --until: seconds since the process started, or a
/// wall-clock time (unix ns) where the log or --start-time gives one.
struct TimeBound {
  bool wall = false;
  int64_t ns = 0;
};

/// Knobs of the analysis.
struct AnalyzeOptions {
  size_t max_markers = 200;       ///< program lines kept per run (then only counted)
  size_t max_problems = 20;       ///< malformed lines listed (all are counted)
  int64_t start_time_ns = 0;      ///< wall clock of `@0` (unix ns), 0 = unknown
  bool has_start_time = false;
  bool rss_sampled = false;       ///< `gcsight run`: RSS findings come from samples, not the trace
  std::optional<TimeBound> since; ///< only cycles that started at or after this
  std::optional<TimeBound> until; ///< only cycles that started before this
  /// Runs kept, 0 = all. Past it the oldest run is dropped when a new one
  /// begins, and counted in a note: `watch` follows a log for days, and a
  /// service that keeps restarting adds a run each time.
  size_t max_runs = 0;
};

/// Called for every gc cycle once it is assigned to a run (for CSV streaming).
using CycleSink = std::function<void(uint32_t run_index, const GcCycle&)>;

class RunStats;

/// Builds runs from events and analyses them.
class Analyzer {
 public:
  explicit Analyzer(AnalyzeOptions opts = {}, CycleSink cycles = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Starts a new input; runs do not continue from one input to the next.
  void begin_input(const std::string& name);
  /// Takes the next event of the current input.
  void on_event(const TraceEvent& e);
  /// The same for a gc or scav event given as its record alone (`line` and
  /// `wall_ns` set), as on_event would take it: the fast lane of whole lines.
  void on_gc(const GcCycle& gc);
  void on_scav(const ScavEvent& scav);
  /// A whole line of program output (an event of TextRole::kLine), likewise.
  void on_program_line(std::string_view text, uint64_t line, int64_t wall_ns);
  /// The same for text that stays readable until keep_borrowed_text(): what
  /// the report keeps of the latest lines is copied then, not line by line.
  void on_program_line_borrowed(std::string_view text, uint64_t line, int64_t wall_ns);
  /// Copies what is kept of borrowed text; the caller's buffer may go after this.
  void keep_borrowed_text();
  /// Ends the current input with what was read of it.
  void end_input(InputInfo info, const StitchStats& stitch, std::string wrapper);
  /// Computes statistics and findings of every run.
  Report finish(std::string tool_version);

  /// The figures so far, while input is still being read: the parse counts and
  /// the statistics of the run begun last (a restarted process's new run).
  /// Costs one RunStats::summary(); meant for every cycle or every second, not every line.
  [[nodiscard]] LiveSnapshot live() const;
  /// The findings of the run begun last, as the rules read its statistics so
  /// far (empty before its first cycle). Costs a summary and the rules: meant
  /// for about once a second.
  [[nodiscard]] std::vector<Finding> live_findings() const;
  /// Gc lines read so far, every run.
  [[nodiscard]] uint64_t gc_lines() const { return report_.parse.gc_lines; }

 private:
  struct RunState;
  RunState& run_for_gc(const GcCycle& c);
  [[nodiscard]] bool selected(const GcCycle& c) const;
  RunState* current();
  void add_marker(RunState& r, std::string_view text, uint64_t line, int64_t wall_ns, bool borrowed = false);
  void program_line(std::string_view text, uint64_t line, int64_t wall_ns, bool borrowed);

  AnalyzeOptions opts_;
  CycleSink cycles_;
  bool ranged_ = false;  ///< --since or --until given
  Report report_;
  std::vector<std::unique_ptr<RunState>> runs_;
  uint32_t runs_begun_ = 0;    ///< runs created so far (each run's index)
  uint64_t runs_dropped_ = 0;  ///< the oldest runs dropped past opts_.max_runs
  std::vector<size_t> input_runs_;  ///< runs of the current input
  std::string input_;
  RunState* current_ = nullptr;
  bool pending_periodic_ = false;
  uint64_t pending_forced_line_ = 0;  ///< the line of that `GC forced`
  std::vector<ScavEvent> pre_run_scav_;   ///< scavenger lines before the input's first gc
  std::vector<std::pair<std::string, uint64_t>> pre_run_markers_;
  uint64_t pre_run_gc_forced_ = 0;
  uint64_t pre_run_malformed_ = 0;
  uint64_t pre_run_first_malformed_ = 0;  // the line of the first of them
};

}  // namespace gcsight
