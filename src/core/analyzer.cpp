// Assigns trace events to runs and turns each run into statistics and findings.
//
// A run is one process's sequence of gc cycles. The gc counter only grows
// within a process, so a cycle joins the run whose last cycle is its
// predecessor (N-1, at an earlier `@` time). Several processes writing to one
// stream (the go command and the compilers it starts all inherit GODEBUG)
// interleave their sequences line by line; following each sequence by number
// and time keeps every process in its own run. A number that goes back starts
// a new run (a restart, or another excerpt); a number that skips ahead within
// a run is a numbering gap (lines missing from the log) and is reported.
// Scavenger lines, `GC forced` and program lines have no number: they belong
// to the run of the latest gc line; those before the input's first gc line go
// to its first run.
#include "core/analyzer.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/findings.h"
#include "core/run_stats.h"

namespace gcsight {

namespace {
constexpr size_t kMarkerTextMax = 200;
constexpr uint32_t kMaxGap = 1u << 20;
constexpr size_t kMaxPreRunScav = 4096;
}  // namespace

struct Analyzer::RunState {
  Run run;
  RunStats stats;
  CycleSeries series;
  RunFacts facts;
  std::vector<Marker> tail;  // ring of the latest markers once the head is full
  size_t tail_next = 0;
  // A tail marker's text while it is borrowed (keep_borrowed_text copies it);
  // a view with no data when the marker holds its own.
  std::vector<std::string_view> tail_borrowed;
  bool borrowing = false;
  // Every cycle of the run, selected by --since/--until or not: runs follow these.
  uint32_t last_gc = 0;
  int64_t last_start_ns = 0;
  bool in_range = true;        // the last cycle was selected
  uint64_t cycles_seen = 0;
  uint64_t cycles_left_out = 0;
  uint64_t cycles_unplaced = 0;  // no wall-clock time to hold against a wall-clock bound
};

Analyzer::Analyzer(AnalyzeOptions opts, CycleSink cycles)
    : opts_(opts), cycles_(std::move(cycles)), ranged_(opts_.since || opts_.until) {}

Analyzer::~Analyzer() = default;

void Analyzer::begin_input(const std::string& name) {
  input_ = name;
  input_runs_.clear();
  current_ = nullptr;
  pending_periodic_ = false;
  pre_run_scav_.clear();
  pre_run_markers_.clear();
  pre_run_gc_forced_ = 0;
  pre_run_malformed_ = 0;
}

Analyzer::RunState* Analyzer::current() { return current_; }

bool Analyzer::selected(const GcCycle& c) const {
  if (!opts_.since && !opts_.until) return true;
  // The cycle's time on each bound's clock; a wall-clock bound needs the log's
  // time of the line or --start-time.
  auto at = [&](const TimeBound& b) -> std::optional<int64_t> {
    if (!b.wall) return c.has(kGcHasTime) ? std::optional<int64_t>(c.start_ns) : std::nullopt;
    if (c.wall_ns != 0) return c.wall_ns;
    if (opts_.has_start_time && c.has(kGcHasTime)) return opts_.start_time_ns + c.start_ns;
    return std::nullopt;
  };
  if (opts_.since) {
    const auto t = at(*opts_.since);
    if (!t || *t < opts_.since->ns) return false;
  }
  if (opts_.until) {
    const auto t = at(*opts_.until);
    if (!t || *t >= opts_.until->ns) return false;
  }
  return true;
}

Analyzer::RunState& Analyzer::run_for_gc(const GcCycle& c) {
  const bool timed = c.has(kGcHasTime);
  auto fits_time = [&](const RunState& r) { return !timed || c.start_ns >= r.last_start_ns; };
  if (current_ != nullptr && c.gc == current_->last_gc + 1 && fits_time(*current_)) return *current_;
  RunState* gap_candidate = nullptr;
  for (auto it = input_runs_.rbegin(); it != input_runs_.rend(); ++it) {
    RunState& r = *runs_[*it];
    if (c.gc == r.last_gc + 1 && fits_time(r)) return r;
    if (c.gc > r.last_gc + 1 && c.gc - r.last_gc <= kMaxGap && fits_time(r) &&
        (gap_candidate == nullptr || r.last_gc > gap_candidate->last_gc)) {
      gap_candidate = &r;
    }
  }
  if (gap_candidate != nullptr) return *gap_candidate;

  // A new run.
  auto r = std::make_unique<RunState>();
  r->run.index = ++runs_begun_;
  r->run.inputs.push_back(input_);
  r->run.first_line = c.line;
  const bool first_of_input = input_runs_.empty();
  input_runs_.push_back(runs_.size());
  runs_.push_back(std::move(r));
  if (opts_.max_runs > 0 && runs_.size() > opts_.max_runs) {
    // The oldest run goes (never this new one); the current input's indices shift.
    runs_.erase(runs_.begin());
    ++runs_dropped_;
    std::erase(input_runs_, size_t{0});
    for (size_t& i : input_runs_) --i;
  }
  RunState& nr = *runs_.back();
  if (first_of_input) {
    // Scavenger lines before the first cycle belong to its stretch of time:
    // outside --since/--until when it is.
    if (!ranged_ || selected(c)) {
      for (const ScavEvent& e : pre_run_scav_) {
        nr.stats.add_scav(e);
        nr.series.add_scav(e, 0, -1);
      }
    }
    for (const auto& [text, line] : pre_run_markers_) add_marker(nr, text, line, 0);
    for (uint64_t i = 0; i < pre_run_gc_forced_; ++i) nr.stats.add_gc_forced();
    nr.facts.malformed_lines += pre_run_malformed_;
    if (pre_run_malformed_ > 0) nr.facts.first_malformed_line = pre_run_first_malformed_;
    if (!pre_run_scav_.empty()) nr.run.first_line = std::min(nr.run.first_line, pre_run_scav_.front().line);
    if (!pre_run_markers_.empty()) nr.run.first_line = std::min(nr.run.first_line, pre_run_markers_.front().second);
    pre_run_scav_.clear();
    pre_run_markers_.clear();
    pre_run_gc_forced_ = 0;
    pre_run_malformed_ = 0;
  }
  return nr;
}

void Analyzer::add_marker(RunState& r, std::string_view full_text, uint64_t line, int64_t wall_ns, bool borrowed) {
  const std::string_view text = full_text.substr(0, kMarkerTextMax);
  r.stats.add_program_line(text, line, borrowed);
  if (borrowed) r.borrowing = true;
  ++r.run.markers_total;
  const size_t head = opts_.max_markers / 2;
  // Past the head, keep a ring of the latest ones; heap drops keep their own neighbours.
  const size_t tail_cap = opts_.max_markers - head;
  Marker* m = nullptr;
  if (r.run.markers.size() < head) {
    m = &r.run.markers.emplace_back();
    m->text.assign(text);
  } else if (tail_cap == 0) {
    return;
  } else {
    size_t slot = r.tail_next;
    if (r.tail.size() < tail_cap) {
      slot = r.tail.size();
      r.tail.emplace_back();
      r.tail_borrowed.emplace_back();
    } else if (++r.tail_next == tail_cap) {
      // Written over in place: the slot's text keeps its storage.
      r.tail_next = 0;
    }
    m = &r.tail[slot];
    if (borrowed) {
      r.tail_borrowed[slot] = text;
    } else {
      r.tail_borrowed[slot] = {};
      m->text.assign(text);
    }
  }
  m->line = line;
  m->after_gc = r.stats.last_gc();
  m->time_ns = r.stats.has_cycles() ? r.stats.last_start_ns() : -1;
  m->wall_ns = wall_ns;
}

void Analyzer::keep_borrowed_text() {
  for (auto& r : runs_) {
    if (!r->borrowing) continue;
    for (size_t i = 0; i < r->tail.size(); ++i) {
      if (r->tail_borrowed[i].data() == nullptr) continue;
      r->tail[i].text.assign(r->tail_borrowed[i]);
      r->tail_borrowed[i] = {};
    }
    r->stats.keep_program_line();
    r->borrowing = false;
  }
}

void Analyzer::on_gc(const GcCycle& gc) {
  ++report_.parse.gc_lines;
  if (gc.has(kGcStitched)) ++report_.parse.stitched_lines;
  // Nearly always the next cycle of the run of the cycle before (run_for_gc's first case).
  RunState* next = current_;
  if (next == nullptr || gc.gc != next->last_gc + 1 || (gc.has(kGcHasTime) && gc.start_ns < next->last_start_ns)) {
    next = &run_for_gc(gc);
  }
  RunState& r = *next;
  if (r.cycles_seen > 0 && gc.gc > r.last_gc + 1) {
    ++r.facts.numbering_gaps;
    r.facts.missing_cycles += gc.gc - r.last_gc - 1;
    if (r.facts.first_gap_after == 0) r.facts.first_gap_after = r.last_gc;
  }
  if (r.cycles_seen++ == 0) r.facts.first_gc_read = gc.gc;
  r.last_gc = gc.gc;
  if (gc.has(kGcHasTime)) r.last_start_ns = gc.start_ns;
  current_ = &r;
  r.in_range = !ranged_ || selected(gc);
  if (!r.in_range) {
    // Outside --since/--until: it still carries the run on, but counts for nothing.
    ++r.cycles_left_out;
    const bool wall_bound = (opts_.since && opts_.since->wall) || (opts_.until && opts_.until->wall);
    if (wall_bound && gc.wall_ns == 0 && !opts_.has_start_time) ++r.cycles_unplaced;
    pending_periodic_ = false;
    return;
  }
  if (pending_periodic_) {
    r.stats.set_pending_periodic();
    r.stats.add_gc_forced();
    pending_periodic_ = false;
    // The `GC forced` line that announced a run's first cycle is the run's too.
    if (r.cycles_seen == 1) r.run.first_line = std::min(r.run.first_line, pending_forced_line_);
  }
  if (gc.wall_ns != 0 && r.facts.first_wall_ns == 0) {
    r.facts.first_wall_ns = gc.wall_ns;
    r.facts.first_wall_end_ns = gc.start_ns + static_cast<int64_t>(gc.clock_ns[0] + gc.clock_ns[1] + gc.clock_ns[2]);
  }
  r.stats.add_cycle(gc);
  r.run.last_line = std::max(r.run.last_line, gc.line);
  // The series and the sink see the periodic flag a `GC forced` line gave (a copy only then).
  if (r.stats.last_was_periodic()) {
    GcCycle c = gc;
    c.flags |= kGcPeriodic;
    r.series.add_cycle(c);
    if (cycles_) cycles_(r.run.index, c);
  } else {
    r.series.add_cycle(gc);
    if (cycles_) cycles_(r.run.index, gc);
  }
  // memory-limit-pressure names the first tight cycle: the table keeps it.
  if (r.stats.first_tight_gc() == gc.gc && r.stats.tight_goal_cycles() == 1) {
    r.series.keep_latest_for(CycleSeries::FindingCycle::kFirstTight);
  }
}

void Analyzer::on_program_line(std::string_view text, uint64_t line, int64_t wall_ns) {
  program_line(text, line, wall_ns, false);
}

void Analyzer::on_program_line_borrowed(std::string_view text, uint64_t line, int64_t wall_ns) {
  program_line(text, line, wall_ns, true);
}

void Analyzer::program_line(std::string_view text, uint64_t line, int64_t wall_ns, bool borrowed) {
  ++report_.parse.program_lines;
  if (current_ != nullptr) {
    if (current_->in_range) {
      add_marker(*current_, text, line, wall_ns, borrowed);
      current_->run.last_line = std::max(current_->run.last_line, line);
    }
  } else if (pre_run_markers_.size() < opts_.max_markers) {
    pre_run_markers_.emplace_back(std::string(text.substr(0, kMarkerTextMax)), line);
  }
}

void Analyzer::on_scav(const ScavEvent& scav) {
  ++report_.parse.scavenger_lines;
  if (scav.has(kScavStitched)) ++report_.parse.stitched_lines;
  if (current_ != nullptr && !current_->in_range) return;
  if (current_ != nullptr) {
    const uint64_t largest_before = current_->stats.largest_release().line;
    current_->stats.add_scav(scav);
    current_->series.add_scav(scav, current_->stats.last_gc(), current_->stats.last_start_ns());
    // memory-returned names the cycle before the largest release: the table keeps it.
    if (current_->stats.largest_release().line != largest_before && current_->stats.has_cycles()) {
      current_->series.keep_latest_for(CycleSeries::FindingCycle::kLargestRelease);
    }
    current_->run.last_line = std::max(current_->run.last_line, scav.line);
  } else if (pre_run_scav_.size() < kMaxPreRunScav) {
    // Held for the first run; past the cap they are counted in parse only.
    pre_run_scav_.push_back(scav);
  }
}
void Analyzer::on_event(const TraceEvent& e) {
  ParseSummary& p = report_.parse;
  switch (e.kind) {
    case EventKind::kGc:
    case EventKind::kGcLegacy:
      on_gc(e.gc);
      break;
    case EventKind::kScav:
      on_scav(e.scav);
      break;
    case EventKind::kGcForced:
      ++p.gc_forced_lines;
      if (pending_periodic_) {
        // Two in a row: the first one's cycle never came (another cycle started first).
        if (current_ != nullptr) current_->stats.add_gc_forced();
      }
      pending_periodic_ = true;
      pending_forced_line_ = e.line;
      break;
    case EventKind::kPacer:
      ++p.pacer_lines;
      break;
    case EventKind::kScan:
      ++p.scan_lines;
      break;
    case EventKind::kProgram:
      // Program text on a line with runtime text (before it, inside it, after
      // it: a progress bar, a log shipper's prefix) is program output too
      // (cli.md), whichever newline ended the line. Text after a runtime line
      // is handed on first as having no newline of its own; an empty remainder
      // on its line, when the runtime's newline comes late, says it had one:
      // that adds nothing to count.
      if (e.text.empty() && e.role != TextRole::kLine) break;
      on_program_line(e.text, e.line, e.wall_ns);
      break;
    case EventKind::kMalformed:
      ++p.malformed_lines;
      if (p.first_malformed.size() < opts_.max_problems) {
        ParseProblem prob;
        prob.input = input_;
        prob.line = e.line;
        prob.column = e.column;
        prob.reason = std::string(e.reason);
        prob.text = std::string(e.text.substr(0, kMarkerTextMax));
        p.first_malformed.push_back(std::move(prob));
      }
      if (current_ != nullptr) {
        if (current_->in_range) current_->run.last_line = std::max(current_->run.last_line, e.line);
        ++current_->facts.malformed_lines;
        if (current_->facts.first_malformed_line == 0) current_->facts.first_malformed_line = e.line;
      } else if (pre_run_malformed_++ == 0) {
        pre_run_first_malformed_ = e.line;
      }
      break;
  }
}

void Analyzer::end_input(InputInfo info, const StitchStats& stitch, std::string wrapper) {
  if (pending_periodic_ && current_ != nullptr) current_->stats.add_gc_forced();
  pending_periodic_ = false;
  for (size_t idx : input_runs_) {
    RunState& r = *runs_[idx];
    r.facts.input_error = info.error;
    r.facts.truncated_lines += stitch.truncated;
  }
  if (input_runs_.empty()) {
    // No gc line at all: nothing to analyse, but what was read is still counted.
    report_.parse.program_lines += 0;
  }
  report_.parse.lines += info.lines;
  report_.parse.bytes += info.bytes;
  report_.parse.wrappers.push_back(std::move(wrapper));
  report_.inputs.push_back(std::move(info));
  input_runs_.clear();
  current_ = nullptr;
}

LiveSnapshot Analyzer::live() const {
  LiveSnapshot s;
  s.runs = runs_.size() + runs_dropped_;  // runs found, the dropped ones too
  const ParseSummary& p = report_.parse;
  s.lines = p.lines;
  s.gc_lines = p.gc_lines;
  s.scavenger_lines = p.scavenger_lines;
  s.program_lines = p.program_lines;
  s.malformed_lines = p.malformed_lines;
  if (!runs_.empty() && runs_.back()->stats.has_cycles()) {
    const RunState& r = *runs_.back();
    s.have_run = true;
    s.run_index = r.run.index;
    s.run = r.stats.summary();
    s.run.numbering_gaps = r.facts.numbering_gaps;
    s.run.missing_cycles = r.facts.missing_cycles;
  }
  return s;
}

std::vector<Finding> Analyzer::live_findings() const {
  if (runs_.empty() || !runs_.back()->stats.has_cycles()) return {};
  const RunState& r = *runs_.back();
  RunSummary summary = r.stats.summary();
  summary.numbering_gaps = r.facts.numbering_gaps;
  summary.missing_cycles = r.facts.missing_cycles;
  RunFacts facts = r.facts;
  facts.run_count = runs_.size() + runs_dropped_;
  facts.rss_sampled = opts_.rss_sampled;
  std::vector<std::string> notes;
  return evaluate_findings(r.stats, summary, facts, &notes);
}

Report Analyzer::finish(std::string tool_version) {
  report_.tool_version = std::move(tool_version);
  const size_t run_count = runs_.size() + runs_dropped_;
  const bool ranged = opts_.since || opts_.until;
  for (auto& rp : runs_) {
    RunState& r = *rp;
    // A run with no cycle in --since/--until is left out of the report.
    if (ranged && !r.stats.has_cycles()) continue;
    Run run = std::move(r.run);
    if (runs_dropped_ > 0 && &rp == &runs_.front()) {
      run.notes.push_back(fmt::format("{} earlier {} not kept (the process restarted; only the last {} runs are kept).",
                                      runs_dropped_, runs_dropped_ == 1 ? "run was" : "runs were", opts_.max_runs));
    }
    if (ranged) {
      std::string note = fmt::format("--since/--until selected {} of the run's {} cycles", r.cycles_seen - r.cycles_left_out,
                                     r.cycles_seen);
      if (r.cycles_unplaced > 0) {
        note += fmt::format("; {} had no wall-clock time to compare with (give --start-time)", r.cycles_unplaced);
      }
      run.notes.push_back(note + ".");
    }
    // Markers: head, then the ring in order.
    for (size_t i = 0; i < r.tail.size(); ++i) {
      run.markers.push_back(std::move(r.tail[(r.tail_next + i) % r.tail.size()]));
    }
    run.summary = r.stats.summary();
    run.series = r.series.finish();
    run.summary.numbering_gaps = r.facts.numbering_gaps;
    run.summary.missing_cycles = r.facts.missing_cycles;
    if (opts_.has_start_time) {
      run.summary.has_wall_clock = true;
      run.summary.wall_start_ns = opts_.start_time_ns;
    } else if (r.facts.first_wall_ns != 0) {
      run.summary.has_wall_clock = true;
      run.summary.wall_start_ns = r.facts.first_wall_ns - r.facts.first_wall_end_ns;
    }
    r.facts.run_count = run_count;
    r.facts.rss_sampled = opts_.rss_sampled;
    run.findings = evaluate_findings(r.stats, run.summary, r.facts, &run.notes);
    report_.runs.push_back(std::move(run));
  }
  runs_.clear();
  return std::move(report_);
}

}  // namespace gcsight
