// The session's implementation; see the header for what it does.
#include "core/run_session.h"

#include <algorithm>
#include <utility>

#include "gcsight/version.h"

namespace gcsight {
namespace {

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
  bool show_trace_;
  LineStitcher stitcher_;
  std::string pending_;
  size_t flushed_ = 0;  // bytes of the current partial line already passed on
  uint64_t line_ = 0;
  uint64_t bytes_ = 0;
};


RunSession::RunSession(ProcessInfo info, bool show_trace, CycleSink cycles, PassthroughSink passthrough)
    : info_(std::move(info)), analyzer_(AnalyzeOptions{}, std::move(cycles)), memory_(info_.start_wall_ns) {
  info_.present = true;
  analyzer_.begin_input(input_name());
  demux_ = std::make_unique<Demux>(analyzer_, memory_, info_.start_wall_ns, show_trace, std::move(passthrough));
}

RunSession::~RunSession() = default;

std::string RunSession::input_name() const {
  return "<stderr of " + (info_.command.empty() ? std::string("?") : info_.command.front()) + ">";
}

void RunSession::on_stderr(std::string_view data, int64_t t_ns) { demux_->feed(data, t_ns); }

void RunSession::on_sample(const MemorySample& s) { memory_.on_sample(s); }

Report RunSession::finish(const RunExit& exit) {
  demux_->finish();
  info_.exit_status = exit.exit_status;
  info_.signaled = exit.signaled;
  info_.signal = exit.signal;
  info_.duration_ns = exit.duration_ns;
  info_.self_rss = exit.self_rss;
  info_.self_cpu_ns = exit.self_cpu_ns;
  memory_.finish(info_);
  analyzer_.end_input(InputInfo{input_name(), demux_->bytes(), demux_->lines(), {}}, demux_->stats(), "none");
  Report report = analyzer_.finish(kVersion);
  report.process = std::move(info_);
  return report;
}

}  // namespace gcsight
