// Runs a program as a child process with its stdout and stderr on pipes,
// forwarding signals and calling back with every chunk of output and at a
// fixed tick (for sampling), until the child has exited and its pipes are
// drained. The exit status follows env(1)/timeout(1): the child's own status,
// 128+N when it died by signal N, 126 when it cannot be executed, 127 when it
// is not found.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gcsight {

/// What to run.
struct ChildSpec {
  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH
  std::vector<std::string> env;   ///< the complete environment, NAME=value
  /// Start it with SIGPIPE ignored (as gcsight itself was started); otherwise
  /// with SIGPIPE's default action, whatever gcsight does with it.
  bool sigpipe_ignored = false;
};

/// Callbacks; `t_ns` is monotonic time since the child was started.
struct ChildCallbacks {
  /// False once nothing takes the program's stdout any more (gcsight's own
  /// reader has gone): the pipe is closed, and the program's next write to it
  /// fails as it would have without gcsight.
  std::function<bool(std::string_view data, int64_t t_ns)> on_stdout;
  std::function<void(std::string_view data, int64_t t_ns)> on_stderr;
  std::function<void(int64_t t_ns)> on_tick;  ///< every tick_ns while the child runs
  int64_t tick_ns = 100'000'000;
  std::function<void(int pid)> on_start;      ///< once the child exists
  /// Another descriptor to wait on (the live dashboard's terminal), or -1: on_wake
  /// is called when it is readable, and when a signal (a resize) ends the wait. It
  /// is no longer waited on once it hangs up.
  int wake_fd = -1;
  std::function<void(int64_t t_ns)> on_wake;
  /// Where the program's stdout is passed on (gcsight's own stdout), or -1:
  /// watched for its reader going away (a pipe's writer sees an error), when
  /// the program's stdout pipe is closed at once, as on_stdout returning
  /// false does, so that its next write fails as it would have without gcsight.
  int stdout_sink_fd = -1;
};

/// How the child ended.
struct ChildExit {
  int status = 125;        ///< what gcsight should exit with
  bool started = false;    ///< the program was executed
  bool signaled = false;   ///< it died by a signal
  int signal = 0;
  int exit_code = 0;
  int forwarded_signals = 0;
  int64_t end_ns = 0;      ///< when it was reaped
  uint64_t cpu_ns = 0;     ///< its CPU time, user + system, from wait4 (its waited-for children included)
  std::string error;       ///< why it could not be started
};

/// Runs the child to completion.
ChildExit run_child(const ChildSpec& spec, const ChildCallbacks& cb);

/// Monotonic clock in ns (CLOCK_MONOTONIC).
int64_t monotonic_ns();

/// gcsight's own CPU time, user + system, from getrusage (to the microsecond,
/// where /proc/self/stat counts clock ticks); nullopt if it fails.
std::optional<uint64_t> self_cpu_ns();
/// Wall clock in unix ns (CLOCK_REALTIME).
int64_t realtime_ns();

}  // namespace gcsight
