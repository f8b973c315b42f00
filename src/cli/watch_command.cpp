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
#include "cli/watch_command.h"

#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "core/analyzer.h"
#include "core/log_wrapper.h"
#include "core/recent_pauses.h"
#include "gcsight/version.h"
#include "io/child_runner.h"
#include "io/file_follower.h"
#include "io/metrics_server.h"
#include "render/render_prometheus.h"
#include "render/render_watch.h"

namespace gcsight {
namespace {

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
  }
  g_stop = 0;
  install_stop_handlers();

  RecentPauses pauses;
  uint32_t last_run = 0;
  bool changed = true;
  Analyzer analyzer({}, [&](uint32_t run, const GcCycle& c) {
    last_run = run;
    pauses.add(c.stw_ns());
    changed = true;
    if (json) out(ndjson_cycle(run, c));
  });
  analyzer.begin_input(a.input == "-" ? "<stdin>" : a.input);
  UnwrapOptions uopts;
  uopts.default_year = current_year();
  LogUnwrapper unwrap(uopts);
  LineStitcher stitcher([&](const TraceEvent& e) {
    analyzer.on_event(e);
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
  cb.note = [](const std::string& msg) { std::cerr << "gcsight: watch: " << msg << "\n"; };

  const int64_t started = monotonic_ns();
  auto status = [&](bool final) {
    WatchStatus s;
    s.live = analyzer.live();
    s.live.lines = follower->lines();
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

  int rc = kExitOk;
  int64_t next_status = started + a.interval_ns;
  publish(status(false));
  for (;;) {
    const bool more = follower->poll(cb);
    const int64_t now = monotonic_ns();
    if (now >= next_status) {
      const WatchStatus s = status(false);
      out(json ? ndjson_summary(s) : status_line(s));
      publish(s);
      while (next_status <= now) next_status += a.interval_ns;
    } else if (changed && metrics) {
      publish(status(false));
    }
    std::fflush(stdout);
    if (!more) {
      if (!follower->error().empty()) {
        std::cerr << "gcsight: " << follower->error() << "\n";
        rc = kExitInput;
      }
      break;
    }
    if (g_stop != 0) break;
    const int64_t wait_ns = std::min(a.poll_ns, next_status - now);
    if (follower->wait_fd() >= 0) {
      pollfd p{follower->wait_fd(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(wait_ns / 1'000'000) + 1);
    } else {
      timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000), static_cast<long>(wait_ns % 1'000'000'000)};
      nanosleep(&ts, nullptr);
    }
    if (g_stop != 0) {
      follower->poll(cb);  // what was written up to the signal
      break;
    }
  }
  while (unwrap.finish(u)) stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, last_terminated});
  stitcher.finish();
  const WatchStatus s = status(true);
  out(json ? ndjson_summary(s) : status_line(s));
  std::fflush(stdout);
  publish(s);
  return rc;
}

}  // namespace gcsight
