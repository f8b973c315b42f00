// Streaming statistics of one run: every figure of RunSummary is computed
// from accumulators whose size does not grow with the number of cycles
// (exact value->count maps for pauses, whose printed values have two
// significant digits; a time-bucketed series that halves its resolution as the
// run grows).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/report.h"
#include "core/trace_event.h"
#include "core/value_counts.h"

namespace gcsight {

/// One time bucket of a run's series: what the windowed GC CPU and the
/// live-heap trends read (the chart series is CycleSeries').
struct SeriesBucket {
  int64_t from_ns = 0;
  int64_t to_ns = 0;
  uint64_t cycles = 0;
  uint64_t live_min = 0;
  uint64_t gc_cpu_ns = 0;      ///< GC CPU excluding idle workers
  double cpu_capacity_ns = 0;  ///< interval x GOMAXPROCS covered by the bucket
};

/// A large drop of the live heap between consecutive cycles.
struct HeapDrop {
  uint32_t gc = 0;
  uint64_t line = 0;
  int64_t start_ns = 0;
  uint64_t before = 0, after = 0;
  uint64_t heap_start = 0;  ///< heap when the collecting cycle started
  bool forced = false;
  std::string marker_before, marker_after;
  uint64_t marker_before_line = 0, marker_after_line = 0;
  uint64_t released_after = 0;  ///< what scavenger lines after this cycle released, all together
};

/// A scavenger line that returned a large amount of memory.
struct ReleaseEvent {
  uint64_t line = 0;
  int64_t counter = 0;
  bool numbered = false;
  bool forced = false;
  uint64_t released = 0;       ///< released by this line (work, or increase of the total)
  uint64_t consumed_after = 0; ///< scvg: consumed after it; 0 if unknown
  bool has_consumed = false;
  uint32_t after_gc = 0;       ///< last gc before it
  int64_t after_ns = 0;        ///< start of that gc
};

/// The scvg state line showing the most memory held but not returned.
struct RetainedEvent {
  uint64_t line = 0;
  int64_t counter = 0;
  bool numbered = false;
  uint64_t consumed = 0, inuse = 0, sys = 0, released = 0;
  uint32_t after_gc = 0;
  int64_t after_ns = 0;
};

/// Accumulates one run.
class RunStats {
 public:

  /// Adds a cycle (already assigned to this run).
  void add_cycle(const GcCycle& c);
  /// Adds a scavenger line seen after cycle `last_gc` (0 = before any).
  void add_scav(const ScavEvent& e);
  void add_gc_forced() { ++summary_.gc_forced_lines; }
  /// Notes a program line, for the markers around heap drops. `borrowed`: its
  /// text stays readable until keep_program_line(), which copies it then (only
  /// the last line's text is ever read).
  void add_program_line(std::string_view text, uint64_t line, bool borrowed = false);
  /// Copies the last program line's text if it is still borrowed.
  void keep_program_line();

  /// Final figures.
  [[nodiscard]] RunSummary summary() const;
  [[nodiscard]] const std::vector<SeriesBucket>& buckets() const { return buckets_; }
  [[nodiscard]] const std::vector<HeapDrop>& heap_drops() const { return drops_; }
  /// The scavenger line that released the most (the first of equals); released == 0 if none reached 32 MiB.
  [[nodiscard]] const ReleaseEvent& largest_release() const { return largest_release_; }
  /// How many scavenger lines released 32 MiB or more, and how much they released together.
  [[nodiscard]] uint64_t large_releases() const { return large_releases_; }
  [[nodiscard]] uint64_t large_released_total() const { return large_released_total_; }
  /// Longest pauses, longest first (at most 5): (pause ns, gc).
  [[nodiscard]] const std::vector<std::pair<uint64_t, uint32_t>>& longest_pauses() const {
    return longest_;
  }
  [[nodiscard]] const RetainedEvent& retained() const { return retained_; }
  [[nodiscard]] uint32_t last_gc() const { return last_gc_; }
  [[nodiscard]] int64_t last_start_ns() const { return last_start_; }
  [[nodiscard]] bool has_cycles() const { return summary_.cycles > 0; }
  /// First periodic-only cycle of a trailing idle stretch (0 if none), and its count.
  [[nodiscard]] uint32_t idle_since_gc() const { return idle_since_gc_; }
  [[nodiscard]] uint64_t idle_cycles() const { return idle_cycles_; }
  [[nodiscard]] int64_t idle_since_ns() const { return idle_since_ns_; }
  [[nodiscard]] uint64_t tight_goal_cycles() const { return tight_cycles_; }
  [[nodiscard]] uint32_t first_tight_gc() const { return first_tight_gc_; }
  [[nodiscard]] uint64_t max_heap_end() const { return summary_.heap_end.max; }
  void set_pending_periodic() { pending_periodic_ = true; }
  /// Whether the last cycle added was announced by `GC forced`.
  [[nodiscard]] bool last_was_periodic() const { return prev_.has(kGcPeriodic); }

 private:
  template <bool kSteady>
  void add_cycle_as(const GcCycle& c, uint8_t flags);
  // Sets bucket_index_ (and the times it covers) to the bucket of `start_ns`, merging pairs when the series is full.
  void locate_bucket(int64_t start_ns);
  // A large drop of the live heap from the previous cycle to `c`, and keeping it among the largest.
  [[nodiscard]] bool large_drop(const GcCycle& c) const;
  void add_drop(const GcCycle& c, bool timed, bool forced);
  static Distribution distribution(const ValueCounts& counts, uint32_t max_gc);

  RunSummary summary_;
  ValueCounts pause_counts_;
  ValueCounts mark_counts_;
  std::vector<std::pair<int64_t, uint64_t>> gogc_counts_;  // by GOGC, in order
  size_t gogc_last_ = 0;  // the entry counted last: most cycles of a run share it
  std::vector<SeriesBucket> buckets_;
  int64_t bucket_width_ns_ = 100'000'000;
  int64_t origin_ns_ = 0;
  size_t bucket_index_ = 0;   // the bucket of the last cycle ...
  int64_t bucket_from_ns_ = 0;  // ... and the start times that map to it: [from, to)
  int64_t bucket_to_ns_ = 0;
  std::vector<HeapDrop> drops_;
  ReleaseEvent largest_release_;
  ReleaseEvent last_release_;      // the latest large release, which a state line may complete
  bool last_is_largest_ = false;   // ... and whether it is largest_release_
  uint64_t large_releases_ = 0;
  uint64_t large_released_total_ = 0;
  RetainedEvent retained_;
  std::vector<std::pair<uint64_t, uint32_t>> longest_;
  uint32_t awaiting_gc_ = 0;  // heap drop waiting for the next program line
  std::array<char, 200> last_marker_{};  // the last program line's first 200 bytes ...
  size_t last_marker_len_ = 0;         // ... and how many of them it has
  std::string_view borrowed_marker_;   // or its first bytes in the caller's buffer, until keep_program_line()
  bool marker_borrowed_ = false;
  uint64_t last_marker_line_ = 0;
  [[nodiscard]] std::string last_marker() const {
    return marker_borrowed_ ? std::string(borrowed_marker_) : std::string(last_marker_.data(), last_marker_len_);
  }
  // What the next cycle needs of the previous one (a whole GcCycle is 160 bytes).
  struct PrevCycle {
    int64_t start_ns = 0;
    uint64_t heap_start = 0, heap_end = 0, heap_live = 0, stacks = 0, globals = 0;
    int32_t procs = 0;
    uint8_t flags = 0;
    [[nodiscard]] bool has(GcFlag f) const { return (flags & f) != 0; }
  };
  bool have_prev_ = false;
  PrevCycle prev_;
  // The last cycle was Go 1.18+ with a time, and a goal has been seen: the
  // stacks, globals and goal figures are present and prev_ is timed.
  bool steady_ = false;
  uint32_t last_gc_ = 0;
  int64_t last_start_ = 0;
  uint64_t gc_cpu_total_ = 0;
  double cpu_capacity_total_ = 0;
  double alloc_bytes_ = 0;
  int64_t alloc_span_ns_ = 0;
  bool pending_periodic_ = false;
  uint32_t idle_since_gc_ = 0;
  uint64_t idle_cycles_ = 0;
  int64_t idle_since_ns_ = 0;
  uint64_t tight_cycles_ = 0;
  uint32_t first_tight_gc_ = 0;
  bool prev_released_known_ = false;
  uint64_t prev_released_ = 0;
  int shape_mask_ = 0;
  int scav_mask_ = 0;
};

}  // namespace gcsight
