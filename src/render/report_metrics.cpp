#include "render/report_metrics.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/report.h"

namespace gcsight {

namespace {

using Json = nlohmann::ordered_json;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kMs = 1e6;

const Json& member(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// doc[a][b]... when every step exists and the value is a number.
std::optional<double> number_at(const Json& j, std::initializer_list<const char*> path) {
  const Json* p = &j;
  for (const char* key : path) {
    if (!p->is_object()) return std::nullopt;
    const auto it = p->find(key);
    if (it == p->end()) return std::nullopt;
    p = &*it;
  }
  if (!p->is_number()) return std::nullopt;
  return p->get<double>();
}

std::optional<Severity> severity_of(const Json& s) {
  if (!s.is_string()) return std::nullopt;
  const auto v = s.get<std::string>();
  if (v == "info") return Severity::kInfo;
  if (v == "warning") return Severity::kWarning;
  if (v == "critical") return Severity::kCritical;
  return std::nullopt;
}

void add_findings(const Json& list, RunMetrics& m) {
  if (!list.is_array()) return;
  for (const Json& f : list) {
    const Json& code = member(f, "code");
    if (!code.is_string()) continue;
    m.findings.emplace_back(code.get<std::string>(), severity_of(member(f, "severity")).value_or(Severity::kInfo));
  }
}

}  // namespace

bool looks_like_json(std::string_view head) {
  for (char c : head) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{';
  }
  return false;
}

std::optional<RunMetrics> metrics_from_json(const Json& doc, std::optional<uint32_t> run, const std::string& input,
                                            std::string* error,
                                            bool* no_such_run) {
  const Json& tool = member(doc, "tool");
  if (!tool.is_object() || tool.value("name", "") != "gcsight") {
    *error = fmt::format("{}: a JSON document, but not a gcsight report", input);
    return std::nullopt;
  }
  const auto version = number_at(doc, {"schema_version"});
  // Version 2 only let more keys be null; every figure read here is read the same from version 1.
  if (!version || *version < 1 || *version > Report::kSchemaVersion) {
    *error = fmt::format("{}: a gcsight report of schema version {}; this gcsight reads versions 1 to {}", input,
                         version ? fmt::format("{}", *version) : "?", Report::kSchemaVersion);
    return std::nullopt;
  }
  const Json& runs = member(doc, "runs");
  if (!runs.is_array() || runs.empty()) {
    *error = fmt::format("{}: the report has no run (no gc cycles)", input);
    return std::nullopt;
  }
  const Json* chosen = nullptr;
  if (run) {
    for (const Json& r : runs) {
      if (number_at(r, {"index"}) == static_cast<double>(*run)) chosen = &r;
    }
    if (chosen == nullptr) {
      *error = fmt::format("{}: no run {} (the report has {})", input, *run, runs.size());
      if (no_such_run != nullptr) *no_such_run = true;
      return std::nullopt;
    }
  } else {
    double most = -1;
    for (const Json& r : runs) {
      const double cycles = number_at(r, {"summary", "cycles"}).value_or(0);
      if (cycles > most) {
        most = cycles;
        chosen = &r;
      }
    }
  }
  const Json& r = *chosen;
  const Json& s = member(r, "summary");
  RunMetrics m;
  m.input = input;
  m.run = static_cast<uint32_t>(number_at(r, {"index"}).value_or(0));
  m.runs_in_input = runs.size();
  auto set = [&](Metric metric, std::optional<double> v, double scale) {
    if (v) m.set(metric, *v / scale);
  };
  set(Metric::kCycles, number_at(s, {"cycles"}), 1);
  // A report of an earlier version gave one cycle a rate from its own length: not comparable.
  if (number_at(s, {"duration_ns"}).value_or(0) > 0 && number_at(s, {"cycles"}).value_or(0) >= 2) {
    set(Metric::kCycleRate, number_at(s, {"cycles_per_minute"}), 1);
  }
  if (number_at(s, {"stw_pause_ns", "count"}).value_or(0) > 0) {
    set(Metric::kP50Pause, number_at(s, {"stw_pause_ns", "p50"}), kMs);
    set(Metric::kP90Pause, number_at(s, {"stw_pause_ns", "p90"}), kMs);
    set(Metric::kP99Pause, number_at(s, {"stw_pause_ns", "p99"}), kMs);
    set(Metric::kMaxPause, number_at(s, {"stw_pause_ns", "max"}), kMs);
    set(Metric::kTotalPause, number_at(s, {"stw_pause_ns", "total"}), kMs);
  }
  set(Metric::kGcCpu, number_at(s, {"gc_cpu", "fraction"}), 0.01);
  set(Metric::kPeakHeap, number_at(s, {"heap_end_bytes", "max"}), kMiB);
  set(Metric::kLiveHeap, number_at(s, {"live_heap_bytes", "max"}), kMiB);
  set(Metric::kPeakGoal, number_at(s, {"goal_bytes", "max"}), kMiB);
  set(Metric::kAllocRate, number_at(s, {"alloc_bytes_per_s"}), kMiB);
  set(Metric::kPeakRss, number_at(doc, {"process", "rss_peak_bytes"}), kMiB);
  add_findings(member(r, "findings"), m);
  add_findings(member(member(doc, "process"), "findings"), m);
  return m;
}

}  // namespace gcsight
