// `gcsight compare`: the figures of two runs side by side, the findings that
// appeared or went away, and thresholds that turn a regression into a failed
// CI job (`--fail-if p99_pause:+20%`). Pure: it compares figures already
// taken from two reports (io/report_metrics reads them).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/report.h"

namespace gcsight {

/// The figures compare knows, in the order it shows them.
enum class Metric : uint8_t {
  kCycles,
  kCycleRate,
  kP50Pause,
  kP90Pause,
  kP99Pause,
  kMaxPause,
  kTotalPause,
  kGcCpu,
  kPeakHeap,
  kLiveHeap,
  kPeakGoal,
  kAllocRate,
  kPeakRss,
};
inline constexpr size_t kMetricCount = 13;

/// A metric's stable name (as `--fail-if` takes it), its unit, and what it is.
struct MetricInfo {
  Metric metric;
  std::string_view name;
  std::string_view unit;  ///< the unit of absolute thresholds and of the JSON values
  int decimals;           ///< shown in the text table
  std::string_view what;
};

/// Every metric, in display order.
const std::array<MetricInfo, kMetricCount>& metric_catalogue();
const MetricInfo& metric_info(Metric m);
std::optional<Metric> metric_by_name(std::string_view name);

/// The figures of one side: one run of one input.
struct RunMetrics {
  std::string input;       ///< as the user named it
  uint32_t run = 0;        ///< the run's index in its report
  size_t runs_in_input = 0;
  std::array<std::optional<double>, kMetricCount> values;  ///< in each metric's unit; nullopt = not known
  std::vector<std::pair<std::string, Severity>> findings;  ///< codes of the run's and the process's findings

  [[nodiscard]] std::optional<double> value(Metric m) const { return values[static_cast<size_t>(m)]; }
  void set(Metric m, double v) { values[static_cast<size_t>(m)] = v; }
};

/// `METRIC:+N%` (B more than N % above A), `METRIC:-N%` (more than N % below),
/// `METRIC:+N` / `METRIC:-N` (by more than N in the metric's unit).
struct Threshold {
  std::string spec;  ///< as given
  Metric metric = Metric::kCycles;
  double amount = 0;
  bool relative = false;
  bool increase = true;
};

/// Parses a threshold; on failure nullopt and *error says why (naming the metrics when the name is unknown).
std::optional<Threshold> parse_threshold(std::string_view spec, std::string* error);

struct MetricDelta {
  Metric metric;
  std::optional<double> a, b;
  std::optional<double> delta;   ///< b - a
  std::optional<double> change;  ///< (b - a) / a; nullopt when a is 0 or unknown
};

struct ThresholdResult {
  Threshold threshold;
  bool known = false;            ///< both sides have the metric
  std::optional<double> observed;  ///< the change (relative, as a fraction) or the delta
  bool crossed = false;
};

struct Comparison {
  RunMetrics a, b;
  std::vector<MetricDelta> metrics;
  std::vector<std::pair<std::string, Severity>> appeared;     ///< findings in B and not in A
  std::vector<std::pair<std::string, Severity>> disappeared;  ///< findings in A and not in B
  std::vector<ThresholdResult> thresholds;
  bool crossed = false;   ///< a threshold was crossed
  bool unknown = false;   ///< a threshold names a metric one side does not have
};

/// Compares B against A. A relative threshold on a metric that is 0 in A is
/// crossed by any increase (for `+`) and never by a decrease.
Comparison compare_runs(RunMetrics a, RunMetrics b, const std::vector<Threshold>& thresholds);

}  // namespace gcsight
