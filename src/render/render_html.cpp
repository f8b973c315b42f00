// Report -> one HTML page. The page is a template around three inlined parts:
// uPlot (the chart library, fetched from npm at build time), web/report.js
// and web/report.css (gcsight's own page code), and a JSON data blob.
//
// The blob is the JSON report (docs/json-schema.md) with, per run, a `chart`
// object the JSON report does not carry: the run's bounded series (one point
// per cycle, or per 2^k cycles with their min and max), its scavenger points
// and its table cycles, all in columns so the numbers are written once each
// and uPlot can draw them as they are. The process's memory samples, up to
// 32,768, are cut to at most kMaxMemoryRows by keeping the highest RSS of each
// stretch, so a peak survives. With the series bounded in core, the page stays
// a few MB however long the trace (bench/html-size.sh measures it).
//
// Safety: the blob sits in a <script type="application/json"> element, so
// every `<` in it is written as `\u003c` (JSON allows it) and program text
// cannot end the element. The inlined scripts and styles get the same
// treatment for a closing tag. A Content-Security-Policy forbids the page any
// request, so it works offline and leaks nothing.
#include "render/render_html.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "render/html_assets.h"
#include "render/render_json.h"

namespace gcsight {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxMemoryRows = 4096;

// Null for the series' "-1 = none".
Json opt_ns(int64_t v) { return v < 0 ? Json(nullptr) : Json(v); }

Json series_columns(const RunSeries& s) {
  Json gc_first = Json::array(), gc_last = Json::array(), cycles = Json::array(), flags = Json::array();
  Json t_first = Json::array(), t_last = Json::array();
  Json heap_start = Json::array(), heap_end = Json::array(), live_min = Json::array(), live_max = Json::array();
  Json goal = Json::array(), stacks_globals = Json::array();
  Json pause_min = Json::array(), pause_max = Json::array(), pause_max_gc = Json::array();
  Json cpu[5] = {Json::array(), Json::array(), Json::array(), Json::array(), Json::array()};
  Json capacity = Json::array(), util = Json::array(), interval_min = Json::array(), interval_max = Json::array();
  for (const SeriesPoint& p : s.points) {
    gc_first.push_back(p.gc_first);
    gc_last.push_back(p.gc_last);
    cycles.push_back(p.cycles);
    flags.push_back(p.flags);
    t_first.push_back(p.t_first_ns);
    t_last.push_back(p.t_last_ns);
    heap_start.push_back(p.heap_start_max);
    heap_end.push_back(p.heap_end_max);
    live_min.push_back(p.live_min);
    live_max.push_back(p.live_max);
    goal.push_back(p.goal_max);
    stacks_globals.push_back(p.stacks_globals_max);
    pause_min.push_back(p.pause_min_ns);
    pause_max.push_back(p.pause_max_ns);
    pause_max_gc.push_back(p.pause_max_gc);
    for (size_t i = 0; i < 5; ++i) cpu[i].push_back(p.cpu_ns[i]);
    // Whole nanoseconds: the page needs no more, and integers print the same everywhere.
    capacity.push_back(static_cast<int64_t>(std::llround(p.capacity_ns)));
    util.push_back(p.util_pct_last);
    interval_min.push_back(opt_ns(p.interval_min_ns));
    interval_max.push_back(opt_ns(p.interval_max_ns));
  }
  Json j = Json::object();
  j["gc_first"] = std::move(gc_first);
  j["gc_last"] = std::move(gc_last);
  j["cycles"] = std::move(cycles);
  j["flags"] = std::move(flags);
  j["t_first_ns"] = std::move(t_first);
  j["t_last_ns"] = std::move(t_last);
  j["heap_start_max"] = std::move(heap_start);
  j["heap_end_max"] = std::move(heap_end);
  j["live_min"] = std::move(live_min);
  j["live_max"] = std::move(live_max);
  j["goal_max"] = std::move(goal);
  j["stacks_globals_max"] = std::move(stacks_globals);
  j["pause_min_ns"] = std::move(pause_min);
  j["pause_max_ns"] = std::move(pause_max);
  j["pause_max_gc"] = std::move(pause_max_gc);
  j["cpu_sweep_term_ns"] = std::move(cpu[0]);
  j["cpu_assist_ns"] = std::move(cpu[1]);
  j["cpu_background_ns"] = std::move(cpu[2]);
  j["cpu_idle_ns"] = std::move(cpu[3]);
  j["cpu_mark_term_ns"] = std::move(cpu[4]);
  j["capacity_ns"] = std::move(capacity);
  j["util_pct_last"] = std::move(util);
  j["interval_min_ns"] = std::move(interval_min);
  j["interval_max_ns"] = std::move(interval_max);
  return j;
}

Json scavenger_columns(const RunSeries& s) {
  Json after_gc = Json::array(), t = Json::array(), lines = Json::array(), work = Json::array();
  Json now = Json::array(), retained = Json::array(), forced = Json::array();
  for (const ScavPoint& p : s.scavenger) {
    after_gc.push_back(p.after_gc);
    t.push_back(opt_ns(p.t_ns));
    lines.push_back(p.lines);
    work.push_back(p.released_work);
    now.push_back(p.released_now_max);
    retained.push_back(p.retained_max);
    forced.push_back(p.forced ? 1 : 0);
  }
  Json j = Json::object();
  j["after_gc"] = std::move(after_gc);
  j["t_ns"] = std::move(t);
  j["lines"] = std::move(lines);
  j["released_work"] = std::move(work);
  j["released_now_max"] = std::move(now);
  j["retained_max"] = std::move(retained);
  j["forced"] = std::move(forced);
  return j;
}

// The table's cycles as rows under named columns (the CSV's, less run and shape;
// flags as the GcFlag bits). Fields a line's shape does not print are null.
Json table(const RunSeries& s) {
  Json j = Json::object();
  j["complete"] = s.table_complete;
  j["cycles_total"] = s.table_cycles_total;
  j["columns"] = {"gc", "line", "start_ns", "flags", "clock_sweep_term_ns", "clock_mark_ns", "clock_mark_term_ns",
                  "stw_pause_ns", "cpu_sweep_term_ns", "cpu_assist_ns", "cpu_background_ns", "cpu_idle_ns",
                  "cpu_mark_term_ns", "heap_start_bytes", "heap_end_bytes", "live_heap_bytes", "goal_bytes",
                  "stacks_bytes", "globals_bytes", "procs", "util_pct"};
  Json rows = Json::array();
  for (const GcCycle& c : s.table) {
    const bool legacy = c.shape == GcShape::kLegacy14;
    const bool go118 = c.shape == GcShape::kGo118;
    auto u_if = [](bool known, uint64_t v) { return known ? Json(v) : Json(nullptr); };
    Json r = Json::array();
    r.push_back(c.gc);
    r.push_back(c.line);
    r.push_back(c.has(kGcHasTime) ? Json(c.start_ns) : Json(nullptr));
    r.push_back(c.flags);
    for (const uint64_t clock : c.clock_ns) r.push_back(u_if(!legacy, clock));
    r.push_back(c.stw_ns());
    for (const uint64_t cpu : c.cpu_ns) r.push_back(u_if(!legacy, cpu));
    r.push_back(c.heap_start);
    r.push_back(c.heap_end);
    r.push_back(c.heap_live);
    r.push_back(u_if(!legacy, c.goal));
    r.push_back(u_if(go118, c.stacks));
    r.push_back(u_if(go118, c.globals));
    r.push_back(c.procs);
    r.push_back(legacy ? Json(nullptr) : Json(c.util_pct));
    rows.push_back(std::move(r));
  }
  j["rows"] = std::move(rows);
  return j;
}

// The memory samples, at most kMaxMemoryRows: of each stretch of consecutive
// samples the one with the highest RSS.
Json memory_rows(const std::vector<RssBreakdown>& points) {
  const size_t per_row = (points.size() + kMaxMemoryRows - 1) / kMaxMemoryRows;
  Json rows = Json::array();
  for (size_t i = 0; i < points.size(); i += std::max<size_t>(per_row, 1)) {
    const size_t end = std::min(points.size(), i + std::max<size_t>(per_row, 1));
    const RssBreakdown* best = &points[i];
    for (size_t k = i + 1; k < end; ++k) {
      if (points[k].rss > best->rss) best = &points[k];
    }
    const RssBreakdown& b = *best;
    rows.push_back({b.t_ns, b.rss, b.heap_live, b.heap_new, b.stacks_globals, b.retained, b.lazy_free, b.file, b.other,
                    b.heap_new_or_other});
  }
  return rows;
}

// `</script` or `</style` inside inlined code would end its element early.
// (HTML matches the tag name case-insensitively.) In a script, `<\/` means `</`
// inside strings and regular expressions, the only places it can occur.
std::string inline_safe(std::string_view code, std::string_view tag) {
  std::string out;
  out.reserve(code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    bool closes = code[i] == '<' && i + 1 < code.size() && code[i + 1] == '/' && code.size() - i - 2 >= tag.size();
    for (size_t k = 0; closes && k < tag.size(); ++k) {
      const char c = code[i + 2 + k];
      closes = (c | 0x20) == tag[k];
    }
    out.push_back(code[i]);
    if (closes) out.push_back('\\');
  }
  return out;
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

bool html_report_available() { return !html_assets::uplot_js.empty(); }

std::string html_report_data(const Report& report, const HtmlFacts& facts) {
  Json j = Json::object();
  j["title"] = facts.title;
  Json rep = report_to_json(report);
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const RunSeries& s = report.runs[i].series;
    Json chart = Json::object();
    chart["cycles_per_point"] = s.cycles_per_point;
    chart["points"] = series_columns(s);
    chart["scav_lines_per_point"] = s.scav_lines_per_point;
    chart["scavenger"] = scavenger_columns(s);
    chart["table"] = table(s);
    rep["runs"][i]["chart"] = std::move(chart);
  }
  if (report.process.present) {
    const MemoryTimeline& m = report.process.memory;
    Json& pr = rep["process"];
    pr["trace_start_ns"] = opt_ns(m.trace_start_ns);
    if (pr.contains("memory")) {
      pr["memory"]["samples_kept"] = m.points.size();
      pr["memory"]["points"] = memory_rows(m.points);
    }
  }
  j["report"] = std::move(rep);
  std::string out = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  // `<` as \u003c (see the file comment); nothing else in JSON can end the element.
  std::string safe;
  safe.reserve(out.size() + 64);
  for (const char c : out) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe.push_back(c);
    }
  }
  return safe;
}

std::string render_html(const Report& report, const HtmlFacts& facts) {
  std::string title = "gcsight report";
  if (!facts.title.empty()) title += ": " + facts.title;
  std::string page;
  page.reserve(256 * 1024);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // No request of any kind: everything the page needs is inline.
  page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n";
  page += "<meta name=\"generator\" content=\"gcsight " + escape_html(report.tool_version) + "\">\n";
  page += "<title>" + escape_html(title) + "</title>\n";
  page += "<style>\n" + inline_safe(html_assets::uplot_css, "style") + "\n</style>\n";
  page += "<style>\n" + inline_safe(html_assets::report_css, "style") + "\n</style>\n";
  page += "</head>\n<body>\n";
  page += "<noscript><p>This report draws its charts and tables with JavaScript; please enable it. "
          "The same figures are in <code>gcsight analyze --format json</code>.</p></noscript>\n";
  page += "<div id=\"app\"></div>\n";
  page += "<script type=\"application/json\" id=\"gcsight-data\">";
  page += html_report_data(report, facts);
  page += "</script>\n";
  page += "<script>\n" + inline_safe(html_assets::uplot_js, "script") + "\n</script>\n";
  page += "<script>\n" + inline_safe(html_assets::report_js, "script") + "\n</script>\n";
  page += "</body>\n</html>\n";
  return page;
}

}  // namespace gcsight
