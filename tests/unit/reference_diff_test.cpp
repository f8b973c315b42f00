// The fast line parser against the slow reference parser (tests/support): on
// hand-written lines of every shape of go-trace-formats.md §7 with their
// variants (forced, controller reset, leak check, text before, program text
// after), and on every line of every fixture under tests/data. Whenever either
// parser reads a complete runtime line, the other must read the same kind at
// the same offsets with identical records. A few spot values check the
// reference itself, and lines spelled unlike the runtime show where the lenient
// reference and the strict fast parser part ways on purpose.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/trace_line_parser.h"
#include "io/line_reader.h"
#include "support/parser_checks.h"
#include "support/reference_parser.h"

namespace gcsight {
namespace {

namespace fs = std::filesystem;
using ref::RefKind;
using ref::Spelling;

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t KiB = 1ull << 10;

// ---- The reference parser on its own -------------------------------------

TEST(ReferenceParser, FormatNsAsMsBuckets) {
  // The values checked in go-trace-formats.md §2.4.
  EXPECT_EQ(ref::format_ns_as_ms(999), "0");
  EXPECT_EQ(ref::format_ns_as_ms(1000), "0.001");
  EXPECT_EQ(ref::format_ns_as_ms(10000), "0.010");
  EXPECT_EQ(ref::format_ns_as_ms(99999), "0.099");
  EXPECT_EQ(ref::format_ns_as_ms(100000), "0.10");
  EXPECT_EQ(ref::format_ns_as_ms(1000000), "1.0");
  EXPECT_EQ(ref::format_ns_as_ms(9999999), "9.9");
  EXPECT_EQ(ref::format_ns_as_ms(10000000), "10");
  EXPECT_EQ(ref::format_ns_as_ms(18446744073709551615ull), "18446744073709");
}

TEST(ReferenceParser, Go118Values) {
  const auto r = ref::reference_parse(
      "gc 1 @0.016s 19%: 0.053+36+0.016 ms clock, 0.21+36/4.9/39+0.066 ms cpu, 3->3->3 MB, "
      "4 MB goal, 66 MB stacks, 0 MB globals, 4 P");
  ASSERT_EQ(r.kind, RefKind::kGc);
  EXPECT_EQ(r.gc.shape, GcShape::kGo118);
  EXPECT_EQ(r.gc.gc, 1u);
  EXPECT_EQ(r.gc.start_ns, 16'000'000);
  EXPECT_EQ(r.gc.util_pct, 19);
  EXPECT_EQ(r.gc.clock_ns[0], 53'000u);
  EXPECT_EQ(r.gc.clock_ns[1], 36'000'000u);
  EXPECT_EQ(r.gc.clock_ns[2], 16'000u);
  EXPECT_EQ(r.gc.cpu_ns[0], 210'000u);
  EXPECT_EQ(r.gc.cpu_ns[1], 36'000'000u);
  EXPECT_EQ(r.gc.cpu_ns[2], 4'900'000u);
  EXPECT_EQ(r.gc.cpu_ns[3], 39'000'000u);
  EXPECT_EQ(r.gc.cpu_ns[4], 66'000u);
  EXPECT_EQ(r.gc.heap_start, 3 * MiB);
  EXPECT_EQ(r.gc.goal, 4 * MiB);
  EXPECT_EQ(r.gc.stacks, 66 * MiB);
  EXPECT_EQ(r.gc.globals, 0u);
  EXPECT_EQ(r.gc.procs, 4);
  EXPECT_EQ(r.gc.flags, kGcHasTime);
  EXPECT_TRUE(r.runtime_spelling);
}

TEST(ReferenceParser, Go15MapsFivePhasesToThree) {
  const auto r = ref::reference_parse(
      "gc 98 @9.200s 1%: 1.3+12+7.1+0.34+0.55 ms clock, 5.4+12+0+8.6/0.031/2.6+2.2 ms cpu, "
      "100->112->59 MB, 102 MB goal, 32 P");
  ASSERT_EQ(r.kind, RefKind::kGc);
  EXPECT_EQ(r.gc.shape, GcShape::kGo15);
  EXPECT_EQ(r.gc.start_ns, 9'200'000'000);
  EXPECT_EQ(r.gc.clock_ns[0], 1'300'000u);
  EXPECT_EQ(r.gc.clock_ns[1], 12'000'000u + 7'100'000u + 340'000u);  // scan + sync + mark
  EXPECT_EQ(r.gc.clock_ns[2], 550'000u);
  EXPECT_EQ(r.gc.cpu_ns[0], 5'400'000u);
  EXPECT_EQ(r.gc.cpu_ns[1], 8'600'000u);                 // assist
  EXPECT_EQ(r.gc.cpu_ns[2], 12'000'000u + 0u + 31'000u);  // scan + install-WB + background
  EXPECT_EQ(r.gc.cpu_ns[3], 2'600'000u);                 // idle
  EXPECT_EQ(r.gc.cpu_ns[4], 2'200'000u);
  EXPECT_EQ(r.gc.heap_live, 59 * MiB);
  EXPECT_EQ(r.gc.procs, 32);
}

TEST(ReferenceParser, Legacy14) {
  const auto r = ref::reference_parse(
      "gc6(5): 0+0+0+1000 us, 0 -> 3 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 sweeps, "
      "8(66) handoff, 11(38) steal, 103/4/0 yields");
  ASSERT_EQ(r.kind, RefKind::kGcLegacy);
  EXPECT_EQ(r.gc.shape, GcShape::kLegacy14);
  EXPECT_EQ(r.gc.gc, 6u);
  EXPECT_EQ(r.gc.procs, 5);
  EXPECT_EQ(r.gc.clock_ns[0], 1'000'000u);
  EXPECT_EQ(r.gc.heap_end, 3 * MiB);
  EXPECT_EQ(r.gc.heap_live, 3 * MiB);
  EXPECT_EQ(r.gc.flags, 0);
  EXPECT_EQ(r.end, std::string_view("gc6(5): 0+0+0+1000 us, 0 -> 3 MB, 2118 (2655-537) objects, "
                                    "85 goroutines, 109/0/0 sweeps, 8(66) handoff, 11(38) steal, "
                                    "103/4/0 yields").size());
}

TEST(ReferenceParser, ScavengerValues) {
  auto r = ref::reference_parse("scvg-1: inuse: 0, idle: 4, sys: 4, released: 4, consumed: 0 (MB)");
  ASSERT_EQ(r.kind, RefKind::kScav);
  EXPECT_EQ(r.scav.shape, ScavShape::kScvgState);
  EXPECT_EQ(r.scav.counter, -1);
  EXPECT_EQ(r.scav.flags, kScavNumbered | kScavForced);
  EXPECT_EQ(r.scav.sys_bytes, 4 * MiB);

  r = ref::reference_parse("scav 12 1024 KiB work, 5120 KiB total, 73% util [controller reset]");
  ASSERT_EQ(r.kind, RefKind::kScav);
  EXPECT_EQ(r.scav.shape, ScavShape::kScav115);
  EXPECT_EQ(r.scav.counter, 12);
  EXPECT_EQ(r.scav.work_bytes, 1024 * KiB);
  EXPECT_EQ(r.scav.released_bytes, 5120 * KiB);
  EXPECT_EQ(r.scav.util_pct, 73);
  EXPECT_EQ(r.scav.flags, kScavControllerReset);

  r = ref::reference_parse(
      "scav 0 KiB work (bg), 92128 KiB work (eager), 110008 KiB now, 100% util (forced)");
  ASSERT_EQ(r.kind, RefKind::kScav);
  EXPECT_EQ(r.scav.shape, ScavShape::kScav121);
  EXPECT_EQ(r.scav.eager_bytes, 92128 * KiB);
  EXPECT_EQ(r.scav.released_bytes, 110008 * KiB);
  EXPECT_EQ(r.scav.flags, kScavForced);

  r = ref::reference_parse("forced scvg: 2 MB released");
  ASSERT_EQ(r.kind, RefKind::kScav);
  EXPECT_EQ(r.scav.work_bytes, 2 * MiB);
  EXPECT_EQ(r.scav.flags, kScavForced);
}

TEST(ReferenceParser, TextAroundTheRuntimeLine) {
  const std::string gc =
      "gc 73 @0.208s 4%: 0.008+0.048+0.001 ms clock, 0.017+0/0.041/0.005+0.002 ms cpu, "
      "32->32->0 MB, 54 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)";
  const auto r = ref::reference_parse("progress 40% " + gc + "USERLINE");
  ASSERT_EQ(r.kind, RefKind::kGc);
  EXPECT_EQ(r.begin, 13u);
  EXPECT_EQ(r.end, 13u + gc.size());
  EXPECT_TRUE(r.gc.has(kGcUserForced));
  // The split line of §4.5: neither piece is a complete line.
  EXPECT_EQ(ref::reference_parse("gc USERLINE").kind, RefKind::kNone);
  EXPECT_EQ(ref::reference_parse("gc 742026/11/25 19:13:15 INFO worker=0").kind, RefKind::kNone);
}

TEST(ReferenceParser, ValuesThatCannotFitAreNotRead) {
  // 2^44 MB is 2^64 bytes; the runtime prints bytes >> 20 of a uint64.
  EXPECT_EQ(ref::reference_parse("scvg0: 17592186044416 MB released").kind, RefKind::kNone);
  EXPECT_EQ(ref::reference_parse("scvg0: 17592186044415 MB released").kind, RefKind::kScav);
}

// ---- Hand-written lines: both parsers --------------------------------------

struct Case {
  const char* line;
  RefKind kind;  // what the reference must read
};

// go-trace-formats.md §7, then variants.
const Case kCases[] = {
    // §7 as printed.
    {"gc1(1): 0+0+0+0 us, 0 -> 0 MB, 78 (78-0) objects, 2 goroutines, 18/0/0 sweeps, 0(0) handoff, "
     "0(0) steal, 0/0/0 yields",
     RefKind::kGcLegacy},
    {"gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 sweeps, "
     "8(66) handoff, 11(38) steal, 103/4/0 yields",
     RefKind::kGcLegacy},
    {"gc 1 @0.009s 1%: 0.059+0.17+0.005+0.24+0.12 ms clock, 0.17+0.17+0+0/0.36/0.067+0.38 ms cpu, "
     "5->5->3 MB, 4 MB goal, 8 P",
     RefKind::kGc},
    {"gc 59 @5.182s 0%: 0.092+0+0+0+6.8 ms clock, 0.37+0+0+4.1/0.025/5.8+27 ms cpu, 79->79->79 MB, "
     "79 MB goal, 32 P (forced)",
     RefKind::kGc},
    {"gc 98 @9.200s 1%: 1.3+12+7.1+0.34+0.55 ms clock, 5.4+12+0+8.6/0.031/2.6+2.2 ms cpu, "
     "100->112->59 MB, 102 MB goal, 32 P",
     RefKind::kGc},
    {"pacer: assist ratio=+4.076850e-001 (scan 0 MB in 6->8 MB) workers=2+0", RefKind::kPacer},
    {"gc 290 @256.195s 3%: 0.25+100+0.10 ms clock, 2.0+208/199/0+0.84 ms cpu, 400->410->210 MB, "
     "420 MB goal, 8 P",
     RefKind::kGc},
    {"Feb 26 12:52:23.767 gc 93 @3074.095s 0%: 0.074+32+0.036 ms clock, 0.59+0.37/64/113+0.29 ms "
     "cpu, 269->274->204 MB, 276 MB goal, 8 P",
     RefKind::kGc},
    {"scvg0: inuse: 426, idle: 0, sys: 427, released: 0, consumed: 427 (MB)", RefKind::kScav},
    {"scvg1: 0 MB released", RefKind::kScav},
    {"scvg-1: inuse: 0, idle: 4, sys: 4, released: 4, consumed: 0 (MB)", RefKind::kScav},
    {"scvg-1: 12 MB released", RefKind::kScav},
    {"scvg: 2 MB released", RefKind::kScav},
    {"scvg: inuse: 3, idle: 60, sys: 63, released: 58, consumed: 5 (MB)", RefKind::kScav},
    {"forced scvg: 4 MB released", RefKind::kScav},
    {"forced scvg: inuse: 3, idle: 60, sys: 63, released: 62, consumed: 1 (MB)", RefKind::kScav},
    {"scav 1024 KiB work, 5120 KiB total, 73% util", RefKind::kScav},
    {"scav 12 1024 KiB work, 5120 KiB total, 73% util", RefKind::kScav},
    {"scav 7 512 KiB work, 4096 KiB total, 83% util", RefKind::kScav},
    {"gc 1 @0.000s 3%: 0.006+0.34+0.002 ms clock, 0.012+0/0.049/0.10+0.004 ms cpu, 3->4->1 MB, "
     "4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     RefKind::kGc},
    {"gc 1 @0.016s 19%: 0.053+36+0.016 ms clock, 0.21+36/4.9/39+0.066 ms cpu, 3->3->3 MB, "
     "4 MB goal, 66 MB stacks, 0 MB globals, 4 P",
     RefKind::kGc},
    {"scav 0 KiB work, 2952 KiB total, 49% util", RefKind::kScav},
    {"scav 56144 KiB work, 60888 KiB total, 85% util (forced)", RefKind::kScav},
    {"gc 1 @0.103s 0%: 0.071+0.21+0.004 ms clock, 0.14+0/0.15/0.15+0.009 ms cpu, 1250->1250->25 MB, "
     "8796093022156 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)",
     RefKind::kGc},
    {"gc 73 @0.208s 4%: 0.008+0.048+0.001 ms clock, 0.017+0/0.041/0.005+0.002 ms cpu, 32->32->0 MB, "
     "54 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)",
     RefKind::kGc},
    {"scav 0 KiB work (bg), 0 KiB work (eager), 3872 KiB now, 33% util", RefKind::kScav},
    {"scav 0 KiB work (bg), 92128 KiB work (eager), 110008 KiB now, 100% util (forced)",
     RefKind::kScav},
    {"scav 0 KiB work (bg), 54208 KiB work (eager), 69152 KiB now, 100% util (forced)",
     RefKind::kScav},
    {"gc 1 @3.003s 0%: 0.012+0.15+0.003 ms clock, 0.29+0/0.16/0+0.074 ms cpu, 4->4->4 MB, "
     "4 MB goal, 0 MB stacks, 0 MB globals, 24 P",
     RefKind::kGc},
    {"gc 51 @120.551s 0%: 0.032+0.32+0.004 ms clock, 0.065+0/0.086/0.16+0.008 ms cpu, 0->0->0 MB, "
     "4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     RefKind::kGc},
    {"GC forced", RefKind::kGcForced},
    {"scan: total 1200 objs", RefKind::kScan},
    {"scan: class 16B 300 objs", RefKind::kScan},
    {"scan: total 100+40+60=200 objs, 3+5=8 spans", RefKind::kScan},
    {"pacer: 25% CPU (25 exp.) for 1024+0+512 B work (2048 B exp.) in 4194304 B -> 4194304 B "
     "(\xe2\x88\x86goal 0, cons/mark +1.000000e+000)",
     RefKind::kPacer},
    {"gc 12 @4.001s 1% (checking for goroutine leaks): 0.050+1.2+0.040 ms clock, "
     "0.10+0.30/1.1/0+0.080 ms cpu, 10->11->5 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 8 P",
     RefKind::kGc},
    // Variants: annotations together, each scav suffix, every bucket of fmtNSAsMS.
    {"gc 13 @5.001s 1% (checking for goroutine leaks): 0.050+1.2+0.040 ms clock, "
     "0.10+0.30/1.1/0+0.080 ms cpu, 10->11->5 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 8 P "
     "(forced)",
     RefKind::kGc},
    {"gc 2 @0.001s 0%: 0+0.001+0.010 ms clock, 0.099+0.10/0.99/1.0+9.9 ms cpu, 0->0->0 MB, "
     "4 MB goal, 0 MB stacks, 0 MB globals, 1 P",
     RefKind::kGc},
    {"gc 3 @123456.789s 100%: 10+15234+99 ms clock, 18446744073709+0/0/0+0 ms cpu, 1->1->1 MB, "
     "4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     RefKind::kGc},
    {"gc 4294967295 @0.000s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 2 P",
     RefKind::kGc},
    {"gc 5 @0.000s -9223372036854775807%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, "
     "0 MB goal, 2147483647 P",
     RefKind::kGc},
    {"scav 12 1024 KiB work, 5120 KiB total, 73% util [controller reset]", RefKind::kScav},
    {"scav 12 1024 KiB work, 5120 KiB total, 73% util (forced)", RefKind::kScav},
    {"scav 56144 KiB work, 60888 KiB total, 85% util [controller reset]", RefKind::kScav},
    {"scav 1 KiB work (bg), 2 KiB work (eager), 3 KiB now, 4% util [controller reset]",
     RefKind::kScav},
    // Text before the runtime line (an unterminated program write, a log-shipper prefix).
    {"USERLINE gc 7 @1.500s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, "
     "8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     RefKind::kGc},
    {"2026/11/25 19:13:15 INFOgc 8 @1.600s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms "
     "cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     RefKind::kGc},
    {"[12%] scav 0 KiB work (bg), 0 KiB work (eager), 3872 KiB now, 33% util", RefKind::kScav},
    {"loading...scvg3: 5 MB released", RefKind::kScav},
    {"xx forced scvg: 4 MB released", RefKind::kScav},
    {"USERLINEGC forced", RefKind::kGcForced},
    {"notgc1(1): 0+0+0+0 us, 0 -> 0 MB, 78 (78-0) objects", RefKind::kGcLegacy},
    // Program text after the runtime text, before the runtime's newline.
    {"gc 9 @1.700s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 8->9->4 MB, "
     "9 MB goal, 0 MB stacks, 0 MB globals, 2 PUSERLINE",
     RefKind::kGc},
    {"gc 10 @1.800s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 8->9->4 MB, "
     "9 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)2026/11/25 done",
     RefKind::kGc},
    {"gc 11 @1.900s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 8->9->4 MB, "
     "9 MB goal, 2 P (forc",
     RefKind::kGc},
    {"scav 0 KiB work, 2952 KiB total, 49% util (forced) and more", RefKind::kScav},
    {"scvg0: 1 MB released!!", RefKind::kScav},
    {"GC forcedUSERLINE", RefKind::kGcForced},
    // Both around.
    {">> gc 12 @2.000s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 8->9->4 MB, "
     "9 MB goal, 0 MB stacks, 0 MB globals, 2 P <<",
     RefKind::kGc},
    // Two runtime lines glued: the leftmost is read, the rest is program text.
    {"scvg1: 0 MB releasedgc 14 @2.000s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, "
     "8->9->4 MB, 9 MB goal, 2 P",
     RefKind::kScav},
    {"GC forcedgc 15 @2.000s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, "
     "8->9->4 MB, 9 MB goal, 2 P",
     RefKind::kGc},
    // Pieces of split lines (§4.5) and ordinary output: neither parser reads them.
    {"gc USERLINE", RefKind::kNone},
    {"gc 742026/11/25 19:13:15 INFO worker=0 req=5900 path=/api/v1/items status=200 dur=1420us",
     RefKind::kNone},
    {" @7.621s 0%: 0.051+1.4+0.004 ms clock, 0.10+0.18/0.63/0.44+0.008 ms cpu, 100->100->51 MB, "
     "102 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     RefKind::kNone},
    {"gc 3 @0.012s 5%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 8->9->4 MB, 9 MB goal"
     ", 0 MB stacks, 0 MB globals, ",
     RefKind::kNone},
    {"scav 0 KiB work (bg), 0 KiB work (eager), ", RefKind::kNone},
    {"the GC forced a pause", RefKind::kNone},
    {" pacer: assist ratio=+4.076850e-001", RefKind::kNone},
    {"", RefKind::kNone},
    {"force gc", RefKind::kNone},
};

TEST(ReferenceDiff, HandWrittenLines) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.line);
    const auto r = ref::reference_parse(c.line, Spelling::kRuntime);
    EXPECT_EQ(ref::ref_kind_name(r.kind), ref::ref_kind_name(c.kind));
    EXPECT_EQ(ref::compare_line(c.line), "");
  }
}

TEST(ReferenceDiff, CrlfAndLineEnds) {
  // The line reader strips "\r\n"; a lone "\r" inside a line is program text (a progress bar).
  const std::string gc =
      "gc 9 @1.700s 2%: 0.010+1.5+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 8->9->4 MB, "
      "9 MB goal, 0 MB stacks, 0 MB globals, 2 P";
  EXPECT_EQ(ref::compare_line("\rprogress 50%\r" + gc), "");
  EXPECT_EQ(ref::compare_line(gc + "\r"), "");
}

// Lines whose numbers are not spelled as the runtime prints them: the lenient
// reference reads them, the fast parser (strict, on purpose: strictness is what
// lets the stitcher tell `gc 74` + `2026/...` from `gc 742026/...`) does not.
TEST(ReferenceDiff, SpellingOnlyTheLenientReferenceAccepts) {
  const char* const lines[] = {
      "gc 1 @0.5s 1%: 0.5+1+0.25 ms clock, 0.5+0.1/0.2/0+0.3 ms cpu, 3->4->1 MB, 4 MB goal, "
      "0 MB stacks, 0 MB globals, 2 P",
      "gc 2 @0.010s 1%: 0.0010+1+0.002 ms clock, 0.012+0/0.049/0.10+0.004 ms cpu, 3->4->1 MB, "
      "4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
      "gc 3 @0.010s 1%: 12.5+1.0+0.002 ms clock, 0.012+0/0.049/0.10+0.004 ms cpu, 3->4->1 MB, "
      "4 MB goal, 2 P",
      "gc 04 @0.010s 1%: 0+1.0+0.002 ms clock, 0.012+0/0.049/0.10+0.004 ms cpu, 3->4->1 MB, "
      "4 MB goal, 2 P",
      "scav 0 KiB work, 02952 KiB total, 49% util",
      "scvg-0: 1 MB released",
  };
  for (const char* line : lines) {
    SCOPED_TRACE(line);
    const auto lenient = ref::reference_parse(line, Spelling::kLenient);
    EXPECT_NE(lenient.kind, RefKind::kNone);
    EXPECT_FALSE(lenient.runtime_spelling);
    EXPECT_EQ(ref::reference_parse(line, Spelling::kRuntime).kind, RefKind::kNone);
    const auto fast = parse_trace_line(line);
    EXPECT_TRUE(fast.kind == LineKind::kProgram || fast.kind == LineKind::kPartial);
    EXPECT_NE(ref::spelling_note(line), "");
  }
  // Exact decimal conversion in the lenient reading: 0.25 ms = 250000 ns, @0.5s = 5e8 ns.
  const auto r = ref::reference_parse(lines[0]);
  EXPECT_EQ(r.gc.clock_ns[2], 250'000u);
  EXPECT_EQ(r.gc.start_ns, 500'000'000);
}

// ---- Every fixture ----------------------------------------------------------

bool is_trace_file(const fs::path& p) {
  const std::string name = p.filename().string();
  for (const char* suffix : {".log", ".txt", ".log.gz", ".log.zst"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

TEST(ReferenceDiff, EveryFixtureLine) {
  const fs::path root(GCSIGHT_TEST_DATA);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && is_trace_file(e.path())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no fixtures under " << root;

  uint64_t lines = 0;
  uint64_t records = 0;
  std::vector<std::string> failures;
  std::vector<std::string> notes;
  for (const fs::path& f : files) {
    std::string err;
    auto reader = LineReader::open(f.string(), &err);
    ASSERT_TRUE(reader) << err;
    Line line;
    while (reader->next(line)) {
      ++lines;
      const std::string where =
          fs::relative(f, root).string() + ":" + std::to_string(line.number) + ": ";
      std::string diff = ref::compare_line(line.text);
      if (!diff.empty()) failures.push_back(where + diff);
      std::string note = ref::spelling_note(line.text);
      if (!note.empty()) notes.push_back(where + note);
      if (parse_trace_line(line.text).kind == LineKind::kGc) ++records;
    }
    ASSERT_FALSE(reader->failed()) << reader->error();
  }
  for (const std::string& n : notes) std::cout << "[ spelling ] " << n << "\n";
  std::cout << "[ reference ] " << files.size() << " files, " << lines << " lines, " << records
            << " gc records, " << failures.size() << " disagreements, " << notes.size()
            << " lines only the lenient reference reads\n";
  EXPECT_GT(records, 0u);
  for (size_t i = 0; i < failures.size() && i < 20; ++i) ADD_FAILURE() << failures[i];
  EXPECT_TRUE(failures.empty()) << failures.size() << " lines disagree";
}

}  // namespace
}  // namespace gcsight
