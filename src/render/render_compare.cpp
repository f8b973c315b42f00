#include "render/render_compare.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "render/render_json.h"
#include "render/sgr.h"
#include "render/units_format.h"

namespace gcsight {

namespace {

using Json = nlohmann::ordered_json;

// A figure with its metric's decimals, thousands grouped.
std::string value_text(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", std::fabs(v), decimals);
  const size_t dot = s.find('.');
  for (auto i = static_cast<int64_t>(dot == std::string::npos ? s.size() : dot) - 3; i > 0; i -= 3) {
    s.insert(static_cast<size_t>(i), ",");
  }
  if (v < 0 && s.find_first_not_of("0.,") != std::string::npos) s.insert(0, "-");
  return s;
}

std::string signed_text(double v, int decimals) {
  const std::string s = value_text(v, decimals);
  return v > 0 && s.find_first_not_of("0.,") != std::string::npos ? "+" + s : s;
}

std::string change_text(double change) {
  return fmt::format("{}{:.1f}%", change > 0 ? "+" : "", change * 100);
}

std::string side(const RunMetrics& m) {
  return fmt::format("{} (run {} of {})", m.input, m.run, m.runs_in_input);
}

std::string findings_text(const std::vector<std::pair<std::string, Severity>>& list) {
  std::string s;
  for (const auto& [code, sev] : list) s += fmt::format("{}{}[{}]", s.empty() ? "" : ", ", severity_name(sev), code);
  return s;
}

Json optional_number(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return round_significant(*v);
}

Json findings_json(const std::vector<std::pair<std::string, Severity>>& list) {
  Json a = Json::array();
  for (const auto& [code, sev] : list) a.push_back({{"code", code}, {"severity", severity_name(sev)}});
  return a;
}

Json side_json(const RunMetrics& m) {
  Json j = Json::object();
  j["input"] = m.input;
  j["run"] = m.run;
  j["runs_in_input"] = m.runs_in_input;
  return j;
}

}  // namespace

std::string render_compare_text(const Comparison& c, bool color) {
  std::string out;
  auto line = [&](const std::string& s) {
    out += s;
    out += '\n';
  };
  line(paint(color, kSgrBold, "compare"));
  line("  A  " + side(c.a));
  line("  B  " + side(c.b));
  line("");
  // Columns sized to their widest cell.
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"metric", "unit", "A", "B", "delta", "change"});
  for (const MetricDelta& d : c.metrics) {
    if (!d.a && !d.b) continue;
    const MetricInfo& info = metric_info(d.metric);
    const int dec = info.decimals;
    rows.push_back({std::string(info.name), std::string(info.unit), d.a ? value_text(*d.a, dec) : "—",
                    d.b ? value_text(*d.b, dec) : "—", d.delta ? signed_text(*d.delta, dec) : "—",
                    d.change ? change_text(*d.change) : "—"});
  }
  std::array<size_t, 6> w{};
  auto width = [](const std::string& s) {
    size_t n = 0;
    for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    return n;
  };
  for (const auto& r : rows) {
    for (size_t i = 0; i < 6; ++i) w[i] = std::max(w[i], width(r[i]));
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    const auto& r = rows[k];
    std::string s = "  ";
    for (size_t i = 0; i < 6; ++i) {
      const size_t pad = w[i] - width(r[i]);
      // Names left, figures right.
      if (i < 2) {
        s += r[i] + std::string(pad, ' ');
      } else {
        s += std::string(pad, ' ') + r[i];
      }
      if (i < 5) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    line(k == 0 ? paint(color, kSgrDim, s) : s);
  }
  line("");
  line(paint(color, kSgrBold, "findings"));
  if (c.appeared.empty() && c.disappeared.empty()) {
    line("  the same in A and B");
  } else {
    if (!c.appeared.empty()) line("  appeared in B:  " + findings_text(c.appeared));
    if (!c.disappeared.empty()) line("  gone in B:      " + findings_text(c.disappeared));
  }
  if (!c.thresholds.empty()) {
    line("");
    line(paint(color, kSgrBold, "thresholds"));
    size_t spec_w = 0;
    for (const ThresholdResult& t : c.thresholds) spec_w = std::max(spec_w, t.threshold.spec.size());
    size_t crossed = 0;
    for (const ThresholdResult& t : c.thresholds) {
      std::string verdict, why;
      if (!t.known) {
        verdict = paint(color, kSgrRed, "error");
        const bool in_a = c.a.value(t.threshold.metric).has_value();
        why = fmt::format("{} is not known in {}", metric_info(t.threshold.metric).name, in_a ? "B" : "A");
        if (t.threshold.metric == Metric::kPeakRss) why += " (RSS comes from gcsight run: its JSON report or recording)";
      } else {
        if (t.crossed) ++crossed;
        verdict = t.crossed ? paint(color, kSgrRed, "FAIL ") : paint(color, kSgrGreen, "ok   ");
        if (t.threshold.relative) {
          why = t.observed ? "change " + change_text(*t.observed) : "from 0 in A";
        } else {
          why = fmt::format("delta {} {}", signed_text(*t.observed, metric_info(t.threshold.metric).decimals),
                            metric_info(t.threshold.metric).unit);
        }
      }
      line(fmt::format("  {} {:<{}}  {}", verdict, t.threshold.spec, spec_w, why));
    }
    line("");
    if (c.unknown) {
      line("result: a threshold names a metric that one side does not have");
    } else {
      line(fmt::format("result: {} of {} threshold{} crossed", crossed, c.thresholds.size(),
                       c.thresholds.size() == 1 ? "" : "s"));
    }
  }
  return out;
}

std::string render_compare_json(const Comparison& c, const std::string& tool_version) {
  Json j = Json::object();
  j["schema_version"] = 1;
  j["tool"] = {{"name", "gcsight"}, {"version", tool_version}};
  j["a"] = side_json(c.a);
  j["b"] = side_json(c.b);
  Json metrics = Json::array();
  for (const MetricDelta& d : c.metrics) {
    const MetricInfo& info = metric_info(d.metric);
    Json m = Json::object();
    m["name"] = info.name;
    m["unit"] = info.unit;
    m["a"] = optional_number(d.a);
    m["b"] = optional_number(d.b);
    m["delta"] = optional_number(d.delta);
    m["change"] = optional_number(d.change);
    metrics.push_back(std::move(m));
  }
  j["metrics"] = std::move(metrics);
  j["findings"] = {{"appeared", findings_json(c.appeared)}, {"disappeared", findings_json(c.disappeared)}};
  Json thresholds = Json::array();
  for (const ThresholdResult& t : c.thresholds) {
    Json e = Json::object();
    e["spec"] = t.threshold.spec;
    e["metric"] = metric_info(t.threshold.metric).name;
    e["relative"] = t.threshold.relative;
    e["increase"] = t.threshold.increase;
    e["amount"] = round_significant(t.threshold.amount);
    e["known"] = t.known;
    e["observed"] = optional_number(t.observed);
    e["crossed"] = t.crossed;
    thresholds.push_back(std::move(e));
  }
  j["thresholds"] = std::move(thresholds);
  j["crossed"] = c.crossed;
  j["unknown"] = c.unknown;
  return j.dump(2) + "\n";
}

}  // namespace gcsight
