// compare: thresholds parse strictly, cross exactly when the change passes
// them (in either direction), and the figures read from a JSON report are the
// analysis's own.
#include "core/compare.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "render/render_json.h"
#include "render/report_metrics.h"
#include "support/analyze_text.h"
#include "support/e2e.h"

namespace gcsight {
namespace {

Threshold parse(const std::string& spec) {
  std::string err;
  auto t = parse_threshold(spec, &err);
  EXPECT_TRUE(t.has_value()) << spec << ": " << err;
  return t.value_or(Threshold{});
}

std::string parse_error(const std::string& spec) {
  std::string err;
  EXPECT_FALSE(parse_threshold(spec, &err).has_value()) << spec;
  return err;
}

TEST(Threshold, ParsesRelativeAndAbsoluteInBothDirections) {
  Threshold t = parse("p99_pause:+20%");
  EXPECT_EQ(t.metric, Metric::kP99Pause);
  EXPECT_TRUE(t.relative);
  EXPECT_TRUE(t.increase);
  EXPECT_DOUBLE_EQ(t.amount, 20);
  t = parse("peak_rss:+64.5");
  EXPECT_EQ(t.metric, Metric::kPeakRss);
  EXPECT_FALSE(t.relative);
  EXPECT_DOUBLE_EQ(t.amount, 64.5);
  t = parse("cycle_rate:-10%");
  EXPECT_FALSE(t.increase);
}

TEST(Threshold, RejectsWhatItCannotRead) {
  EXPECT_NE(parse_error("p99:+20%").find("p99_pause"), std::string::npos) << "the error lists the metrics";
  EXPECT_NE(parse_error("p99_pause:20%").find("sign"), std::string::npos);
  parse_error("p99_pause");
  parse_error("p99_pause:+");
  parse_error("p99_pause:+%");
  parse_error("p99_pause:+2x%");
  parse_error("p99_pause:+nan");
}

RunMetrics side(double p99, std::vector<std::string> findings = {}) {
  RunMetrics m;
  m.set(Metric::kP99Pause, p99);
  m.set(Metric::kCycles, 100);
  for (auto& f : findings) m.findings.emplace_back(f, Severity::kWarning);
  return m;
}

bool crossed(double a, double b, const std::string& spec) {
  return compare_runs(side(a), side(b), {parse(spec)}).crossed;
}

TEST(Compare, CrossesExactlyWhenTheChangePassesTheThreshold) {
  EXPECT_FALSE(crossed(1.0, 1.2, "p99_pause:+20%")) << "equal to the limit is not past it";
  EXPECT_TRUE(crossed(1.0, 1.21, "p99_pause:+20%"));
  EXPECT_FALSE(crossed(1.0, 0.5, "p99_pause:+20%")) << "an improvement never fails an increase threshold";
  EXPECT_TRUE(crossed(1.0, 0.5, "p99_pause:-20%"));
  EXPECT_FALSE(crossed(1.0, 0.9, "p99_pause:-20%"));
  EXPECT_TRUE(crossed(1.0, 1.6, "p99_pause:+0.5"));
  EXPECT_FALSE(crossed(1.0, 1.5, "p99_pause:+0.5"));
  EXPECT_TRUE(crossed(0.0, 0.1, "p99_pause:+1000%")) << "any increase from 0";
  EXPECT_FALSE(crossed(0.0, 0.0, "p99_pause:+0%"));
}

TEST(Compare, DeltasFindingsAndUnknownMetrics) {
  const Comparison c = compare_runs(side(2.0, {"gc-cpu-high", "explicit-gc"}), side(3.0, {"explicit-gc", "long-pauses"}),
                                    {parse("peak_rss:+10%")});
  const MetricDelta& d = c.metrics[static_cast<size_t>(Metric::kP99Pause)];
  EXPECT_DOUBLE_EQ(*d.delta, 1.0);
  EXPECT_DOUBLE_EQ(*d.change, 0.5);
  ASSERT_EQ(c.appeared.size(), 1u);
  EXPECT_EQ(c.appeared[0].first, "long-pauses");
  ASSERT_EQ(c.disappeared.size(), 1u);
  EXPECT_EQ(c.disappeared[0].first, "gc-cpu-high");
  EXPECT_TRUE(c.unknown);
  EXPECT_FALSE(c.crossed);
  EXPECT_FALSE(c.metrics[static_cast<size_t>(Metric::kPeakRss)].delta.has_value());
}

using gcsight::testing_support::slurp;

TEST(ReportMetrics, FiguresFromTheJsonAreTheAnalysisOwn) {
  const std::string dir = std::string(GCSIGHT_TEST_DATA) + "/corpus/go1.22.12/forced/";
  const Report report = testing_support::analyze_text(slurp(dir + "stderr.log"));
  ASSERT_EQ(report.runs.size(), 1u);
  const RunSummary& s = report.runs[0].summary;
  std::string err;
  const auto m = metrics_from_json(report_to_json(report), std::nullopt, "forced", &err);
  ASSERT_TRUE(m) << err;
  const auto truth = nlohmann::json::parse(slurp(dir + "truth.json"));
  EXPECT_EQ(*m->value(Metric::kCycles), truth["NumGC"].get<double>());
  EXPECT_DOUBLE_EQ(*m->value(Metric::kP99Pause), static_cast<double>(s.stw_pause_ns.p99) / 1e6);
  EXPECT_DOUBLE_EQ(*m->value(Metric::kMaxPause), static_cast<double>(s.stw_pause_ns.max) / 1e6);
  EXPECT_DOUBLE_EQ(*m->value(Metric::kPeakHeap), static_cast<double>(s.heap_end.max) / (1 << 20));
  EXPECT_NEAR(*m->value(Metric::kGcCpu), s.gc_cpu_fraction * 100, 1e-4);
  EXPECT_FALSE(m->value(Metric::kPeakRss)) << "a trace log has no RSS";
  EXPECT_EQ(m->findings.size(), report.runs[0].findings.size());
}

TEST(ReportMetrics, RejectsOtherDocumentsAndMissingRuns) {
  std::string err;
  EXPECT_FALSE(metrics_from_json(nlohmann::ordered_json::parse(R"({"a":1})"), std::nullopt, "x.json", &err));
  EXPECT_NE(err.find("x.json"), std::string::npos);
  const Report report = testing_support::analyze_text(
      "gc 1 @0.010s 1%: 0.010+1.0+0.020 ms clock, 0.020+0.50/1.0/0+0.040 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n");
  auto doc = report_to_json(report);
  EXPECT_FALSE(metrics_from_json(doc, 7u, "r.json", &err));
  EXPECT_NE(err.find("no run 7"), std::string::npos);
  doc["schema_version"] = 1;  // a report saved by an earlier gcsight: its figures read the same
  EXPECT_TRUE(metrics_from_json(doc, std::nullopt, "r.json", &err)) << err;
  doc["schema_version"] = 99;
  EXPECT_FALSE(metrics_from_json(doc, std::nullopt, "r.json", &err));
  EXPECT_NE(err.find("schema version"), std::string::npos);
  EXPECT_TRUE(looks_like_json("  \n{\"schema_version\""));
  EXPECT_FALSE(looks_like_json("gc 1 @0.1s"));
}

}  // namespace
}  // namespace gcsight
