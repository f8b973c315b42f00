// Tests of the HTML report on a small trace: the page is deterministic, holds
// the data blob the page script reads (with each run's chart series, scavenger
// points and table), and nothing in it can end a script element early.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/report.h"
#include "render/render_html.h"
#include "support/analyze_text.h"

namespace gcsight {
namespace {

// A few Go 1.22 cycles, a forced one with a heap drop, a scavenger line and
// program lines, one of which tries to close the script element.
constexpr const char* kTrace =
    "loop begin </script><script>alert(1)</script>\n"
    "gc 1 @0.012s 1%: 0.010+1.2+0.020 ms clock, 0.020+0.10/1.0/0.50+0.040 ms cpu, 4->5->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
    "gc 2 @0.050s 2%: 0.011+1.5+0.021 ms clock, 0.022+0.20/1.1/0.60+0.042 ms cpu, 6->7->5 MB, 7 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
    "gc 3 @0.120s 2%: 0.012+2.0+0.030 ms clock, 0.024+0.30/1.2/0.70+0.060 ms cpu, 200->260->250 MB, 400 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
    "force gc\n"
    "gc 4 @0.200s 3%: 0.013+2.5+0.040 ms clock, 0.026+0/1.3/0.80+0.080 ms cpu, 300->300->1 MB, 500 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n"
    "scav 0 KiB work (bg), 1024 KiB work (eager), 2048 KiB now, 99% util\n"
    "gc 5 @0.400s 3%: 0.014+1.0+0.050 ms clock, 0.028+0.10/0.90/0.40+0.10 ms cpu, 4->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";

nlohmann::json data_of(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"gcsight-data\">";
  const size_t from = page.find(open);
  EXPECT_NE(from, std::string::npos);
  const size_t start = from + open.size();
  const size_t end = page.find("</script>", start);
  EXPECT_NE(end, std::string::npos);
  return nlohmann::json::parse(page.substr(start, end - start));
}

TEST(RenderHtml, DeterministicAndSelfContained) {
  const Report report = testing_support::analyze_text(kTrace, "small.log");
  HtmlFacts facts;
  facts.title = "small.log";
  const std::string a = render_html(report, facts);
  const std::string b = render_html(testing_support::analyze_text(kTrace, "small.log"), facts);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(a.find("<title>gcsight report: small.log</title>"), std::string::npos);
  // No request of any kind: no external reference, and a policy that forbids them.
  EXPECT_NE(a.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(a.find("src=\"http"), std::string::npos);
  EXPECT_EQ(a.find("href=\"http"), std::string::npos);
  EXPECT_EQ(a.find("<link"), std::string::npos);
  if (html_report_available()) {
    EXPECT_NE(a.find("uPlot"), std::string::npos);
  }
}

TEST(RenderHtml, ProgramTextCannotCloseTheScript) {
  const Report report = testing_support::analyze_text(kTrace, "small.log");
  const std::string data = html_report_data(report, {});
  EXPECT_EQ(data.find('<'), std::string::npos);
  EXPECT_NE(data.find("\\u003c/script>\\u003cscript>alert(1)"), std::string::npos);
  // The page has exactly the script elements it opens: data, uPlot, report.js.
  const std::string page = render_html(report, {});
  size_t closes = 0;
  for (size_t at = 0; (at = page.find("</script", at)) != std::string::npos; ++at) ++closes;
  EXPECT_EQ(closes, 3u);
  EXPECT_EQ(data_of(page)["report"]["runs"][0]["markers"][0]["text"],
            "loop begin </script><script>alert(1)</script>");
}

TEST(RenderHtml, DataBlobHasTheChartSeries) {
  const Report report = testing_support::analyze_text(kTrace, "small.log");
  ASSERT_EQ(report.runs.size(), 1u);
  const nlohmann::json d = nlohmann::json::parse(html_report_data(report, {"small.log"}));
  EXPECT_EQ(d["title"], "small.log");
  const nlohmann::json& rep = d["report"];
  EXPECT_EQ(rep["schema_version"], 2);
  EXPECT_FALSE(rep.contains("process"));
  const nlohmann::json& run = rep["runs"][0];
  EXPECT_EQ(run["summary"]["cycles"], 5);
  // The findings the page links to their cycles.
  bool heap_collected = false;
  for (const auto& f : run["findings"]) {
    if (f["code"] == "heap-collected") {
      heap_collected = true;
      EXPECT_EQ(f["evidence"]["gc"], 4);
    }
  }
  EXPECT_TRUE(heap_collected);

  const nlohmann::json& chart = run["chart"];
  EXPECT_EQ(chart["cycles_per_point"], 1);
  const nlohmann::json& p = chart["points"];
  for (const char* col : {"gc_first", "gc_last", "cycles", "flags", "t_first_ns", "t_last_ns", "heap_start_max",
                          "heap_end_max", "live_min", "live_max", "goal_max", "stacks_globals_max", "pause_min_ns",
                          "pause_max_ns", "pause_max_gc", "cpu_sweep_term_ns", "cpu_assist_ns", "cpu_background_ns",
                          "cpu_idle_ns", "cpu_mark_term_ns", "capacity_ns", "util_pct_last", "interval_min_ns",
                          "interval_max_ns"}) {
    ASSERT_TRUE(p.contains(col)) << col;
    EXPECT_EQ(p[col].size(), 5u) << col;
  }
  EXPECT_EQ(p["gc_first"], nlohmann::json::parse("[1,2,3,4,5]"));
  EXPECT_EQ(p["t_first_ns"][3], 200'000'000);
  EXPECT_EQ(p["heap_start_max"][3], 300ull << 20);
  EXPECT_EQ(p["live_max"][3], 1ull << 20);
  EXPECT_EQ(p["pause_max_ns"][0], 30'000);  // 0.010 + 0.020 ms
  EXPECT_EQ(p["flags"][3].get<int>() & kGcUserForced, kGcUserForced);
  EXPECT_TRUE(p["interval_max_ns"][0].is_null());
  EXPECT_EQ(p["interval_max_ns"][1], 38'000'000);

  const nlohmann::json& scav = chart["scavenger"];
  ASSERT_EQ(scav["after_gc"].size(), 1u);
  EXPECT_EQ(scav["after_gc"][0], 4);
  EXPECT_EQ(scav["released_now_max"][0], 2048 * 1024);

  const nlohmann::json& table = chart["table"];
  EXPECT_EQ(table["complete"], true);
  EXPECT_EQ(table["cycles_total"], 5);
  ASSERT_EQ(table["rows"].size(), 5u);
  const nlohmann::json& cols = table["columns"];
  ASSERT_EQ(cols[0], "gc");
  size_t stw = 0;
  while (stw < cols.size() && cols[stw] != "stw_pause_ns") ++stw;
  ASSERT_LT(stw, cols.size());
  EXPECT_EQ(table["rows"][4][0], 5);
  EXPECT_EQ(table["rows"][4][stw], 64'000);
  for (const auto& row : table["rows"]) EXPECT_EQ(row.size(), cols.size());
}

TEST(RenderHtml, ProcessMemoryIsThinnedKeepingPeaks) {
  Report report = testing_support::analyze_text(kTrace, "small.log");
  ProcessInfo& p = report.process;
  p.present = true;
  p.command = {"./prog"};
  p.memory.have_peak = true;
  p.memory.trace_start_ns = 5'000'000;
  for (int64_t i = 0; i < 10'000; ++i) {
    RssBreakdown b;
    b.t_ns = i * 1'000'000;
    b.rss = i == 4321 ? 999ull << 20 : 10ull << 20;
    b.other = b.rss;
    p.memory.points.push_back(b);
  }
  const nlohmann::json d = nlohmann::json::parse(html_report_data(report, {}));
  const nlohmann::json& mem = d["report"]["process"]["memory"];
  EXPECT_EQ(d["report"]["process"]["trace_start_ns"], 5'000'000);
  EXPECT_EQ(mem["samples_kept"], 10'000);
  EXPECT_LE(mem["points"].size(), 4096u);
  uint64_t highest = 0;
  for (const auto& row : mem["points"]) highest = std::max(highest, row[1].get<uint64_t>());
  EXPECT_EQ(highest, 999ull << 20);
}

}  // namespace
}  // namespace gcsight
