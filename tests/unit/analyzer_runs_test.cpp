// The analyzer's runs: a restarted process (gc numbers from 1 again) begins a
// new run, and with max_runs only the latest runs are kept, the others counted.
#include <gtest/gtest.h>

#include <string>

#include "core/analyzer.h"

namespace gcsight {
namespace {

GcCycle cycle(uint32_t gc, int64_t start_ns, uint64_t line) {
  GcCycle c;
  c.gc = gc;
  c.start_ns = start_ns;
  c.line = line;
  c.clock_ns[0] = 10'000;
  c.clock_ns[1] = 1'000'000;
  c.clock_ns[2] = 10'000;
  c.heap_start = c.heap_end = 8u << 20;
  c.heap_live = 4u << 20;
  c.goal = 8u << 20;
  c.procs = 4;
  c.flags = kGcHasTime;
  return c;
}

// `restarts` + 1 runs of five cycles each, in one input.
Report runs_of(size_t max_runs, uint32_t restarts) {
  AnalyzeOptions o;
  o.max_runs = max_runs;
  Analyzer a(o);
  a.begin_input("log");
  uint64_t line = 0;
  for (uint32_t r = 0; r <= restarts; ++r) {
    for (uint32_t gc = 1; gc <= 5; ++gc) a.on_gc(cycle(gc, gc * 100'000'000, ++line));
  }
  a.end_input(InputInfo{"log", 0, line, {}}, StitchStats{}, "none");
  return a.finish("test");
}

TEST(AnalyzerRuns, EveryRestartIsARunByDefault) {
  const Report r = runs_of(0, 9);
  ASSERT_EQ(r.runs.size(), 10u);
  for (size_t i = 0; i < r.runs.size(); ++i) {
    EXPECT_EQ(r.runs[i].index, i + 1);
    EXPECT_EQ(r.runs[i].summary.cycles, 5u);
  }
}

TEST(AnalyzerRuns, OnlyTheLatestRunsAreKeptPastTheLimit) {
  const Report r = runs_of(3, 9);
  ASSERT_EQ(r.runs.size(), 3u);
  EXPECT_EQ(r.runs[0].index, 8u);
  EXPECT_EQ(r.runs[2].index, 10u);
  EXPECT_EQ(r.runs[2].first_line, 46u);
  for (const gcsight::Run& run : r.runs) EXPECT_EQ(run.summary.cycles, 5u);
  bool noted = false;
  for (const std::string& n : r.runs[0].notes) noted = noted || n.find("7 earlier runs were not kept") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_EQ(r.parse.gc_lines, 50u);
  // At the limit nothing is dropped.
  EXPECT_EQ(runs_of(3, 2).runs.size(), 3u);
  EXPECT_EQ(runs_of(1, 4).runs.front().index, 5u);
}

// watch's status line, NDJSON summary and gcsight_runs_total count every run
// found, the dropped ones too: an alert on restarts must not stop at the limit.
TEST(AnalyzerRuns, TheLiveCountOfRunsGoesOnPastTheLimit) {
  AnalyzeOptions o;
  o.max_runs = 8;
  Analyzer a(o);
  a.begin_input("log");
  uint64_t line = 0;
  for (uint32_t r = 1; r <= 12; ++r) {
    for (uint32_t gc = 1; gc <= 5; ++gc) a.on_gc(cycle(gc, gc * 100'000'000, ++line));
    EXPECT_EQ(a.live().runs, r);
    EXPECT_EQ(a.live().run_index, r);
  }
}

}  // namespace
}  // namespace gcsight
