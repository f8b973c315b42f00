// The findings rules. Each rule reads the run's statistics and either stays
// silent or produces one finding with its evidence (cycle numbers, times, line
// numbers, values). Thresholds are constants here and documented, with their
// reasons, in docs/findings.md; change both together.
#include "core/findings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/run_stats.h"

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

// live-heap-growth
constexpr double kGrowthMinR2 = 0.7;
constexpr uint64_t kGrowthMinBytes = 16 * kMiB;
constexpr double kGrowthMinRelative = 0.25;   // of the run's smallest live heap (or 16 MiB)
constexpr double kGrowthRecentShare = 0.3;    // recent slope / whole slope: below = plateau
// gc-cpu-high
constexpr double kGcCpuWarn = 0.25;
constexpr double kGcCpuWindowWarn = 0.50;
constexpr double kAssistDominant = 0.30;
// long-pauses
constexpr uint64_t kPauseWarnNs = 10'000'000;
constexpr uint64_t kPauseCriticalNs = 100'000'000;
constexpr uint64_t kPauseP99WarnNs = 5'000'000;
// explicit-gc
constexpr double kForcedShareWarn = 0.10;
constexpr uint64_t kForcedCountWarn = 10;
// memory-limit-pressure
constexpr uint64_t kTightMinCycles = 10;
constexpr double kTightShare = 0.20;
// memory-retained
constexpr uint64_t kRetainedMin = 64 * kMiB;

std::string gc_at(uint32_t gc, int64_t ns) { return fmt::format("gc {} (@{})", gc, human_duration(ns)); }

int64_t i64(uint64_t v) { return static_cast<int64_t>(v); }

void heap_collected(const RunStats& st, bool rss_sampled, std::vector<Finding>& out) {
  const auto& drops = st.heap_drops();
  if (drops.empty()) return;
  const HeapDrop& d = drops.front();  // the largest
  Finding f;
  f.code = "heap-collected";
  f.severity = Severity::kInfo;
  f.title = d.heap_start > d.before
                ? fmt::format("Heap collected at gc {}: {} heap, {} live (the cycle before marked {} live)", d.gc,
                              human_bytes(d.heap_start), human_bytes(d.after), human_bytes(d.before))
                : fmt::format("Heap collected at gc {}: live heap {} -> {}", d.gc, human_bytes(d.before),
                              human_bytes(d.after));
  std::string context;
  if (!d.marker_before.empty()) {
    context += fmt::format(" It came after the program printed \"{}\" (line {})", d.marker_before,
                           d.marker_before_line);
    context += d.marker_after.empty() ? "." : fmt::format(" and before \"{}\" (line {}).", d.marker_after, d.marker_after_line);
  } else if (!d.marker_after.empty()) {
    context += fmt::format(" The program then printed \"{}\" (line {}).", d.marker_after, d.marker_after_line);
  }
  f.explanation = fmt::format(
      "gc {} (@{}, line {}){} started with a {} heap and found {} live, down from the {} the cycle before "
      "it marked: that memory had become garbage and the heap no longer holds it.{}",
      d.gc, human_duration(d.start_ns), d.line, d.forced ? ", forced by runtime.GC()," : "",
      human_bytes(d.heap_start), human_bytes(d.after), human_bytes(d.before), context);
  f.advice = rss_sampled
                 ? "Not a leak: the collector freed it. Whether RSS followed, and when, is in the program's "
                   "findings (rss-retained-after-collection or rss-returned-after-collection)."
                 : "Not a leak: the collector freed it. If the process's RSS stays high after this, the runtime is "
                   "keeping the freed pages for reuse before returning them to the OS (see memory-returned / "
                   "memory-retained); `gcsight run` samples RSS to show when it comes back.";
  f.cite("gc", i64(d.gc));
  f.cite("line", i64(d.line));
  f.cite("time_ns", d.start_ns);
  f.cite("heap_start_bytes", i64(d.heap_start));
  f.cite("live_before_bytes", i64(d.before));
  f.cite("live_after_bytes", i64(d.after));
  f.cite("forced", d.forced);
  if (!d.marker_before.empty()) {
    f.cite("marker_before", d.marker_before);
    f.cite("marker_before_line", i64(d.marker_before_line));
  }
  if (!d.marker_after.empty()) {
    f.cite("marker_after", d.marker_after);
    f.cite("marker_after_line", i64(d.marker_after_line));
  }
  std::vector<int64_t> others;
  for (size_t i = 1; i < drops.size(); ++i) others.push_back(drops[i].gc);
  if (!others.empty()) f.cite("other_drops_gc", others);
  out.push_back(std::move(f));
}

std::string release_name(const ReleaseEvent& r) {
  if (r.numbered) return fmt::format("scvg{}", r.counter);
  return "the scavenger";
}

void memory_returned(const RunStats& st, std::vector<Finding>& out) {
  if (st.large_releases() == 0) return;
  const ReleaseEvent& r = st.largest_release();
  const uint64_t n = st.large_releases();
  const uint64_t total = st.large_released_total();
  Finding f;
  f.code = "memory-returned";
  f.severity = Severity::kInfo;
  f.title = fmt::format("Memory returned to the OS: {} released {}", release_name(r), human_bytes(r.released));
  std::string after;
  if (r.after_gc != 0) after = fmt::format(" It was printed after {}.", gc_at(r.after_gc, r.after_ns));
  const auto& drops = st.heap_drops();
  int64_t since = -1;
  for (const HeapDrop& d : drops) {
    if (d.gc <= r.after_gc && r.after_gc != 0) {
      since = r.after_ns - d.start_ns;
      after += fmt::format(" That is at least {} after the heap was collected at gc {}.", human_duration(since), d.gc);
      break;
    }
  }
  f.explanation = fmt::format(
      "{}{} (line {}) gave {} back to the operating system{}.{}{}",
      release_name(r), r.forced ? ", run by debug.FreeOSMemory()," : "", r.line, human_bytes(r.released),
      r.has_consumed ? fmt::format("; the runtime then kept {} it had not returned (consumed)", human_bytes(r.consumed_after)) : "",
      after,
      n > 1 ? fmt::format(" In all, {} scavenger lines released 32 MiB or more each, {} together.", n,
                          human_bytes(total))
            : "");
  f.advice =
      "The runtime returns freed heap memory to the OS lazily, in the background or when the periodic GC "
      "runs; RSS falls then. To return it at once after a known peak, call debug.FreeOSMemory(); to bound "
      "how much the runtime keeps, set GOMEMLIMIT.";
  f.cite("line", i64(r.line));
  if (r.numbered) f.cite("scvg", r.counter);
  f.cite("released_bytes", i64(r.released));
  if (r.has_consumed) f.cite("consumed_after_bytes", i64(r.consumed_after));
  f.cite("after_gc", i64(r.after_gc));
  f.cite("after_ns", r.after_ns);
  if (since >= 0) f.cite("seconds_after_collection", static_cast<double>(since) / 1e9);
  f.cite("releases", i64(n));
  f.cite("released_total_bytes", i64(total));
  out.push_back(std::move(f));
}

void memory_retained(const RunStats& st, const RunSummary& s, bool rss_sampled, std::vector<Finding>& out,
                     std::vector<std::string>* notes) {
  const RetainedEvent& r = st.retained();
  if (r.line != 0 && r.consumed >= kRetainedMin) {
    Finding f;
    f.code = "memory-retained";
    f.severity = Severity::kInfo;
    f.title = fmt::format("Freed memory still held by the runtime: {} not returned at line {}", human_bytes(r.consumed), r.line);
    f.explanation = fmt::format(
        "{} (line {}, after {}) reports {} in use but {} consumed from the OS (sys {}, released {}): "
        "the difference is free heap memory the runtime keeps and that the OS still counts in RSS.",
        r.numbered ? fmt::format("scvg{}", r.counter) : std::string("The scavenger"), r.line, gc_at(r.after_gc, r.after_ns), human_bytes(r.inuse), human_bytes(r.consumed),
        human_bytes(r.sys), human_bytes(r.released));
    f.advice =
        "Expected after a large collection: the scavenger returns idle spans after about five minutes "
        "(Go <= 1.12). debug.FreeOSMemory() returns them at once; newer Go releases return memory sooner.";
    f.cite("line", i64(r.line));
    if (r.numbered) f.cite("scvg", r.counter);
    f.cite("after_gc", i64(r.after_gc));
    f.cite("consumed_bytes", i64(r.consumed));
    f.cite("inuse_bytes", i64(r.inuse));
    f.cite("released_bytes", i64(r.released));
    out.push_back(std::move(f));
    return;
  }
  // scav era: a large collection with no matching release in the trace.
  // With RSS sampled (gcsight run) the samples say what happened instead.
  const auto& drops = st.heap_drops();
  if (rss_sampled || drops.empty() || s.scavenger.lines == 0 || s.scavenger.era.starts_with("scvg")) return;
  const HeapDrop& d = drops.front();
  const uint64_t freed = d.before - d.after;
  const uint64_t released_after = d.released_after;
  if (released_after * 2 >= freed) return;
  Finding f;
  f.code = "memory-retained";
  f.severity = Severity::kInfo;
  f.title = fmt::format("The trace shows {} of the {} freed at gc {} returned to the OS",
                        human_bytes(released_after), human_bytes(freed), d.gc);
  f.explanation = fmt::format(
      "After gc {} freed {}, the scavenger lines report {} released. The rest is either still held by "
      "the runtime (counted in RSS) or was returned without a scav line saying so: on Go 1.22 and later "
      "the large return after the periodic GC is not reported.",
      d.gc, human_bytes(freed), human_bytes(released_after));
  f.advice = "Measure RSS to know which: `gcsight run -- ./prog` samples /proc next to the trace.";
  f.cite("gc", i64(d.gc));
  f.cite("freed_bytes", i64(freed));
  f.cite("released_after_bytes", i64(released_after));
  out.push_back(std::move(f));
  notes->push_back(
      "The trace alone cannot show when freed memory leaves RSS: Go 1.22+ prints no scav line for the "
      "large return after the periodic GC. RSS samples (gcsight run) are needed.");
}

void live_heap_growth(const RunSummary& s, std::vector<Finding>& out) {
  const Trend& t = s.live_trend;
  if (t.points < 6 || t.slope_bytes_per_s <= 0 || t.r2 < kGrowthMinR2) return;
  const double span_s = static_cast<double>(t.to_ns - t.from_ns) / 1e9;
  const double growth = t.slope_bytes_per_s * span_s;
  const double base = std::max(static_cast<double>(s.heap_live.min), static_cast<double>(kGrowthMinBytes));
  if (growth < static_cast<double>(kGrowthMinBytes) || growth < kGrowthMinRelative * base) return;
  const Trend& r = s.live_trend_recent;
  // Fewer than 3 recent points give no fit (slope 0): the last third is then not measured.
  const bool recent_known = r.points >= 3;
  const bool plateau = recent_known && r.slope_bytes_per_s < kGrowthRecentShare * t.slope_bytes_per_s;
  if (plateau) return;  // warm-up that levelled off: not a leak
  Finding f;
  f.code = "live-heap-growth";
  const bool high = t.r2 >= 0.9;
  f.severity = high && growth >= base ? Severity::kCritical : Severity::kWarning;
  const double per_min = t.slope_bytes_per_s * 60;
  f.title = fmt::format("Live heap grows steadily: +{}/min over {} (possible leak)",
                        human_bytes(static_cast<uint64_t>(per_min)), human_duration(t.to_ns - t.from_ns));
  f.explanation = fmt::format(
      "The smallest live heap of each interval rises at {}/min (fit R^2 = {:.2f}, {} points) from {} to {}{}. "
      "Memory that survives every collection keeps accumulating: confidence {}.",
      human_bytes(static_cast<uint64_t>(per_min)), t.r2, t.points, human_duration(t.from_ns),
      human_duration(t.to_ns),
      recent_known ? fmt::format(", and it is still rising in the last third of the run ({}/min)",
                                 human_bytes(static_cast<uint64_t>(std::max(0.0, r.slope_bytes_per_s * 60))))
                   : std::string(),
      high ? "high" : "medium");
  f.advice =
      "Take two heap profiles some minutes apart (go tool pprof -base old.pb.gz new.pb.gz, "
      "inuse_space) and look for what grows: caches without eviction, goroutines that never exit, "
      "slices that keep references.";
  f.cite("slope_bytes_per_s", t.slope_bytes_per_s);
  f.cite("r2", t.r2);
  f.cite("points", i64(t.points));
  f.cite("from_ns", t.from_ns);
  f.cite("to_ns", t.to_ns);
  f.cite("growth_bytes", static_cast<int64_t>(growth));
  if (recent_known) f.cite("recent_slope_bytes_per_s", r.slope_bytes_per_s);
  f.cite("confidence", std::string(high ? "high" : "medium"));
  out.push_back(std::move(f));
}

// A run too short or with too few cycles for a window (run_stats.cpp) has
// none: its max is the -1 sentinel and its length 0, which are not figures.
bool has_window(const RunSummary& s) { return s.gc_cpu_fraction_max_window >= 0 && s.gc_cpu_window_ns > 0; }

void gc_cpu_high(const RunSummary& s, std::vector<Finding>& out) {
  const bool overall = s.gc_cpu_fraction >= kGcCpuWarn;
  const bool have_window = has_window(s);
  const bool window = have_window && s.gc_cpu_fraction_max_window >= kGcCpuWindowWarn;
  if (!overall && !window) return;
  const bool assist = s.assist_share >= kAssistDominant;
  Finding f;
  f.code = "gc-cpu-high";
  f.severity = Severity::kWarning;
  f.title = fmt::format("GC uses {:.0f}% of the CPU{}", 100 * std::max(s.gc_cpu_fraction, 0.0),
                        assist ? ", much of it in mark assists" : "");
  f.explanation = fmt::format(
      "From the cpu fields of every cycle, the collector used {:.1f}% of the available CPU over the run "
      "(idle-time marking excluded){}.{}",
      100 * std::max(s.gc_cpu_fraction, 0.0),
      have_window ? fmt::format(" and up to {:.1f}% in the busiest {} window", 100 * s.gc_cpu_fraction_max_window,
                                human_duration(s.gc_cpu_window_ns))
                  : std::string(),
      s.assist_share >= 0 ? fmt::format(" Mark assists, work the allocating goroutines themselves must do, "
                                        "are {:.0f}% of the mark work.",
                                        100 * s.assist_share)
                          : std::string());
  f.advice = assist ? "Assists mean the program allocates faster than background marking keeps up: "
                      "reduce allocation (pprof -sample_index=alloc_space), or raise GOGC / set a "
                      "GOMEMLIMIT with headroom so cycles start less often."
                    : "Reduce allocation rate (pprof alloc_space), or trade memory for CPU with a higher GOGC.";
  f.cite("gc_cpu_fraction", s.gc_cpu_fraction);
  if (have_window) {
    f.cite("max_window_fraction", s.gc_cpu_fraction_max_window);
    f.cite("window_ns", s.gc_cpu_window_ns);
  }
  if (s.assist_share >= 0) f.cite("assist_share", s.assist_share);
  f.cite("printed_util_last_pct", s.util_pct_last);
  out.push_back(std::move(f));
}

void long_pauses(const RunStats& st, const RunSummary& s, std::vector<Finding>& out) {
  const Distribution& p = s.stw_pause_ns;
  if (p.count == 0 || (p.max < kPauseWarnNs && p.p99 < kPauseP99WarnNs)) return;
  Finding f;
  f.code = "long-pauses";
  f.severity = p.max >= kPauseCriticalNs ? Severity::kCritical : Severity::kWarning;
  f.title = fmt::format("Stop-the-world pauses up to {} (gc {})", human_duration(i64(p.max)), p.max_gc);
  std::vector<int64_t> gcs, ns;
  std::string list;
  for (const auto& [pause, gc] : st.longest_pauses()) {
    gcs.push_back(gc);
    ns.push_back(i64(pause));
    if (!list.empty()) list += ", ";
    list += fmt::format("gc {} {}", gc, human_duration(i64(pause)));
  }
  f.explanation = fmt::format(
      "Sweep termination plus mark termination stopped all goroutines for {} at most; p99 {}, p50 {} "
      "over {} cycles. Longest: {}.",
      human_duration(i64(p.max)), human_duration(i64(p.p99)), human_duration(i64(p.p50)), p.count, list);
  f.advice =
      "Long STW phases usually come from goroutines that do not reach a preemption point quickly (tight "
      "loops without calls on old Go, large cgo calls) or from an overloaded machine (GOMAXPROCS above "
      "the CPU quota). Check GOMAXPROCS against the container's CPU limit.";
  f.cite("max_ns", i64(p.max));
  f.cite("max_gc", i64(p.max_gc));
  f.cite("p99_ns", i64(p.p99));
  f.cite("longest_gc", gcs);
  f.cite("longest_ns", ns);
  out.push_back(std::move(f));
}

void explicit_gc(const RunSummary& s, std::vector<Finding>& out) {
  if (s.user_forced_cycles == 0) return;
  const double share = s.cycles > 0 ? static_cast<double>(s.user_forced_cycles) / static_cast<double>(s.cycles) : 0;
  Finding f;
  f.code = "explicit-gc";
  f.severity = share >= kForcedShareWarn && s.user_forced_cycles >= kForcedCountWarn ? Severity::kWarning
                                                                                       : Severity::kInfo;
  f.title = fmt::format("{} cycle{} forced by runtime.GC() or debug.FreeOSMemory()", s.user_forced_cycles,
                        s.user_forced_cycles == 1 ? "" : "s");
  f.explanation = fmt::format(
      "{} of {} cycles ({:.1f}%) end in `(forced)`: the program asked for them.{}",
      s.user_forced_cycles, s.cycles, 100 * share,
      s.scavenger.forced_lines > 0
          ? fmt::format(" {} forced scavenger line{} show debug.FreeOSMemory() calls.", s.scavenger.forced_lines,
                        s.scavenger.forced_lines == 1 ? "" : "s")
          : "");
  f.advice = f.severity == Severity::kWarning
                 ? "Frequent explicit collections cost CPU and pauses and rarely help: let the pacer work, and "
                   "use GOMEMLIMIT to bound memory instead."
                 : "A one-off runtime.GC() after a known peak is fine; no action needed.";
  f.cite("forced_cycles", i64(s.user_forced_cycles));
  f.cite("share", share);
  f.cite("free_os_memory_lines", i64(s.scavenger.forced_lines));
  out.push_back(std::move(f));
}

void memory_limit_pressure(const RunStats& st, const RunSummary& s, std::vector<Finding>& out) {
  const uint64_t tight = st.tight_goal_cycles();
  if (tight < kTightMinCycles || static_cast<double>(tight) < kTightShare * static_cast<double>(s.cycles)) return;
  Finding f;
  f.code = "memory-limit-pressure";
  const bool have_window = has_window(s);
  const bool spiral = have_window && s.gc_cpu_fraction_max_window >= kGcCpuWindowWarn;
  f.severity = spiral ? Severity::kCritical : Severity::kWarning;
  f.title = fmt::format("Heap goal pinned near the live heap in {} cycles: a memory limit is driving the GC", tight);
  f.explanation = fmt::format(
      "From gc {} on, {} of {} cycles ran with a goal that left less room above the live heap than GOGC=10 "
      "would{}: the goal follows a memory limit (GOMEMLIMIT), not GOGC. Cycles run back to back{}{}.",
      st.first_tight_gc(), tight, s.cycles,
      s.gogc_effective > 0 ? fmt::format(" (the run's effective GOGC is ~{})", static_cast<int>(s.gogc_effective)) : "",
      s.cycles_per_minute >= 0 ? fmt::format(" ({:.0f}/min)", s.cycles_per_minute) : std::string(),
      have_window ? fmt::format(" and GC CPU reaches {:.0f}% in the busiest window{}", 100 * s.gc_cpu_fraction_max_window,
                                spiral ? ": the death spiral where the collector consumes the CPU the program needs" : "")
                  : std::string());
  f.advice =
      "The live heap is close to the limit. Raise GOMEMLIMIT (leave headroom: ~10-20% above the peak live "
      "heap plus stacks), reduce the live heap, or give the container more memory.";
  f.cite("tight_cycles", i64(tight));
  f.cite("first_gc", i64(st.first_tight_gc()));
  if (s.cycles_per_minute >= 0) f.cite("cycles_per_minute", s.cycles_per_minute);
  if (have_window) f.cite("max_window_gc_cpu_fraction", s.gc_cpu_fraction_max_window);
  out.push_back(std::move(f));
}

void idle_periodic(const RunStats& st, const RunSummary& s, std::vector<Finding>& out) {
  if (st.idle_cycles() == 0) return;
  Finding f;
  f.code = "idle-periodic-gc";
  f.severity = Severity::kInfo;
  f.title = fmt::format("Idle since gc {}: only the runtime's 2-minute periodic GC ran", st.idle_since_gc());
  f.explanation = fmt::format(
      "{} (from @{}) followed a `GC forced` line: nothing allocated enough to trigger a collection, so "
      "the runtime forced one after 2 minutes without GC.",
      st.idle_cycles() == 1 ? fmt::format("The last cycle, gc {},", s.last_gc)
                            : fmt::format("Each of the last {} cycles, gc {}-{},", st.idle_cycles(),
                                          st.idle_since_gc(), s.last_gc),
      human_duration(st.idle_since_ns()));
  f.advice = "Nothing to do: periodic cycles are cheap. They are also when Go 1.21+ returns much of its freed memory.";
  f.cite("since_gc", i64(st.idle_since_gc()));
  f.cite("since_ns", st.idle_since_ns());
  f.cite("cycles", i64(st.idle_cycles()));
  out.push_back(std::move(f));
}

void trace_gaps(const RunSummary& s, const RunFacts& facts, std::vector<Finding>& out) {
  std::vector<std::string> parts;
  if (facts.malformed_lines > 0) {
    parts.push_back(fmt::format("{} trace line{} could not be read (first at line {})", facts.malformed_lines,
                                facts.malformed_lines == 1 ? "" : "s", facts.first_malformed_line));
  }
  if (facts.numbering_gaps > 0) {
    parts.push_back(fmt::format("gc numbers skip {} time{} ({} cycles missing, first after gc {})",
                                facts.numbering_gaps, facts.numbering_gaps == 1 ? "" : "s", facts.missing_cycles,
                                facts.first_gap_after));
  }
  if (facts.truncated_lines > 0) parts.push_back("the input ends in the middle of a runtime line");
  if (!facts.input_error.empty()) parts.push_back("reading stopped early: " + facts.input_error);
  // An excerpt of the trace, not one made by --since: the first cycle read, selected or not.
  const uint32_t first_read = facts.first_gc_read != 0 ? facts.first_gc_read : s.first_gc;
  if (first_read > 1) parts.push_back(fmt::format("the run starts at gc {}, not gc 1 (an excerpt)", first_read));
  if (parts.empty()) return;
  Finding f;
  f.code = "trace-gaps";
  const bool lost = facts.malformed_lines > 0 || facts.numbering_gaps > 0 || !facts.input_error.empty();
  f.severity = lost ? Severity::kWarning : Severity::kInfo;
  f.title = lost ? "Some of the trace is missing: figures cover only what was read" : "The trace is an excerpt";
  std::string all;
  for (const auto& p : parts) {
    if (!all.empty()) all += "; ";
    all += p;
  }
  f.explanation = all + ".";
  f.advice = lost ? "Counts and percentiles leave out the missing cycles. The parse section lists the lines "
                    "that could not be read."
                  : "Totals cover the excerpt only.";
  f.cite("malformed_lines", i64(facts.malformed_lines));
  f.cite("numbering_gaps", i64(facts.numbering_gaps));
  f.cite("missing_cycles", i64(facts.missing_cycles));
  f.cite("first_gc", i64(first_read));
  out.push_back(std::move(f));
}

}  // namespace

const std::vector<RuleInfo>& rule_catalogue() {
  static const std::vector<RuleInfo> rules = {
      {"heap-collected", "a large drop of the live heap between cycles"},
      {"memory-returned", "scavenger lines show memory given back to the OS"},
      {"memory-retained", "freed memory still held by the runtime"},
      {"live-heap-growth", "the live heap grows steadily (possible leak)"},
      {"gc-cpu-high", "the collector uses much of the CPU"},
      {"long-pauses", "long stop-the-world pauses"},
      {"explicit-gc", "cycles forced by runtime.GC() / debug.FreeOSMemory()"},
      {"memory-limit-pressure", "the goal is pinned near the live heap by a memory limit"},
      {"idle-periodic-gc", "only the 2-minute periodic GC runs"},
      {"trace-gaps", "unread lines, numbering gaps, truncation, excerpts"},
  };
  return rules;
}

std::vector<Finding> evaluate_findings(const RunStats& stats, const RunSummary& s, const RunFacts& facts,
                                       std::vector<std::string>* notes) {
  std::vector<Finding> out;
  if (s.cycles == 0) return out;
  heap_collected(stats, facts.rss_sampled, out);
  memory_returned(stats, out);
  memory_retained(stats, s, facts.rss_sampled, out, notes);
  live_heap_growth(s, out);
  gc_cpu_high(s, out);
  long_pauses(stats, s, out);
  explicit_gc(s, out);
  memory_limit_pressure(stats, s, out);
  idle_periodic(stats, s, out);
  trace_gaps(s, facts, out);
  if (s.low_precision) {
    notes->push_back(
        "The heap stays under 16 MiB: the runtime prints sizes in whole MB (truncated), so heap figures "
        "and the allocation rate are coarse.");
  }
  if (s.scavenger.lines == 0 && s.legacy_cycles == 0) {
    notes->push_back(
        "No scavenger lines: add scavtrace=1 to GODEBUG (Go 1.14+) to see memory returned to the OS.");
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  return out;
}

std::string human_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(kUnits)) {
    v /= 1024;
    ++u;
  }
  if (v >= 100 || std::fabs(v - std::round(v)) < 0.05) return fmt::format("{:.0f} {}", v, kUnits[u]);
  return fmt::format("{:.1f} {}", v, kUnits[u]);
}

std::string human_duration(int64_t ns) {
  const bool neg = ns < 0;
  const auto a = static_cast<uint64_t>(neg ? -ns : ns);
  std::string s;
  if (a < 1000) {
    s = fmt::format("{} ns", a);
  } else if (a < 1'000'000) {
    s = fmt::format("{:.3g} µs", static_cast<double>(a) / 1e3);
  } else if (a < 1'000'000'000) {
    s = fmt::format("{:.3g} ms", static_cast<double>(a) / 1e6);
  } else if (a < 60'000'000'000) {
    s = fmt::format("{:.3f} s", static_cast<double>(a) / 1e9);
  } else {
    // Rounded, as the renderers' format_duration rounds the evidence: one
    // moment must not read @2m00s in a sentence and 2m01s beside it.
    const uint64_t secs = (a + 500'000'000) / 1'000'000'000;
    if (secs < 3600) {
      s = fmt::format("{}m{:02}s", secs / 60, secs % 60);
    } else {
      const uint64_t mins = (a + 30'000'000'000) / 60'000'000'000;
      s = fmt::format("{}h{:02}m", mins / 60, mins % 60);
    }
  }
  return neg ? "-" + s : s;
}

}  // namespace gcsight
