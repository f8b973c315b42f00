#include "core/cycle_series.h"

#include <algorithm>

namespace gcsight {

namespace {

constexpr uint64_t kDropMinBytes = 16ull << 20;
constexpr int kDropContext = 2;  // cycles kept on each side of a large drop

void merge_interval(int64_t& lo, int64_t& hi, int64_t v_lo, int64_t v_hi) {
  if (v_lo >= 0 && (lo < 0 || v_lo < lo)) lo = v_lo;
  if (v_hi >= 0 && v_hi > hi) hi = v_hi;
}

// `b` follows the point `m` covers; `m` then covers both (in place: a point is
// merged into the open one on every cycle of a long run).
void merge_into(SeriesPoint& m, const SeriesPoint& b) {
  m.gc_last = b.gc_last;
  m.cycles += b.cycles;
  m.flags = static_cast<uint8_t>(m.flags | b.flags);
  m.t_last_ns = b.t_last_ns;
  m.heap_start_max = std::max(m.heap_start_max, b.heap_start_max);
  m.heap_end_max = std::max(m.heap_end_max, b.heap_end_max);
  m.live_min = std::min(m.live_min, b.live_min);
  m.live_max = std::max(m.live_max, b.live_max);
  m.live_last = b.live_last;
  m.goal_max = std::max(m.goal_max, b.goal_max);
  m.goal_last = b.goal_last;
  m.stacks_globals_max = std::max(m.stacks_globals_max, b.stacks_globals_max);
  m.pause_min_ns = std::min(m.pause_min_ns, b.pause_min_ns);
  if (b.pause_max_ns > m.pause_max_ns) {
    m.pause_max_ns = b.pause_max_ns;
    m.pause_max_gc = b.pause_max_gc;
  }
  for (size_t i = 0; i < 5; ++i) m.cpu_ns[i] += b.cpu_ns[i];
  m.capacity_ns += b.capacity_ns;
  m.util_pct_last = b.util_pct_last;
  merge_interval(m.interval_min_ns, m.interval_max_ns, b.interval_min_ns, b.interval_max_ns);
}

// The point of one cycle; `interval` is -1 when the time since the previous cycle is unknown.
SeriesPoint point_of(const GcCycle& c, int64_t interval, double capacity) {
  SeriesPoint p;
  p.gc_first = p.gc_last = c.gc;
  p.cycles = 1;
  p.flags = c.flags;
  p.t_first_ns = p.t_last_ns = c.start_ns;
  p.heap_start_max = c.heap_start;
  p.heap_end_max = c.heap_end;
  p.live_min = p.live_max = p.live_last = c.heap_live;
  p.goal_max = p.goal_last = c.goal;
  p.stacks_globals_max = c.stacks + c.globals;
  p.pause_min_ns = p.pause_max_ns = c.stw_ns();
  p.pause_max_gc = c.gc;
  for (size_t i = 0; i < 5; ++i) p.cpu_ns[i] = c.counted_cpu_ns(i);
  p.util_pct_last = c.util_pct;
  if (interval >= 0) {
    p.interval_min_ns = p.interval_max_ns = interval;
    p.capacity_ns = capacity;
  }
  return p;
}

// The figures a point takes from the last cycle it covers.
void set_last(SeriesPoint& m, const GcCycle& c) {
  m.gc_last = c.gc;
  m.t_last_ns = c.start_ns;
  m.live_last = c.heap_live;
  m.goal_last = c.goal;
  m.util_pct_last = c.util_pct;
}

// merge_into(m, point_of(c, interval, capacity)) without building the point,
// less the figures of the last cycle, which set_last gives a point when it
// closes: once a run is long, every cycle is folded into the open point.
void fold_into(SeriesPoint& m, const GcCycle& c, int64_t interval, double capacity) {
  // Read the cycle first: `m` could alias it as far as the compiler knows.
  const uint32_t gc = c.gc;
  const uint8_t flags = c.flags;
  const uint64_t heap_start = c.heap_start, heap_end = c.heap_end, live = c.heap_live, goal = c.goal;
  const uint64_t stacks_globals = c.stacks + c.globals;
  const uint64_t pause = c.stw_ns();
  const uint64_t cpu0 = c.cpu_ns[0], cpu1 = c.counted_cpu_ns(1), cpu2 = c.counted_cpu_ns(2),
                 cpu3 = c.counted_cpu_ns(3), cpu4 = c.cpu_ns[4];
  ++m.cycles;
  m.flags = static_cast<uint8_t>(m.flags | flags);
  m.heap_start_max = std::max(m.heap_start_max, heap_start);
  m.heap_end_max = std::max(m.heap_end_max, heap_end);
  m.live_min = std::min(m.live_min, live);
  m.live_max = std::max(m.live_max, live);
  m.goal_max = std::max(m.goal_max, goal);
  m.stacks_globals_max = std::max(m.stacks_globals_max, stacks_globals);
  m.pause_min_ns = std::min(m.pause_min_ns, pause);
  if (pause > m.pause_max_ns) {
    m.pause_max_ns = pause;
    m.pause_max_gc = gc;
  }
  m.cpu_ns[0] += cpu0;
  m.cpu_ns[1] += cpu1;
  m.cpu_ns[2] += cpu2;
  m.cpu_ns[3] += cpu3;
  m.cpu_ns[4] += cpu4;
  m.capacity_ns += capacity;  // 0 when the interval is unknown, as in point_of
  if (interval >= 0) merge_interval(m.interval_min_ns, m.interval_max_ns, interval, interval);
}

void merge_into(ScavPoint& m, const ScavPoint& b) {
  m.lines += b.lines;
  m.released_work += b.released_work;
  m.released_now_max = std::max(m.released_now_max, b.released_now_max);
  m.retained_max = std::max(m.retained_max, b.retained_max);
  m.forced = m.forced || b.forced;
}

// Halves a full series by merging neighbours; an odd last point stays alone.
template <class Point>
void halve(std::vector<Point>& points) {
  size_t out = 0;
  for (size_t i = 0; i + 1 < points.size(); i += 2) {
    if (out != i) points[out] = points[i];
    merge_into(points[out++], points[i + 1]);
  }
  if (points.size() % 2 == 1) points[out++] = points.back();
  points.resize(out);
}

bool pause_greater(const GcCycle& a, const GcCycle& b) { return a.stw_ns() > b.stw_ns(); }

}  // namespace

void CycleSeries::add_point(const SeriesPoint& p) {
  if (per_point_ > 1) {
    open_ = p;  // the first cycle of a point that will cover per_point_ of them
    return;
  }
  points_.push_back(p);
  if (points_.size() >= kSeriesPoints) {
    halve(points_);
    per_point_ *= 2;
  }
}

void CycleSeries::close_open_point() {
  if (open_.cycles < per_point_) return;
  points_.push_back(open_);
  open_ = SeriesPoint{};
  if (points_.size() >= kSeriesPoints) {
    halve(points_);
    per_point_ *= 2;
  }
}

void CycleSeries::add_cycle(const GcCycle& c) {
  // The time since the previous cycle started, and the CPU capacity in it.
  int64_t interval = -1;
  double capacity = 0;
  if (prev_timed_ && c.has(kGcHasTime) && c.start_ns >= prev_start_ns_) {
    interval = c.start_ns - prev_start_ns_;
    capacity = static_cast<double>(interval) * std::max<int32_t>(1, c.procs);
  }
  if (open_.cycles > 0) {
    // A long run: the cycle is folded into the open point.
    fold_into(open_, c, interval, capacity);
    if (open_.cycles >= per_point_) {
      set_last(open_, c);
      close_open_point();
    }
  } else {
    add_point(point_of(c, interval, capacity));
  }

  // The table.
  ++cycles_;
  if (cycles_ > kTableAll) {
    // Past the start, the ring of the last cycles and the longest pauses are full.
    last_[last_next_] = c;
    if (++last_next_ == kTableEnds) last_next_ = 0;
    if (c.stw_ns() > longest_.front().stw_ns()) keep_longer(c);
  } else {
    all_.push_back(c);
    if (first_.size() < kTableEnds) first_.push_back(c);
    if (last_.size() < kTableEnds) {
      last_.push_back(c);
    } else {
      last_[last_next_] = c;
      if (++last_next_ == kTableEnds) last_next_ = 0;
    }
    if (longest_.size() < kTableLongest) {
      longest_.push_back(c);
      std::push_heap(longest_.begin(), longest_.end(), pause_greater);
    } else if (c.stw_ns() > longest_.front().stw_ns()) {
      keep_longer(c);
    }
  }
  if (((cycles_ - 1) & (stride_ - 1)) == 0) {  // stride_ is a power of two
    sample_.push_back(c);
    if (sample_.size() > kTableSample) {
      // Keep every other one: the sample stays even as the stride doubles.
      size_t out = 0;
      for (size_t i = 0; i < sample_.size(); i += 2) sample_[out++] = sample_[i];
      sample_.resize(out);
      stride_ *= 2;
    }
  }
  bool notable = false;
  if ((c.flags & (kGcUserForced | kGcPeriodic)) != 0) {
    if (c.has(kGcUserForced) && forced_kept_ < kTableForced) {
      ++forced_kept_;
      notable = true;
    }
    if (c.has(kGcPeriodic) && periodic_kept_ < kTableForced) {
      ++periodic_kept_;
      notable = true;
    }
  }
  if (after_drop_ > 0) {
    --after_drop_;
    notable = true;
  }
  // `c` is in the ring now: the previous cycle is one back, the one before it two.
  // (Before the first cycle prev_live_ is 0, which is never a drop.)
  if (c.heap_live * 2 <= prev_live_ && prev_live_ - c.heap_live >= kDropMinBytes && drops_kept_ < kTableDrops) {
    ++drops_kept_;
    notable = true;
    after_drop_ = kDropContext;
    notable_.push_back(recent(1));
    if (cycles_ > 2) notable_.push_back(recent(2));
  }
  if (notable) notable_.push_back(c);
  prev_timed_ = c.has(kGcHasTime);
  prev_start_ns_ = c.start_ns;
  prev_live_ = c.heap_live;
}

void CycleSeries::keep_longer(const GcCycle& c) {
  std::pop_heap(longest_.begin(), longest_.end(), pause_greater);
  longest_.back() = c;
  std::push_heap(longest_.begin(), longest_.end(), pause_greater);
}

static_assert(CycleSeries::kTableAll >= CycleSeries::kTableEnds && CycleSeries::kTableAll >= CycleSeries::kTableLongest,
              "past kTableAll cycles the ring and the longest pauses are full");
static_assert(CycleSeries::kTableEnds >= 3, "recent(2) must still be in the ring");

void CycleSeries::keep_latest_for(FindingCycle which) {
  if (cycles_ == 0) return;
  for_findings_[static_cast<size_t>(which)] = recent(0);
}

const GcCycle& CycleSeries::recent(size_t back) const {
  return last_[(last_next_ + last_.size() - 1 - back) % last_.size()];
}

void CycleSeries::add_scav(const ScavEvent& e, uint32_t after_gc, int64_t after_ns) {
  if (scav_open_.lines > 0) {
    // A long run: the line is folded into the open point (merge_into with the line's point).
    ScavPoint& m = scav_open_;
    ++m.lines;
    m.released_work += e.work_bytes + e.eager_bytes;
    m.released_now_max = std::max(m.released_now_max, e.released_bytes);
    m.retained_max = std::max(m.retained_max, e.consumed_bytes);
    m.forced = m.forced || e.has(kScavForced);
    if (m.lines < scav_per_point_) return;
    scav_.push_back(m);
    m = ScavPoint{};
  } else {
    ScavPoint p;
    p.after_gc = after_gc;
    p.t_ns = after_ns;
    p.lines = 1;
    p.released_work = e.work_bytes + e.eager_bytes;
    p.released_now_max = e.released_bytes;
    p.retained_max = e.consumed_bytes;
    p.forced = e.has(kScavForced);
    if (scav_per_point_ > 1) {
      scav_open_ = p;  // the first of the point's lines
      return;
    }
    scav_.push_back(p);
  }
  if (scav_.size() >= kScavPoints) {
    halve(scav_);
    scav_per_point_ *= 2;
  }
}

RunSeries CycleSeries::finish() const {
  RunSeries s;
  s.points = points_;
  if (open_.cycles > 0) {
    s.points.push_back(open_);
    set_last(s.points.back(), recent(0));
  }
  s.cycles_per_point = per_point_;
  s.scavenger = scav_;
  if (scav_open_.lines > 0) s.scavenger.push_back(scav_open_);
  s.scav_lines_per_point = scav_per_point_;
  s.table_cycles_total = cycles_;
  if (cycles_ <= kTableAll) {
    s.table = all_;
    s.table_complete = true;
    return s;
  }
  s.table_complete = false;
  for (const auto* part : {&first_, &last_, &longest_, &sample_, &notable_}) {
    s.table.insert(s.table.end(), part->begin(), part->end());
  }
  for (const std::optional<GcCycle>& c : for_findings_) {
    if (c) s.table.push_back(*c);
  }
  // Cycle numbers only grow within a run, so they order and identify the rows.
  std::sort(s.table.begin(), s.table.end(), [](const GcCycle& a, const GcCycle& b) { return a.gc < b.gc; });
  s.table.erase(std::unique(s.table.begin(), s.table.end(),
                            [](const GcCycle& a, const GcCycle& b) { return a.gc == b.gc; }),
                s.table.end());
  return s;
}

}  // namespace gcsight
