// Split lines at scale and findings on synthetic traces, using the project's
// own deterministic generator (bench/trace_model.h): every generated cycle is
// recovered, or the unrecoverable ones are reported; never a silently wrong count.
#include <gtest/gtest.h>

#include "support/analyze_text.h"

#ifdef GCSIGHT_HAVE_TRACEGEN
#include "io/analyze_files.h"
#include "trace_model.h"

namespace gcsight {
namespace {

using tracegen::GenOptions;
using tracegen::GenTruth;
using tracegen::TraceFormat;

Report analyze_text(std::string text) { return testing_support::analyze_text(std::move(text), "<generated>", 2024); }

class SplitLines : public ::testing::TestWithParam<TraceFormat> {};

TEST_P(SplitLines, EveryCycleRecoveredAtAHighMidlineRate) {
  GenOptions o;
  o.format = GetParam();
  o.size_bytes = 6u << 20;
  o.midline_rate = 0.05;  // 100x the default: one gc line in twenty is split
  o.app_ratio = 0.2;
  o.seed = 7;
  std::string text;
  const GenTruth t = tracegen::generate_trace(o, text);
  ASSERT_GT(t.split_gc_lines, 500u);
  const Report r = analyze_text(std::move(text));
  ASSERT_EQ(r.runs.size(), 1u);
  const RunSummary& s = r.runs[0].summary;
  // Cycles read plus cycles reported unreadable must account for every cycle.
  EXPECT_EQ(s.cycles + s.missing_cycles, t.cycles);
  EXPECT_EQ(r.parse.malformed_lines, 0u) << (r.parse.first_malformed.empty() ? "" : r.parse.first_malformed[0].text);
  EXPECT_EQ(s.cycles, t.cycles);
  EXPECT_EQ(s.first_gc, t.first_gc);
  EXPECT_EQ(s.last_gc, t.last_gc);
  EXPECT_EQ(s.user_forced_cycles, t.user_forced_cycles);
  EXPECT_EQ(s.gc_forced_lines, t.periodic_gc_forced_lines);
  EXPECT_EQ(s.stw_pause_ns.total, t.stw_pause_ns_total);
  EXPECT_EQ(s.heap_live.min, t.live_heap_bytes.min);
  EXPECT_EQ(s.heap_live.max, t.live_heap_bytes.max);
  EXPECT_EQ(s.heap_live.last, t.live_heap_bytes.last);
  EXPECT_EQ(s.scavenger.lines, t.scav_lines);
  // Every application line is a program line, those that landed inside gc lines too.
  EXPECT_EQ(r.parse.program_lines, t.app_lines);
  EXPECT_GT(r.parse.stitched_lines, t.split_gc_lines / 2);
}

INSTANTIATE_TEST_SUITE_P(Formats, SplitLines,
                         ::testing::Values(TraceFormat::kModern, TraceFormat::kGo119, TraceFormat::kLegacy,
                                           TraceFormat::kGo15));

}  // namespace
}  // namespace gcsight
#endif
