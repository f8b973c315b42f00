#include "core/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gcsight {

namespace {

constexpr std::array<MetricInfo, kMetricCount> kCatalogue = {{
    {Metric::kCycles, "cycles", "cycles", 0, "gc cycles in the run"},
    {Metric::kCycleRate, "cycle_rate", "per_min", 1, "gc cycles per minute"},
    {Metric::kP50Pause, "p50_pause", "ms", 3, "median stop-the-world pause (sweep + mark termination)"},
    {Metric::kP90Pause, "p90_pause", "ms", 3, "90th percentile stop-the-world pause"},
    {Metric::kP99Pause, "p99_pause", "ms", 3, "99th percentile stop-the-world pause"},
    {Metric::kMaxPause, "max_pause", "ms", 3, "longest stop-the-world pause"},
    {Metric::kTotalPause, "total_pause", "ms", 3, "all stop-the-world pauses together"},
    {Metric::kGcCpu, "gc_cpu", "pct", 2, "GC CPU as a share of the CPU available (GOMAXPROCS), idle workers excluded"},
    {Metric::kPeakHeap, "peak_heap", "MiB", 1, "largest heap at the end of marking"},
    {Metric::kLiveHeap, "live_heap", "MiB", 1, "largest live heap marked by a cycle"},
    {Metric::kPeakGoal, "peak_goal", "MiB", 1, "largest heap goal"},
    {Metric::kAllocRate, "alloc_rate", "MiB/s", 1, "estimated allocation rate"},
    {Metric::kPeakRss, "peak_rss", "MiB", 1, "largest RSS sampled (gcsight run only)"},
}};

std::string metric_names() {
  std::string s;
  for (const MetricInfo& m : kCatalogue) s += (s.empty() ? "" : ", ") + std::string(m.name);
  return s;
}

}  // namespace

const std::array<MetricInfo, kMetricCount>& metric_catalogue() { return kCatalogue; }

const MetricInfo& metric_info(Metric m) { return kCatalogue[static_cast<size_t>(m)]; }

std::optional<Metric> metric_by_name(std::string_view name) {
  for (const MetricInfo& m : kCatalogue) {
    if (m.name == name) return m.metric;
  }
  return std::nullopt;
}

std::optional<Threshold> parse_threshold(std::string_view spec, std::string* error) {
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    *error = fmt::format("'{}': expected METRIC:+N% or METRIC:+N (e.g. p99_pause:+20%)", spec);
    return std::nullopt;
  }
  Threshold t;
  t.spec = std::string(spec);
  const std::string_view name = spec.substr(0, colon);
  const auto metric = metric_by_name(name);
  if (!metric) {
    *error = fmt::format("'{}': no metric '{}'; the metrics are {}", spec, name, metric_names());
    return std::nullopt;
  }
  t.metric = *metric;
  std::string_view amount = spec.substr(colon + 1);
  if (amount.empty() || (amount.front() != '+' && amount.front() != '-')) {
    *error = fmt::format("'{}': the amount needs a sign: + for an increase, - for a decrease", spec);
    return std::nullopt;
  }
  t.increase = amount.front() == '+';
  amount.remove_prefix(1);
  if (!amount.empty() && amount.back() == '%') {
    t.relative = true;
    amount.remove_suffix(1);
  }
  const auto r = std::from_chars(amount.data(), amount.data() + amount.size(), t.amount);
  if (amount.empty() || r.ec != std::errc() || r.ptr != amount.data() + amount.size() || !std::isfinite(t.amount) ||
      t.amount < 0) {
    *error = fmt::format("'{}': '{}' is not a number", spec, amount);
    return std::nullopt;
  }
  return t;
}

Comparison compare_runs(RunMetrics a, RunMetrics b, const std::vector<Threshold>& thresholds) {
  Comparison c;
  for (const MetricInfo& info : kCatalogue) {
    MetricDelta d{info.metric, a.value(info.metric), b.value(info.metric), std::nullopt, std::nullopt};
    if (d.a && d.b) {
      d.delta = *d.b - *d.a;
      if (*d.a != 0) d.change = *d.delta / std::fabs(*d.a);
    }
    c.metrics.push_back(d);
  }
  auto has = [](const std::vector<std::pair<std::string, Severity>>& list, const std::string& code) {
    return std::any_of(list.begin(), list.end(), [&](const auto& f) { return f.first == code; });
  };
  for (const auto& f : b.findings) {
    if (!has(a.findings, f.first) && !has(c.appeared, f.first)) c.appeared.push_back(f);
  }
  for (const auto& f : a.findings) {
    if (!has(b.findings, f.first) && !has(c.disappeared, f.first)) c.disappeared.push_back(f);
  }
  for (const Threshold& t : thresholds) {
    ThresholdResult r{t, false, std::nullopt, false};
    const MetricDelta& d = c.metrics[static_cast<size_t>(t.metric)];
    if (d.delta) {
      r.known = true;
      if (t.relative) {
        if (d.change) {
          r.observed = *d.change;
          r.crossed = t.increase ? *d.change * 100 > t.amount : -*d.change * 100 > t.amount;
        } else {
          // From 0: any increase is infinitely large, a decrease impossible.
          r.crossed = t.increase && *d.delta > 0;
        }
      } else {
        r.observed = *d.delta;
        r.crossed = t.increase ? *d.delta > t.amount : -*d.delta > t.amount;
      }
    }
    c.crossed = c.crossed || r.crossed;
    c.unknown = c.unknown || !r.known;
    c.thresholds.push_back(r);
  }
  c.a = std::move(a);
  c.b = std::move(b);
  return c;
}

}  // namespace gcsight
