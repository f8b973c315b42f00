// Streaming statistics of one run.
//
// Pauses: the runtime prints each phase with about two significant digits, so
// a run has few distinct pause values; a value->count map gives exact
// nearest-rank percentiles in bounded memory. Trends and windowed GC CPU use a
// time-bucketed series of at most 2 x kMaxBuckets buckets: when it fills, pairs
// of buckets merge and the width doubles, so a day-long trace and a
// ten-second one get the same resolution relative to their length.
// The live-heap trend is a least-squares fit over bucket minima of the live
// heap: minima follow what survives collection and ignore the sawtooth of
// allocation between cycles (GCViewer's "heap after full GC" idea).
#include "core/run_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace gcsight {
namespace {

constexpr size_t kMaxBuckets = 256;
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kLargeDrop = 32 * kMiB;     // smaller drops are routine churn
constexpr uint64_t kLargeRelease = 32 * kMiB;  // a scavenger release worth reporting
constexpr uint64_t kGogcOffGoal = 1ull << 50;  // goals above 1 PiB mean GOGC=off

Trend fit(const std::vector<std::pair<double, double>>& pts, int64_t from_ns, int64_t to_ns) {
  Trend t;
  t.points = pts.size();
  t.from_ns = from_ns;
  t.to_ns = to_ns;
  if (pts.size() < 3) return t;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (const auto& [x, y] : pts) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const auto n = static_cast<double>(pts.size());
  const double vx = sxx - sx * sx / n;
  const double vy = syy - sy * sy / n;
  if (vx <= 0) return t;
  t.slope_bytes_per_s = (sxy - sx * sy / n) / vx;
  t.r2 = vy > 0 ? std::clamp((sxy - sx * sy / n) * (sxy - sx * sy / n) / (vx * vy), 0.0, 1.0) : 0;
  return t;
}

}  // namespace

Distribution RunStats::distribution(const ValueCounts& values, uint32_t max_gc) {
  const std::vector<std::pair<uint64_t, uint64_t>> counts = values.sorted();
  Distribution d;
  for (const auto& [v, n] : counts) {
    d.count += n;
    d.total += v * n;
  }
  if (d.count == 0) return d;
  // Nearest rank: the smallest value whose cumulative count reaches ceil(p*N).
  auto rank = [&](uint64_t pct) {
    const uint64_t target = std::max<uint64_t>(1, (pct * d.count + 99) / 100);
    uint64_t seen = 0;
    for (const auto& [v, n] : counts) {
      seen += n;
      if (seen >= target) return v;
    }
    return counts.rbegin()->first;
  };
  d.p50 = rank(50);
  d.p90 = rank(90);
  d.p99 = rank(99);
  d.max = counts.rbegin()->first;
  d.max_gc = max_gc;
  return d;
}

namespace {

// std::lround of a value in [0, 2^52), inline: the whole part, and one more
// when the fraction is a half or more (the subtraction is exact there).
int64_t round_positive(double x) {
  const auto whole = static_cast<int64_t>(x);
  return x - static_cast<double>(whole) >= 0.5 ? whole + 1 : whole;
}

}  // namespace

bool RunStats::large_drop(const GcCycle& c) const {
  return prev_.heap_live >= c.heap_live + kLargeDrop && c.heap_live * 2 <= prev_.heap_live;
}

void RunStats::add_drop(const GcCycle& c, bool timed, bool forced) {
  HeapDrop d;
  d.gc = c.gc;
  d.line = c.line;
  if (timed) {
    d.start_ns = c.start_ns;
    d.heap_start = c.heap_start;
  }
  d.before = prev_.heap_live;
  d.after = c.heap_live;
  d.forced = forced;
  d.marker_before = last_marker();
  d.marker_before_line = last_marker_line_;
  drops_.push_back(std::move(d));
  std::sort(drops_.begin(), drops_.end(),
            [](const HeapDrop& a, const HeapDrop& b) { return a.before - a.after > b.before - b.after; });
  if (drops_.size() > 5) drops_.pop_back();
  awaiting_gc_ = c.gc;
}

void RunStats::locate_bucket(int64_t start_ns) {
  if (buckets_.empty()) origin_ns_ = start_ns;
  auto index = static_cast<size_t>(std::max<int64_t>(0, start_ns - origin_ns_) / bucket_width_ns_);
  while (index >= 2 * kMaxBuckets) {
    // Merge pairs: the series keeps its size as the run grows.
    std::vector<SeriesBucket> merged;
    for (size_t i = 0; i < buckets_.size(); i += 2) {
      SeriesBucket b = buckets_[i];
      if (i + 1 < buckets_.size()) {
        const SeriesBucket& o = buckets_[i + 1];
        if (b.cycles == 0) {
          b = o;
        } else if (o.cycles > 0) {
          b.to_ns = o.to_ns;
          b.cycles += o.cycles;
          b.live_min = std::min(b.live_min, o.live_min);
          b.gc_cpu_ns += o.gc_cpu_ns;
          b.cpu_capacity_ns += o.cpu_capacity_ns;
        }
      }
      merged.push_back(b);
    }
    buckets_ = std::move(merged);
    bucket_width_ns_ *= 2;
    index = static_cast<size_t>(std::max<int64_t>(0, start_ns - origin_ns_) / bucket_width_ns_);
  }
  if (buckets_.size() <= index) buckets_.resize(index + 1);
  // The times that map to this index (the first bucket takes any time before
  // the origin); an overflow only narrows the range, which stays correct.
  bucket_index_ = index;
  const auto idx = static_cast<int64_t>(index);
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  if (index > 0 && (__builtin_mul_overflow(idx, bucket_width_ns_, &lo) || __builtin_add_overflow(lo, origin_ns_, &lo))) {
    lo = std::numeric_limits<int64_t>::max();
  }
  if (__builtin_mul_overflow(idx + 1, bucket_width_ns_, &hi) || __builtin_add_overflow(hi, origin_ns_, &hi)) {
    hi = std::numeric_limits<int64_t>::min();
  }
  bucket_from_ns_ = lo;
  bucket_to_ns_ = hi;
}

void RunStats::add_cycle(const GcCycle& c) {
  // The cycle's flags, with kGcPeriodic when a `GC forced` announced it (no copy of the cycle).
  const auto flags = static_cast<uint8_t>(c.flags | (pending_periodic_ ? kGcPeriodic : 0));
  pending_periodic_ = false;
  // Most cycles of a trace: Go 1.18+, timed, neither forced nor announced nor
  // stitched, with a goal, after a cycle like it. For those the body is
  // compiled once more with the checks this settles taken out.
  constexpr uint8_t kRare = kGcUserForced | kGcPeriodic | kGcStitched | kGcHasTime;
  if (steady_ && c.shape == GcShape::kGo118 && (flags & kRare) == kGcHasTime && c.goal < kGogcOffGoal) {
    add_cycle_as<true>(c, flags);
  } else {
    add_cycle_as<false>(c, flags);
  }
}

// `c` is __restrict: nothing written here is part of it, so its fields are
// read where they are used instead of all at the start (and spilled).
// kSteady: the cycle is one add_cycle calls steady, and steady_ was set.
template <bool kSteady>
void RunStats::add_cycle_as(const GcCycle& __restrict c, uint8_t flags) {
  auto has = [flags](GcFlag f) { return (flags & f) != 0; };
  const bool legacy = !kSteady && c.shape == GcShape::kLegacy14;
  const uint64_t stw = c.stw_ns();

  RunSummary& s = summary_;
  if (!kSteady && s.cycles == 0) {
    s.first_gc = c.gc;
    s.stw_pause_ns.max = stw;
    s.stw_pause_ns.max_gc = c.gc;
    s.heap_start.add(c.heap_start, c.gc);
    s.heap_end.add(c.heap_end, c.gc);
    s.heap_live.add(c.heap_live, c.gc);
  } else {
    if (stw > s.stw_pause_ns.max) {
      s.stw_pause_ns.max = stw;
      s.stw_pause_ns.max_gc = c.gc;
    }
    // The last values of these three are prev_'s, filled in by summary().
    s.heap_start.add_present(c.heap_start, c.gc);
    s.heap_end.add_present(c.heap_end, c.gc);
    s.heap_live.add_present(c.heap_live, c.gc);
  }
  ++s.cycles;
  s.last_gc = c.gc;
  if (!kSteady) {
    if (has(kGcUserForced)) ++s.user_forced_cycles;
    if (has(kGcPeriodic)) ++s.periodic_cycles;
    if (has(kGcStitched)) ++s.stitched_cycles;
    shape_mask_ |= 1 << static_cast<int>(c.shape);
  }
  s.procs = c.procs;

  pause_counts_.add(stw);
  if (longest_.size() < 5 || stw > longest_.back().first) {
    longest_.emplace_back(stw, c.gc);
    std::sort(longest_.begin(), longest_.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (longest_.size() > 5) longest_.pop_back();
  }
  if (!legacy) {
    mark_counts_.add(c.clock_ns[1]);
    if (s.mark_ns.count++ == 0 || c.clock_ns[1] > s.mark_ns.max) {
      s.mark_ns.max = c.clock_ns[1];
      s.mark_ns.max_gc = c.gc;
    }
    if (kSteady) {
      s.goal.add_present(c.goal, c.gc);
      s.goal.last = c.goal;
    } else if (c.goal >= kGogcOffGoal) {
      s.gogc_off = true;
    } else {
      s.goal.add(c.goal, c.gc);
    }
  } else {
    ++s.legacy_cycles;
  }
  // A steady cycle is Go 1.18+, whose mark CPU is never stale.
  const uint64_t cpu1 = kSteady ? c.cpu_ns[1] : c.counted_cpu_ns(1);
  const uint64_t cpu2 = kSteady ? c.cpu_ns[2] : c.counted_cpu_ns(2);
  s.cpu_ns[0] += c.cpu_ns[0];
  s.cpu_ns[1] += cpu1;
  s.cpu_ns[2] += cpu2;
  s.cpu_ns[3] += kSteady ? c.cpu_ns[3] : c.counted_cpu_ns(3);
  s.cpu_ns[4] += c.cpu_ns[4];
  s.util_pct_last = c.util_pct;
  s.util_pct_max = std::max(s.util_pct_max, c.util_pct);
  if (kSteady) {
    s.stacks.add_present(c.stacks, c.gc);
    s.stacks.last = c.stacks;
    s.globals.add_present(c.globals, c.gc);
    s.globals.last = c.globals;
  } else if (c.shape == GcShape::kGo118) {
    s.stacks.add(c.stacks, c.gc);
    s.globals.add(c.globals, c.gc);
  }
  // The run's span comes from the cycles with an `@` time only (Go <= 1.4 prints none).
  if (kSteady || has(kGcHasTime)) {
    const int64_t end = c.start_ns + static_cast<int64_t>(c.clock_ns[0] + c.clock_ns[1] + c.clock_ns[2]);
    if (!kSteady && !s.timed) {
      s.timed = true;
      s.start_ns = c.start_ns;
      s.end_ns = end;
    } else {
      s.end_ns = std::max(s.end_ns, end);
    }
  }

  const uint64_t gc_cpu = c.cpu_ns[0] + cpu1 + cpu2 + c.cpu_ns[4];
  double capacity = 0;
  if (kSteady || (have_prev_ && has(kGcHasTime) && prev_.has(kGcHasTime))) {
    const int64_t interval = c.start_ns - prev_.start_ns;
    if (interval > 0) {
      capacity = static_cast<double>(interval) * std::max(1, prev_.procs);
      cpu_capacity_total_ += capacity;
      gc_cpu_total_ += gc_cpu;
      // Allocated since the previous cycle started: during its mark, then after it.
      if (((prev_.heap_end | prev_.heap_start | c.heap_start | prev_.heap_live) >> 53) == 0) {
        // Below 2^53 each double difference is exact, and the sum is rounded
        // once either way: the integer sum converted is the same double.
        if (prev_.heap_end >= prev_.heap_start && c.heap_start >= prev_.heap_live) {
          alloc_bytes_ += static_cast<double>((prev_.heap_end - prev_.heap_start) + (c.heap_start - prev_.heap_live));
          alloc_span_ns_ += interval;
        }
      } else {
        const double during = static_cast<double>(prev_.heap_end) - static_cast<double>(prev_.heap_start);
        const double after = static_cast<double>(c.heap_start) - static_cast<double>(prev_.heap_live);
        if (during >= 0 && after >= 0) {
          alloc_bytes_ += during + after;
          alloc_span_ns_ += interval;
        }
      }
    }
    if (prev_.heap_live >= 4 * kMiB && (kSteady || (c.goal < kGogcOffGoal && !has(kGcUserForced)))) {
      const uint64_t base = prev_.heap_live + prev_.stacks + prev_.globals;
      // Effective GOGC from the goal this cycle ran under, set at the end of the previous one.
      if (c.goal > prev_.heap_live) {
        const double g = static_cast<double>(c.goal - prev_.heap_live) / static_cast<double>(base) * 100.0;
        const int64_t key = round_positive(g / 5.0) * 5;
        // Most cycles of a run share the effective GOGC: keep the last entry at hand.
        if (gogc_last_ >= gogc_counts_.size() || gogc_counts_[gogc_last_].first != key) {
          auto it = std::lower_bound(gogc_counts_.begin(), gogc_counts_.end(), std::pair<int64_t, uint64_t>{key, 0});
          if (it == gogc_counts_.end() || it->first != key) it = gogc_counts_.insert(it, {key, 0});
          gogc_last_ = static_cast<size_t>(it - gogc_counts_.begin());
        }
        ++gogc_counts_[gogc_last_].second;
      }
      // Memory-limit pressure: the goal leaves less room above the live heap than
      // a tenth of what GOGC=100 gives (live + stacks + globals), an effective GOGC below 10.
      if (static_cast<double>(c.goal) < static_cast<double>(prev_.heap_live) + 0.10 * static_cast<double>(base)) {
        if (tight_cycles_++ == 0) first_tight_gc_ = c.gc;
      }
    }
    // Heap collected: a large drop of the live heap.
    if (large_drop(c)) add_drop(c, /*timed=*/true, !kSteady && has(kGcUserForced));
  } else if (!kSteady && have_prev_ && large_drop(c)) {
    // Legacy lines without time still show collections.
    add_drop(c, /*timed=*/false, false);
  }

  if (kSteady || has(kGcHasTime)) {
    // Cycles come in time order: the bucket of the last one is nearly always the one.
    if (c.start_ns < bucket_from_ns_ || c.start_ns >= bucket_to_ns_) locate_bucket(c.start_ns);
    SeriesBucket& b = buckets_[bucket_index_];
    if (b.cycles++ == 0) {
      b.from_ns = c.start_ns;
      b.live_min = c.heap_live;
    }
    b.to_ns = c.start_ns;
    b.live_min = std::min(b.live_min, c.heap_live);
    b.gc_cpu_ns += gc_cpu;
    b.cpu_capacity_ns += capacity;
  }

  // A trailing stretch of periodic cycles only: the program went idle.
  if (!kSteady && has(kGcPeriodic)) {
    if (idle_cycles_++ == 0) {
      idle_since_gc_ = c.gc;
      idle_since_ns_ = c.start_ns;
    }
  } else {
    idle_cycles_ = 0;
    idle_since_gc_ = 0;
  }
  prev_ = {c.start_ns, c.heap_start, c.heap_end, c.heap_live, c.stacks, c.globals, c.procs, flags};
  have_prev_ = true;
  last_gc_ = c.gc;
  last_start_ = c.start_ns;
  // The next cycle may take the steady body: the checks it leaves out hold.
  steady_ = kSteady || (c.shape == GcShape::kGo118 && has(kGcHasTime) && s.goal.present);
}

// `e` is __restrict for the reason add_cycle's cycle is.
void RunStats::add_scav(const ScavEvent& __restrict e) {
  ScavengerSummary& sc = summary_.scavenger;
  ++sc.lines;
  scav_mask_ |= 1 << static_cast<int>(e.shape);
  if (e.has(kScavForced)) ++sc.forced_lines;
  if (e.has(kScavControllerReset)) ++sc.controller_resets;
  uint64_t released = e.work_bytes + e.eager_bytes;
  sc.released_work_bytes += released;
  const bool has_total = e.shape != ScavShape::kScvgReleased;
  if (has_total) {
    sc.released_now.add(e.released_bytes, last_gc_);
    if (prev_released_known_ && e.released_bytes > prev_released_) {
      released = std::max(released, e.released_bytes - prev_released_);
    }
    prev_released_known_ = true;
    prev_released_ = e.released_bytes;
  }
  if (e.shape == ScavShape::kScvgState) {
    sc.consumed.add(e.consumed_bytes, last_gc_);
    // Memory held but not returned, while the heap itself is much smaller.
    const uint64_t live = have_prev_ ? prev_.heap_live : 0;
    if (e.consumed_bytes > retained_.consumed && e.consumed_bytes >= 4 * live && e.consumed_bytes > e.inuse_bytes * 2) {
      retained_ = {e.line, e.counter, e.has(kScavNumbered), e.consumed_bytes, e.inuse_bytes, e.sys_bytes,
                   e.released_bytes, last_gc_, last_start_};
    }
    // The state line after a `MB released` line belongs to the same release.
    if (large_releases_ > 0 && last_release_.line + 1 == e.line && last_release_.counter == e.counter &&
        last_release_.numbered == e.has(kScavNumbered)) {
      last_release_.consumed_after = e.consumed_bytes;
      last_release_.has_consumed = true;
      if (last_is_largest_) largest_release_ = last_release_;
      return;
    }
  } else if (e.shape != ScavShape::kScvgReleased) {
    sc.util_pct.add(static_cast<uint64_t>(std::max<int64_t>(0, e.util_pct)), last_gc_);
  }
  for (HeapDrop& d : drops_) {
    if (d.gc <= last_gc_) d.released_after += released;
  }
  if (released >= kLargeRelease) {
    ReleaseEvent r;
    r.line = e.line;
    r.counter = e.counter;
    r.numbered = e.has(kScavNumbered);
    r.forced = e.has(kScavForced);
    r.released = released;
    if (e.shape == ScavShape::kScvgState) {
      r.consumed_after = e.consumed_bytes;
      r.has_consumed = true;
    }
    r.after_gc = last_gc_;
    r.after_ns = last_start_;
    ++large_releases_;
    large_released_total_ += released;
    last_release_ = r;
    last_is_largest_ = r.released > largest_release_.released;
    if (last_is_largest_) largest_release_ = r;
  }
}

void RunStats::add_program_line(std::string_view text, uint64_t line, bool borrowed) {
  // Every program line comes here, and few are ever read back (around a heap
  // drop): a view while the caller keeps the text, else a plain copy into a
  // fixed buffer, no string assignment.
  marker_borrowed_ = borrowed;
  if (borrowed) {
    borrowed_marker_ = text.substr(0, last_marker_.size());
  } else {
    last_marker_len_ = std::min(text.size(), last_marker_.size());
    std::memcpy(last_marker_.data(), text.data(), last_marker_len_);
  }
  last_marker_line_ = line;
  if (awaiting_gc_ != 0) {
    for (HeapDrop& d : drops_) {
      if (d.gc == awaiting_gc_) {
        d.marker_after = last_marker();
        d.marker_after_line = line;
      }
    }
    awaiting_gc_ = 0;
  }
}

void RunStats::keep_program_line() {
  if (!marker_borrowed_) return;
  last_marker_len_ = borrowed_marker_.size();
  std::memcpy(last_marker_.data(), borrowed_marker_.data(), last_marker_len_);
  marker_borrowed_ = false;
}

RunSummary RunStats::summary() const {
  RunSummary s = summary_;
  if (have_prev_) {
    // add_cycle leaves these to the last cycle's figures.
    s.heap_start.last = prev_.heap_start;
    s.heap_end.last = prev_.heap_end;
    s.heap_live.last = prev_.heap_live;
  }
  const uint32_t pmax = s.stw_pause_ns.max_gc;
  const uint32_t mmax = s.mark_ns.max_gc;
  s.stw_pause_ns = distribution(pause_counts_, pmax);
  s.mark_ns = distribution(mark_counts_, mmax);
  s.duration_ns = s.timed ? s.end_ns - s.start_ns : 0;
  // One cycle's span is its own phases, not time between cycles: a rate needs two.
  if (s.cycles >= 2 && s.duration_ns > 0) {
    s.cycles_per_minute = static_cast<double>(s.cycles) * 60e9 / static_cast<double>(s.duration_ns);
  }
  if (cpu_capacity_total_ > 0) {
    s.gc_cpu_fraction = static_cast<double>(gc_cpu_total_) / cpu_capacity_total_;
  }
  const double assist_bg = static_cast<double>(s.cpu_ns[1] + s.cpu_ns[2]);
  s.assist_share = assist_bg > 0 ? static_cast<double>(s.cpu_ns[1]) / assist_bg : -1;
  // Windowed GC CPU: consecutive buckets grouped into windows of at least
  // kMinWindowCycles cycles and kMinWindowNs, the busiest window wins.
  constexpr uint64_t kMinWindowCycles = 5;
  constexpr int64_t kMinWindowNs = 1'000'000'000;
  uint64_t w_cycles = 0, w_cpu = 0;
  double w_cap = 0;
  int64_t w_from = -1;
  for (const SeriesBucket& b : buckets_) {
    if (b.cycles == 0) continue;
    if (w_from < 0) w_from = b.from_ns;
    w_cycles += b.cycles;
    w_cpu += b.gc_cpu_ns;
    w_cap += b.cpu_capacity_ns;
    if (w_cycles >= kMinWindowCycles && b.to_ns - w_from >= kMinWindowNs && w_cap > 0) {
      const double f = static_cast<double>(w_cpu) / w_cap;
      if (f > s.gc_cpu_fraction_max_window) {
        s.gc_cpu_fraction_max_window = f;
        s.gc_cpu_window_ns = b.to_ns - w_from;
      }
      w_cycles = w_cpu = 0;
      w_cap = 0;
      w_from = -1;
    }
  }
  if (alloc_span_ns_ > 0) s.alloc_bytes_per_s = alloc_bytes_ * 1e9 / static_cast<double>(alloc_span_ns_);
  // Median effective GOGC.
  uint64_t n = 0;
  for (const auto& [g, k] : gogc_counts_) n += k;
  if (n >= 3) {
    uint64_t seen = 0;
    for (const auto& [g, k] : gogc_counts_) {
      seen += k;
      if (seen * 2 >= n) {
        s.gogc_effective = static_cast<double>(g);
        break;
      }
    }
  }
  s.low_precision = s.heap_end.present && s.heap_end.max < 16 * kMiB;

  // Trends over bucket minima (whole run, and its last third).
  std::vector<std::pair<double, double>> all, recent;
  int64_t first = 0, last = 0;
  for (const SeriesBucket& b : buckets_) {
    if (b.cycles == 0) continue;
    if (all.empty()) first = b.from_ns;
    last = b.to_ns;
    all.emplace_back(static_cast<double>(b.from_ns) / 1e9, static_cast<double>(b.live_min));
  }
  s.live_trend = fit(all, first, last);
  const int64_t cut = first + (last - first) * 2 / 3;
  for (const SeriesBucket& b : buckets_) {
    if (b.cycles > 0 && b.from_ns >= cut) {
      recent.emplace_back(static_cast<double>(b.from_ns) / 1e9, static_cast<double>(b.live_min));
    }
  }
  s.live_trend_recent = fit(recent, cut, last);

  if (shape_mask_ & (1 << static_cast<int>(GcShape::kGo118))) {
    s.shape = "Go 1.18+";
  } else if (shape_mask_ & (1 << static_cast<int>(GcShape::kGo16))) {
    s.shape = "Go 1.6-1.17";
  } else if (shape_mask_ & (1 << static_cast<int>(GcShape::kGo15))) {
    s.shape = "Go 1.5";
  } else if (shape_mask_ & (1 << static_cast<int>(GcShape::kLegacy14))) {
    s.shape = "Go <= 1.4";
  }
  auto& era = s.scavenger.era;
  if (scav_mask_ & (1 << static_cast<int>(ScavShape::kScav121))) {
    era = "scav (Go 1.21+)";
  } else if (scav_mask_ & (1 << static_cast<int>(ScavShape::kScav115))) {
    era = "scav with generation (Go 1.15-1.18)";
  } else if (scav_mask_ & (1 << static_cast<int>(ScavShape::kScav114))) {
    era = "scav (Go 1.14, 1.19-1.20)";
  } else if (scav_mask_ != 0) {
    era = "scvg (Go <= 1.13)";
  }
  return s;
}

}  // namespace gcsight
