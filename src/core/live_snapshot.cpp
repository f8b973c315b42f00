// A finished report seen as a live snapshot, so that what the metrics
// endpoint serves after the program ends equals what the report says.
#include "core/live_snapshot.h"

namespace gcsight {

LiveSnapshot snapshot_of_report(const Report& report) {
  LiveSnapshot s;
  s.runs = report.runs.size();
  if (!report.runs.empty()) {
    s.have_run = true;
    s.run_index = report.runs.back().index;
    s.run = report.runs.back().summary;
  }
  s.lines = report.parse.lines;
  s.gc_lines = report.parse.gc_lines;
  s.scavenger_lines = report.parse.scavenger_lines;
  s.program_lines = report.parse.program_lines;
  s.malformed_lines = report.parse.malformed_lines;
  const ProcessInfo& p = report.process;
  if (p.present) {
    s.process = true;
    s.program_running = false;
    if (p.memory.have_peak) s.rss = p.memory.at_end.rss;
    s.parts_known = p.memory.have_peak && p.memory.at_end.rss > 0;
    s.parts = p.memory.at_end;
    s.program_cpu_ns = p.child_cpu_ns;
    s.samples = p.samples;
    s.samples_missing = p.samples_missing;
    if (p.self_rss > 0) s.self_rss = p.self_rss;
    s.self_cpu_ns = p.self_cpu_ns;
  }
  return s;
}

}  // namespace gcsight
