// The report model: everything an analysis found, in one value that every
// renderer (terminal, JSON, CSV, later HTML) reads. Quantities are integer
// bytes and nanoseconds; derived ratios are doubles. Nothing here formats.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/cycle_series.h"

namespace gcsight {

/// Severity of a finding; ordered.
enum class Severity : uint8_t { kInfo = 0, kWarning = 1, kCritical = 2 };

/// One piece of evidence: a named value.
struct EvidenceItem {
  using Value = std::variant<int64_t, double, std::string, std::vector<int64_t>, bool>;
  std::string key;
  Value value;
};

/// A conclusion in plain language with the data behind it.
struct Finding {
  std::string code;         ///< stable identifier, e.g. "heap-collected"
  Severity severity = Severity::kInfo;
  std::string title;        ///< one line
  std::string explanation;  ///< why gcsight says so, with figures
  std::string advice;       ///< what to do about it
  std::vector<EvidenceItem> evidence;
  /// Adds the evidence item `key` = `value`.
  void cite(std::string key, EvidenceItem::Value value) { evidence.push_back({std::move(key), std::move(value)}); }
};

/// Exact order statistics of a quantity over a run (nearest rank).
struct Distribution {
  uint64_t count = 0;
  uint64_t total = 0;
  uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
  uint32_t max_gc = 0;  ///< cycle that had the maximum
};

/// Smallest, largest and last value of a series; `present` false if never seen.
struct MinMaxLast {
  bool present = false;
  uint64_t min = 0, max = 0, last = 0;
  uint32_t max_gc = 0;
  void add(uint64_t v, uint32_t gc) {
    if (present) {
      add_present(v, gc);
    } else {
      min = max = v;
      max_gc = gc;
      present = true;
    }
    last = v;
  }
  /// add() once a value is present, leaving `last` alone (a caller on a hot
  /// path that sets it later, or only once).
  void add_present(uint64_t v, uint32_t gc) {
    min = v < min ? v : min;
    if (v > max) {
      max = v;
      max_gc = gc;
    }
  }
};

/// Least-squares line through (time, value) points.
struct Trend {
  uint64_t points = 0;
  double slope_bytes_per_s = 0;  ///< growth rate
  double r2 = 0;                 ///< fit quality, 0..1
  int64_t from_ns = 0, to_ns = 0;
};

/// A line of the program's own output, kept to place events in its story.
struct Marker {
  uint64_t line = 0;      ///< physical line in the input
  std::string text;       ///< the text (cut to a reasonable length)
  uint32_t after_gc = 0;  ///< the last gc cycle printed before it (0 = none yet)
  int64_t time_ns = -1;   ///< estimated time since process start, -1 if unknown
  int64_t wall_ns = 0;    ///< wall clock from a log wrapper, 0 if none
};

/// Figures of the scavenger lines.
struct ScavengerSummary {
  uint64_t lines = 0;
  uint64_t forced_lines = 0;             ///< debug.FreeOSMemory
  uint64_t controller_resets = 0;
  uint64_t released_work_bytes = 0;      ///< sum of work (bg + eager, or scvg `MB released`)
  MinMaxLast released_now;               ///< HeapReleased as printed (scav total/now, scvg released)
  MinMaxLast consumed;                   ///< scvg `consumed` (retained: sys - released), <=1.13
  MinMaxLast util_pct;                   ///< scav util %
  std::string era;                       ///< "scvg (Go <= 1.12)", "scav (Go 1.21+)", ...
};

/// Statistics of one run (one process's sequence of cycles).
struct RunSummary {
  uint64_t cycles = 0;
  uint32_t first_gc = 0, last_gc = 0;
  uint64_t user_forced_cycles = 0;   ///< gc lines with ` (forced)`
  uint64_t periodic_cycles = 0;      ///< gc lines announced by `GC forced`
  uint64_t gc_forced_lines = 0;      ///< bare `GC forced` lines
  uint64_t legacy_cycles = 0;        ///< Go <= 1.4 lines
  uint64_t stitched_cycles = 0;      ///< re-assembled from split lines
  uint64_t numbering_gaps = 0;       ///< places where gc numbers skip
  uint64_t missing_cycles = 0;       ///< cycles the gaps leave out
  bool timed = false;                ///< some cycle has an `@` time; else start, end and duration are unknown
  int64_t start_ns = 0;              ///< `@` of the first cycle
  int64_t end_ns = 0;                ///< end of the last cycle (`@` + its phases)
  int64_t duration_ns = 0;
  double cycles_per_minute = -1;     ///< cycles over the duration; -1 unknown (fewer than two cycles, no time)
  Distribution stw_pause_ns;         ///< sweep termination + mark termination
  Distribution mark_ns;              ///< concurrent mark wall time
  uint64_t cpu_ns[5] = {};           ///< totals: sweep-term, assist, background, idle, mark-term
  double gc_cpu_fraction = -1;       ///< computed from cpu fields, idle excluded; -1 unknown
  double gc_cpu_fraction_max_window = -1;  ///< the highest over windows of the run
  int64_t gc_cpu_window_ns = 0;      ///< window length used
  double assist_share = -1;          ///< assist / (assist + background); -1 when both are 0
  int64_t util_pct_last = 0;         ///< cumulative % as printed on the last line
  int64_t util_pct_max = 0;
  MinMaxLast heap_start, heap_end, heap_live, goal, stacks, globals;
  Trend live_trend;                  ///< over the whole run
  Trend live_trend_recent;           ///< over the last third
  double alloc_bytes_per_s = -1;     ///< estimated allocation rate; -1 unknown
  double gogc_effective = -1;        ///< median of goal vs live; -1 unknown
  bool gogc_off = false;             ///< goal astronomically large
  int32_t procs = 0;                 ///< GOMAXPROCS on the last line
  bool low_precision = false;        ///< heap too small for MB-truncated figures
  std::string shape;                 ///< line shape seen, e.g. "Go 1.18+"
  ScavengerSummary scavenger;
  bool has_wall_clock = false;
  int64_t wall_start_ns = 0;         ///< wall clock of `@0`, when known
};

/// One run: a process's continuing sequence of gc cycles.
struct Run {
  uint32_t index = 0;
  std::vector<std::string> inputs;   ///< the input(s) it was read from
  uint64_t first_line = 0, last_line = 0;
  RunSummary summary;
  std::vector<Finding> findings;
  std::vector<Marker> markers;       ///< kept program lines (bounded)
  uint64_t markers_total = 0;        ///< program lines seen in the run
  std::vector<std::string> notes;    ///< what the trace alone cannot show, precision caveats
  RunSeries series;                  ///< chart data and table rows (bounded)
};

/// A line that could not be read.
struct ParseProblem {
  std::string input;
  uint64_t line = 0;
  uint32_t column = 0;
  std::string reason;
  std::string text;  ///< the line (cut to a reasonable length)
};

/// Counts over all inputs.
struct ParseSummary {
  uint64_t lines = 0;           ///< physical lines read
  uint64_t bytes = 0;
  uint64_t gc_lines = 0;        ///< gc cycles read (stitched included, legacy included)
  uint64_t scavenger_lines = 0;
  uint64_t gc_forced_lines = 0;
  uint64_t pacer_lines = 0;
  uint64_t scan_lines = 0;
  uint64_t program_lines = 0;
  uint64_t stitched_lines = 0;  ///< runtime lines re-assembled from pieces
  uint64_t malformed_lines = 0; ///< trace lines that could not be read
  std::vector<ParseProblem> first_malformed;  ///< the first of them
  std::vector<std::string> wrappers;          ///< log wrapper detected per input
};

/// An input as read.
struct InputInfo {
  std::string name;
  uint64_t bytes = 0;
  uint64_t lines = 0;
  std::string error;  ///< empty when read whole
};

/// Where the process's RSS went at one moment: what the trace accounts for, the
/// pages the kernel has not reclaimed, file pages, and the rest. The parts sum
/// to `rss`; docs/findings.md gives each part's source.
struct RssBreakdown {
  int64_t t_ns = 0;             ///< since launch
  uint64_t rss = 0;             ///< VmRSS
  uint64_t heap_live = 0;       ///< marked live by the last cycle (gctrace)
  uint64_t heap_new = 0;        ///< allocated since, toward the next cycle's start heap (interpolated)
  uint64_t stacks_globals = 0;  ///< scannable stacks and globals (gctrace, Go 1.18+)
  uint64_t retained = 0;        ///< freed heap the runtime holds and has not returned (estimate)
  uint64_t lazy_free = 0;       ///< returned with MADV_FREE, not yet reclaimed (smaps_rollup LazyFree)
  uint64_t file = 0;            ///< file and shared pages: the binary, libraries (RssFile + RssShmem)
  uint64_t other = 0;           ///< the rest: runtime metadata, cgo, mmap, non-Go memory
  /// After the last cycle: heap allocated since it and non-Go memory together (no
  /// later cycle bounds the heap, so the trace cannot split them); heap_new and other are 0 then.
  uint64_t heap_new_or_other = 0;
  bool trace = false;           ///< the trace had cycles by then (the Go parts are known)
  bool heap_new_known = false;  ///< a later cycle bounded heap_new (false: see heap_new_or_other)
};

/// What the /proc samples showed over the run, with the RSS decomposition.
struct MemoryTimeline {
  std::vector<RssBreakdown> points;  ///< evenly thinned to a bounded count
  int64_t step_ns = 0;               ///< spacing of the kept points
  bool have_peak = false;
  RssBreakdown at_peak, at_end;
  bool cgroup_known = false;
  uint8_t cgroup_version = 0;        ///< 2 or 1
  uint64_t cgroup_peak = 0;          ///< highest memory.current (v1 usage_in_bytes) sampled
  int64_t cgroup_peak_ns = 0;
  bool cgroup_limited = false;
  uint64_t cgroup_limit = 0;
  uint64_t oom_kills = 0;            ///< OOM kills the cgroup counted during the run
  bool lazy_free_known = false;
  uint64_t gomemlimit = 0;           ///< GOMEMLIMIT in bytes, 0 = none
  int64_t trace_start_ns = -1;       ///< the first run's process start (`@0`) on the launch clock; -1 unknown
};

/// The program gcsight ran (`gcsight run`), and what it measured of it.
struct ProcessInfo {
  bool present = false;
  std::vector<std::string> command;
  std::string go_version;            ///< from the binary's build info; empty if unknown
  std::string go_version_note;       ///< why it is unknown
  std::string godebug;               ///< the GODEBUG the program got
  std::string gogc, gomemlimit, gomaxprocs;  ///< as set in the environment ("" = default)
  std::vector<std::string> go_environment;   ///< GO* variables given to it, secret values redacted
  std::string host_kernel;           ///< uname: sysname release machine
  int64_t host_cpus = 0;             ///< online CPUs
  uint64_t host_memory = 0;          ///< MemTotal, bytes
  int exit_status = 0;               ///< what gcsight exits with (the program's status)
  bool signaled = false;
  int signal = 0;
  int64_t duration_ns = 0;
  int64_t start_wall_ns = 0;         ///< wall clock at launch
  uint64_t samples = 0;              ///< /proc samples taken
  uint64_t samples_missing = 0;      ///< samples that could not be read
  int64_t interval_ns = 0;
  uint64_t self_rss = 0;             ///< gcsight's own RSS at the end
  uint64_t self_cpu_ns = 0;          ///< gcsight's own CPU time
  uint64_t child_cpu_ns = 0;         ///< the program's CPU time (last sample)
  MemoryTimeline memory;
  std::vector<Finding> findings;     ///< what the samples show (RSS against the trace)
};

/// The whole analysis.
struct Report {
  static constexpr int kSchemaVersion = 2;
  std::string tool_version;
  std::vector<InputInfo> inputs;
  std::vector<Run> runs;
  ParseSummary parse;
  ProcessInfo process;  ///< only for `gcsight run`
};

/// Stable name of a severity: "info", "warning", "critical".
const char* severity_name(Severity s);

/// Why a report has no gc cycle, as far as it can tell: no input could be
/// read, the program's own GODEBUG turned the trace off, lines were there but
/// none could be read, or else the question whether the trace was on.
std::string no_cycles_reason(const Report& r);

}  // namespace gcsight
