// One test per runtime line shape (go-trace-formats.md §7, including eras that
// cannot be built here: 1.4, 1.5, 1.13, 1.14, 1.15-1.18, 1.25/1.26), per log
// wrapper, and for several processes interleaved in one stream.
#include <gtest/gtest.h>

#include "support/analyze_text.h"

#include "core/line_stitcher.h"
#include "core/trace_line_parser.h"
#include "io/analyze_files.h"

namespace gcsight {
namespace {

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t KiB = 1ull << 10;

Report analyze_text(std::string text) { return testing_support::analyze_text(std::move(text), "<test>", 2024); }

TEST(Shapes, Go118Gc) {
  const auto p = parse_trace_line(
      "gc 1 @0.016s 19%: 0.053+36+0.016 ms clock, 0.21+36/4.9/39+0.066 ms cpu, 3->3->3 MB, 4 MB goal, "
      "66 MB stacks, 0 MB globals, 4 P");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_EQ(p.gc.gc, 1u);
  EXPECT_EQ(p.gc.start_ns, 16'000'000);
  EXPECT_EQ(p.gc.util_pct, 19);
  EXPECT_EQ(p.gc.clock_ns[0], 53'000u);
  EXPECT_EQ(p.gc.clock_ns[1], 36'000'000u);
  EXPECT_EQ(p.gc.clock_ns[2], 16'000u);
  EXPECT_EQ(p.gc.cpu_ns[1], 36'000'000u);
  EXPECT_EQ(p.gc.cpu_ns[2], 4'900'000u);
  EXPECT_EQ(p.gc.cpu_ns[3], 39'000'000u);
  EXPECT_EQ(p.gc.stacks, 66 * MiB);
  EXPECT_EQ(p.gc.procs, 4);
  EXPECT_EQ(p.gc.shape, GcShape::kGo118);
  EXPECT_FALSE(p.gc.has(kGcUserForced));
}

TEST(Shapes, Go118ForcedAndGogcOff) {
  const auto p = parse_trace_line(
      "gc 1 @0.103s 0%: 0.071+0.21+0.004 ms clock, 0.14+0/0.15/0.15+0.009 ms cpu, 1250->1250->25 MB, "
      "8796093022156 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_TRUE(p.gc.has(kGcUserForced));
  EXPECT_EQ(p.gc.goal, 8796093022156ull * MiB);
}

TEST(Shapes, Go126LeakCheckAnnotation) {
  const auto p = parse_trace_line(
      "gc 12 @4.001s 1% (checking for goroutine leaks): 0.050+1.2+0.040 ms clock, 0.10+0.30/1.1/0+0.080 ms cpu, "
      "10->11->5 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 8 P");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_TRUE(p.gc.has(kGcLeakCheck));
  EXPECT_EQ(p.gc.gc, 12u);
}

TEST(Shapes, Go16To117Gc) {
  const auto p = parse_trace_line(
      "gc 290 @256.195s 3%: 0.25+100+0.10 ms clock, 2.0+208/199/0+0.84 ms cpu, 400->410->210 MB, 420 MB goal, 8 P");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_EQ(p.gc.shape, GcShape::kGo16);
  EXPECT_EQ(p.gc.heap_live, 210 * MiB);
  EXPECT_EQ(p.gc.stw_ns(), 350'000u);
}

TEST(Shapes, Go15FivePhases) {
  const auto p = parse_trace_line(
      "gc 99 @9.246s 1%: 0.29+0+0+0+8.4 ms clock, 1.1+0+0+8.6/0.031/2.6+33 ms cpu, 60->60->48 MB, 60 MB goal, "
      "32 P (forced)");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_EQ(p.gc.shape, GcShape::kGo15);
  EXPECT_EQ(p.gc.clock_ns[0], 290'000u);
  EXPECT_EQ(p.gc.clock_ns[2], 8'400'000u);
  EXPECT_EQ(p.gc.cpu_ns[1], 8'600'000u);  // assist
  EXPECT_EQ(p.gc.cpu_ns[3], 2'600'000u);  // idle
  EXPECT_EQ(p.gc.cpu_ns[4], 33'000'000u);
  EXPECT_TRUE(p.gc.has(kGcUserForced));
}

TEST(Shapes, Go14LegacyIsRecognisedAndCounted) {
  const auto p = parse_trace_line(
      "gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 sweeps, "
      "8(66) handoff, 11(38) steal, 103/4/0 yields");
  ASSERT_EQ(p.kind, LineKind::kGcLegacy);
  EXPECT_EQ(p.gc.gc, 6u);
  EXPECT_EQ(p.gc.stw_ns(), 1'000'000u);
  const Report r = analyze_text(
      "gc1(1): 0+0+0+0 us, 0 -> 0 MB, 78 (78-0) objects, 2 goroutines, 18/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields\n"
      "gc2(1): 0+0+0+1000 us, 4 -> 2 MB, 78 (78-0) objects, 2 goroutines, 18/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].summary.cycles, 2u);
  EXPECT_EQ(r.runs[0].summary.legacy_cycles, 2u);
  EXPECT_EQ(r.parse.malformed_lines, 0u);
}

TEST(Shapes, ScvgNumberedAndFreeOSMemory) {
  auto p = parse_trace_line("scvg0: inuse: 426, idle: 0, sys: 427, released: 0, consumed: 427 (MB)");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.shape, ScavShape::kScvgState);
  EXPECT_EQ(p.scav.counter, 0);
  EXPECT_EQ(p.scav.consumed_bytes, 427 * MiB);
  p = parse_trace_line("scvg1: 0 MB released");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.shape, ScavShape::kScvgReleased);
  p = parse_trace_line("scvg-1: inuse: 0, idle: 4, sys: 4, released: 4, consumed: 0 (MB)");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.counter, -1);
  EXPECT_TRUE(p.scav.has(kScavForced));
}

TEST(Shapes, Scvg113) {
  auto p = parse_trace_line("scvg: 2 MB released");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.work_bytes, 2 * MiB);
  EXPECT_FALSE(p.scav.has(kScavNumbered));
  p = parse_trace_line("scvg: inuse: 3, idle: 60, sys: 63, released: 58, consumed: 5 (MB)");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.released_bytes, 58 * MiB);
  p = parse_trace_line("forced scvg: inuse: 3, idle: 60, sys: 63, released: 58, consumed: 5 (MB)");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_TRUE(p.scav.has(kScavForced));
  p = parse_trace_line("forced scvg: 57 MB released");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_TRUE(p.scav.has(kScavForced));
}

TEST(Shapes, Scav114And119) {
  auto p = parse_trace_line("scav 1024 KiB work, 5120 KiB total, 73% util");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.shape, ScavShape::kScav114);
  EXPECT_EQ(p.scav.work_bytes, 1024 * KiB);
  EXPECT_EQ(p.scav.released_bytes, 5120 * KiB);
  EXPECT_EQ(p.scav.util_pct, 73);
  p = parse_trace_line("scav 56144 KiB work, 60888 KiB total, 85% util (forced)");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_TRUE(p.scav.has(kScavForced));
}

TEST(Shapes, Scav115To118WithGeneration) {
  auto p = parse_trace_line("scav 12 1024 KiB work, 5120 KiB total, 73% util");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.shape, ScavShape::kScav115);
  EXPECT_EQ(p.scav.counter, 12);
  EXPECT_EQ(p.scav.work_bytes, 1024 * KiB);
  p = parse_trace_line("scav 7 512 KiB work, 4096 KiB total, 83% util [controller reset]");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_TRUE(p.scav.has(kScavControllerReset));
}

TEST(Shapes, Scav121) {
  auto p = parse_trace_line("scav 0 KiB work (bg), 92128 KiB work (eager), 110008 KiB now, 100% util (forced)");
  ASSERT_EQ(p.kind, LineKind::kScav);
  EXPECT_EQ(p.scav.shape, ScavShape::kScav121);
  EXPECT_EQ(p.scav.eager_bytes, 92128 * KiB);
  EXPECT_EQ(p.scav.released_bytes, 110008 * KiB);
  EXPECT_TRUE(p.scav.has(kScavForced));
  p = parse_trace_line("scav 10 KiB work (bg), 0 KiB work (eager), 3872 KiB now, 33% util [controller reset]");
  EXPECT_TRUE(p.scav.has(kScavControllerReset));
}

TEST(Shapes, RecognisedNeighbours) {
  EXPECT_EQ(parse_trace_line("GC forced").kind, LineKind::kGcForced);
  EXPECT_EQ(parse_trace_line("pacer: assist ratio=+4.076850e-001 (scan 0 MB in 6->8 MB) workers=2+0").kind,
            LineKind::kPacer);
  EXPECT_EQ(parse_trace_line("pacer: 25% CPU (25 exp.) for 1+2+3 B work (4 B exp.) in 5 B -> 6 B (\xe2\x88\x86goal 7, cons/mark +1.0e-001)").kind,
            LineKind::kPacer);
  EXPECT_EQ(parse_trace_line("scan: total 1200 objs").kind, LineKind::kScan);
  EXPECT_EQ(parse_trace_line("scan: total 100+40+60=200 objs, 3+5=8 spans").kind, LineKind::kScan);
  EXPECT_EQ(parse_trace_line("scan: class 16B 300 objs").kind, LineKind::kScan);
  // Only the runtime's texts after the prefix: a program's own line is program output.
  EXPECT_EQ(parse_trace_line("pacer: throttling to 10 req/s").kind, LineKind::kProgram);
  EXPECT_EQ(parse_trace_line("pacer: 25% done").kind, LineKind::kProgram);
  EXPECT_EQ(parse_trace_line("scan: 12 files indexed").kind, LineKind::kProgram);
  const Report r = analyze_text(
      "gc 1 @0.001s 1%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
      "scan: total 100+40+60=200 objs, 3+5=8 spans\n"
      "scan: class 16B 100+40+60=200 objs, 3+5=8 spans\n"
      "pacer: sweep done at heap size 4MB; allocated 0MB during sweep; swept 10 pages at +1.0e-001 pages/byte\n");
  EXPECT_EQ(r.parse.malformed_lines, 0u);
  EXPECT_EQ(r.parse.scan_lines, 2u);
  EXPECT_EQ(r.parse.pacer_lines, 1u);
  EXPECT_EQ(r.parse.program_lines, 0u);
}

TEST(Shapes, TextBeforeAndAfterTheRuntimeLine) {
  auto p = parse_trace_line("\rprogress 6%gc 9 @1.019s 0%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, "
                            "4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_EQ(p.begin, 12u);
  p = parse_trace_line("Feb 26 12:52:23.767 gc 93 @3074.095s 0%: 0.074+32+0.036 ms clock, 0.59+0.37/64/113+0.29 ms cpu, "
                       "269->274->204 MB, 276 MB goal, 8 P");
  ASSERT_EQ(p.kind, LineKind::kGc);
  EXPECT_EQ(p.gc.gc, 93u);
  p = parse_trace_line("\rprogress 16%scav 0 KiB work (bg), 0 KiB work (eager), 3872 KiB now, 33% util");
  EXPECT_EQ(p.kind, LineKind::kScav);
  // Ordinary text mentioning gc is program output, not a malformed line.
  const Report r = analyze_text("running gc 5 times now\nscavenger: nothing to do\nthe gc line is fine\n");
  EXPECT_EQ(r.parse.malformed_lines, 0u);
  EXPECT_EQ(r.parse.program_lines, 3u);
}

// cli.md: program text before a runtime line on its line, and after it, counts
// as program output, whichever newline ended the line (the runtime's or, with
// an empty line after it, the program's).
TEST(Shapes, TextAroundARuntimeLineIsProgramOutput) {
  const std::string gc =
      "gc 1 @0.100s 2%: 0.030+1.2+0.050 ms clock, 0.060+0.10/1.1/0+0.10 ms cpu, 4->5->2 MB, 5 MB goal, "
      "0 MB stacks, 0 MB globals, 2 P";
  auto markers = [](const Report& r) {
    std::vector<std::string> texts;
    for (const auto& m : r.runs.at(0).markers) texts.push_back(m.text);
    return texts;
  };
  using Texts = std::vector<std::string>;
  Report r = analyze_text(gc + "hello world\nsecond line\n");
  EXPECT_EQ(r.parse.program_lines, 2u);
  EXPECT_EQ(markers(r), (Texts{"hello world", "second line"}));
  r = analyze_text(gc + "hello world\n\nsecond line\n");  // the runtime's newline, late
  EXPECT_EQ(r.parse.program_lines, 2u);
  EXPECT_EQ(markers(r), (Texts{"hello world", "second line"}));
  r = analyze_text("prefix: " + gc + "\nsecond line\n");
  EXPECT_EQ(r.parse.program_lines, 2u);
  EXPECT_EQ(markers(r), (Texts{"prefix: ", "second line"}));
  EXPECT_EQ(r.parse.malformed_lines, 0u);
}

TEST(Shapes, SplitLinesFromTheCorpusAreStitched) {
  // go1.22.12 churn-gogc100-stderrlog: a log line lands inside `gc 74`, and
  // `gc 60` is split between its util and `%:`.
  const std::string text =
      "gc 73 @7.500s 0%: 0.051+1.4+0.004 ms clock, 0.10+0.52/0.51/0+0.008 ms cpu, 100->101->51 MB, 102 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
      "2026/11/25 19:13:15 INFO worker=1 req=5800 path=/api/v1/items status=200 dur=1420us\n"
      "gc 742026/11/25 19:13:15 INFO worker=0 req=5900 path=/api/v1/items status=200 dur=1420us\n"
      " @7.621s 0%: 0.051+1.4+0.004 ms clock, 0.10+0.52/0.51/0+0.008 ms cpu, 100->101->51 MB, 102 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
      "gc 75 @7.706s 02026/11/25 19:13:16 INFO worker=3 req=6000 path=/api/v1/items status=200 dur=1596us\n"
      "2026/11/25 19:13:16 INFO worker=4 req=6050 path=/api/v1/items status=200 dur=1596us\n"
      "%: 0.055+1.4+0.005 ms clock, 0.11+0.52/0.51/0+0.011 ms cpu, 100->101->51 MB, 102 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
      "scav 2026/11/25 18:50:30 Done.\n"
      "0 KiB work (bg), 0 KiB work (eager), 2568 KiB now, 0% util\n";
  const Report r = analyze_text(text);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].summary.cycles, 3u);
  EXPECT_EQ(r.runs[0].summary.last_gc, 75u);
  EXPECT_EQ(r.runs[0].summary.numbering_gaps, 0u);
  EXPECT_EQ(r.parse.stitched_lines, 3u);
  EXPECT_EQ(r.parse.malformed_lines, 0u);
  EXPECT_EQ(r.parse.scavenger_lines, 1u);
  EXPECT_EQ(r.parse.program_lines, 5u);
  EXPECT_EQ(r.runs[0].summary.util_pct_last, 0);
}

TEST(Shapes, ProgressWriteInsideARuntimeLine) {
  const Report r = analyze_text(
      "gc 123\rprogress 100% @2026/11/25 18:44:38 forced: done\n"
      "4.000s 0%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].summary.first_gc, 123u);
  EXPECT_EQ(r.runs[0].summary.user_forced_cycles, 1u);
  EXPECT_EQ(r.parse.malformed_lines, 0u);
}

TEST(Shapes, UnrecoverableLinesAreReportedWithTheirLineNumbers) {
  const Report r = analyze_text(
      "gc 1 @0.001s 1%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
      "gc 2 @0.002s 1%: 0.010+0.20+0.005 ms clock, 0.020+0/0.1\n"
      "gc 3 @0.003s 1%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
      "4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
      "gc 4 @0.004s 1%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB go");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].summary.cycles, 2u);
  EXPECT_EQ(r.parse.malformed_lines, 3u);
  ASSERT_EQ(r.parse.first_malformed.size(), 3u);
  EXPECT_EQ(r.parse.first_malformed[0].line, 2u);
  EXPECT_EQ(r.parse.first_malformed[1].line, 4u);
  EXPECT_EQ(r.parse.first_malformed[2].line, 5u);
  EXPECT_NE(r.parse.first_malformed[2].reason.find("end of input"), std::string::npos);
  bool gaps = false;
  for (const Finding& f : r.runs[0].findings) gaps |= f.code == "trace-gaps";
  EXPECT_TRUE(gaps);
}

TEST(Shapes, TwoProcessesInterleavedBecomeTwoRuns) {
  // The go command (gc 44, 45, ...) and a compiler it started (gc 1, 2, ...).
  std::string text;
  auto line = [](int n, const char* at) {
    return "gc " + std::to_string(n) + " @" + at +
           "s 2%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n";
  };
  text += line(44, "10.000");
  text += line(1, "0.010");
  text += line(45, "10.100");
  text += line(2, "0.020");
  text += line(3, "0.030");
  text += line(46, "10.200");
  text += line(4, "0.040");
  const Report r = analyze_text(text);
  ASSERT_EQ(r.runs.size(), 2u);
  EXPECT_EQ(r.runs[0].summary.first_gc, 44u);
  EXPECT_EQ(r.runs[0].summary.last_gc, 46u);
  EXPECT_EQ(r.runs[0].summary.cycles, 3u);
  EXPECT_EQ(r.runs[1].summary.first_gc, 1u);
  EXPECT_EQ(r.runs[1].summary.last_gc, 4u);
  EXPECT_EQ(r.runs[1].summary.cycles, 4u);
  EXPECT_EQ(r.runs[0].summary.numbering_gaps, 0u);
}

const char* kLine =
    "gc 1 @0.002s 7%: 0.078+1.8+0.13 ms clock, 0.15+0.13/0.22/1.1+0.26 ms cpu, 3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P";

TEST(Wrappers, DockerJsonFile) {
  const Report r = analyze_text(std::string("{\"log\":\"") + kLine +
                                "\\n\",\"stream\":\"stderr\",\"time\":\"2024-03-01T12:00:00.5Z\"}\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.parse.wrappers.at(0), "docker-json");
  EXPECT_TRUE(r.runs[0].summary.has_wall_clock);
  // The line was logged when the cycle ended: @0.002s + 2.01 ms.
  EXPECT_EQ(r.runs[0].summary.wall_start_ns, 1709294400'500'000'000 - 2'000'000 - 2'008'000);
}

TEST(Wrappers, CriWithPartialLines) {
  const std::string l = kLine;
  const Report r = analyze_text("2024-03-01T12:00:00.000000000Z stderr P " + l.substr(0, 40) + "\n" +
                                "2024-03-01T12:00:00.000000001Z stderr F " + l.substr(40) + "\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.parse.wrappers.at(0), "cri");
  EXPECT_EQ(r.runs[0].summary.cycles, 1u);
  EXPECT_EQ(r.parse.malformed_lines, 0u);
}

TEST(Wrappers, KubectlTimestamps) {
  const Report r = analyze_text(std::string("2024-03-01T12:00:00.123456789Z ") + kLine + "\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.parse.wrappers.at(0), "kubectl-timestamps");
  EXPECT_TRUE(r.runs[0].summary.has_wall_clock);
}

TEST(Wrappers, Journald) {
  const Report r = analyze_text(std::string("Mar  1 12:00:00 host myprog[123]: ") + kLine + "\n");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.parse.wrappers.at(0), "journald");
  EXPECT_EQ(r.runs[0].summary.cycles, 1u);
}

TEST(Wrappers, CrlfAndNoFinalNewline) {
  const Report r = analyze_text(std::string(kLine) + "\r\nGC forced\r\n" + kLine);
  EXPECT_EQ(r.parse.gc_lines, 2u);
  EXPECT_EQ(r.parse.malformed_lines, 0u);
}

}  // namespace
}  // namespace gcsight
