// The session's implementation; see the header for what it does.
#include "core/run_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "gcsight/version.h"

namespace gcsight {
namespace {

// How long a wait for the rest of a runtime line may last in a live stream.
// The runtime writes a line's pieces within microseconds of each other, so
// after a second its continuation is not coming: the line that began the wait
// was the program's (`gc removed 12 expired sessions`), or a runtime line whose
// rest was lost. Lines are dated by arrival, so a gcsight that lags a second
// behind its pipe could give up too early (the line is then reported, not lost).
constexpr int64_t kHoldLimitNs = 1'000'000'000;

// Could `s` (the unterminated end of the stream) begin a runtime line?
bool may_hold_runtime_text(std::string_view s) {
  static constexpr std::string_view kHeads[] = {"gc", "scav ", "scvg", "GC forced", "pacer: ", "scan: ",
                                                "forced scvg: "};
  for (std::string_view h : kHeads) {
    if (s.find(h) != std::string_view::npos) return true;
    // A head cut short at the end: "g", "sca", "GC f"...
    for (size_t k = 1; k < h.size() && k <= s.size(); ++k) {
      if (s.substr(s.size() - k) == h.substr(0, k)) return true;
    }
  }
  return false;
}

// The minor version of "go1.22.12" (22); nullopt for devel builds and the like.
std::optional<int> go_minor(std::string_view v) {
  if (!v.starts_with("go1.")) return std::nullopt;
  v.remove_prefix(4);
  int minor = 0;
  size_t i = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') minor = minor * 10 + (v[i++] - '0');
  if (i == 0) return std::nullopt;
  return minor;
}

// Whether a line shape or scavenger era the trace showed fits Go 1.minor.
bool shape_fits(std::string_view shape, int minor) {
  if (shape == "Go 1.18+") return minor >= 18;
  if (shape == "Go 1.6-1.17") return minor >= 6 && minor <= 17;
  if (shape == "Go 1.5") return minor == 5;
  if (shape == "Go <= 1.4") return minor <= 4;
  if (shape == "scav (Go 1.21+)") return minor >= 21;
  if (shape == "scav with generation (Go 1.15-1.18)") return minor >= 15 && minor <= 18;
  if (shape == "scav (Go 1.14, 1.19-1.20)") return minor == 14 || (minor >= 19 && minor <= 20);
  if (shape == "scvg (Go <= 1.13)") return minor <= 13;
  return true;
}

// The program's Go version (from its build info) against what each run's
// lines look like: the trace is read as that version's, or, when the shapes
// cannot come from it, the lines are another Go program's (one it started).
void check_version_against_runs(const ProcessInfo& info, std::vector<Run>& runs) {
  const auto minor = go_minor(info.go_version);
  if (!minor) return;
  const std::string prog = info.command.empty() ? "the program" : info.command.front();
  for (Run& run : runs) {
    std::vector<std::string> off;
    for (const std::string* shape : {&run.summary.shape, &run.summary.scavenger.era}) {
      if (!shape->empty() && !shape_fits(*shape, *minor)) off.push_back(*shape);
    }
    if (off.empty()) {
      run.notes.push_back(fmt::format("Read as the trace of {} ({}'s build info); its line shapes agree.",
                                      info.go_version, prog));
    } else {
      std::string shapes;
      for (const std::string& o : off) shapes += (shapes.empty() ? "" : ", ") + o;
      run.notes.push_back(fmt::format(
          "These lines have the {} shape, which {} cannot print: they come from another Go program that {} "
          "started (a script or a child process), so the /proc figures, which are {}'s, do not describe them.",
          shapes, info.go_version, prog, prog));
    }
  }
}

// The program is no Go executable (a script, a launcher) and yet the trace has
// gc lines: they are a Go program's that it started. The memory samples are of
// the process gcsight started; they describe the Go program only when the
// launcher exec'd it, or with --tree (which summed more than one process here).
void note_trace_of_a_child(const ProcessInfo& info, uint32_t most_processes, std::vector<Run>& runs) {
  if (!info.go_version.empty() || info.go_version_note.find("not a Go executable") == std::string::npos) return;
  if (most_processes > 1) return;
  const std::string prog = info.command.empty() ? "the program" : info.command.front();
  for (Run& run : runs) {
    run.notes.push_back(fmt::format(
        "{} is not a Go executable: these gc lines come from a Go program it started. The memory figures are "
        "those of the process gcsight started, which is that Go program only if {} exec'd it; run with --tree "
        "to sample the whole process tree.",
        prog, prog));
  }
}

AnalyzeOptions run_options() {
  AnalyzeOptions o;
  o.rss_sampled = true;
  return o;
}

}  // namespace

class RunSession::Demux {
 public:
  Demux(Analyzer& analyzer, MemoryModel& memory, int64_t launch_wall_ns, bool show_trace, PassthroughSink out)
      : out_(std::move(out)),
        analyzer_(analyzer),
        memory_(memory),
        launch_wall_ns_(launch_wall_ns),
        show_trace_(show_trace),
        stitcher_([this](const TraceEvent& e) { on_event(e); }) {}

  /// `t_ns`: arrival since launch; it dates every line the chunk completes.
  void feed(std::string_view data, int64_t t_ns) {
    arrival_wall_ns_ = launch_wall_ns_ + t_ns;
    last_feed_ns_ = t_ns;
    if (show_trace_) out_(data);
    pending_.append(data);
    size_t start = 0;
    for (;;) {
      const size_t nl = pending_.find('\n', flushed_ > start ? flushed_ : start);
      if (nl == std::string::npos) break;
      const size_t from = std::max(start, flushed_);
      push(std::string_view(pending_).substr(from, nl - from), true);
      start = nl + 1;
      flushed_ = 0;
    }
    pending_.erase(0, start);
    if (flushed_ > 0 && start > 0) flushed_ = 0;
    // Pass on a partial line at once when it cannot hold runtime text.
    if (!show_trace_ && !stitcher_.holding() && pending_.size() > flushed_) {
      const std::string_view tail = std::string_view(pending_).substr(flushed_);
      if (!may_hold_runtime_text(tail)) {
        out_(tail);
        flushed_ = pending_.size();
      }
    }
  }

  /// At `t_ns` after launch, stops every wait begun kHoldLimitNs or more
  /// before (the stitcher's, then the unfinished line's) and passes on what it held.
  void release(int64_t t_ns) {
    const int64_t before = launch_wall_ns_ + t_ns - kHoldLimitNs;
    for (auto since = stitcher_.held_since(); since && *since <= before; since = stitcher_.held_since()) {
      stitcher_.give_up();
    }
    // An unfinished line waits while lines are held (it came after them), and
    // while it may begin a runtime line, but not for a second without a byte.
    if (!show_trace_ && !stitcher_.holding() && pending_.size() > flushed_) {
      const std::string_view tail = std::string_view(pending_).substr(flushed_);
      if (last_feed_ns_ <= t_ns - kHoldLimitNs || !may_hold_runtime_text(tail)) {
        out_(tail);
        flushed_ = pending_.size();
      }
    }
  }

  void finish() {
    if (pending_.size() > flushed_) push(std::string_view(pending_).substr(flushed_), false);
    pending_.clear();
    flushed_ = 0;
    stitcher_.finish();
  }

  const StitchStats& stats() const { return stitcher_.stats(); }
  uint64_t lines() const { return line_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void push(std::string_view text, bool terminated) {
    ++line_;
    bytes_ += text.size() + (terminated ? 1 : 0);
    stitcher_.push({text, line_, arrival_wall_ns_, terminated});
  }

  void on_event(const TraceEvent& e) {
    if (!show_trace_) {
      if (e.kind == EventKind::kProgram) {
        out_(e.text);
        const bool newline = e.role == TextRole::kPrefix ? false : e.terminated;
        if (newline) out_("\n");
      } else if (e.kind == EventKind::kMalformed) {
        // Not attributable to the runtime: it is the program's.
        out_(e.text);
        if (e.terminated) out_("\n");
      }
    }
    analyzer_.on_event(e);
    memory_.on_event(e);
  }

  PassthroughSink out_;
  Analyzer& analyzer_;
  MemoryModel& memory_;
  int64_t launch_wall_ns_;
  int64_t arrival_wall_ns_ = 0;
  int64_t last_feed_ns_ = 0;  // when the latest chunk arrived (since launch)
  bool show_trace_;
  LineStitcher stitcher_;
  std::string pending_;
  size_t flushed_ = 0;  // bytes of the current partial line already passed on
  uint64_t line_ = 0;
  uint64_t bytes_ = 0;
};


RunSession::RunSession(ProcessInfo info, bool show_trace, CycleSink cycles, PassthroughSink passthrough)
    : info_(std::move(info)),
      analyzer_(run_options(), std::move(cycles)),
      memory_(info_.start_wall_ns) {
  info_.present = true;
  analyzer_.begin_input(input_name());
  demux_ = std::make_unique<Demux>(analyzer_, memory_, info_.start_wall_ns, show_trace, std::move(passthrough));
}

RunSession::~RunSession() = default;

std::string RunSession::input_name() const {
  return "<stderr of " + (info_.command.empty() ? std::string("?") : info_.command.front()) + ">";
}

void RunSession::on_stderr(std::string_view data, int64_t t_ns) { demux_->feed(data, t_ns); }

void RunSession::on_sample(const MemorySample& s) {
  // The samples are the session's clock: they come every interval, output or
  // not. A recording holds them in the same order, so its replay gives up the
  // same waits at the same places.
  demux_->release(s.t_ns);
  memory_.on_sample(s);
  most_processes_ = std::max(most_processes_, s.processes);
}

LiveSnapshot RunSession::live() const {
  LiveSnapshot s = analyzer_.live();
  s.lines = demux_->lines();
  memory_.live(s);
  s.program_running = true;
  return s;
}

std::vector<Finding> RunSession::live_findings() const { return analyzer_.live_findings(); }

std::vector<Finding> RunSession::live_memory_findings() const { return memory_.live_findings(info_.gomemlimit); }

uint64_t RunSession::live_gc_lines() const { return analyzer_.gc_lines(); }

Report RunSession::finish(const RunExit& exit) {
  demux_->finish();
  info_.exit_status = exit.exit_status;
  info_.signaled = exit.signaled;
  info_.signal = exit.signal;
  info_.duration_ns = exit.duration_ns;
  info_.self_rss = exit.self_rss;
  info_.self_cpu_ns = exit.self_cpu_ns;
  memory_.finish(info_);
  if (exit.child_cpu_ns > 0) info_.child_cpu_ns = exit.child_cpu_ns;
  analyzer_.end_input(InputInfo{input_name(), demux_->bytes(), demux_->lines(), {}}, demux_->stats(), "none");
  Report report = analyzer_.finish(kVersion);
  check_version_against_runs(info_, report.runs);
  note_trace_of_a_child(info_, most_processes_, report.runs);
  report.process = std::move(info_);
  return report;
}

}  // namespace gcsight
