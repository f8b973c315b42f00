// NDJSON records and the status line of `gcsight watch`. Keys come in a fixed
// order; quantities are integer bytes and nanoseconds as in the JSON report
// and the CSV (the cycle's keys are the CSV's columns); unknown is null.
#include "render/render_watch.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "render/units_format.h"

namespace gcsight {
namespace {

using Json = nlohmann::ordered_json;

Json wall(int64_t ns) { return ns != 0 ? Json(ns) : Json(nullptr); }

double round6(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 5 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

}  // namespace

std::string ndjson_cycle(uint32_t run, const GcCycle& c) {
  Json j;
  j["type"] = "gc";
  j["run"] = run;
  j["gc"] = c.gc;
  j["line"] = c.line;
  j["start_ns"] = c.has(kGcHasTime) ? Json(c.start_ns) : Json(nullptr);
  j["wall_ns"] = wall(c.wall_ns);
  j["forced"] = c.has(kGcUserForced);
  j["periodic"] = c.has(kGcPeriodic);
  j["stitched"] = c.has(kGcStitched);
  j["clock_sweep_term_ns"] = c.clock_ns[0];
  j["clock_mark_ns"] = c.clock_ns[1];
  j["clock_mark_term_ns"] = c.clock_ns[2];
  j["stw_pause_ns"] = c.stw_ns();
  j["cpu_sweep_term_ns"] = c.cpu_ns[0];
  j["cpu_assist_ns"] = c.cpu_ns[1];
  j["cpu_background_ns"] = c.cpu_ns[2];
  j["cpu_idle_ns"] = c.cpu_ns[3];
  j["cpu_mark_term_ns"] = c.cpu_ns[4];
  j["heap_start_bytes"] = c.heap_start;
  j["heap_end_bytes"] = c.heap_end;
  j["live_heap_bytes"] = c.heap_live;
  j["goal_bytes"] = c.goal;
  const bool go118 = c.shape == GcShape::kGo118;
  j["stacks_bytes"] = go118 ? Json(c.stacks) : Json(nullptr);
  j["globals_bytes"] = go118 ? Json(c.globals) : Json(nullptr);
  j["procs"] = c.procs;
  j["util_pct"] = c.util_pct;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string ndjson_scav(uint32_t run, const ScavEvent& e) {
  Json j;
  j["type"] = "scav";
  j["run"] = run != 0 ? Json(run) : Json(nullptr);
  j["line"] = e.line;
  j["wall_ns"] = wall(e.wall_ns);
  j["forced"] = e.has(kScavForced);
  // What each shape prints (docs/trace-formats.md): `scvg: N MB released` only
  // the work, the scvg state line only the total released, the scav lines all
  // but the eager work before Go 1.21. The rest is unknown, not 0.
  const bool scvg_released = e.shape == ScavShape::kScvgReleased, scvg_state = e.shape == ScavShape::kScvgState;
  const bool scav = !scvg_released && !scvg_state;
  j["work_bytes"] = !scvg_state ? Json(e.work_bytes) : Json(nullptr);
  j["eager_bytes"] = e.shape == ScavShape::kScav121 ? Json(e.eager_bytes) : Json(nullptr);
  j["released_bytes"] = !scvg_released ? Json(e.released_bytes) : Json(nullptr);
  j["util_pct"] = scav ? Json(e.util_pct) : Json(nullptr);
  return j.dump();
}

std::string ndjson_summary(const WatchStatus& s) {
  const LiveSnapshot& l = s.live;
  const RunSummary& r = l.run;
  Json j;
  j["type"] = "summary";
  j["final"] = s.final;
  j["elapsed_ns"] = s.elapsed_ns;
  j["lines"] = l.lines;
  j["cycles"] = l.gc_lines;
  j["scavenger_lines"] = l.scavenger_lines;
  j["malformed_lines"] = l.malformed_lines;
  j["runs"] = l.runs;
  j["rotations"] = s.rotations;
  j["truncations"] = s.truncations;
  j["run"] = l.have_run ? Json(l.run_index) : Json(nullptr);
  j["run_cycles"] = r.cycles;
  j["last_gc"] = l.have_run ? Json(r.last_gc) : Json(nullptr);
  j["last_pause_ns"] = s.window_cycles > 0 ? Json(s.last_pause_ns) : Json(nullptr);
  j["window_cycles"] = s.window_cycles;
  j["window_p99_pause_ns"] = s.window_cycles > 0 ? Json(s.window_p99_pause_ns) : Json(nullptr);
  j["run_p50_pause_ns"] = r.stw_pause_ns.count > 0 ? Json(r.stw_pause_ns.p50) : Json(nullptr);
  j["run_p99_pause_ns"] = r.stw_pause_ns.count > 0 ? Json(r.stw_pause_ns.p99) : Json(nullptr);
  j["run_max_pause_ns"] = r.stw_pause_ns.count > 0 ? Json(r.stw_pause_ns.max) : Json(nullptr);
  j["live_heap_bytes"] = l.have_run ? Json(r.heap_live.last) : Json(nullptr);
  j["goal_bytes"] = l.have_run ? Json(r.goal.last) : Json(nullptr);
  j["gc_cpu_fraction"] = l.have_run && r.gc_cpu_fraction >= 0 ? Json(round6(r.gc_cpu_fraction)) : Json(nullptr);
  j["scavenger_released_bytes"] = r.scavenger.released_work_bytes;
  return j.dump();
}

std::string status_line(const WatchStatus& s, bool ascii) {
  const LiveSnapshot& l = s.live;
  const RunSummary& r = l.run;
  std::string out = fmt::format("{} cycles", format_count(l.gc_lines));
  if (l.runs > 1) out += fmt::format(" in {} runs", l.runs);
  if (l.have_run) {
    out += fmt::format(" | gc {}", r.last_gc);
    out += fmt::format(" | pause last {}, p99 {} (last {})", format_duration(static_cast<int64_t>(s.last_pause_ns)),
                       format_duration(static_cast<int64_t>(s.window_p99_pause_ns)), s.window_cycles);
    out += fmt::format(" | live {} | goal {}", format_bytes(r.heap_live.last), format_bytes(r.goal.last));
    if (r.gc_cpu_fraction >= 0) out += fmt::format(" | GC CPU {}", format_percent(r.gc_cpu_fraction));
  } else {
    out += " | waiting for gc lines";
  }
  if (l.malformed_lines > 0) out += fmt::format(" | {} unreadable", format_count(l.malformed_lines));
  if (s.final) out += " | final";
  return ascii ? ascii_glyphs(out) : out;
}

}  // namespace gcsight
