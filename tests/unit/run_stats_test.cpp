// RunStats: the summary of a run whose cycles switch between the common kind
// (Go 1.18+, timed, with a goal) and the rare ones (forced, announced by
// `GC forced`, stitched, untimed, older shapes, GOGC=off), checked against the
// figures worked out here cycle by cycle.
#include "core/run_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr int64_t kMs = 1'000'000;

// The values a series was given, from which what MinMaxLast holds is worked out.
struct Seen {
  std::vector<std::pair<uint64_t, uint32_t>> values;  // (value, gc)
  void add(uint64_t v, uint32_t gc) { values.emplace_back(v, gc); }
};

void expect_same(const MinMaxLast& got, const Seen& want, const char* what) {
  EXPECT_EQ(got.present, !want.values.empty()) << what;
  if (want.values.empty()) return;
  const auto by_value = [](const auto& a, const auto& b) { return a.first < b.first; };
  EXPECT_EQ(got.min, std::min_element(want.values.begin(), want.values.end(), by_value)->first) << what;
  // The cycle of the maximum is the first to reach it.
  const auto max = std::max_element(want.values.begin(), want.values.end(), by_value);
  EXPECT_EQ(got.max, max->first) << what;
  EXPECT_EQ(got.max_gc, max->second) << what;
  EXPECT_EQ(got.last, want.values.back().first) << what;
}

TEST(RunStats, CommonAndRareCyclesAddUpAlike) {
  RunStats stats;
  Seen heap_start, heap_end, heap_live, goal, stacks, globals;
  uint64_t forced = 0, periodic = 0, stitched = 0, legacy = 0, cpu[5] = {};
  uint64_t stw_max = 0, mark_max = 0;
  uint32_t stw_max_gc = 0, mark_max_gc = 0;
  int64_t util_max = 0, end_max = 0;
  bool gogc_off = false;
  for (uint32_t gc = 1; gc <= 3000; ++gc) {
    GcCycle c;
    c.gc = gc;
    c.line = gc;
    c.start_ns = gc * 10 * kMs;
    c.clock_ns[0] = 10'000 + gc % 17 * 1000;
    c.clock_ns[1] = 500'000 + gc % 29 * 1000;
    c.clock_ns[2] = 20'000 + gc % 13 * 1000;
    for (uint32_t i = 0; i < 5; ++i) c.cpu_ns[i] = (gc % (7 + i)) * 1000;
    c.heap_live = (40 + gc % 31) * kMiB;
    c.heap_start = c.heap_live + (gc % 5) * kMiB;
    c.heap_end = c.heap_start + (gc % 3) * kMiB;
    c.goal = c.heap_live * 2 - (gc % 11) * kMiB;
    c.stacks = (gc % 4) * kMiB;
    c.globals = (gc % 6) * kMiB;
    c.util_pct = gc % 37;
    c.procs = 4;
    c.shape = GcShape::kGo118;
    c.flags = kGcHasTime;
    bool announced = false;
    if (gc % 97 == 0) c.flags |= kGcUserForced;
    if (gc % 89 == 0) c.flags |= kGcStitched;
    if (gc % 83 == 0) announced = true;
    if (gc % 79 == 0) c.goal = 1ull << 60;  // GOGC=off
    if (gc % 73 == 0) c.shape = GcShape::kGo16;  // no stacks or globals
    if (gc % 71 == 0) c.flags = static_cast<uint8_t>(c.flags & ~kGcHasTime);
    if (gc >= 2990) {
      c.shape = GcShape::kLegacy14;  // a legacy tail: no mark time, no goal
      c.flags = 0;
    }
    if (announced) stats.set_pending_periodic();
    stats.add_cycle(c);

    const uint8_t flags = static_cast<uint8_t>(c.flags | (announced ? kGcPeriodic : 0));
    const bool is_legacy = c.shape == GcShape::kLegacy14;
    if (flags & kGcUserForced) ++forced;
    if (flags & kGcPeriodic) ++periodic;
    if (flags & kGcStitched) ++stitched;
    if (is_legacy) ++legacy;
    heap_start.add(c.heap_start, gc);
    heap_end.add(c.heap_end, gc);
    heap_live.add(c.heap_live, gc);
    if (!is_legacy) {
      if (c.goal >= 1ull << 50) {
        gogc_off = true;
      } else {
        goal.add(c.goal, gc);
      }
      if (gc == 1 || c.clock_ns[1] > mark_max) {
        mark_max = c.clock_ns[1];
        mark_max_gc = gc;
      }
    }
    if (c.shape == GcShape::kGo118) {
      stacks.add(c.stacks, gc);
      globals.add(c.globals, gc);
    }
    if (gc == 1 || c.stw_ns() > stw_max) {
      stw_max = c.stw_ns();
      stw_max_gc = gc;
    }
    for (int i = 0; i < 5; ++i) cpu[i] += c.cpu_ns[i];
    util_max = std::max(util_max, c.util_pct);
    // The span comes from the cycles with an `@` time only.
    if (c.has(kGcHasTime)) {
      end_max = std::max(end_max, c.start_ns + static_cast<int64_t>(c.clock_ns[0] + c.clock_ns[1] + c.clock_ns[2]));
    }
  }
  const RunSummary s = stats.summary();
  EXPECT_EQ(s.cycles, 3000u);
  EXPECT_EQ(s.first_gc, 1u);
  EXPECT_EQ(s.last_gc, 3000u);
  EXPECT_EQ(s.user_forced_cycles, forced);
  EXPECT_EQ(s.periodic_cycles, periodic);
  EXPECT_EQ(s.stitched_cycles, stitched);
  EXPECT_EQ(s.legacy_cycles, legacy);
  expect_same(s.heap_start, heap_start, "heap_start");
  expect_same(s.heap_end, heap_end, "heap_end");
  expect_same(s.heap_live, heap_live, "heap_live");
  expect_same(s.goal, goal, "goal");
  expect_same(s.stacks, stacks, "stacks");
  expect_same(s.globals, globals, "globals");
  EXPECT_EQ(s.gogc_off, gogc_off);
  EXPECT_EQ(s.stw_pause_ns.max, stw_max);
  EXPECT_EQ(s.stw_pause_ns.max_gc, stw_max_gc);
  EXPECT_EQ(s.stw_pause_ns.count, 3000u);
  EXPECT_EQ(s.mark_ns.max, mark_max);
  EXPECT_EQ(s.mark_ns.max_gc, mark_max_gc);
  EXPECT_EQ(s.mark_ns.count, 3000u - legacy);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.cpu_ns[i], cpu[i]) << "cpu " << i;
  EXPECT_EQ(s.util_pct_last, 3000 % 37);
  EXPECT_EQ(s.util_pct_max, util_max);
  EXPECT_EQ(s.end_ns, end_max);
  EXPECT_EQ(s.shape, "Go 1.18+");
  EXPECT_EQ(stats.last_gc(), 3000u);
  EXPECT_EQ(stats.last_start_ns(), 3000 * 10 * kMs);
  EXPECT_GT(s.gogc_effective, 0);
  EXPECT_GT(s.alloc_bytes_per_s, 0);
}

TEST(RunStats, LongRunsMergeBucketsAndTimesMayGoBack) {
  // Buckets are kept with the times they cover; cycles out of order and a run
  // long enough to merge them many times (10,000 s of 100 ms buckets) must
  // still land in the right one.
  RunStats stats;
  int64_t t = 5 * 1'000'000'000LL;
  int64_t prev_start = 0;
  double gc_cpu = 0, capacity = 0;
  for (uint32_t gc = 1; gc <= 200'000; ++gc) {
    GcCycle c;
    c.gc = gc;
    c.start_ns = gc % 1000 == 0 ? t - 3'000 * kMs : t;  // now and then an earlier time
    if (gc == 7) c.start_ns = 0;                        // before the first cycle
    t += 50 * kMs;
    c.clock_ns[0] = 10'000;
    c.clock_ns[1] = 100'000;
    c.clock_ns[2] = 10'000;
    c.cpu_ns[1] = 20 * kMs;
    c.cpu_ns[2] = 20 * kMs;
    c.heap_live = (100 + gc / 1000) * kMiB;
    c.heap_start = c.heap_end = c.heap_live + kMiB;
    c.goal = 2 * c.heap_live;
    c.procs = 2;
    c.flags = kGcHasTime;
    stats.add_cycle(c);
    if (gc > 1 && c.start_ns > prev_start) {
      gc_cpu += 40.0 * kMs;
      capacity += static_cast<double>(c.start_ns - prev_start) * 2;
    }
    prev_start = c.start_ns;
  }
  const RunSummary s = stats.summary();
  EXPECT_EQ(s.cycles, 200'000u);
  EXPECT_NEAR(s.gc_cpu_fraction, gc_cpu / capacity, 1e-9);
  // 40 ms of GC CPU in 50 ms x 2 procs where no cycle came early.
  EXPECT_NEAR(s.gc_cpu_fraction_max_window, 0.4, 0.02);
  EXPECT_GT(s.gc_cpu_window_ns, 0);
  // The live heap grows by 1 MiB every 1000 cycles.
  EXPECT_GT(s.live_trend.slope_bytes_per_s, 0);
  EXPECT_GT(s.live_trend.r2, 0.9);
}

}  // namespace
}  // namespace gcsight
