// Small things the end-to-end tests share: a file's bytes, a shell command's
// exit status and output, a program the test talks to while it runs, and
// a directory of its own.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gcsight::testing_support {

/// The whole file, byte for byte; empty when it cannot be read (not written yet).
std::string slurp(const std::filesystem::path& p);
/// The exit status of `sh -c cmd`, or -1 when it did not exit normally.
///
/// The command runs in a process group of its own, watched: past
/// GCSIGHT_TEST_DEADLINE_S seconds (600 by default) the group is killed, what
/// each of its processes was doing is printed, and the result is -1. When one of
/// the tests' Go programs deadlocks inside the Go runtime (every thread on a
/// lock but sysmon, under 5% of a core for GCSIGHT_TEST_STALL_S = 10 s: a
/// hazard of gctrace+scavtrace under heavy stderr, docs/trace-formats.md), the
/// group is killed and the command runs again, at most twice. A command that
/// cannot be started gives -1 too.
int sh(const std::string& cmd);
/// What `sh -c cmd` wrote on its stdout, and its exit status as sh() gives it (watched the same way).
struct Captured {
  int status = -1;
  std::string out;
};
Captured sh_capture(const std::string& cmd);

class GroupWatch;

/// A program a test starts and talks to while it runs, watched as sh() watches
/// a command: in a process group of its own, with its stdout and stderr written
/// to files (the same file when both paths are), and `env` entries
/// ("NAME=value") in place of the test's own of those names. The group is killed when
/// the Child goes, so a failed assertion leaves nothing running.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::filesystem::path& out, const std::filesystem::path& err,
        const std::vector<std::string>& env = {});
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Its exit status once it has ended (128+N when signal N ended it), else
  /// nothing. -1 when it could not be started, or once the watch killed its
  /// group: past GCSIGHT_TEST_DEADLINE_S, or one of the tests' Go programs
  /// deadlocked in its runtime (what the watch saw is printed).
  std::optional<int> poll();
  /// Waits for poll() to give a status.
  int wait();
  /// Sends `sig` to the program (not to its group), then wait().
  int stop(int sig = SIGTERM);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::unique_ptr<GroupWatch> watch_;
};

/// A fresh directory, `gcsight-TAG-XXXXXX` under the system's temporary one,
/// removed with everything in it when this goes.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }
  /// Writes `data` to the file `name` in the directory: its path.
  std::filesystem::path write(const std::string& name, const std::string& data) const;

 private:
  std::filesystem::path path_;
};

}  // namespace gcsight::testing_support
