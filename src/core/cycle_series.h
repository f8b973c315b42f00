// The chart data of a run: a per-cycle series that stays bounded however long
// the run, and a bounded choice of whole cycles for a table.
//
// The series holds one point per cycle while a run has at most kSeriesPoints
// cycles. Past that, neighbouring points merge pairwise, so each point covers
// 2^k consecutive cycles and keeps the minimum and the maximum of what it
// covers: a peak (the longest pause, the largest heap) survives any amount of
// down-sampling. The table keeps the first and last cycles, the cycles around
// large heap drops, the longest pauses and forced cycles, and an even sample
// of the rest, and says how many it left out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/trace_event.h"

namespace gcsight {

/// Consecutive cycles merged into one chart point.
struct SeriesPoint {
  uint32_t gc_first = 0, gc_last = 0;
  uint32_t cycles = 0;
  uint8_t flags = 0;              ///< GcFlag bits of any cycle covered (forced, periodic, stitched)
  int64_t t_first_ns = 0;         ///< `@` of the first cycle
  int64_t t_last_ns = 0;          ///< `@` of the last cycle
  uint64_t heap_start_max = 0;    ///< heap at cycle start
  uint64_t heap_end_max = 0;      ///< heap when marking ended
  uint64_t live_min = 0, live_max = 0, live_last = 0;
  uint64_t goal_max = 0, goal_last = 0;
  uint64_t stacks_globals_max = 0;
  uint64_t pause_min_ns = 0, pause_max_ns = 0;  ///< STW: sweep + mark termination
  uint32_t pause_max_gc = 0;
  uint64_t cpu_ns[5] = {};        ///< summed: sweep-term, assist, background, idle, mark-term
  double capacity_ns = 0;         ///< wall time x GOMAXPROCS the point's cycles cover
  int64_t util_pct_last = 0;      ///< cumulative GC CPU % as printed on the last line
  int64_t interval_min_ns = -1;   ///< time from the previous cycle's start; -1 = none
  int64_t interval_max_ns = -1;
};

/// A scavenger line's figures, merged like the gc points.
struct ScavPoint {
  uint32_t after_gc = 0;           ///< last gc cycle before the (first) line
  int64_t t_ns = -1;               ///< start of that cycle, -1 if unknown
  uint32_t lines = 0;
  uint64_t released_work = 0;      ///< summed work (bg + eager, or scvg released)
  uint64_t released_now_max = 0;   ///< HeapReleased as printed (total/now), 0 if not printed
  uint64_t retained_max = 0;       ///< scvg consumed (sys - released), <= Go 1.13
  bool forced = false;
};

/// A run's chart data, as the report carries it.
struct RunSeries {
  std::vector<SeriesPoint> points;   ///< in cycle order
  uint32_t cycles_per_point = 1;     ///< 1 while every cycle has its own point
  std::vector<ScavPoint> scavenger;
  uint32_t scav_lines_per_point = 1;
  std::vector<GcCycle> table;        ///< chosen whole cycles, in cycle order
  uint64_t table_cycles_total = 0;   ///< cycles in the run
  bool table_complete = true;        ///< every cycle is in `table`
};

/// Builds a RunSeries from a run's cycles as they arrive.
class CycleSeries {
 public:
  static constexpr size_t kSeriesPoints = 4096;
  static constexpr size_t kScavPoints = 2048;
  static constexpr size_t kTableAll = 2000;      ///< up to this many cycles, the table has all
  static constexpr size_t kTableSample = 1000;   ///< then: an even sample of this size
  static constexpr size_t kTableEnds = 100;      ///< and the first and last this many
  static constexpr size_t kTableLongest = 20;    ///< and the longest pauses
  static constexpr size_t kTableForced = 64;     ///< and the first forced and periodic cycles
  static constexpr size_t kTableDrops = 16;      ///< and the cycles around the first large drops

  /// `c` carries kGcPeriodic when the run builder knows it.
  void add_cycle(const GcCycle& c);
  void add_scav(const ScavEvent& e, uint32_t after_gc, int64_t after_ns);
  /// Cycles a finding names, kept for the table whatever else it keeps: the
  /// latest cycle added is the one before the largest scavenger release so far,
  /// or the first cycle whose goal was tight.
  enum class FindingCycle : uint8_t { kLargestRelease, kFirstTight };
  void keep_latest_for(FindingCycle which);

  [[nodiscard]] RunSeries finish() const;

 private:
  /// Adds the point of a cycle while no point is open.
  void add_point(const SeriesPoint& p);
  /// Moves the open point to the series once it covers per_point_ cycles.
  void close_open_point();
  /// Puts `c` among the longest pauses in place of the shortest one kept.
  void keep_longer(const GcCycle& c);
  /// The cycle `back` places before the newest one in last_ (back < last_.size()).
  [[nodiscard]] const GcCycle& recent(size_t back) const;

  std::vector<SeriesPoint> points_;
  uint32_t per_point_ = 1;
  SeriesPoint open_;               // the point being filled while per_point_ > 1
  std::vector<ScavPoint> scav_;
  uint32_t scav_per_point_ = 1;
  ScavPoint scav_open_;
  // Of the previous cycle (also in the ring, kept here to skip the ring's index arithmetic).
  bool prev_timed_ = false;        // there is one, and it has an `@` time
  int64_t prev_start_ns_ = 0;
  uint64_t prev_live_ = 0;
  uint64_t cycles_ = 0;

  // Table: every cycle until kTableAll, then the chosen ones.
  std::vector<GcCycle> all_;       // while cycles_ <= kTableAll
  std::vector<GcCycle> first_;     // the first kTableEnds
  std::vector<GcCycle> notable_;   // forced, periodic, around drops (bounded)
  std::vector<GcCycle> longest_;   // min-heap on pause
  std::vector<GcCycle> sample_;    // every stride_-th cycle
  uint64_t stride_ = 1;
  std::vector<GcCycle> last_;      // ring of the last kTableEnds
  size_t last_next_ = 0;
  size_t forced_kept_ = 0, periodic_kept_ = 0, drops_kept_ = 0;
  int after_drop_ = 0;             // cycles after a drop still to keep
  std::array<std::optional<GcCycle>, 2> for_findings_;  // by FindingCycle
};

}  // namespace gcsight
