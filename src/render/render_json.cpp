// Report -> JSON. The JSON form is a contract (docs/json-schema.md): keys come
// in the documented order (nlohmann::ordered_json keeps insertion order), all
// quantities are the raw integers of the model (bytes, nanoseconds), unknown
// values are null rather than a sentinel, and optional keys are left out
// rather than set empty. Doubles are rounded to six significant digits before
// they enter the tree: nlohmann prints the shortest representation that reads
// back to the same double, so a rounded value prints as its six digits and
// golden files do not change with the last bits of a least-squares fit.
#include "render/render_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace gcsight {
namespace {

using Json = nlohmann::ordered_json;

// A double as a JSON number, or null when it is not finite.
Json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return round_significant(v);
}

// A double whose negative values mean "unknown".
Json known_or_null(double v) {
  if (v < 0) return nullptr;
  return number(v);
}

Json distribution(const Distribution& d) {
  Json j = Json::object();
  j["count"] = d.count;
  j["total"] = d.total;
  // No values (mark times of Go <= 1.4 lines): the percentiles are unknown, not 0.
  auto known = [&d](uint64_t v) { return d.count > 0 ? Json(v) : Json(); };
  j["p50"] = known(d.p50);
  j["p90"] = known(d.p90);
  j["p99"] = known(d.p99);
  j["max"] = known(d.max);
  j["max_gc"] = known(d.max_gc);
  return j;
}

Json min_max_last(const MinMaxLast& m, bool with_max_gc) {
  if (!m.present) return nullptr;
  Json j = Json::object();
  j["min"] = m.min;
  j["max"] = m.max;
  j["last"] = m.last;
  if (with_max_gc) j["max_gc"] = m.max_gc;
  return j;
}

Json trend(const Trend& t) {
  Json j = Json::object();
  j["points"] = t.points;
  j["slope_bytes_per_s"] = number(t.slope_bytes_per_s);
  j["r2"] = number(t.r2);
  j["from_ns"] = t.from_ns;
  j["to_ns"] = t.to_ns;
  return j;
}

Json gc_cpu(const RunSummary& s) {
  Json j = Json::object();
  j["fraction"] = known_or_null(s.gc_cpu_fraction);
  j["max_window_fraction"] = known_or_null(s.gc_cpu_fraction_max_window);
  // No window (a short run, few cycles): its length is not 0 but absent.
  j["window_ns"] = s.gc_cpu_fraction_max_window >= 0 ? Json(s.gc_cpu_window_ns) : Json();
  j["assist_share"] = known_or_null(s.assist_share);
  j["printed_util_last_pct"] = s.util_pct_last;
  j["printed_util_max_pct"] = s.util_pct_max;
  Json cpu = Json::object();
  cpu["sweep_termination"] = s.cpu_ns[0];
  cpu["assist"] = s.cpu_ns[1];
  cpu["background"] = s.cpu_ns[2];
  cpu["idle"] = s.cpu_ns[3];
  cpu["mark_termination"] = s.cpu_ns[4];
  j["cpu_ns"] = std::move(cpu);
  return j;
}

Json scavenger(const ScavengerSummary& s) {
  Json j = Json::object();
  j["lines"] = s.lines;
  j["forced_lines"] = s.forced_lines;
  j["controller_resets"] = s.controller_resets;
  j["released_work_bytes"] = s.released_work_bytes;
  j["released_now_bytes"] = min_max_last(s.released_now, false);
  j["consumed_bytes"] = min_max_last(s.consumed, false);
  j["util_pct"] = min_max_last(s.util_pct, false);
  j["era"] = s.era;
  return j;
}

Json summary(const RunSummary& s) {
  Json j = Json::object();
  j["cycles"] = s.cycles;
  j["first_gc"] = s.first_gc;
  j["last_gc"] = s.last_gc;
  j["user_forced_cycles"] = s.user_forced_cycles;
  j["periodic_cycles"] = s.periodic_cycles;
  j["gc_forced_lines"] = s.gc_forced_lines;
  j["legacy_cycles"] = s.legacy_cycles;
  j["stitched_cycles"] = s.stitched_cycles;
  j["numbering_gaps"] = s.numbering_gaps;
  j["missing_cycles"] = s.missing_cycles;
  // Without any `@` time (Go <= 1.4) the run's span is unknown, not 0.
  j["start_ns"] = s.timed ? Json(s.start_ns) : Json();
  j["end_ns"] = s.timed ? Json(s.end_ns) : Json();
  j["duration_ns"] = s.timed ? Json(s.duration_ns) : Json();
  j["cycles_per_minute"] = known_or_null(s.cycles_per_minute);
  j["stw_pause_ns"] = distribution(s.stw_pause_ns);
  j["mark_ns"] = distribution(s.mark_ns);
  j["gc_cpu"] = gc_cpu(s);
  j["heap_start_bytes"] = min_max_last(s.heap_start, true);
  j["heap_end_bytes"] = min_max_last(s.heap_end, true);
  j["live_heap_bytes"] = min_max_last(s.heap_live, true);
  j["goal_bytes"] = min_max_last(s.goal, true);
  j["stacks_bytes"] = min_max_last(s.stacks, true);
  j["globals_bytes"] = min_max_last(s.globals, true);
  j["live_heap_trend"] = trend(s.live_trend);
  j["live_heap_trend_recent"] = trend(s.live_trend_recent);
  j["alloc_bytes_per_s"] = known_or_null(s.alloc_bytes_per_s);
  j["gogc_effective"] = known_or_null(s.gogc_effective);
  j["gogc_off"] = s.gogc_off;
  j["procs"] = s.procs;
  j["low_precision"] = s.low_precision;
  j["shape"] = s.shape;
  j["scavenger"] = scavenger(s.scavenger);
  j["has_wall_clock"] = s.has_wall_clock;
  if (s.has_wall_clock) j["wall_start_ns"] = s.wall_start_ns;
  return j;
}

Json evidence_value(const EvidenceItem::Value& v) {
  return std::visit(
      [](const auto& x) -> Json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>) {
          return number(x);
        } else {
          return Json(x);
        }
      },
      v);
}

Json rss_breakdown(const RssBreakdown& b) {
  Json j = Json::object();
  j["t_ns"] = b.t_ns;
  j["rss"] = b.rss;
  j["trace"] = b.trace;
  j["heap_new_known"] = b.heap_new_known;
  j["heap_live"] = b.heap_live;
  j["heap_new"] = b.heap_new;
  j["stacks_globals"] = b.stacks_globals;
  j["retained"] = b.retained;
  j["lazy_free"] = b.lazy_free;
  j["file"] = b.file;
  j["other"] = b.other;
  j["heap_new_or_other"] = b.heap_new_or_other;
  return j;
}

Json finding(const Finding& f) {
  Json j = Json::object();
  j["code"] = f.code;
  j["severity"] = severity_name(f.severity);
  j["title"] = f.title;
  j["explanation"] = f.explanation;
  j["advice"] = f.advice;
  Json ev = Json::object();
  // A repeated key keeps its first position and its last value (documented).
  for (const EvidenceItem& item : f.evidence) ev[item.key] = evidence_value(item.value);
  j["evidence"] = std::move(ev);
  return j;
}

Json marker(const Marker& m) {
  Json j = Json::object();
  j["line"] = m.line;
  j["text"] = m.text;
  j["after_gc"] = m.after_gc;
  j["time_ns"] = m.time_ns < 0 ? Json(nullptr) : Json(m.time_ns);
  if (m.wall_ns != 0) j["wall_ns"] = m.wall_ns;
  return j;
}

Json run(const Run& r) {
  Json j = Json::object();
  j["index"] = r.index;
  j["inputs"] = r.inputs;
  j["first_line"] = r.first_line;
  j["last_line"] = r.last_line;
  j["summary"] = summary(r.summary);
  Json findings = Json::array();
  for (const Finding& f : r.findings) findings.push_back(finding(f));
  j["findings"] = std::move(findings);
  Json markers = Json::array();
  for (const Marker& m : r.markers) markers.push_back(marker(m));
  j["markers"] = std::move(markers);
  j["markers_total"] = r.markers_total;
  j["notes"] = r.notes;
  return j;
}

Json parse_summary(const ParseSummary& p) {
  Json j = Json::object();
  j["lines"] = p.lines;
  j["bytes"] = p.bytes;
  j["gc_lines"] = p.gc_lines;
  j["scavenger_lines"] = p.scavenger_lines;
  j["gc_forced_lines"] = p.gc_forced_lines;
  j["pacer_lines"] = p.pacer_lines;
  j["scan_lines"] = p.scan_lines;
  j["program_lines"] = p.program_lines;
  j["stitched_lines"] = p.stitched_lines;
  j["malformed_lines"] = p.malformed_lines;
  Json problems = Json::array();
  for (const ParseProblem& pp : p.first_malformed) {
    Json e = Json::object();
    e["input"] = pp.input;
    e["line"] = pp.line;
    e["column"] = pp.column;
    e["reason"] = pp.reason;
    e["text"] = pp.text;
    problems.push_back(std::move(e));
  }
  j["first_malformed"] = std::move(problems);
  j["wrappers"] = p.wrappers;
  return j;
}

}  // namespace

double round_significant(double v, int digits) {
  if (!std::isfinite(v) || v == 0) return v;
  // to_chars/from_chars are exact and locale-free, unlike printf/strtod.
  char buf[64];
  const auto w = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  if (w.ec != std::errc()) return v;
  double out = v;
  const auto r = std::from_chars(buf, w.ptr, out);
  if (r.ec != std::errc()) return v;
  return out;
}

nlohmann::ordered_json report_to_json(const Report& report) {
  Json j = Json::object();
  j["schema_version"] = Report::kSchemaVersion;
  Json tool = Json::object();
  tool["name"] = "gcsight";
  tool["version"] = report.tool_version;
  j["tool"] = std::move(tool);
  Json inputs = Json::array();
  for (const InputInfo& in : report.inputs) {
    Json e = Json::object();
    e["name"] = in.name;
    e["bytes"] = in.bytes;
    e["lines"] = in.lines;
    if (!in.error.empty()) e["error"] = in.error;
    inputs.push_back(std::move(e));
  }
  j["inputs"] = std::move(inputs);
  j["parse"] = parse_summary(report.parse);
  Json runs = Json::array();
  for (const Run& r : report.runs) runs.push_back(run(r));
  j["runs"] = std::move(runs);
  if (report.process.present) {
    const ProcessInfo& p = report.process;
    Json pr = Json::object();
    pr["command"] = p.command;
    pr["go_version"] = p.go_version.empty() ? Json() : Json(p.go_version);
    pr["godebug"] = p.godebug;
    pr["gogc"] = p.gogc;
    pr["gomemlimit"] = p.gomemlimit;
    pr["gomaxprocs"] = p.gomaxprocs;
    pr["go_environment"] = p.go_environment;
    pr["host"] = {{"kernel", p.host_kernel}, {"cpus", p.host_cpus}, {"memory_bytes", p.host_memory}};
    pr["exit_status"] = p.exit_status;
    pr["signaled"] = p.signaled;
    if (p.signaled) pr["signal"] = p.signal;
    pr["duration_ns"] = p.duration_ns;
    pr["samples"] = p.samples;
    pr["samples_missing"] = p.samples_missing;
    pr["interval_ns"] = p.interval_ns;
    const MemoryTimeline& m = p.memory;
    if (m.have_peak) {
      pr["rss_peak_bytes"] = m.at_peak.rss;
      pr["rss_peak_ns"] = m.at_peak.t_ns;
      pr["rss_last_bytes"] = m.at_end.rss;
      pr["rss_last_ns"] = m.at_end.t_ns;
    }
    if (m.cgroup_known) {
      Json cg = Json::object();
      cg["version"] = m.cgroup_version;
      cg["peak_bytes"] = m.cgroup_peak;
      cg["peak_ns"] = m.cgroup_peak_ns;
      cg["limit_bytes"] = m.cgroup_limited ? Json(m.cgroup_limit) : Json();
      cg["oom_kills"] = m.oom_kills;
      pr["cgroup"] = std::move(cg);
    }
    pr["gomemlimit_bytes"] = m.gomemlimit == 0 ? Json() : Json(m.gomemlimit);
    if (m.have_peak) {
      Json mem = Json::object();
      mem["step_ns"] = m.step_ns;
      mem["trace_start_ns"] = m.trace_start_ns >= 0 ? Json(m.trace_start_ns) : Json();
      mem["lazy_free_known"] = m.lazy_free_known;
      mem["at_peak"] = rss_breakdown(m.at_peak);
      mem["at_end"] = rss_breakdown(m.at_end);
      // Columns once, then rows: compact for long series.
      mem["columns"] = {"t_ns", "rss", "heap_live", "heap_new", "stacks_globals", "retained", "lazy_free", "file",
                        "other", "heap_new_or_other"};
      Json rows = Json::array();
      for (const RssBreakdown& b : m.points) {
        rows.push_back({b.t_ns, b.rss, b.heap_live, b.heap_new, b.stacks_globals, b.retained, b.lazy_free, b.file,
                        b.other, b.heap_new_or_other});
      }
      mem["points"] = std::move(rows);
      pr["memory"] = std::move(mem);
    }
    Json pf = Json::array();
    for (const Finding& f : p.findings) pf.push_back(finding(f));
    pr["findings"] = std::move(pf);
    pr["program_cpu_ns"] = p.child_cpu_ns;
    pr["gcsight_rss_bytes"] = p.self_rss;
    pr["gcsight_cpu_ns"] = p.self_cpu_ns;
    j["process"] = std::move(pr);
  }
  return j;
}

std::string render_json(const Report& report) {
  // Program text may hold any bytes; replace invalid UTF-8 instead of throwing.
  std::string out = report_to_json(report).dump(2, ' ', false, Json::error_handler_t::replace);
  out.push_back('\n');
  return out;
}

}  // namespace gcsight
