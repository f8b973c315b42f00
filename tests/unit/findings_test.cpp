// The findings rules on synthetic traces built line by line: each rule fires
// on the pattern it names and stays silent on its look-alikes (a warm-up that
// plateaus is not a leak; a one-off runtime.GC() is not a problem).
#include <gtest/gtest.h>

#include "support/analyze_text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/analyze_files.h"
#include "render/render_json.h"
#include "render/render_text.h"

namespace gcsight {
namespace {

struct Cycle {
  double at_s;
  uint64_t start_mb, end_mb, live_mb, goal_mb;
  const char* c1 = "0.050";
  const char* c3 = "0.040";
  const char* cpu = "0.10+0.20/1.1/0.50+0.080";
  bool forced = false;
  uint64_t stacks_mb = 0, globals_mb = 0;
};

std::string gc_line(uint32_t n, const Cycle& c) {
  const auto ms = static_cast<uint64_t>(c.at_s * 1000);
  return fmt::format("gc {} @{}.{:03}s 1%: {}+1.2+{} ms clock, {} ms cpu, {}->{}->{} MB, {} MB goal, {} MB stacks, {} MB globals, 2 P{}\n",
                     n, ms / 1000, ms % 1000, c.c1, c.c3, c.cpu, c.start_mb, c.end_mb, c.live_mb, c.goal_mb,
                     c.stacks_mb, c.globals_mb, c.forced ? " (forced)" : "");
}

Report analyze_text(std::string text) { return testing_support::analyze_text(std::move(text), "<synthetic>", 2024); }

const Finding* find(const Report& r, const std::string& code) {
  for (const Finding& f : r.runs.at(0).findings) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

bool has_evidence(const Finding& f, const std::string& key) {
  for (const EvidenceItem& e : f.evidence) {
    if (e.key == key) return true;
  }
  return false;
}

// Live heap following `live(i)` MiB, one cycle a second, with a sawtooth between cycles.
template <typename F>
std::string trace(int cycles, F live) {
  std::string t;
  for (int i = 0; i < cycles; ++i) {
    const uint64_t l = live(i);
    const uint64_t prev = i > 0 ? live(i - 1) : l;
    t += gc_line(static_cast<uint32_t>(i + 1), {static_cast<double>(i), prev * 2, prev * 2 + 1, l, prev * 2});
  }
  return t;
}

TEST(Findings, SteadyGrowthIsAPossibleLeak) {
  // 100 MiB growing by 1 MiB a second for 10 minutes, with noise.
  const Report r = analyze_text(trace(600, [](int i) { return 100 + static_cast<uint64_t>(i + i % 7); }));
  const Finding* f = find(r, "live-heap-growth");
  ASSERT_NE(f, nullptr);
  EXPECT_GE(f->severity, Severity::kWarning);
  EXPECT_NE(f->explanation.find("still rising in the last third of the run (60 MiB/min)"), std::string::npos)
      << f->explanation;
  EXPECT_TRUE(has_evidence(*f, "recent_slope_bytes_per_s"));
  const double slope = r.runs[0].summary.live_trend.slope_bytes_per_s;
  EXPECT_NEAR(slope, 1 << 20, 0.1 * (1 << 20));
}

// A leak whose cycles come ever further apart as the heap doubles (the
// default GOGC): 7 cycles, of which only the last starts in the last third of
// the run. The plateau test cannot run there, so the finding stands, and it
// says nothing of the last third rather than "still rising ... (0 B/min)".
TEST(Findings, GrowthWithTooFewRecentPointsSaysNothingOfTheLastThird) {
  std::string t;
  uint32_t n = 0;
  uint64_t prev = 15;
  for (double at : {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4}) {
    const auto live = static_cast<uint64_t>(10 + 50 * at);
    t += gc_line(++n, {at, prev * 2, prev * 2 + 1, live, prev * 2});
    prev = live;
  }
  const Report r = analyze_text(t);
  EXPECT_LT(r.runs[0].summary.live_trend_recent.points, 3u);
  const Finding* f = find(r, "live-heap-growth");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->explanation.find("last third"), std::string::npos) << f->explanation;
  EXPECT_FALSE(has_evidence(*f, "recent_slope_bytes_per_s"));
  // Nor does the statistics section show the unfitted recent trend as 0 B/s.
  const std::string text = render_text(r, TextStyle{false, 200});
  EXPECT_NE(text.find("live heap trend"), std::string::npos) << text;
  EXPECT_EQ(text.find("over the last third"), std::string::npos) << text;
}

TEST(Findings, WarmUpThatPlateausIsNotALeak) {
  const Report r = analyze_text(trace(600, [](int i) { return i < 200 ? 50 + static_cast<uint64_t>(i) : static_cast<uint64_t>(250 + i % 5); }));
  EXPECT_EQ(find(r, "live-heap-growth"), nullptr);
}

TEST(Findings, FlatHeapIsNotALeak) {
  const Report r = analyze_text(trace(600, [](int i) { return 200 + static_cast<uint64_t>(i % 11); }));
  EXPECT_EQ(find(r, "live-heap-growth"), nullptr);
  EXPECT_EQ(find(r, "heap-collected"), nullptr);
}

TEST(Findings, LongPauses) {
  std::string t;
  for (uint32_t i = 1; i <= 50; ++i) {
    Cycle c{i * 1.0, 100, 101, 50, 100};
    if (i == 20) c.c3 = "150";
    t += gc_line(i, c);
  }
  const Report r = analyze_text(t);
  const Finding* f = find(r, "long-pauses");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_EQ(r.runs[0].summary.stw_pause_ns.max_gc, 20u);
  EXPECT_EQ(r.runs[0].summary.stw_pause_ns.max, 150'050'000u);
}

TEST(Findings, ExplicitGcOnceIsInfoOftenIsWarning) {
  std::string once, often;
  for (uint32_t i = 1; i <= 40; ++i) {
    Cycle c{i * 1.0, 100, 101, 50, 100};
    c.forced = i == 10;
    once += gc_line(i, c);
    c.forced = i % 3 == 0;
    often += gc_line(i, c);
  }
  const Report r1 = analyze_text(once);
  const Finding* a = find(r1, "explicit-gc");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->severity, Severity::kInfo);
  const Report ro = analyze_text(often);
  const Finding* b = find(ro, "explicit-gc");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->severity, Severity::kWarning);
}

TEST(Findings, GcCpuHighWithAssists) {
  std::string t;
  for (uint32_t i = 1; i <= 100; ++i) {
    // Cycles every 100 ms, each burning 80 ms of 2 Ps' CPU, most of it in assists.
    Cycle c{i * 0.1, 100, 101, 50, 100};
    c.cpu = "0.10+60/20/0+0.080";
    t += gc_line(i, c);
  }
  const Report r = analyze_text(t);
  const Finding* f = find(r, "gc-cpu-high");
  ASSERT_NE(f, nullptr);
  EXPECT_NEAR(r.runs[0].summary.gc_cpu_fraction, 0.40, 0.02);
  EXPECT_GT(r.runs[0].summary.assist_share, 0.7);
  // A run long enough for a window cites it.
  EXPECT_NE(f->explanation.find("% in the busiest 1."), std::string::npos) << f->explanation;
  EXPECT_TRUE(has_evidence(*f, "max_window_fraction"));
  EXPECT_TRUE(has_evidence(*f, "window_ns"));
}

// A run under 1 s (20 cycles in 0.5 s) has no GC CPU window: the finding says
// nothing of one rather than "up to 0.0% in the busiest 0 ns window".
TEST(Findings, GcCpuHighInARunTooShortForAWindowNamesNoWindow) {
  std::string t;
  for (uint32_t i = 1; i <= 20; ++i) {
    Cycle c{i * 0.025, 100, 101, 50, 100};
    c.cpu = "0.050+10/5.0/0+0.050";  // 15.1 ms of GC CPU in every 25 ms of 2 Ps: 30%
    t += gc_line(i, c);
  }
  const Report r = analyze_text(t);
  const RunSummary& s = r.runs[0].summary;
  EXPECT_LT(s.gc_cpu_fraction_max_window, 0);
  const Finding* f = find(r, "gc-cpu-high");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->explanation.find("over the run (idle-time marking excluded). Mark assists"), std::string::npos)
      << f->explanation;
  EXPECT_EQ(f->explanation.find("window"), std::string::npos) << f->explanation;
  EXPECT_TRUE(has_evidence(*f, "gc_cpu_fraction"));
  EXPECT_FALSE(has_evidence(*f, "max_window_fraction"));
  EXPECT_FALSE(has_evidence(*f, "window_ns"));
}

TEST(Findings, MemoryLimitPressureInARunTooShortForAWindowNamesNoWindow) {
  std::string t;
  for (uint32_t i = 1; i <= 20; ++i) t += gc_line(i, {i * 0.025, 500, 505, 480, 510});
  const Report r = analyze_text(t);
  const Finding* f = find(r, "memory-limit-pressure");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(f->explanation.find("window"), std::string::npos) << f->explanation;
  EXPECT_FALSE(has_evidence(*f, "max_window_gc_cpu_fraction"));
}

// The cycle rate needs two cycles: one cycle's span is its own phases.
TEST(CycleRate, UnknownWithOneCycleKnownWithTwo) {
  const Report one = analyze_text(gc_line(1, {0.3, 33, 33, 12, 33}));
  EXPECT_LT(one.runs[0].summary.cycles_per_minute, 0);
  const Report two = analyze_text(gc_line(1, {0.3, 33, 33, 12, 33}) + gc_line(2, {30.3, 33, 33, 12, 33}));
  // 2 cycles from @0.3 s to the end of the second (30.3 s + 1.29 ms).
  EXPECT_NEAR(two.runs[0].summary.cycles_per_minute, 2 * 60 / 30.00129, 1e-6);
}

TEST(CycleRate, UnknownWithoutAtTimes) {
  // Go <= 1.4 lines print no `@` time: the run's span and rate are unknown, not the
  // last cycle's own phases (1.3 ms, "1,353,380 per minute").
  std::string t;
  for (int i = 1; i <= 30; ++i) {
    t += fmt::format("gc{}(4): 0+0+{}+1001 us, 41 -> {} MB, 2118 (2655-537) objects, 85 goroutines, "
                     "109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields\n",
                     i, 10 * i, i);
  }
  const Report r = analyze_text(t);
  ASSERT_EQ(r.runs.size(), 1u);
  const RunSummary& s = r.runs[0].summary;
  EXPECT_EQ(s.cycles, 30u);
  EXPECT_FALSE(s.timed);
  EXPECT_EQ(s.duration_ns, 0);
  EXPECT_LT(s.cycles_per_minute, 0);
  EXPECT_LT(s.assist_share, 0);
  const auto j = report_to_json(r)["runs"][0]["summary"];
  EXPECT_TRUE(j["start_ns"].is_null());
  EXPECT_TRUE(j["end_ns"].is_null());
  EXPECT_TRUE(j["duration_ns"].is_null());
  EXPECT_TRUE(j["cycles_per_minute"].is_null());
  EXPECT_EQ(j["mark_ns"]["count"], 0);
  EXPECT_TRUE(j["mark_ns"]["p50"].is_null());
  EXPECT_TRUE(j["mark_ns"]["max"].is_null());
  EXPECT_TRUE(j["gc_cpu"]["assist_share"].is_null());
  EXPECT_FALSE(j["stw_pause_ns"]["p50"].is_null());
  const std::string text = render_text(r, TextStyle{});
  EXPECT_EQ(text.find("per minute,"), std::string::npos) << text;
  EXPECT_NE(text.find("30 cycles (gc 1–30), Go <= 1.4"), std::string::npos) << text;  // no "over 1.3 ms"
}

// Go 1.5-1.8 ` (forced)` lines are stop-the-world cycles whose assist,
// background and idle CPU repeat the previous cycle's (golang/go#15068):
// counting them again made 1.3% of GC CPU read as 7.8%.
TEST(GcCpu, TheStaleMarkCpuOfGo15To18ForcedCyclesCountsForNothing) {
  std::string t = "gc 1 @0.100s 5%: 0.030+40+0.050 ms clock, 0.24+0/60/0+0.40 ms cpu, 4->5->2 MB, 5 MB goal, 8 P\n";
  for (int i = 2; i <= 21; ++i) {
    t += fmt::format("gc {} @{:.3f}s 5%: 0.020+0+1.5 ms clock, 0.16+0/60/0+12 ms cpu, 2->2->2 MB, 2 MB goal, 8 P (forced)\n",
                     i, 0.5 + 0.1 * (i - 2));
  }
  const RunSummary s = analyze_text(t).runs.at(0).summary;
  EXPECT_EQ(s.cpu_ns[2], 60'000'000u) << "gc 1's background mark only";
  // 20 intervals after gc 1 (0.4 s, then 19 x 0.1 s) on 8 P, each with 0.16 + 12 ms of STW CPU.
  EXPECT_NEAR(s.gc_cpu_fraction, 20 * 12.16e-3 / (2.3 * 8), 1e-6);
  // A Go 1.9+ user-forced cycle is concurrent: its mark CPU counts.
  const std::string modern = gc_line(1, {0.1, 4, 5, 2, 5}) + gc_line(2, {0.5, 4, 5, 2, 5, "0.050", "0.040", "0.10+0.20/1.1/0.50+0.080", true});
  EXPECT_EQ(analyze_text(modern).runs.at(0).summary.cpu_ns[2], 2'200'000u);
}

// A run's line range holds its own lines that are not gc lines: the `GC forced`
// that announced its first cycle, and the program's output after its last.
TEST(RunLines, TheRangeHoldsTheRunsOwnOtherLines) {
  const Report r = analyze_text("GC forced\n" + gc_line(1, {120.5, 4, 5, 2, 5}) + "scav 0 KiB work (bg), 0 KiB work (eager), 0 KiB now, 99% util\n" +
                                gc_line(2, {121.0, 4, 5, 2, 5}) + "request done\nshutting down\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].first_line, 1u);
  EXPECT_EQ(r.runs[0].last_line, 6u);
}

TEST(Findings, MemoryLimitPressure) {
  std::string t;
  for (uint32_t i = 1; i <= 100; ++i) {
    // The goal stays pinned just above the live heap: GOMEMLIMIT, not GOGC.
    Cycle c{i * 0.05, 500, 505, 480, 510};
    c.cpu = "0.10+50/30/0+0.080";  // 80 ms of GC CPU in every 100 ms of 2 Ps
    t += gc_line(i, c);
  }
  const Report r = analyze_text(t);
  const Finding* f = find(r, "memory-limit-pressure");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
}

// GOGC=100 with 200 MiB of globals and a 20 MiB heap: the goal (240 MiB) is far
// above the live heap, though within 10% of live + stacks + globals.
TEST(Findings, LargeGlobalsAtGogc100AreNotLimitPressure) {
  std::string t;
  for (uint32_t i = 1; i <= 100; ++i) {
    Cycle c{i * 1.0, 230, 232, 20, 240};
    c.globals_mb = 200;
    t += gc_line(i, c);
  }
  const Report r = analyze_text(t);
  EXPECT_EQ(find(r, "memory-limit-pressure"), nullptr);
  EXPECT_NEAR(r.runs[0].summary.gogc_effective, 100, 5);
}

// An unreadable line before the first gc line is still named by its line.
TEST(Findings, AnUnreadableLineBeforeTheFirstCycleIsNamedByItsLine) {
  const Report r = analyze_text("gc 5 @0.011s 3%: 0.009+6.3+0.04\n" + trace(20, [](int) { return uint64_t{100}; }));
  const Finding* f = find(r, "trace-gaps");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->explanation.find("1 trace line could not be read (first at line 1)"), std::string::npos)
      << f->explanation;
}

TEST(Findings, NormalPacingIsNotLimitPressure) {
  const Report r = analyze_text(trace(200, [](int i) { return 200 + static_cast<uint64_t>(i % 3); }));
  EXPECT_EQ(find(r, "memory-limit-pressure"), nullptr);
  EXPECT_NEAR(r.runs[0].summary.gogc_effective, 100, 5);
}

TEST(Findings, TraceGapsAreReported) {
  std::string t;
  for (uint32_t i : {5u, 6u, 7u, 12u, 13u}) t += gc_line(i, {i * 1.0, 100, 101, 50, 100});
  const Report r = analyze_text(t);
  const Finding* f = find(r, "trace-gaps");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(r.runs[0].summary.numbering_gaps, 1u);
  EXPECT_EQ(r.runs[0].summary.missing_cycles, 4u);
  EXPECT_EQ(f->severity, Severity::kWarning);
}


std::string scav_line(uint64_t work_kib) {
  return fmt::format("scav {} KiB work (bg), 0 KiB work (eager), 0 KiB now, 99% util\n", work_kib);
}

TEST(Findings, MemoryReturnedNamesTheLargestReleaseHoweverManyCameBefore) {
  // 80 releases of 40 MiB, then one of 2 GiB: the finding names the 2 GiB and counts all 81.
  std::string t;
  for (uint32_t i = 1; i <= 80; ++i) t += gc_line(i, {i * 1.0, 60, 61, 50, 100}) + scav_line(40 * 1024);
  t += gc_line(81, {81.0, 60, 61, 50, 100}) + scav_line(2 * 1024 * 1024);
  const Report r = analyze_text(t);
  const Finding* f = find(r, "memory-returned");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("released 2 GiB"), std::string::npos) << f->title;
  EXPECT_NE(f->explanation.find("In all, 81 scavenger lines released 32 MiB or more each, 5.1 GiB together."),
            std::string::npos)
      << f->explanation;
  for (const EvidenceItem& e : f->evidence) {
    if (e.key == "line") {
      EXPECT_EQ(e.value, EvidenceItem::Value{int64_t{162}});
    } else if (e.key == "releases") {
      EXPECT_EQ(e.value, EvidenceItem::Value{int64_t{81}});
    } else if (e.key == "released_total_bytes") {
      EXPECT_EQ(e.value, EvidenceItem::Value{int64_t{(80 * 40 + 2048) * (1LL << 20)}});
    }
  }
}

TEST(Findings, MemoryRetainedCountsEveryReleaseAfterTheCollection) {
  // 100 large releases before a 1 GiB collection, then one of 800 MiB after it:
  // the trace shows most of the freed memory returned, so no memory-retained.
  std::string t;
  for (uint32_t i = 1; i <= 100; ++i) t += gc_line(i, {i * 1.0, 1100, 1101, 1050, 2100}) + scav_line(40 * 1024);
  t += gc_line(101, {101.0, 1100, 1101, 26, 2100, "0.050", "0.040", "0.10+0.20/1.1/0.50+0.080", true});
  t += scav_line(800 * 1024);
  t += gc_line(102, {102.0, 30, 31, 26, 52});
  const Report r = analyze_text(t);
  EXPECT_NE(find(r, "heap-collected"), nullptr);
  EXPECT_EQ(find(r, "memory-retained"), nullptr);
}
}  // namespace
}  // namespace gcsight
