// CycleSeries: exact per-cycle points while a run is short; merged points
// that keep every peak once it is long; a bounded table that keeps the
// cycles a reader needs (ends, longest pauses, forced cycles, large drops).
#include "core/cycle_series.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/analyze_text.h"

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr int64_t kMs = 1'000'000;

GcCycle cycle(uint32_t gc, uint64_t live, uint64_t pause_ns = 100'000) {
  GcCycle c;
  c.gc = gc;
  c.line = gc;
  c.start_ns = gc * 10 * kMs;
  c.clock_ns[0] = pause_ns / 2;
  c.clock_ns[2] = pause_ns - pause_ns / 2;
  c.cpu_ns[1] = 1 * kMs;
  c.cpu_ns[2] = 2 * kMs;
  c.heap_start = live + 4 * kMiB;
  c.heap_end = live + 5 * kMiB;
  c.heap_live = live;
  c.goal = 2 * live;
  c.procs = 2;
  c.flags = kGcHasTime;
  return c;
}

TEST(CycleSeries, ShortRunHasOnePointPerCycleAndEveryCycleInTheTable) {
  CycleSeries s;
  for (uint32_t gc = 1; gc <= 100; ++gc) s.add_cycle(cycle(gc, gc * kMiB));
  const RunSeries r = s.finish();
  ASSERT_EQ(r.points.size(), 100u);
  EXPECT_EQ(r.cycles_per_point, 1u);
  EXPECT_EQ(r.points[41].gc_first, 42u);
  EXPECT_EQ(r.points[41].live_last, 42 * kMiB);
  EXPECT_EQ(r.points[41].interval_min_ns, 10 * kMs);
  EXPECT_DOUBLE_EQ(r.points[41].capacity_ns, 20.0 * kMs);
  EXPECT_EQ(r.points[0].interval_min_ns, -1);
  EXPECT_TRUE(r.table_complete);
  EXPECT_EQ(r.table.size(), 100u);
}

TEST(CycleSeries, LongRunStaysBoundedAndKeepsItsPeaks) {
  CycleSeries s;
  constexpr uint32_t kCycles = 1'000'003;
  for (uint32_t gc = 1; gc <= kCycles; ++gc) {
    uint64_t pause = 100'000 + (gc % 7) * 1000;
    uint64_t live = 64 * kMiB;
    if (gc == 654'321) pause = 90'000'000;  // one long pause
    if (gc == 777'777) live = 3000 * kMiB;  // one peak
    GcCycle c = cycle(gc, live, pause);
    if (gc == 500'000) c.flags |= kGcUserForced;
    s.add_cycle(c);
  }
  const RunSeries r = s.finish();
  EXPECT_LE(r.points.size(), CycleSeries::kSeriesPoints);
  EXPECT_GE(r.points.size(), CycleSeries::kSeriesPoints / 2);
  uint64_t covered = 0, max_pause = 0, max_live = 0;
  uint32_t max_pause_gc = 0;
  for (size_t i = 0; i < r.points.size(); ++i) {
    covered += r.points[i].cycles;
    if (i > 0) {
      EXPECT_EQ(r.points[i].gc_first, r.points[i - 1].gc_last + 1);
    }
    if (r.points[i].pause_max_ns > max_pause) {
      max_pause = r.points[i].pause_max_ns;
      max_pause_gc = r.points[i].pause_max_gc;
    }
    max_live = std::max(max_live, r.points[i].live_max);
  }
  EXPECT_EQ(covered, kCycles);
  EXPECT_EQ(max_pause, 90'000'000u);
  EXPECT_EQ(max_pause_gc, 654'321u);
  EXPECT_EQ(max_live, 3000 * kMiB);
  EXPECT_EQ(r.points.front().pause_min_ns, 100'000u);

  EXPECT_FALSE(r.table_complete);
  EXPECT_EQ(r.table_cycles_total, kCycles);
  EXPECT_LE(r.table.size(), 2 * CycleSeries::kTableEnds + CycleSeries::kTableSample + CycleSeries::kTableLongest +
                                5 * CycleSeries::kTableDrops + 2 * CycleSeries::kTableForced);
  std::set<uint32_t> gcs;
  for (const GcCycle& c : r.table) gcs.insert(c.gc);
  EXPECT_EQ(gcs.size(), r.table.size()) << "a cycle is listed twice";
  EXPECT_TRUE(std::is_sorted(r.table.begin(), r.table.end(),
                             [](const GcCycle& a, const GcCycle& b) { return a.gc < b.gc; }));
  for (uint32_t want : {1u, 100u, kCycles - 99, kCycles, 654'321u, 500'000u, 777'777u, 777'778u, 777'779u, 777'780u}) {
    EXPECT_TRUE(gcs.contains(want)) << "gc " << want << " is not in the table";
  }
}

TEST(CycleSeries, FoldedPointsAreTheMergeOfTheirCycles) {
  // A long run folds each cycle into an open point: every point, the open one
  // at the end included, must hold what merging its cycles one by one gives,
  // with the figures of the last one it covers.
  CycleSeries s;
  std::vector<GcCycle> cycles;
  constexpr uint32_t kCycles = 50'001;
  for (uint32_t gc = 1; gc <= kCycles; ++gc) {
    GcCycle c = cycle(gc, (64 + gc % 13) * kMiB, 100'000 + (gc % 11) * 1000);
    c.goal = (130 + gc % 7) * kMiB;
    c.stacks = (gc % 5) * kMiB;
    c.globals = (gc % 3) * kMiB;
    c.cpu_ns[0] = gc % 17;
    c.cpu_ns[3] = gc % 19;
    c.cpu_ns[4] = gc % 23;
    c.util_pct = gc % 9;
    c.procs = 1 + static_cast<int32_t>(gc % 4);
    if (gc % 1000 == 0) c.flags = 0;  // no `@` time: the interval to it and from it is unknown
    if (gc % 777 == 0) c.start_ns -= 20 * kMs;  // earlier than the cycle before: unknown too
    if (gc % 4321 == 0) c.flags |= kGcUserForced;
    cycles.push_back(c);
    s.add_cycle(c);
  }
  const RunSeries r = s.finish();
  ASSERT_GT(r.cycles_per_point, 1u);
  size_t next = 0;
  for (const SeriesPoint& p : r.points) {
    ASSERT_LT(next, cycles.size());
    SeriesPoint want;
    for (uint32_t k = 0; k < p.cycles; ++k, ++next) {
      const GcCycle& c = cycles[next];
      const GcCycle* prev = next > 0 ? &cycles[next - 1] : nullptr;
      int64_t interval = -1;
      if (prev != nullptr && c.has(kGcHasTime) && prev->has(kGcHasTime) && c.start_ns >= prev->start_ns) {
        interval = c.start_ns - prev->start_ns;
      }
      const uint64_t pause = c.stw_ns();
      if (k == 0) {
        want.gc_first = c.gc;
        want.t_first_ns = c.start_ns;
        want.live_min = c.heap_live;
        want.pause_min_ns = pause;
      }
      want.cycles = k + 1;
      want.flags = static_cast<uint8_t>(want.flags | c.flags);
      want.heap_start_max = std::max(want.heap_start_max, c.heap_start);
      want.heap_end_max = std::max(want.heap_end_max, c.heap_end);
      want.live_min = std::min(want.live_min, c.heap_live);
      want.live_max = std::max(want.live_max, c.heap_live);
      want.goal_max = std::max(want.goal_max, c.goal);
      want.stacks_globals_max = std::max(want.stacks_globals_max, c.stacks + c.globals);
      want.pause_min_ns = std::min(want.pause_min_ns, pause);
      if (k == 0 || pause > want.pause_max_ns) {
        want.pause_max_ns = pause;
        want.pause_max_gc = c.gc;
      }
      for (int i = 0; i < 5; ++i) want.cpu_ns[i] += c.cpu_ns[i];
      if (interval >= 0) {
        if (want.interval_min_ns < 0 || interval < want.interval_min_ns) want.interval_min_ns = interval;
        want.interval_max_ns = std::max(want.interval_max_ns, interval);
      }
      want.gc_last = c.gc;
      want.t_last_ns = c.start_ns;
      want.live_last = c.heap_live;
      want.goal_last = c.goal;
      want.util_pct_last = c.util_pct;
    }
    SCOPED_TRACE("point from gc " + std::to_string(want.gc_first));
    EXPECT_EQ(p.gc_first, want.gc_first);
    EXPECT_EQ(p.gc_last, want.gc_last);
    EXPECT_EQ(p.flags, want.flags);
    EXPECT_EQ(p.t_first_ns, want.t_first_ns);
    EXPECT_EQ(p.t_last_ns, want.t_last_ns);
    EXPECT_EQ(p.heap_start_max, want.heap_start_max);
    EXPECT_EQ(p.heap_end_max, want.heap_end_max);
    EXPECT_EQ(p.live_min, want.live_min);
    EXPECT_EQ(p.live_max, want.live_max);
    EXPECT_EQ(p.live_last, want.live_last);
    EXPECT_EQ(p.goal_max, want.goal_max);
    EXPECT_EQ(p.goal_last, want.goal_last);
    EXPECT_EQ(p.stacks_globals_max, want.stacks_globals_max);
    EXPECT_EQ(p.pause_min_ns, want.pause_min_ns);
    EXPECT_EQ(p.pause_max_ns, want.pause_max_ns);
    EXPECT_EQ(p.pause_max_gc, want.pause_max_gc);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(p.cpu_ns[i], want.cpu_ns[i]) << "cpu " << i;
    EXPECT_EQ(p.util_pct_last, want.util_pct_last);
    EXPECT_EQ(p.interval_min_ns, want.interval_min_ns);
    EXPECT_EQ(p.interval_max_ns, want.interval_max_ns);
    if (HasFailure()) break;
  }
  EXPECT_EQ(next, cycles.size());
  // The table's last cycles are the last ones added.
  ASSERT_FALSE(r.table.empty());
  EXPECT_EQ(r.table.back().gc, kCycles);
  EXPECT_EQ(r.table.back().heap_live, cycles.back().heap_live);
}

TEST(CycleSeries, ScavengerPointsMergeWithoutLosingTheirSums) {
  CycleSeries s;
  uint64_t work = 0;
  for (uint32_t i = 1; i <= 5000; ++i) {
    ScavEvent e;
    e.work_bytes = i * 1024;
    e.released_bytes = i * 4096;
    work += e.work_bytes;
    s.add_scav(e, i, i * kMs);
  }
  const RunSeries r = s.finish();
  EXPECT_LE(r.scavenger.size(), CycleSeries::kScavPoints);
  uint64_t sum = 0, lines = 0;
  for (const ScavPoint& p : r.scavenger) {
    sum += p.released_work;
    lines += p.lines;
  }
  EXPECT_EQ(sum, work);
  EXPECT_EQ(lines, 5000u);
  EXPECT_EQ(r.scavenger.back().released_now_max, 5000u * 4096);
}

TEST(CycleSeries, TheAnalyzerFillsEachRunsSeries) {
  const Report report = testing_support::analyze_text(
      "gc 1 @0.010s 1%: 0.010+1.0+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
      "scav 0 KiB work (bg), 512 KiB work (eager), 1024 KiB now, 1% util\n"
      "gc 2 @0.020s 1%: 0.010+1.0+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 4->5->3 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n");
  ASSERT_EQ(report.runs.size(), 1u);
  const RunSeries& r = report.runs[0].series;
  ASSERT_EQ(r.points.size(), 2u);
  EXPECT_EQ(r.points[1].live_last, 3 * kMiB);
  EXPECT_TRUE(r.points[1].flags & kGcUserForced);
  ASSERT_EQ(r.scavenger.size(), 1u);
  EXPECT_EQ(r.scavenger[0].after_gc, 1u);
  EXPECT_EQ(r.scavenger[0].released_work, 512u * 1024);
  EXPECT_EQ(r.table.size(), 2u);
}

// Past kTableAll cycles the table still holds the cycles findings name: the one
// before the largest scavenger release (memory-returned) and the first tight
// goal (memory-limit-pressure), though neither is among the ends, the longest
// pauses, the sample or the forced cycles.
TEST(CycleSeries, TheTableKeepsTheCyclesFindingsName) {
  std::string t;
  for (uint32_t gc = 1; gc <= 3000; ++gc) {
    const bool tight = gc >= 2347;
    t += "gc " + std::to_string(gc) + " @" + std::to_string(gc) + ".000s 1%: 0.010+1.0+0.020 ms clock, "
         "0.020+0.50/1.0/0+0.040 ms cpu, 60->61->50 MB, " + (tight ? "52" : "100") +
         " MB goal, 0 MB stacks, 0 MB globals, 2 P\n";
    if (gc == 274) t += "scav 40960 KiB work (bg), 0 KiB work (eager), 0 KiB now, 99% util\n";
    if (gc == 1779) t += "scav 81920 KiB work (bg), 0 KiB work (eager), 0 KiB now, 99% util\n";
  }
  const Report report = testing_support::analyze_text(t);
  ASSERT_EQ(report.runs.size(), 1u);
  const gcsight::Run& run = report.runs[0];
  EXPECT_FALSE(run.series.table_complete);
  std::set<uint32_t> in_table;
  for (const GcCycle& c : run.series.table) in_table.insert(c.gc);
  EXPECT_TRUE(in_table.count(1779)) << "the cycle before the largest release";
  EXPECT_TRUE(in_table.count(2347)) << "the first tight cycle";
  EXPECT_FALSE(in_table.count(274)) << "a smaller release names no cycle";
  bool returned = false, pressure = false;
  for (const Finding& f : run.findings) {
    returned |= f.code == "memory-returned";
    pressure |= f.code == "memory-limit-pressure";
  }
  EXPECT_TRUE(returned);
  EXPECT_TRUE(pressure);
}

}  // namespace
}  // namespace gcsight
