// Tests of the renderers on a small hand-built Report: the JSON contract (keys,
// order, nulls, optional keys, rounding), the CSV header and a row, the shape
// of the terminal report, and the unit formatting every human output uses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/findings.h"
#include "core/live_snapshot.h"
#include "core/report.h"
#include "core/trace_event.h"
#include "render/render_csv.h"
#include "render/render_json.h"
#include "render/render_prometheus.h"
#include "render/render_text.h"
#include "render/units_format.h"
#include "render/display_width.h"
#include "support/analyze_text.h"

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

Report sample_report() {
  Report r;
  r.tool_version = "0.1.0-test";
  r.inputs.push_back({"trace-1.log", 4096, 40, ""});
  r.inputs.push_back({"missing.log", 0, 0, "No such file or directory"});

  r.parse.lines = 40;
  r.parse.bytes = 4096;
  r.parse.gc_lines = 28;
  r.parse.scavenger_lines = 3;
  r.parse.program_lines = 8;
  r.parse.stitched_lines = 1;
  r.parse.malformed_lines = 1;
  r.parse.first_malformed.push_back(
      {"trace-1.log", 17, 12, "expected a number", "gc 17 @1.0s x%: bad"});
  r.parse.wrappers.push_back("none");

  Run run;
  run.index = 1;
  run.inputs = {"trace-1.log"};
  run.first_line = 1;
  run.last_line = 40;
  RunSummary& s = run.summary;
  s.cycles = 28;
  s.first_gc = 1;
  s.last_gc = 28;
  s.user_forced_cycles = 1;
  s.timed = true;
  s.start_ns = 5'000'000;
  s.end_ns = 842'005'000'000;
  s.duration_ns = 842'000'000'000;
  s.cycles_per_minute = 1.995249406175772;
  s.stw_pause_ns = {28, 2'800'000, 50'000, 120'000, 900'000, 1'200'000, 17};
  s.mark_ns = {28, 28'000'000, 900'000, 1'500'000, 2'000'000, 2'100'000, 3};
  s.cpu_ns[0] = 1;
  s.cpu_ns[1] = 2;
  s.cpu_ns[2] = 3;
  s.cpu_ns[3] = 4;
  s.cpu_ns[4] = 5;
  s.gc_cpu_fraction = 0.0212345678;
  s.gc_cpu_fraction_max_window = -1;
  s.gc_cpu_window_ns = 60'000'000'000;
  s.assist_share = 0.4;
  s.util_pct_last = 2;
  s.util_pct_max = 3;
  s.heap_live.add(30 * kMiB, 1);
  s.heap_live.add(50 * kMiB, 20);
  s.heap_live.add(40 * kMiB, 28);
  s.live_trend = {28, 12345.6789012, 0.91234567, 5'000'000, 842'005'000'000};
  s.alloc_bytes_per_s = -1;
  s.gogc_effective = 100.0;
  s.procs = 8;
  s.shape = "Go 1.6–1.17";
  s.scavenger.lines = 3;
  s.scavenger.released_work_bytes = 3 * kMiB;
  s.scavenger.released_now.add(kMiB, 0);
  s.scavenger.era = "scav (Go 1.21+)";

  Finding info;
  info.code = "gc-healthy";
  info.severity = Severity::kInfo;
  info.title = "GC cost is low";
  info.explanation = "The collector used 2.1% of CPU.";
  info.advice = "Nothing to do.";
  run.findings.push_back(info);

  Finding growth;
  growth.code = "live-heap-growth";
  growth.severity = Severity::kWarning;
  growth.title = "live heap grows steadily";
  growth.explanation =
      "The live heap grew from 30 MiB to 50 MiB over 14 minutes with a good linear fit; "
      "memory that stays reachable after every collection is a leak candidate.";
  growth.advice = "Take two heap profiles some minutes apart and compare them.";
  growth.evidence.push_back({"slope_bytes_per_s", 12345.6789012});
  growth.evidence.push_back({"first_live_bytes", int64_t{30 * kMiB}});
  growth.evidence.push_back({"cycles", std::vector<int64_t>{1, 20, 28}});
  growth.evidence.push_back({"era", std::string("Go 1.6–1.17")});
  growth.evidence.push_back({"steady", true});
  run.findings.push_back(growth);

  run.markers.push_back({12, "starting worker pool \x1b[31mred\x1b[0m", 4, 63'000'000'000, 0});
  run.markers.push_back({30, "done", 20, -1, 1'700'000'000'000'000'000});
  run.markers_total = 8;
  run.notes.push_back("Heap figures are truncated to MB by the runtime.");
  r.runs.push_back(std::move(run));
  return r;
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

TEST(RenderJson, TopLevelAndOrder) {
  const auto j = nlohmann::ordered_json::parse(render_json(sample_report()));
  EXPECT_EQ(keys(j),
            (std::vector<std::string>{"schema_version", "tool", "inputs", "parse", "runs"}));
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["tool"]["name"], "gcsight");
  EXPECT_EQ(j["tool"]["version"], "0.1.0-test");
  ASSERT_EQ(j["inputs"].size(), 2u);
  EXPECT_EQ(keys(j["inputs"][0]), (std::vector<std::string>{"name", "bytes", "lines"}));
  EXPECT_EQ(j["inputs"][1]["error"], "No such file or directory");

  const auto& p = j["parse"];
  EXPECT_EQ(keys(p), (std::vector<std::string>{"lines", "bytes", "gc_lines", "scavenger_lines",
                                               "gc_forced_lines", "pacer_lines", "scan_lines",
                                               "program_lines", "stitched_lines", "malformed_lines",
                                               "first_malformed", "wrappers"}));
  EXPECT_EQ(p["gc_lines"], 28);
  EXPECT_EQ(p["first_malformed"][0]["column"], 12);
  EXPECT_EQ(p["first_malformed"][0]["reason"], "expected a number");
  EXPECT_EQ(p["wrappers"][0], "none");

  const auto& run = j["runs"][0];
  EXPECT_EQ(keys(run),
            (std::vector<std::string>{"index", "inputs", "first_line", "last_line", "summary",
                                      "findings", "markers", "markers_total", "notes"}));
  EXPECT_EQ(run["index"], 1);
  EXPECT_EQ(run["markers_total"], 8);
}

TEST(RenderJson, Summary) {
  const auto j = nlohmann::json::parse(render_json(sample_report()));
  const auto& s = j["runs"][0]["summary"];
  EXPECT_EQ(s["cycles"], 28);
  EXPECT_EQ(s["duration_ns"], 842'000'000'000);
  EXPECT_EQ(s["cycles_per_minute"].get<double>(), 1.99525);
  EXPECT_EQ(s["stw_pause_ns"]["p99"], 900'000);
  EXPECT_EQ(s["stw_pause_ns"]["max_gc"], 17);
  EXPECT_EQ(s["gc_cpu"]["fraction"].get<double>(), 0.0212346);
  EXPECT_TRUE(s["gc_cpu"]["max_window_fraction"].is_null());
  EXPECT_EQ(s["gc_cpu"]["cpu_ns"]["mark_termination"], 5);
  EXPECT_EQ(s["live_heap_bytes"]["max"], 50 * kMiB);
  EXPECT_EQ(s["live_heap_bytes"]["max_gc"], 20);
  EXPECT_EQ(s["live_heap_bytes"]["last"], 40 * kMiB);
  EXPECT_TRUE(s["goal_bytes"].is_null());
  EXPECT_EQ(s["live_heap_trend"]["slope_bytes_per_s"].get<double>(), 12345.7);
  EXPECT_EQ(s["live_heap_trend"]["r2"].get<double>(), 0.912346);
  EXPECT_TRUE(s["alloc_bytes_per_s"].is_null());
  EXPECT_EQ(s["gogc_effective"].get<double>(), 100.0);
  EXPECT_EQ(s["gogc_off"], false);
  EXPECT_EQ(s["scavenger"]["released_now_bytes"]["last"], kMiB);
  EXPECT_FALSE(s["scavenger"]["released_now_bytes"].contains("max_gc"));
  EXPECT_TRUE(s["scavenger"]["consumed_bytes"].is_null());
  EXPECT_EQ(s["scavenger"]["era"], "scav (Go 1.21+)");
  EXPECT_EQ(s["has_wall_clock"], false);
  EXPECT_FALSE(s.contains("wall_start_ns"));
}

TEST(RenderJson, FindingsAndMarkers) {
  const auto j = nlohmann::ordered_json::parse(render_json(sample_report()));
  const auto& f = j["runs"][0]["findings"][1];
  EXPECT_EQ(keys(f), (std::vector<std::string>{"code", "severity", "title", "explanation", "advice",
                                               "evidence"}));
  EXPECT_EQ(f["code"], "live-heap-growth");
  EXPECT_EQ(f["severity"], "warning");
  EXPECT_EQ(keys(f["evidence"]), (std::vector<std::string>{"slope_bytes_per_s", "first_live_bytes",
                                                           "cycles", "era", "steady"}));
  EXPECT_EQ(f["evidence"]["slope_bytes_per_s"].get<double>(), 12345.7);
  EXPECT_EQ(f["evidence"]["first_live_bytes"], 30 * kMiB);
  EXPECT_EQ(f["evidence"]["cycles"], nlohmann::ordered_json({1, 20, 28}));
  EXPECT_EQ(f["evidence"]["era"], "Go 1.6–1.17");
  EXPECT_EQ(f["evidence"]["steady"], true);
  EXPECT_EQ(j["runs"][0]["findings"][0]["severity"], "info");

  const auto& m = j["runs"][0]["markers"];
  EXPECT_EQ(keys(m[0]), (std::vector<std::string>{"line", "text", "after_gc", "time_ns"}));
  EXPECT_EQ(m[0]["time_ns"], 63'000'000'000);
  EXPECT_TRUE(m[1]["time_ns"].is_null());
  EXPECT_EQ(m[1]["wall_ns"], 1'700'000'000'000'000'000);
}

TEST(RenderJson, InvalidUtf8IsReplacedNotThrown) {
  Report r = sample_report();
  r.runs[0].markers[1].text = "bad \xff byte";
  std::string out;
  ASSERT_NO_THROW(out = render_json(r));
  EXPECT_EQ(nlohmann::json::parse(out)["runs"][0]["markers"][1]["text"], "bad \xEF\xBF\xBD byte");
}

TEST(RenderJson, Deterministic) {
  EXPECT_EQ(render_json(sample_report()), render_json(sample_report()));
  EXPECT_EQ(render_json(sample_report()).back(), '\n');
}

TEST(RenderJson, RoundSignificant) {
  EXPECT_EQ(round_significant(0.123456789), 0.123457);
  EXPECT_EQ(round_significant(123456789.0), 123457000.0);
  EXPECT_EQ(round_significant(0.0), 0.0);
  EXPECT_EQ(round_significant(-2.5), -2.5);
}

GcCycle sample_cycle() {
  GcCycle c;
  c.line = 17;
  c.start_ns = 1'234'000'000;
  c.clock_ns[0] = 20'000;
  c.clock_ns[1] = 3'000'000;
  c.clock_ns[2] = 40'000;
  c.cpu_ns[0] = 160'000;
  c.cpu_ns[1] = 1'000'000;
  c.cpu_ns[2] = 5'000'000;
  c.cpu_ns[3] = 2'000'000;
  c.cpu_ns[4] = 320'000;
  c.heap_start = 4 * kMiB;
  c.heap_end = 5 * kMiB;
  c.heap_live = 2 * kMiB;
  c.goal = 4 * kMiB;
  c.stacks = 0;
  c.globals = 1 * kMiB;
  c.util_pct = 3;
  c.gc = 9;
  c.procs = 8;
  c.shape = GcShape::kGo118;
  c.flags = kGcHasTime | kGcUserForced;
  return c;
}

TEST(RenderCsv, HeaderAndRow) {
  std::ostringstream os;
  write_csv_header(os);
  write_csv_row(os, 1, sample_cycle());
  EXPECT_EQ(os.str(),
            "run,gc,line,start_ns,wall_ns,forced,periodic,stitched,clock_sweep_term_ns,"
            "clock_mark_ns,clock_mark_term_ns,stw_pause_ns,cpu_sweep_term_ns,cpu_assist_ns,"
            "cpu_background_ns,cpu_idle_ns,cpu_mark_term_ns,heap_start_bytes,heap_end_bytes,"
            "live_heap_bytes,goal_bytes,stacks_bytes,globals_bytes,procs,util_pct,shape\r\n"
            "1,9,17,1234000000,,1,0,0,20000,3000000,40000,60000,160000,1000000,5000000,2000000,"
            "320000,4194304,5242880,2097152,4194304,0,1048576,8,3,go1.18\r\n");
}

TEST(RenderCsv, ShapesLeaveUnprintedFieldsEmpty) {
  GcCycle legacy;
  legacy.line = 3;
  legacy.gc = 6;
  legacy.procs = 5;
  legacy.clock_ns[0] = 7'000;
  legacy.heap_start = 2 * kMiB;
  legacy.heap_end = 1 * kMiB;
  legacy.heap_live = 1 * kMiB;
  legacy.shape = GcShape::kLegacy14;
  legacy.wall_ns = 42;
  std::ostringstream os;
  write_csv_row(os, 2, legacy);
  EXPECT_EQ(os.str(), "2,6,3,,42,0,0,0,,,,7000,,,,,,2097152,1048576,1048576,,,,5,,go1.4\r\n");

  GcCycle c16 = sample_cycle();
  c16.shape = GcShape::kGo16;
  c16.flags = kGcHasTime | kGcStitched | kGcPeriodic;
  c16.start_ns = -1;  // not expected from the parser, but must format
  std::ostringstream os2;
  write_csv_row(os2, 4'000'000'000u, c16);
  EXPECT_EQ(os2.str(),
            "4000000000,9,17,-1,,0,1,1,20000,3000000,40000,60000,160000,1000000,5000000,"
            "2000000,320000,4194304,5242880,2097152,4194304,,,8,3,go1.6\r\n");
  EXPECT_EQ(csv_shape_name(GcShape::kGo15), "go1.5");
}

TEST(RenderText, FindingShapeAndNoAnsiWithoutColor) {
  const std::string out = render_text(sample_report(), TextStyle{false, 100});
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("run 1 — trace-1.log lines 1–40: 28 cycles (gc 1–28) over 14m02s, "
                     "Go 1.6–1.17 line shape\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("warning[live-heap-growth]: live heap grows steadily\n  = why: The live"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  = help: Take two heap profiles"), std::string::npos) << out;
  // Evidence wraps between items, never inside a value.
  EXPECT_NE(out.find("  evidence: slope_bytes_per_s=12.1 KiB/s, first_live_bytes=30.0 MiB, "
                     "cycles=[1, 20, 28],\n            era=\"Go 1.6–1.17\", steady=true\n"),
            std::string::npos)
      << out;
  // Most severe first.
  EXPECT_LT(out.find("warning[live-heap-growth]"), out.find("info[gc-healthy]"));
  // The program's escape sequences are shown, not obeyed.
  EXPECT_NE(out.find("starting worker pool \\x1b[31mred\\x1b[0m"), std::string::npos) << out;
  // C1 controls (U+009B is CSI to some terminals) and bytes that are not UTF-8
  // are shown as bytes too; other UTF-8 is kept.
  Report r = sample_report();
  r.runs[0].markers[0].text = "x \xc2\x9b" "31mRED \xc2\x9d" "0;t \xff\xfe caf\xc3\xa9";
  const std::string c1 = render_text(r, TextStyle{false, 100});
  EXPECT_NE(c1.find("x \\xc2\\x9b31mRED \\xc2\\x9d0;t \\xff\\xfe caf\xc3\xa9"), std::string::npos) << c1;
  EXPECT_NE(out.find("p99 900 µs, max 1.2 ms (gc 17)"), std::string::npos) << out;
  EXPECT_NE(out.find("trace-1.log:17:12: expected a number"), std::string::npos) << out;
  EXPECT_NE(out.find("2023-11-14T22:13:20.000Z"), std::string::npos) << out;
}

TEST(RenderText, WrapsToWidth) {
  const std::string out = render_text(sample_report(), TextStyle{false, 60});
  size_t start = 0;
  bool in_finding = false;
  while (start < out.size()) {
    const size_t nl = out.find('\n', start);
    const std::string line = out.substr(start, nl - start);
    if (line.rfind("  = why:", 0) == 0) in_finding = true;
    if (line.rfind("  = help:", 0) == 0) in_finding = false;
    // Prose lines of the explanation stay within the width (they hold ASCII only here).
    if (in_finding) {
      EXPECT_LE(line.size(), 60u) << line;
    }
    start = nl + 1;
  }
  EXPECT_NE(out.find("\n         minutes with"), std::string::npos) << out;  // continuation indent
  // A number and its unit stay on one line.
  EXPECT_NE(out.find("\n                   3.0 MiB of work"), std::string::npos) << out;
  EXPECT_NE(out.find("\n                   1.2 ms (gc 17)"), std::string::npos) << out;
}

TEST(RenderText, ColorAndLowPrecision) {
  Report r = sample_report();
  r.runs[0].summary.low_precision = true;
  r.runs[0].summary.heap_live = {};
  r.runs[0].summary.heap_live.add(3 * kMiB + 512 * 1024, 1);
  const std::string out = render_text(r, TextStyle{true, 100});
  EXPECT_NE(out.find("\x1b[1;33mwarning\x1b[0m[live-heap-growth]: \x1b[1mlive heap grows"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("(heap < 16 MiB: MB-truncated figures are coarse)"), std::string::npos);
  EXPECT_NE(out.find("min 3 MiB"), std::string::npos) << out;
  // The scavenger's KiB are exact at any heap size; scvg's MB are not.
  r.runs[0].summary.scavenger.released_now = {};
  r.runs[0].summary.scavenger.released_now.add(736 * 1024, 1);
  EXPECT_NE(render_text(r, TextStyle{false, 200}).find("released to the OS now 736 KiB"), std::string::npos);
  r.runs[0].summary.scavenger.era = "scvg (Go <= 1.13)";
  r.runs[0].summary.scavenger.released_now = {};
  r.runs[0].summary.scavenger.released_now.add(3 * kMiB, 1);
  EXPECT_NE(render_text(r, TextStyle{false, 200}).find("released to the OS now 3 MiB"), std::string::npos);
}

// `gcsight run`'s last sample came after the last cycle: the heap allocated
// since then is not known, so it is not shown as 0 B new beside a large other.
Report report_with_unsplit_tail() {
  Report r = sample_report();
  ProcessInfo& p = r.process;
  p.present = true;
  p.samples = 2;
  p.interval_ns = 100'000'000;
  MemoryTimeline& m = p.memory;
  m.have_peak = true;
  RssBreakdown split;
  split.t_ns = 1'000'000'000;
  split.rss = 310 * kMiB;
  split.trace = split.heap_new_known = true;
  split.heap_live = 100 * kMiB;
  split.heap_new = 200 * kMiB;
  split.file = 2 * kMiB;
  split.other = 8 * kMiB;
  RssBreakdown tail;
  tail.t_ns = 2'000'000'000;
  tail.rss = 585 * kMiB;
  tail.trace = true;
  tail.heap_live = 302 * kMiB;
  tail.file = 1 * kMiB;
  tail.heap_new_or_other = 282 * kMiB;
  m.points = {split, tail};
  m.at_peak = m.at_end = tail;
  return r;
}

TEST(RenderText, RssAfterTheLastCycleIsNotSplit) {
  const std::string out = render_text(report_with_unsplit_tail(), TextStyle{false, 200});
  EXPECT_NE(out.find("585 MiB = heap 302 MiB live + new not known (after the last cycle), stacks+globals 0 B, "
                     "retained 0 B, file 1.0 MiB, new heap or other 282 MiB (at 2.0 s)"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("0 B new"), std::string::npos) << out;
  EXPECT_EQ(out.find(", other 282 MiB"), std::string::npos) << out;
}

// sample_report()'s run has no GC CPU window: its length is null, not a 0 or the old figure.
TEST(RenderJson, NoGcCpuWindowIsNull) {
  const auto j = nlohmann::ordered_json::parse(render_json(sample_report()));
  const auto& cpu = j["runs"][0]["summary"]["gc_cpu"];
  EXPECT_TRUE(cpu["max_window_fraction"].is_null());
  EXPECT_TRUE(cpu["window_ns"].is_null());
}

TEST(RenderJson, RssAfterTheLastCycleIsNotSplit) {
  const auto j = nlohmann::ordered_json::parse(render_json(report_with_unsplit_tail()));
  const auto& mem = j["process"]["memory"];
  EXPECT_EQ(mem["at_end"]["heap_new_known"], false);
  EXPECT_EQ(mem["at_end"]["other"], 0);
  EXPECT_EQ(mem["at_end"]["heap_new_or_other"], 282 * kMiB);
  EXPECT_EQ(mem["columns"].back(), "heap_new_or_other");
  EXPECT_EQ(mem["points"][0].back(), 0);
  EXPECT_EQ(mem["points"][1].back(), 282 * kMiB);
  EXPECT_EQ(mem["points"][1][8], 0);  // other
}

TEST(RenderPrometheus, RssAfterTheLastCycleIsNotOther) {
  LiveSnapshot s = snapshot_of_report(report_with_unsplit_tail());
  const std::string body = render_prometheus(s, "0.0.0-test");
  EXPECT_NE(body.find("gcsight_program_resident_memory_part_bytes{part=\"other\"} 0\n"), std::string::npos) << body;
  EXPECT_NE(body.find("gcsight_program_resident_memory_part_bytes{part=\"heap_new_or_other\"} 295698432\n"),
            std::string::npos)
      << body;
}

// Program lines are cut to the width in terminal columns: wide characters take two.
TEST(RenderText, ProgramLinesWithWideCharactersFitTheWidth) {
  std::string cjk, emoji;
  for (int i = 0; i < 30; ++i) cjk += "启动服务器 ";
  for (int i = 0; i < 60; ++i) emoji += "😀";
  const Report r = testing_support::analyze_text(
      cjk + "\ngc 1 @0.005s 1%: 0.010+1.0+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 4->5->2 MB, 5 MB goal, "
            "0 MB stacks, 0 MB globals, 2 P\n" +
      emoji + "\n");
  const std::string out = render_text(r, TextStyle{.color = false, .width = 80});
  size_t shown = 0;
  for (size_t start = 0; start < out.size();) {
    const size_t nl = out.find('\n', start);
    const std::string_view l(out.data() + start, nl - start);
    EXPECT_LE(display_columns(l), 80u) << l;
    if (l.find("启动") != std::string_view::npos || l.find("😀") != std::string_view::npos) {
      ++shown;
      EXPECT_GE(display_columns(l), 78u) << "cut near the width, not at half of it: " << l;
    }
    start = nl + 1;
  }
  EXPECT_EQ(shown, 2u) << out;
}

TEST(RenderText, EmptyReport) {
  Report r;
  const std::string out = render_text(r, TextStyle{});
  EXPECT_NE(out.find("no gc cycles found"), std::string::npos);
  EXPECT_NE(out.find("parse\n"), std::string::npos);
}

// The reason given for no cycle fits what the report shows: not "was gctrace on?"
// when lines were there but unreadable, or when the user's GODEBUG turned it off.
TEST(RenderText, NoCyclesSaysWhyAsFarAsItCanTell) {
  Report r;
  EXPECT_NE(render_text(r, TextStyle{}).find("(was the program run with GODEBUG=gctrace=1?)"), std::string::npos);
  r.parse.malformed_lines = 3;
  EXPECT_EQ(no_cycles_reason(r), "3 trace lines could not be read; the parse section names the first");
  r.process.present = true;
  r.process.godebug = "madvdontneed=1,gctrace=0,scavtrace=1";
  EXPECT_NE(no_cycles_reason(r).find("GODEBUG sets gctrace=0"), std::string::npos);
  const std::string out = render_text(r, TextStyle{.color = false, .width = 80});
  EXPECT_NE(out.find("GODEBUG sets gctrace=0"), std::string::npos) << out;
  for (std::string_view l : {std::string_view(out).substr(0, out.find('\n'))}) EXPECT_LE(l.size(), 80u) << out;
  r.inputs.push_back(InputInfo{"x.log", 0, 0, "cannot open 'x.log': No such file or directory"});
  EXPECT_EQ(no_cycles_reason(r), "no input could be read");
}

TEST(UnitsFormat, Bytes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(1048576), "1.0 MiB");
  EXPECT_EQ(format_bytes(1048575), "1.0 MiB");  // 1023.999 KiB rounds up a unit
  EXPECT_EQ(format_bytes(150 * kMiB), "150 MiB");
  EXPECT_EQ(format_bytes(5ull << 30), "5.0 GiB");
  EXPECT_EQ(format_bytes_whole_mib(3 * kMiB + 12345), "3 MiB");
  EXPECT_EQ(format_byte_rate(-1536.0), "-1.5 KiB/s");
  EXPECT_EQ(format_bytes_signed(-2.0 * kMiB), "-2.0 MiB");
}

TEST(UnitsFormat, Durations) {
  EXPECT_EQ(format_duration(0), "0 ns");
  EXPECT_EQ(format_duration(999), "999 ns");
  EXPECT_EQ(format_duration(1500), "1.5 µs");
  EXPECT_EQ(format_duration(999'960), "1.0 ms");
  EXPECT_EQ(format_duration(123'000'000), "123 ms");
  EXPECT_EQ(format_duration(2'500'000'000), "2.5 s");
  EXPECT_EQ(format_duration(59'960'000'000), "1m00s");
  EXPECT_EQ(format_duration(125'000'000'000), "2m05s");
  EXPECT_EQ(format_duration(842'000'000'000), "14m02s");
  EXPECT_EQ(format_duration(3'720'000'000'000), "1h02m");
  EXPECT_EQ(format_duration(-1500), "-1.5 µs");
}

// A finding's sentence (core's human_duration) and its evidence (format_duration)
// name one moment alike from a minute up: @120.562 s is 2m01s in both.
TEST(UnitsFormat, FindingTextAndEvidenceRoundMinutesAlike) {
  for (const int64_t ns : {int64_t{60'000'000'000}, int64_t{120'562'000'000}, int64_t{200'604'000'000},
                           int64_t{3'599'600'000'000}, int64_t{3'720'000'000'000}, int64_t{7'229'999'000'000}}) {
    EXPECT_EQ(human_duration(ns), format_duration(ns)) << ns;
  }
}

TEST(UnitsFormat, OtherUnits) {
  EXPECT_EQ(format_percent(0.0212), "2.1%");
  EXPECT_EQ(format_percent(0.0), "0.0%");
  EXPECT_EQ(format_percent(0.0001), "<0.1%");
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_wall_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_wall_utc(1'700'000'000'123'000'000), "2023-11-14T22:13:20.123Z");
}

TEST(Severity, Names) {
  EXPECT_STREQ(severity_name(Severity::kInfo), "info");
  EXPECT_STREQ(severity_name(Severity::kWarning), "warning");
  EXPECT_STREQ(severity_name(Severity::kCritical), "critical");
}

}  // namespace
}  // namespace gcsight
