// The Prometheus text format of a live snapshot. Names follow Prometheus's
// conventions (base units as suffixes, `_total` on counters) and, where the
// meaning is the same, client_golang's go_* names with a gcsight_ prefix:
// gcsight_gc_duration_seconds is go_gc_duration_seconds read from the trace.
//
// The gc figures describe the run begun last (the current process of a log
// that a restart continued; under `gcsight run`, the program unless it starts
// other Go programs later). When a new run begins its counters start again
// from 0, which Prometheus reads as the counter reset of a restart.
// A figure gcsight does not know yet is left out rather than written as 0.
#include "render/render_prometheus.h"

#include <fmt/format.h>

#include <cmath>

namespace gcsight {
namespace {

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void value(std::string_view name, double v, std::string_view labels = {}) {
    if (labels.empty()) {
      fmt::format_to(std::back_inserter(out_), "{} {}\n", name, number(v));
    } else {
      fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, number(v));
    }
  }
  void one(std::string_view name, std::string_view type, std::string_view help, double v) {
    family(name, type, help);
    value(name, v);
  }
  std::string take() { return std::move(out_); }

 private:
  static std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
  }
  std::string out_;
};

double secs(uint64_t ns) { return static_cast<double>(ns) / 1e9; }
double num(uint64_t v) { return static_cast<double>(v); }

}  // namespace

std::string render_prometheus(const LiveSnapshot& s, std::string_view version) {
  Writer w;
  const RunSummary& r = s.run;
  w.family("gcsight_build_info", "gauge", "gcsight's version, as a label; always 1.");
  w.value("gcsight_build_info", 1, fmt::format("version=\"{}\"", version));
  w.one("gcsight_runs_total", "counter", "Runs (processes' gc sequences) found in the trace.", num(s.runs));
  w.one("gcsight_trace_lines_total", "counter", "Physical lines read from the trace.", num(s.lines));
  w.family("gcsight_trace_records_total", "counter", "Records read from the trace, every run, by kind.");
  w.value("gcsight_trace_records_total", num(s.gc_lines), "kind=\"gc\"");
  w.value("gcsight_trace_records_total", num(s.scavenger_lines), "kind=\"scavenger\"");
  w.value("gcsight_trace_records_total", num(s.program_lines), "kind=\"program\"");
  w.value("gcsight_trace_records_total", num(s.malformed_lines), "kind=\"malformed\"");

  w.one("gcsight_gc_cycles_total", "counter", "GC cycles completed by the current run.", num(r.cycles));
  w.one("gcsight_gc_cycles_forced_total", "counter", "GC cycles forced by the program (runtime.GC, ' (forced)').",
        num(r.user_forced_cycles));
  w.one("gcsight_gc_cycles_periodic_total", "counter",
        "GC cycles forced by the runtime's 2-minute timer (announced by 'GC forced').", num(r.periodic_cycles));
  w.family("gcsight_gc_duration_seconds", "summary",
           "Stop-the-world pauses of the current run (sweep termination + mark termination).");
  if (r.stw_pause_ns.count > 0) {
    w.value("gcsight_gc_duration_seconds", secs(r.stw_pause_ns.p50), "quantile=\"0.5\"");
    w.value("gcsight_gc_duration_seconds", secs(r.stw_pause_ns.p90), "quantile=\"0.9\"");
    w.value("gcsight_gc_duration_seconds", secs(r.stw_pause_ns.p99), "quantile=\"0.99\"");
  }
  w.value("gcsight_gc_duration_seconds_sum", secs(r.stw_pause_ns.total));
  w.value("gcsight_gc_duration_seconds_count", num(r.stw_pause_ns.count));
  w.family("gcsight_gc_cpu_seconds_total", "counter", "CPU time spent on GC by the current run, by kind (the trace's cpu fields).");
  static constexpr const char* kKinds[5] = {"sweep_termination", "assist", "background", "idle", "mark_termination"};
  for (size_t i = 0; i < 5; ++i) {
    w.value("gcsight_gc_cpu_seconds_total", secs(r.cpu_ns[i]), fmt::format("kind=\"{}\"", kKinds[i]));
  }
  if (s.have_run && r.gc_cpu_fraction >= 0) {
    w.one("gcsight_gc_cpu_fraction", "gauge",
          "GC CPU of the current run over the CPU available (GOMAXPROCS x time), idle workers excluded.",
          r.gc_cpu_fraction);
  }
  if (s.have_run) {
    w.one("gcsight_gc_heap_live_bytes", "gauge", "Heap marked live by the last cycle.", num(r.heap_live.last));
    w.one("gcsight_gc_heap_goal_bytes", "gauge", "Heap goal of the last cycle.", num(r.goal.last));
    w.one("gcsight_gc_heap_start_bytes", "gauge", "Heap when the last cycle started.", num(r.heap_start.last));
    w.one("gcsight_gc_heap_end_bytes", "gauge", "Heap when the last cycle's marking ended.", num(r.heap_end.last));
    w.one("gcsight_sched_gomaxprocs_threads", "gauge", "GOMAXPROCS on the last gc line.", r.procs);
  }
  w.one("gcsight_scavenger_released_bytes_total", "counter",
        "Memory the scavenger returned to the OS in the current run (the sum of its lines' work).",
        num(r.scavenger.released_work_bytes));

  if (s.process) {
    w.one("gcsight_program_running", "gauge", "1 while the program runs, 0 once it has ended.", s.program_running ? 1 : 0);
    if (s.rss) {
      w.one("gcsight_program_resident_memory_bytes", "gauge", "The program's RSS (VmRSS) at the latest sample.",
            num(*s.rss));
    }
    if (s.parts_known) {
      w.family("gcsight_program_resident_memory_part_bytes", "gauge",
               "The program's RSS split into parts (they sum to the RSS of the latest decomposed sample).");
      const std::pair<const char*, uint64_t> parts[] = {
          {"heap_live", s.parts.heap_live}, {"heap_new", s.parts.heap_new}, {"stacks_globals", s.parts.stacks_globals},
          {"retained", s.parts.retained},   {"lazy_free", s.parts.lazy_free}, {"file", s.parts.file},
          {"other", s.parts.other},         {"heap_new_or_other", s.parts.heap_new_or_other}};
      for (const auto& [name, v] : parts) w.value("gcsight_program_resident_memory_part_bytes", num(v), fmt::format("part=\"{}\"", name));
    }
    w.one("gcsight_program_cpu_seconds_total", "counter", "The program's user and system CPU time.", secs(s.program_cpu_ns));
    w.one("gcsight_program_samples_total", "counter", "/proc samples taken of the program.", num(s.samples));
    w.one("gcsight_program_samples_missing_total", "counter", "/proc samples that could not be read.",
          num(s.samples_missing));
  }
  if (s.self_rss) {
    w.one("gcsight_self_resident_memory_bytes", "gauge", "gcsight's own RSS.", num(*s.self_rss));
    w.one("gcsight_self_cpu_seconds_total", "counter", "gcsight's own user and system CPU time.", secs(s.self_cpu_ns));
  }
  return w.take();
}

}  // namespace gcsight
