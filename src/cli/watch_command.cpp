// `gcsight watch`: the analyze pipeline (follower -> unwrapper -> stitcher ->
// analyzer) kept open on a log that grows. Each cycle is written as it is
// assigned to a run (NDJSON), and every interval a status line or summary
// object is written from a LiveSnapshot of the analyzer; the same snapshot
// feeds the metrics endpoint. Nothing here keeps per-cycle state: the
// analyzer's runs are bounded, the pause window is a fixed ring, and the
// follower holds one block and one partial line.
//
// SIGINT and SIGTERM end the loop between two polls, so the line being
// processed is finished; then held-back lines are flushed and a final status
// or summary (final: true) is written.
//
// With --live the status lines give way to the dashboard of `run --live`
// (cli/live_view): the cycles go to its history on the trace's own clock (the
// `@` time plus the phases), so a log read from its start shows its real
// rates, and the log's other lines (the program output interleaved in it) fill
// the output pane. Keys come from /dev/tty, never from standard input, which
// may be the log. The wait between polls includes the terminal, so a key is
// answered at once; q ends watch as SIGINT does. gcsight's own notes (a
// rotation) are shown in the dashboard and said again on stderr at the end.
//
// Standard output is checked at each flush: once a write to it has failed (a
// full disk, a closed descriptor) nothing more can reach the reader, so watch
// says so on stderr and ends with 4, as `analyze` does, instead of following
// the log on with its output going nowhere.
#include "cli/watch_command.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/live_view.h"
#include "cli/output_file.h"
#include "core/analyzer.h"
#include "core/log_wrapper.h"
#include "core/recent_pauses.h"
#include "gcsight/version.h"
#include "io/child_runner.h"
#include "io/file_follower.h"
#include "io/metrics_server.h"
#include "render/render_prometheus.h"
#include "render/units_format.h"
#include "render/render_watch.h"

namespace gcsight {
namespace {

// Runs of a followed log kept in memory (the current one and those before it).
constexpr size_t kRunsKept = 8;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a signal ends the wait at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

int current_year() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

}  // namespace

int run_watch(const WatchArgs& a) {
  const bool json = a.format == "json";
  // With ASCII charts (a locale that is not UTF-8) the status line is ASCII too.
  const bool ascii_text = chart_glyphs(a.charts) == ChartGlyphs::kAscii;
  if (a.live && json) {
    std::cerr << "gcsight: watch: --live and --format json both write to standard output; choose one\n";
    return kExitUsage;
  }
  std::string err;
  auto follower = FileFollower::open(a.input, a.from_end, &err);
  if (!follower) {
    std::cerr << "gcsight: " << err << "\n";
    return kExitInput;
  }
  std::unique_ptr<MetricsServer> metrics;
  if (!a.metrics_listen.empty()) {
    const auto addr = parse_listen_address(a.metrics_listen, &err);
    if (addr) metrics = MetricsServer::start(*addr, std::string(kPrometheusContentType), &err);
    if (!metrics) {
      std::cerr << "gcsight: --metrics-listen: " << err << "\n";
      return kExitUsage;
    }
    // Port 0 is the kernel's choice: the only way to learn it.
    if (addr->port == 0) std::cerr << "gcsight: metrics at " << metrics_url(*addr, metrics->port()) << "\n";
  }
  std::unique_ptr<LiveTerminal> terminal;
  std::unique_ptr<LiveDashboard> dashboard;
  if (a.live) {
    // Standard input may be the log itself: keys only from /dev/tty then.
    terminal = LiveTerminal::open(&err, a.input != "-");
    if (terminal) {
      dashboard = std::make_unique<LiveDashboard>("watch " + (a.input == "-" ? std::string("<stdin>") : a.input),
                                                  *terminal, chart_glyphs(a.charts), true);
      dashboard->set_pane_title("the log's other lines");
    } else {
      std::cerr << "gcsight: --live: " << err << "; running as a plain watch\n";
    }
  }
  // After the terminal's handlers: SIGINT and SIGTERM end watch as usual, and
  // the dashboard's destructor restores the screen.
  g_stop = 0;
  install_stop_handlers();

  const int64_t started = monotonic_ns();
  RecentPauses pauses;
  uint32_t last_run = 0;
  uint32_t dashboard_run = UINT32_MAX;
  bool changed = true;
  // A log followed for days may hold many restarts of its process: the runs
  // before the last few are dropped, so memory stays bounded.
  AnalyzeOptions analyze_options;
  analyze_options.max_runs = kRunsKept;
  Analyzer analyzer(analyze_options, [&](uint32_t run, const GcCycle& c) {
    // The window describes the run begun last, as the dashboard's history does.
    if (run != last_run) pauses = RecentPauses{};
    last_run = run;
    pauses.add(c.stw_ns());
    changed = true;
    if (json) out(ndjson_cycle(run, c));
    if (dashboard) {
      if (run != dashboard_run) {
        dashboard->reset_history();  // a restarted process: its clock starts again
        dashboard_run = run;
      }
      // The trace's clock: the cycle's end since its process started (Go <= 1.4
      // lines have no time: when they were read).
      const int64_t t = c.has(kGcHasTime)
                            ? c.start_ns + static_cast<int64_t>(c.clock_ns[0] + c.clock_ns[1] + c.clock_ns[2])
                            : monotonic_ns() - started;
      dashboard->on_cycle(c, t);
    }
  });
  analyzer.begin_input(a.input == "-" ? "<stdin>" : a.input);
  UnwrapOptions uopts;
  uopts.default_year = current_year();
  LogUnwrapper unwrap(uopts);
  LineStitcher stitcher([&](const TraceEvent& e) {
    analyzer.on_event(e);
    if (dashboard && (e.kind == EventKind::kProgram || e.kind == EventKind::kMalformed)) {
      // The log's other lines, as `run` passes them through: text before a
      // runtime line on the same line has no newline of its own.
      dashboard->on_output(e.text);
      const bool prefix = e.kind == EventKind::kProgram && e.role == TextRole::kPrefix;
      if (!prefix && e.terminated) dashboard->on_output("\n");
    }
    if (e.kind == EventKind::kScav) {
      changed = true;
      if (json) out(ndjson_scav(last_run, e.scav));
    }
  });
  Unwrapped u;
  FollowCallbacks cb;
  bool last_terminated = true;
  cb.line = [&](std::string_view text, uint64_t number, bool terminated) {
    last_terminated = terminated;
    if (unwrap.feed(text, number, u)) stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, terminated});
  };
  std::vector<std::string> notes;  // said on the dashboard, and again on stderr once it is gone
  cb.note = [&](const std::string& msg) {
    if (!dashboard) {
      std::cerr << "gcsight: watch: " << msg << "\n";
      return;
    }
    dashboard->set_notice(msg);
    if (notes.size() == 20) notes.erase(notes.begin());
    notes.push_back(msg);
  };

  auto snapshot = [&] {
    LiveSnapshot l = analyzer.live();
    l.lines = follower->lines();
    return l;
  };
  auto status = [&](bool final) {
    WatchStatus s;
    s.live = snapshot();
    s.window_cycles = pauses.count();
    s.last_pause_ns = pauses.last();
    s.window_p99_pause_ns = pauses.percentile(99);
    s.elapsed_ns = monotonic_ns() - started;
    s.rotations = follower->rotations();
    s.truncations = follower->truncations();
    s.final = final;
    return s;
  };
  auto publish = [&](const WatchStatus& s) {
    if (metrics) metrics->publish(render_prometheus(s.live, kVersion));
    changed = false;
  };

  auto findings = [&] { return analyzer.live_findings(); };

  int rc = kExitOk;
  std::string read_error;
  std::string output_error;  // standard output lost: said at the end, exit 4
  int64_t next_status = started + a.interval_ns;
  bool input_open = true;  // standard input has not ended
  bool keys_open = dashboard != nullptr && terminal->input_fd() >= 0;
  publish(status(false));
  bool catching_up = false;  // the dashboard says how much of a large log is read
  for (;;) {
    const bool more = !input_open || follower->poll(cb);
    const int64_t now = monotonic_ns();
    if (dashboard && (follower->behind() || catching_up)) {
      catching_up = follower->behind();
      dashboard->set_notice(catching_up ? fmt::format("reading what the log holds: {} so far", format_bytes(follower->bytes()))
                                        : std::string());
    }
    if (now >= next_status) {
      const WatchStatus s = status(false);
      if (!dashboard) out(json ? ndjson_summary(s) : status_line(s, ascii_text));
      publish(s);
      while (next_status <= now) next_status += a.interval_ns;
    } else if (changed && metrics) {
      publish(status(false));
    }
    if (!dashboard && !flush_stdout(&output_error)) break;
    if (!more && input_open) {
      input_open = false;
      if (!follower->error().empty()) {
        read_error = follower->error();
        rc = kExitInput;
      }
      // The dashboard stays up, on what was read, until q or a signal.
      if (!dashboard) break;
      dashboard->set_notice(read_error.empty() ? "the input ended; q quits" : read_error + "; q quits");
    }
    if (dashboard && dashboard->poll(now - started, snapshot, findings)) break;
    if (g_stop != 0) break;
    // Files are polled on a timer; standard input and the terminal are waited on.
    int64_t wait_ns = std::min(a.poll_ns, next_status - now);
    if (dashboard) wait_ns = std::min<int64_t>(wait_ns, 100'000'000);  // frames are due every 250 ms at most
    if (input_open && follower->behind()) wait_ns = 0;  // more of the file is there already
    pollfd fds[2] = {{input_open ? follower->wait_fd() : -1, POLLIN, 0}, {keys_open ? terminal->input_fd() : -1, POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(std::max<int64_t>(wait_ns, 0) / 1'000'000) + 1);
    if (fds[1].revents != 0 && (fds[1].revents & POLLIN) == 0) keys_open = false;  // hung up
    if (g_stop != 0) {
      if (input_open) follower->poll(cb);  // what was written up to the signal
      break;
    }
  }
  while (unwrap.finish(u)) stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, last_terminated});
  stitcher.finish();
  if (dashboard) {
    // The screen as it was; then what the dashboard said, and the final status.
    dashboard.reset();
    terminal.reset();
    for (const std::string& n : notes) std::cerr << "gcsight: watch: " << n << "\n";
  }
  if (!read_error.empty()) std::cerr << "gcsight: " << read_error << "\n";
  const WatchStatus s = status(true);
  if (output_error.empty()) {
    out(json ? ndjson_summary(s) : status_line(s, ascii_text));
    flush_stdout(&output_error);
  }
  publish(s);
  if (!output_error.empty()) {
    std::cerr << "gcsight: " << output_error << "\n";
    rc = kExitOutput;  // 4 wins over 3
  }
  return rc;
}

}  // namespace gcsight
