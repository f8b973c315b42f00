// The child runner: fork + execvpe with stdout/stderr on pipes, one poll loop.
//
// Exec failure is reported through a close-on-exec pipe: the child writes its
// errno there only if execvpe returns, so the parent knows "not found" (127)
// from "not executable" (126) without guessing.
//
// Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT must reach the program once.
// A signal typed at the terminal (Ctrl-C) goes to the whole foreground process
// group, child included, and arrives here with si_code SI_KERNEL: forwarding it
// would deliver it twice. A signal sent to gcsight alone (kill PID: SI_USER,
// sigqueue, tgkill) has not reached the child, and is forwarded. gcsight itself
// keeps running until the child ends, so the report is still produced.
//
// SIGPIPE is the caller's (gcsight ignores it, so that a reader of its output
// that goes away cannot end it before the report); the child gets the
// disposition gcsight was started with. When the caller no longer takes the
// child's stdout, the pipe is closed, so the child meets a closed pipe itself:
// on the caller's word (a write of it failed with EPIPE), or as soon as the
// caller's own stdout reports that its reader has gone, which catches the
// child's next write however long it is in coming.
#include "io/child_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace gcsight {
namespace {

// User + system CPU time of a rusage.
uint64_t cpu_ns(const rusage& u) {
  auto ns = [](const timeval& tv) {
    return static_cast<uint64_t>(tv.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(tv.tv_usec) * 1000u;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

constexpr size_t kSmallRead = 4096;
constexpr int kPipeBytes = 1 << 20;
constexpr long kPartialPauseNs = 50'000'000;  // 50 ms: a line's pieces, and the next lines, come together

int g_signal_pipe = -1;

void on_signal(int sig, siginfo_t* info, void*) {
  const int saved = errno;
  // Terminal-generated signals already reached the child's process group.
  const bool from_user = info != nullptr && info->si_code <= 0;
  const std::array<int, 2> msg{sig, from_user ? 1 : 0};
  if (g_signal_pipe >= 0) {
    [[maybe_unused]] ssize_t n = write(g_signal_pipe, msg.data(), sizeof(msg));
  }
  errno = saved;
}

void on_sigchld(int, siginfo_t*, void*) {
  const int saved = errno;
  const std::array<int, 2> msg{SIGCHLD, 0};
  if (g_signal_pipe >= 0) {
    [[maybe_unused]] ssize_t n = write(g_signal_pipe, msg.data(), sizeof(msg));
  }
  errno = saved;
}

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

struct SignalGuard {
  struct sigaction old[4] = {};
  struct sigaction old_chld = {};
  int pipe_fds[2] = {-1, -1};
  bool ok = false;
  SignalGuard() {
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
    g_signal_pipe = pipe_fds[1];
    struct sigaction sa = {};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 4; ++i) sigaction(kForwarded[i], &sa, &old[i]);
    struct sigaction sc = {};
    sc.sa_sigaction = on_sigchld;
    sc.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sc.sa_mask);
    sigaction(SIGCHLD, &sc, &old_chld);
    ok = true;
  }
  ~SignalGuard() {
    for (size_t i = 0; i < 4; ++i) sigaction(kForwarded[i], &old[i], nullptr);
    sigaction(SIGCHLD, &old_chld, nullptr);
    g_signal_pipe = -1;
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    if (pipe_fds[1] >= 0) close(pipe_fds[1]);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
};

int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

int64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }
int64_t realtime_ns() { return clock_ns(CLOCK_REALTIME); }

ChildExit run_child(const ChildSpec& spec, const ChildCallbacks& cb) {
  ChildExit result;
  if (spec.argv.empty()) {
    result.error = "no program given";
    return result;
  }
  SignalGuard guard;
  if (!guard.ok) {
    result.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  int out[2], err[2], exec_err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(exec_err, O_CLOEXEC) != 0) {
    result.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }  // Room for the program's writes while gcsight is busy or pausing: a write
  // that blocks on a full pipe holds the Go runtime's print lock, and with
  // gctrace/scavtrace on that can deadlock the runtime (its scavenger prints
  // under the heap lock; a stack growth mid-print takes the heap lock). The
  // default is 64 KiB; 1 MiB is the usual per-pipe maximum for users.
  for (int fd : {out[0], err[0]}) fcntl(fd, F_SETPIPE_SZ, kPipeBytes);

  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  const int64_t t0 = monotonic_ns();
  const pid_t pid = fork();
  if (pid < 0) {
    result.error = std::string("cannot fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    // Child: default signal dispositions, pipes on 1 and 2, then exec.
    for (int s : kForwarded) signal(s, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, spec.sigpipe_ignored ? SIG_IGN : SIG_DFL);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execvpe(argv[0], argv.data(), envp.data());
    const int e = errno;
    [[maybe_unused]] ssize_t n = write(exec_err[1], &e, sizeof(e));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  close(exec_err[1]);
  int exec_errno = 0;
  const ssize_t got = read(exec_err[0], &exec_errno, sizeof(exec_errno));
  close(exec_err[0]);
  if (got == static_cast<ssize_t>(sizeof(exec_errno))) {
    int st = 0;
    waitpid(pid, &st, 0);
    close(out[0]);
    close(err[0]);
    result.status = exec_errno == ENOENT ? 127 : 126;
    result.error = "cannot run '" + spec.argv[0] + "': " + std::strerror(exec_errno);
    return result;
  }
  result.started = true;
  if (cb.on_start) cb.on_start(pid);

  std::array<char, 1 << 16> buf{};
  bool out_open = true, err_open = true, reaped = false;
  bool wake_open = cb.wake_fd >= 0;
  bool sink_watched = cb.stdout_sink_fd >= 0;
  int wstatus = 0;
  rusage usage{};
  int64_t next_tick = cb.tick_ns > 0 ? cb.tick_ns : -1;
  // After a small read, wait a moment before the next poll: the writer is
  // most likely still writing (the runtime prints a gc line in ~20 writes, then
  // its scav line), and one read then takes what would have been twenty
  // wakeups. A busy pipe (full reads) is read without pausing.
  bool partial = false;
  bool child_signalled = false;
  // What `fd` holds (empty when nothing was read); at its end it is closed.
  auto drain = [&](int fd, bool& open) {
    const ssize_t n = read(fd, buf.data(), buf.size());
    if (n > 0) {
      if (static_cast<size_t>(n) < kSmallRead) partial = true;
      return std::string_view(buf.data(), static_cast<size_t>(n));
    }
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      open = false;
      close(fd);
    }
    return std::string_view();
  };
  while (out_open || err_open || !reaped) {
    const int64_t now = monotonic_ns() - t0;
    int timeout_ms = -1;
    // Rounded up: a timeout rounded down to 0 ms would spin until the tick is due.
    if (next_tick >= 0) timeout_ms = static_cast<int>(std::max<int64_t>(0, (next_tick - now + 999'999) / 1'000'000));
    // Once the child is gone, do not wait for pipes held open by its own children forever.
    if (reaped) timeout_ms = timeout_ms < 0 ? 200 : std::min(timeout_ms, 200);
    // The stdout sink is asked for nothing: only its error and hang-up are reported.
    pollfd fds[5] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0},
                     {guard.pipe_fds[0], POLLIN, 0}, {wake_open ? cb.wake_fd : -1, POLLIN, 0},
                     {sink_watched && out_open ? cb.stdout_sink_fd : -1, 0, 0}};
    const int r = poll(fds, 5, timeout_ms);
    if (r < 0 && errno != EINTR) break;
    if (r < 0 && cb.on_wake && wake_open) cb.on_wake(monotonic_ns() - t0);  // a resize, say
    if (r > 0) {
      if (fds[3].revents & POLLIN) {
        if (cb.on_wake) cb.on_wake(monotonic_ns() - t0);
      } else if (fds[3].revents != 0) {
        wake_open = false;  // hung up: it would wake every poll
      }
      if (fds[4].revents != 0) {
        // An error is a pipe without a reader; a hang-up (a terminal, a
        // socket) is left to the writes to tell. Either way it is not waited
        // on again: it would wake every poll.
        sink_watched = false;
        if ((fds[4].revents & POLLERR) != 0) {
          out_open = false;
          close(out[0]);
        }
      }
      // Read stderr first: the trace is there, and the order within each stream is what matters.
      if (fds[1].revents != 0) {
        const std::string_view d = drain(err[0], err_open);
        if (!d.empty() && cb.on_stderr) cb.on_stderr(d, monotonic_ns() - t0);
      }
      if (out_open && fds[0].revents != 0) {
        const std::string_view d = drain(out[0], out_open);
        if (!d.empty() && cb.on_stdout && !cb.on_stdout(d, monotonic_ns() - t0)) {
          out_open = false;
          close(out[0]);
        }
      }
      if (fds[2].revents != 0) {
        std::array<int, 2> msg{};
        while (read(guard.pipe_fds[0], msg.data(), sizeof(msg)) == static_cast<ssize_t>(sizeof(msg))) {
          if (msg[0] == SIGCHLD) child_signalled = true;
          if (msg[0] != SIGCHLD && msg[1] == 1 && !reaped) {
            kill(pid, msg[0]);
            ++result.forwarded_signals;
          }
        }
      }
    }
    // waitpid only when SIGCHLD said something changed, or once a tick in
    // case a signal was coalesced: it is a slow call on a many-threaded child.
    const bool tick_due = next_tick >= 0 && monotonic_ns() - t0 >= next_tick;
    const bool check = !reaped && (child_signalled || tick_due || next_tick < 0);
    child_signalled = false;
    if (check && wait4(pid, &wstatus, WNOHANG, &usage) == pid) {
      reaped = true;
      result.end_ns = monotonic_ns() - t0;
    }
    const int64_t after = monotonic_ns() - t0;
    if (next_tick >= 0 && after >= next_tick) {
      if (cb.on_tick && !reaped) cb.on_tick(after);
      while (next_tick <= after) next_tick += cb.tick_ns;
    }
    if (reaped && r == 0) break;  // pipes quiet after the exit: done
    if (partial) {
      partial = false;
      timespec pause{0, kPartialPauseNs};
      nanosleep(&pause, nullptr);
    }
  }
  if (out_open) close(out[0]);
  if (err_open) close(err[0]);
  if (!reaped) {
    wait4(pid, &wstatus, 0, &usage);
    result.end_ns = monotonic_ns() - t0;
  }
  result.cpu_ns = cpu_ns(usage);
  if (WIFSIGNALED(wstatus)) {
    result.signaled = true;
    result.signal = WTERMSIG(wstatus);
    result.status = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(wstatus);
    result.status = result.exit_code;
  }
  return result;
}

std::optional<uint64_t> self_cpu_ns() {
  rusage own{};
  if (getrusage(RUSAGE_SELF, &own) != 0) return std::nullopt;
  return cpu_ns(own);
}

}  // namespace gcsight
