// `gcsight run`: the program's stdout goes to ours untouched; its stderr goes
// through a RunSession (core/run_session.h), which consumes the runtime's
// lines and gives back the rest byte for byte. /proc samples go to the same
// session, and with --record everything the session saw goes to a recording
// that `gcsight analyze` replays into the same report.
#include "cli/run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/utsname.h>
#include <algorithm>
#include <csignal>
#include <iostream>
#include <thread>

#include "cli/exit_codes.h"
#include "cli/live_view.h"
#include "cli/terminal.h"
#include "cli/output_file.h"
#include "core/analyzer.h"
#include "core/godebug.h"
#include "core/redact.h"
#include "core/run_session.h"
#include "gcsight/version.h"
#include "io/child_runner.h"
#include "io/go_buildinfo.h"
#include "io/metrics_server.h"
#include "io/proc_sampler.h"
#include "io/recording.h"
#include "render/render_csv.h"
#include "render/render_html.h"
#include "render/render_json.h"
#include "render/render_prometheus.h"
#include "render/render_text.h"

extern char** environ;

namespace gcsight {
namespace {

// Writes all of `data`; false when the descriptor's reader has gone (EPIPE).
// Another failure (a full disk) loses this write only.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno != EPIPE;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Whether two descriptors are the same open file (a terminal, a pipe, a file
// that both streams were sent to).
bool same_file(int a, int b) {
  struct stat sa {}, sb {};
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

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

// The machine the program ran on, for the report and the recording.
void fill_host_facts(ProcessInfo& info) {
  utsname u{};
  if (uname(&u) == 0) info.host_kernel = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  info.host_cpus = cpus > 0 ? cpus : 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:") {
      info.host_memory = kib * 1024;
      break;
    }
    meminfo.ignore(256, '\n');
  }
}

// gcsight's own RSS and CPU time.
void fill_self(LiveSnapshot& s, int64_t t_ns) {
  const MemorySample self = ProcSampler::sample_self(t_ns);
  if (self.rss) s.self_rss = *self.rss;
  if (const auto cpu = self_cpu_ns()) s.self_cpu_ns = *cpu;
}

volatile std::sig_atomic_t g_stop_linger = 0;
extern "C" void stop_linger(int) { g_stop_linger = 1; }

// Serves the final figures for `linger_ns` more, so that a scraper sees them;
// SIGINT or SIGTERM ends it early.
void linger(int64_t linger_ns) {
  struct sigaction sa {};
  sa.sa_handler = stop_linger;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  const int64_t until = monotonic_ns() + linger_ns;
  while (g_stop_linger == 0 && monotonic_ns() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

int run_run(const RunArgs& a) {
  // A reader of our stdout or stderr that goes away (`| head -1`) must not end
  // gcsight before the report and its files are written: a write to it fails
  // with EPIPE instead, and the program gets the disposition gcsight had.
  struct sigaction ignore_pipe {};
  ignore_pipe.sa_handler = SIG_IGN;
  sigemptyset(&ignore_pipe.sa_mask);
  struct sigaction started_pipe {};
  sigaction(SIGPIPE, &ignore_pipe, &started_pipe);

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
  info.command = a.redact ? redact_command(a.command) : a.command;
  info.godebug = godebug;
  info.gogc = env_value(env, "GOGC");
  info.gomemlimit = env_value(env, "GOMEMLIMIT");
  info.gomaxprocs = env_value(env, "GOMAXPROCS");
  for (const std::string& kv : env) {
    if (kv.starts_with("GO")) info.go_environment.push_back(a.redact ? redact_env_entry(kv) : kv);
  }
  std::sort(info.go_environment.begin(), info.go_environment.end());
  info.interval_ns = a.interval_ns;
  fill_host_facts(info);
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

  if (!a.html_file.empty() && !html_report_available()) {
    std::cerr << "gcsight: --html: " << kNoHtmlSupport << "\n";
    return 125;
  }
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
  std::unique_ptr<RecordingWriter> recording;
  if (!a.record_file.empty()) {
    std::string err;
    recording = RecordingWriter::create(a.record_file, &err);
    if (!recording) {
      std::cerr << "gcsight: " << err << "\n";
      return 125;
    }
    std::vector<std::string> recorded_env;
    recorded_env.reserve(env.size());
    for (const std::string& kv : env) recorded_env.push_back(a.redact ? redact_env_entry(kv) : kv);
    recording->header(info, a.show_trace, recorded_env);
  }

  // The endpoint is up before the program starts, so the first scrape finds it.
  std::unique_ptr<MetricsServer> metrics;
  if (!a.metrics_listen.empty()) {
    std::string err;
    const auto addr = parse_listen_address(a.metrics_listen, &err);
    if (addr) metrics = MetricsServer::start(*addr, std::string(kPrometheusContentType), &err);
    if (!metrics) {
      std::cerr << "gcsight: --metrics-listen: " << err << "\n";
      return 125;
    }
    // Port 0 is the kernel's choice: said even with --quiet, as it is the only way to learn it.
    if (addr->port == 0) std::cerr << "gcsight: metrics at " << metrics_url(*addr, metrics->port()) << "\n";
  }

  // --output: the program's bytes as passed through, kept whatever the screen shows.
  int output_fd = -1;
  if (!a.output_file.empty()) {
    output_fd = ::open(a.output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (output_fd < 0) {
      std::cerr << "gcsight: cannot write '" << a.output_file << "': " << std::strerror(errno) << "\n";
      return 125;
    }
  }
  std::unique_ptr<LiveTerminal> terminal;
  std::unique_ptr<LiveDashboard> dashboard;
  if (a.live) {
    std::string err;
    terminal = LiveTerminal::open(&err);
    if (terminal) {
      std::string title;
      for (const std::string& arg : info.command) title += (title.empty() ? "" : " ") + arg;
      dashboard = std::make_unique<LiveDashboard>(title, *terminal, chart_glyphs(a.charts));
    } else if (!a.quiet) {
      // A warning, not a failure (the program runs without the dashboard): -q silences it.
      std::cerr << "gcsight: --live: " << err << "; running without the dashboard\n";
    }
  }
  // The last byte of the program's passed on to our stderr (or to stdout, when
  // both are the same file, as on a terminal): gcsight's own words after the
  // program's start on a line of their own, not after its unfinished last line.
  const bool stdout_is_stderr = same_file(STDOUT_FILENO, STDERR_FILENO);
  char last_on_stderr = '\n';
  // Once the reader of our stdout or stderr has gone, nothing more is written
  // there: the program's stdout pipe is then closed (on_stdout), its stderr is
  // still read for the trace.
  bool stdout_open = true, stderr_open = true;
  auto pass_through = [&](int fd, std::string_view d) {
    if (output_fd >= 0) write_all(output_fd, d);
    bool& open = fd == STDOUT_FILENO ? stdout_open : stderr_open;
    if (dashboard) {
      dashboard->on_output(d);
    } else if (open) {
      open = write_all(fd, d);
      if (!d.empty() && (fd == STDERR_FILENO || stdout_is_stderr)) last_on_stderr = d.back();
    }
  };
  // Where gcsight's own words go once the program has ended. The newline is
  // gcsight's: it is not written to --output, and not at all when nothing follows.
  auto own_words = [&]() -> std::ostream& {
    if (last_on_stderr != '\n') {
      std::cerr << '\n';
      last_on_stderr = '\n';
    }
    return std::cerr;
  };

  int64_t now_ns = 0;  // arrival time of the chunk being read, for the dashboard's cycles
  CycleSink cycles = sink;
  if (dashboard) {
    cycles = [&](uint32_t run, const GcCycle& c) {
      if (sink) sink(run, c);
      dashboard->on_cycle(c, now_ns);
    };
  }
  RunSession session(info, a.show_trace, cycles, [&](std::string_view d) { pass_through(STDERR_FILENO, d); });
  uint64_t published_cycles = 0;
  auto publish = [&](int64_t t_ns) {
    if (!metrics) return;
    LiveSnapshot s = session.live();
    fill_self(s, t_ns);
    published_cycles = s.gc_lines;
    metrics->publish(render_prometheus(s, kVersion));
  };
  publish(0);
  auto snapshot = [&] { return session.live(); };
  // The run's trace findings and the process's memory findings, as they stand.
  auto findings = [&] {
    std::vector<Finding> f = session.live_findings();
    std::vector<Finding> m = session.live_memory_findings();
    f.insert(f.end(), std::make_move_iterator(m.begin()), std::make_move_iterator(m.end()));
    return f;
  };
  int child_pid = -1;
  auto poll_dashboard = [&](int64_t t) {
    if (dashboard && dashboard->poll(t, snapshot, findings) && child_pid > 0) kill(child_pid, SIGTERM);
  };
  std::unique_ptr<ProcSampler> sampler;
  SamplerOptions sopts;
  sopts.tree = a.tree;
  ChildCallbacks cb;
  // The dashboard is redrawn on the ticks (at least ten a second; samples keep
  // --interval) and answers a key as it is typed: the terminal is waited on with
  // the program's pipes. Without --live nothing changes.
  cb.tick_ns = dashboard ? std::min<int64_t>(a.interval_ns, 100'000'000) : a.interval_ns;
  if (dashboard) {
    cb.wake_fd = terminal->input_fd();
    cb.on_wake = poll_dashboard;
  } else {
    cb.stdout_sink_fd = STDOUT_FILENO;
  }
  int64_t next_sample = a.interval_ns;
  cb.on_stdout = [&](std::string_view d, int64_t t) {
    pass_through(STDOUT_FILENO, d);
    poll_dashboard(t);
    return stdout_open;
  };
  cb.on_stderr = [&](std::string_view d, int64_t t) {
    if (recording) recording->stderr_chunk(t, d);
    now_ns = t;
    session.on_stderr(d, t);
    // A new cycle is published at once; the samples publish the rest.
    if (metrics && session.live_gc_lines() != published_cycles) publish(t);
    poll_dashboard(t);
  };
  cb.on_start = [&](int pid) {
    child_pid = pid;
    sampler = std::make_unique<ProcSampler>(pid, sopts);
  };
  cb.on_tick = [&](int64_t t) {
    if (sampler && t >= next_sample) {
      while (next_sample <= t) next_sample += a.interval_ns;
      const MemorySample s = sampler->sample(t);
      if (recording) recording->sample(s);
      session.on_sample(s);
      if (dashboard) dashboard->on_sample(t, s.rss);
      publish(t);
    }
    poll_dashboard(t);
  };

  ChildSpec spec{a.command, env};
  spec.sigpipe_ignored = started_pipe.sa_handler == SIG_IGN;
  const ChildExit ex = run_child(spec, cb);
  if (dashboard) {
    // The last frame, then the screen as it was; the report follows on it.
    dashboard->set_ended(ex.status, ex.end_ns, snapshot, findings);
    dashboard.reset();
    terminal.reset();
  }
  if (!ex.started) {
    // A failure of gcsight's own job: said even with --quiet.
    std::cerr << "gcsight: " << ex.error << "\n";
    if (output_fd >= 0) close(output_fd);
    return ex.status;
  }
  if (sampler) {
    const MemorySample last = sampler->sample_cgroup_after_exit(ex.end_ns);
    if (recording) recording->sample(last);
    session.on_sample(last);
  }
  RunExit x;
  x.exit_status = ex.status;
  x.signaled = ex.signaled;
  x.signal = ex.signal;
  x.duration_ns = ex.end_ns;
  x.child_cpu_ns = ex.cpu_ns;
  const MemorySample self = ProcSampler::sample_self(ex.end_ns);
  if (self.rss) x.self_rss = *self.rss;
  if (const auto cpu = self_cpu_ns()) {
    x.self_cpu_ns = *cpu;
  } else if (self.cpu_user_ns && self.cpu_sys_ns) {
    x.self_cpu_ns = *self.cpu_user_ns + *self.cpu_sys_ns;
  }
  // First: finish() passes on the program's lines the session still held (a
  // line that began like a runtime line, and those after it), which come
  // before anything gcsight says.
  const Report report = session.finish(x);
  if (output_fd >= 0) close(output_fd);
  if (recording) {
    recording->exit(x);
    std::string err;
    if (!recording->close(&err)) own_words() << "gcsight: " << err << "\n";
  }

  // Reports never change the exit status: a failure to write one is a message.
  if (csv_file) {
    std::string err;
    if (!csv_file->commit(&err)) own_words() << "gcsight: " << err << "\n";
  }
  if (!a.json_file.empty()) {
    std::string err;
    if (!write_file_whole(a.json_file, render_json(report), &err)) own_words() << "gcsight: " << err << "\n";
  }
  if (!a.html_file.empty()) {
    std::string err;
    HtmlFacts facts;
    for (const std::string& arg : report.process.command) facts.title += (facts.title.empty() ? "" : " ") + arg;
    if (!write_file_whole(a.html_file, render_html(report, facts), &err)) own_words() << "gcsight: " << err << "\n";
  }
  if (metrics) {
    LiveSnapshot s = snapshot_of_report(report);
    metrics->publish(render_prometheus(s, kVersion));
  }
  if (!a.quiet) {
    own_words() << render_text(report, text_style(a.color, a.charts, STDERR_FILENO));
  }
  if (metrics && a.metrics_linger_ns > 0) linger(a.metrics_linger_ns);
  return ex.status;
}

}  // namespace gcsight
