// `gcsight run`: the program's stdout goes to ours untouched; its stderr is
// split into the runtime's trace lines (consumed, analysed) and everything
// else (passed on byte for byte). The stitcher re-assembles runtime lines that
// the program's own writes split, and hands back the program's pieces with
// their role on the line, so the bytes it wrote are given back as written: a
// remainder after a cut keeps its newline, text before a runtime line on the
// same line has none of its own.
//
// Latency: a partial line (no newline yet) that cannot be the start of a
// runtime line is passed on at once, so progress bars on stderr still move;
// only text that may begin a runtime line waits for its newline.
#include "cli/run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/output_file.h"
#include "core/analyzer.h"
#include "core/godebug.h"
#include "core/memory_model.h"
#include "gcsight/version.h"
#include "io/child_runner.h"
#include "io/go_buildinfo.h"
#include "io/proc_sampler.h"
#include "render/render_csv.h"
#include "render/render_json.h"
#include "render/render_text.h"

extern char** environ;

namespace gcsight {
namespace {

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the reader went away (EPIPE): nothing more can be delivered
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

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

/// Splits the program's stderr into trace events and passthrough bytes.
class StderrDemux {
 public:
  StderrDemux(Analyzer& analyzer, MemoryModel& memory, int64_t launch_wall_ns, bool show_trace)
      : analyzer_(analyzer),
        memory_(memory),
        launch_wall_ns_(launch_wall_ns),
        show_trace_(show_trace),
        stitcher_([this](const TraceEvent& e) { on_event(e); }) {}

  /// `t_ns`: arrival since launch; it dates every line the chunk completes.
  void feed(std::string_view data, int64_t t_ns) {
    arrival_wall_ns_ = launch_wall_ns_ + t_ns;
    if (show_trace_) write_all(STDERR_FILENO, data);
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
        write_all(STDERR_FILENO, tail);
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
        write_all(STDERR_FILENO, e.text);
        const bool newline = e.role == TextRole::kPrefix ? false : e.terminated;
        if (newline) write_all(STDERR_FILENO, "\n");
      } else if (e.kind == EventKind::kMalformed) {
        // Not attributable to the runtime: it is the program's.
        write_all(STDERR_FILENO, e.text);
        if (e.terminated) write_all(STDERR_FILENO, "\n");
      }
    }
    analyzer_.on_event(e);
    memory_.on_event(e);
  }

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

// The file execvp would run for `name`: itself if it has a slash, else the
// first executable match in PATH.
std::string resolve_program(const std::string& name, const std::string& path_env) {
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  while (start <= path_env.size()) {
    const size_t colon = path_env.find(':', start);
    std::string_view dir = std::string_view(path_env).substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
    std::string candidate;
    candidate.reserve(dir.size() + 1 + name.size());
    candidate.append(dir.data(), dir.size());
    candidate.push_back('/');
    candidate.append(name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& e : env) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
      return e.substr(name.size() + 1);
    }
  }
  return {};
}

}  // namespace

int run_run(const RunArgs& a) {
  // The environment: everything the user has, with the trace added to GODEBUG.
  std::vector<std::string> env;
  std::string user_godebug;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with("GODEBUG=")) {
      user_godebug = std::string(kv.substr(8));
      continue;
    }
    env.emplace_back(kv);
  }
  const std::string godebug = merge_godebug(user_godebug);
  env.push_back("GODEBUG=" + godebug);

  ProcessInfo info;
  info.present = true;
  info.command = a.command;
  info.godebug = godebug;
  info.gogc = env_value(env, "GOGC");
  info.gomemlimit = env_value(env, "GOMEMLIMIT");
  info.gomaxprocs = env_value(env, "GOMAXPROCS");
  info.interval_ns = a.interval_ns;
  // The Go version the program was built with, to read the trace by (a script
  // that starts a Go program still works: the environment is inherited).
  if (const std::string exe = resolve_program(a.command.front(), env_value(env, "PATH")); !exe.empty()) {
    std::string err;
    if (auto v = read_go_version(exe, &err)) {
      info.go_version = *v;
    } else {
      info.go_version_note = fmt::format("unknown ({}: {})", exe, err);
    }
  }
  info.start_wall_ns = realtime_ns();

  std::unique_ptr<OutputFile> csv_file;
  CycleSink sink;
  if (!a.csv_file.empty()) {
    std::string err;
    csv_file = OutputFile::create(a.csv_file, &err);
    if (!csv_file) {
      std::cerr << "gcsight: " << err << "\n";
      return 125;
    }
    write_csv_header(csv_file->stream());
    sink = [&csv_file](uint32_t run, const GcCycle& c) { write_csv_row(csv_file->stream(), run, c); };
  }
  Analyzer analyzer(AnalyzeOptions{}, sink);
  analyzer.begin_input("<stderr of " + a.command.front() + ">");
  MemoryModel memory(info.start_wall_ns);
  StderrDemux demux(analyzer, memory, info.start_wall_ns, a.show_trace);

  std::unique_ptr<ProcSampler> sampler;
  SamplerOptions sopts;
  sopts.tree = a.tree;
  ChildCallbacks cb;
  cb.tick_ns = a.interval_ns;
  cb.on_stdout = [](std::string_view d, int64_t) { write_all(STDOUT_FILENO, d); };
  cb.on_stderr = [&demux](std::string_view d, int64_t t) { demux.feed(d, t); };
  cb.on_start = [&](int pid) { sampler = std::make_unique<ProcSampler>(pid, sopts); };
  auto take_sample = [&](int64_t t) {
    if (sampler) memory.on_sample(sampler->sample(t));
  };
  cb.on_tick = take_sample;

  const ChildExit ex = run_child(ChildSpec{a.command, env}, cb);
  demux.finish();
  if (!ex.started) {
    // A failure of gcsight's own job: said even with --quiet.
    std::cerr << "gcsight: " << ex.error << "\n";
    return ex.status;
  }
  info.exit_status = ex.status;
  info.signaled = ex.signaled;
  info.signal = ex.signal;
  info.duration_ns = ex.end_ns;
  memory.finish(info);
  const MemorySample self = ProcSampler::sample_self(ex.end_ns);
  if (self.rss) info.self_rss = *self.rss;
  if (self.cpu_user_ns && self.cpu_sys_ns) info.self_cpu_ns = *self.cpu_user_ns + *self.cpu_sys_ns;

  analyzer.end_input(InputInfo{"<stderr of " + a.command.front() + ">", demux.bytes(), demux.lines(), {}},
                     demux.stats(), "none");
  Report report = analyzer.finish(kVersion);
  report.process = std::move(info);

  // Reports never change the exit status: a failure to write one is a message.
  if (csv_file) {
    std::string err;
    if (!csv_file->commit(&err)) std::cerr << "gcsight: " << err << "\n";
  }
  if (!a.json_file.empty()) {
    std::string err;
    if (!write_file_whole(a.json_file, render_json(report), &err)) std::cerr << "gcsight: " << err << "\n";
  }
  if (!a.quiet) {
    TextStyle style;
    const char* no_color = std::getenv("NO_COLOR");
    style.color = a.color == ColorMode::kAlways ||
                  (a.color == ColorMode::kAuto && isatty(STDERR_FILENO) == 1 &&
                   (no_color == nullptr || no_color[0] == '\0'));
    std::cerr << render_text(report, style);
  }
  return ex.status;
}

}  // namespace gcsight
