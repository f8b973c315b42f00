// The memory model of `gcsight run`: puts the /proc samples and the trace on
// one clock, splits RSS into what the trace accounts for and the rest, and
// turns the result into findings (RSS retained after a collection, non-Go
// growth, a limit close by, an OOM kill, the peak).
//
// Streaming: it takes trace events and samples in arrival order, as a live run
// or a recording replays them, and keeps a bounded series (thinned evenly
// when it grows past its cap), so a run of days stays small.
//
// Clocks: samples carry their time since launch. A trace event carries its
// arrival (wall clock); the runtime's `@` is since the process started, so
// the model estimates per run the start as the smallest arrival - end of
// cycle over the cycles seen (a line never arrives before its cycle ends).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/line_stitcher.h"
#include "core/live_snapshot.h"
#include "core/memory_sample.h"
#include "core/report.h"

namespace gcsight {

/// Knobs of the model; the defaults are documented in docs/findings.md.
struct MemoryModelOptions {
  size_t max_points = 1 << 15;  ///< samples kept before the series is thinned by half
  int64_t retained_warn_ns = 10'000'000'000;  ///< RSS held this long after a collection: a finding
};

/// Parses a GOMEMLIMIT value as the runtime does: a byte count with an optional
/// unit suffix B, KiB, MiB, GiB, TiB. nullopt for "off", empty or malformed.
std::optional<uint64_t> parse_gomemlimit(std::string_view text);

class MemoryModel {
 public:
  /// `launch_wall_ns`: wall clock at launch (the samples' zero).
  explicit MemoryModel(int64_t launch_wall_ns, MemoryModelOptions opts = {});

  /// A trace event (gc cycle, scavenger line); its wall_ns is its arrival time.
  void on_event(const TraceEvent& e);
  /// A /proc sample, in time order.
  void on_sample(const MemorySample& s);
  /// Completes the series and writes the timeline, the RSS figures and the
  /// findings into `info` (its gomemlimit, interval and exit are read).
  void finish(ProcessInfo& info);
  /// Fills the process figures of a live snapshot: the latest sample's RSS,
  /// the latest decomposed point (decomposition waits for the cycle after a
  /// sample, so it lags), CPU time and sample counts.
  void live(LiveSnapshot& s) const;
  /// The memory findings as they stand, while the program runs: those of finish()
  /// from the samples decomposed so far (a sample waits for the next cycle), worded
  /// for a program still running. `gomemlimit` is the program's GOMEMLIMIT setting.
  [[nodiscard]] std::vector<Finding> live_findings(const std::string& gomemlimit) const;

 private:
  struct Cycle {
    bool valid = false;
    uint32_t gc = 0;
    int64_t start_ns = 0, end_ns = 0;  // launch clock
    uint64_t heap_start = 0, heap_end = 0, live = 0, stacks_globals = 0;
    bool periodic = false, forced = false;
  };
  struct Pending {
    int64_t t_ns;
    uint64_t rss, file, lazy_free;
  };
  struct Collection {
    uint32_t gc = 0;
    int64_t t_ns = 0;  // end of the collecting cycle, launch clock
    uint64_t heap_before = 0, live_after = 0, freed = 0;
    bool forced = false;
    bool have_r0 = false;
    uint64_t r0 = 0, rss_max = 0;
    int64_t r0_ns = 0;
    bool closed = false, fell = false, reused = false;
    int64_t fell_ns = 0;
    uint64_t rss_after = 0;       // the first sample below the level
    uint64_t settled = 0;         // the lowest within kSettleNs after
    int64_t settled_ns = 0;
    Cycle before_fall;  // the last cycle that ended before the fall
    uint64_t scav_returned = 0;  // scavenger work printed between the collection and the fall
  };

  void on_cycle(const GcCycle& c, int64_t arrival_ns);
  void finalize_until(int64_t t_ns, const Cycle* next);
  void finalize(const Pending& p, const Cycle* next);
  void keep(const RssBreakdown& b);
  void watch_collections(const RssBreakdown& b);
  void fill_timeline(MemoryTimeline& m, const std::string& gomemlimit) const;
  void add_findings(ProcessInfo& info, bool ended) const;

  int64_t launch_wall_ns_;
  MemoryModelOptions opts_;

  // Trace state of the current run.
  bool have_offset_ = false;
  int64_t offset_ns_ = 0;  // process start, launch clock
  int64_t first_offset_ns_ = -1;  // the first run's, once a second run began
  Cycle prev_;             // last cycle
  bool pending_periodic_ = false;  // a bare `GC forced` announced the next cycle
  uint64_t peak_footprint_ = 0;
  uint64_t returned_since_peak_ = 0;
  uint64_t rss_max_since_peak_ = 0;

  // Samples.
  std::vector<Pending> pending_;
  uint64_t last_lazy_free_ = 0;
  bool lazy_known_ = false;
  std::vector<RssBreakdown> points_;
  int64_t step_ns_ = 0;
  uint64_t thin_phase_ = 0;  // samples since the last kept one
  uint64_t thin_every_ = 1;  // keep one sample in this many
  RssBreakdown peak_, last_;
  bool have_peak_ = false, have_last_ = false;
  uint64_t samples_ = 0, missing_ = 0;
  std::optional<uint64_t> latest_rss_;
  int64_t last_sample_ns_ = 0;
  std::optional<uint64_t> first_oom_kill_, last_oom_kill_;
  uint8_t cgroup_version_ = 0;
  uint64_t cgroup_peak_ = 0;
  int64_t cgroup_peak_ns_ = 0;
  bool cgroup_known_ = false, cgroup_limited_ = false;
  uint64_t cgroup_limit_ = 0;
  uint64_t cpu_ns_ = 0;

  // Growth of non-Go memory: least squares of `other` and of the Go parts over time.
  struct Fit {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    void add(double x, double y);
    [[nodiscard]] double slope() const;
    [[nodiscard]] double r2() const;
  };
  Fit other_fit_, go_fit_;
  int64_t fit_from_ns_ = -1, fit_to_ns_ = 0;
  uint64_t other_first_ = 0, other_last_ = 0;

  std::vector<Collection> collections_;
};

}  // namespace gcsight
