// The watched shell and children of the end-to-end tests: a command past its
// deadline is killed and fails, and a test program deadlocked inside its
// runtime is run again (a shell command) or killed (a child) instead of
// hanging the suite.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "support/e2e.h"

namespace gcsight::testing_support {
namespace {

namespace fs = std::filesystem;

class WatchedShell : public ::testing::Test {
 protected:
  static double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  // The process whose pid a command wrote to `pid_file` is gone, or a zombie
  // until whatever adopted it reaps it.
  static void expect_gone(const fs::path& pid_file) {
    const std::string pid = slurp(pid_file);
    ASSERT_FALSE(pid.empty());
    usleep(200'000);
    const std::string stat = slurp("/proc/" + pid.substr(0, pid.find('\n')) + "/stat");
    EXPECT_TRUE(stat.empty() || stat.find(") Z ") != std::string::npos) << "the grandchild still runs: " << stat;
  }
  TempDir dir_{"shell"};
};

TEST_F(WatchedShell, ExitStatusAndOutputAsTheShellGivesThem) {
  EXPECT_EQ(sh("exit 7"), 7);
  EXPECT_EQ(sh("kill -9 $$"), -1);
  const Captured c = sh_capture("printf 'a\\nb'; echo err >&2; exit 3");
  EXPECT_EQ(c.status, 3);
  EXPECT_EQ(c.out, "a\nb");
}

TEST_F(WatchedShell, ACommandPastItsDeadlineIsKilledWithEverythingItStarted) {
  ::setenv("GCSIGHT_TEST_DEADLINE_S", "2", 1);
  const auto t0 = std::chrono::steady_clock::now();
  // A grandchild that ignores SIGTERM is killed too: the whole group goes.
  EXPECT_EQ(sh("trap '' TERM; sleep 60 & echo $! > " + (dir_ / "pid").string() + "; wait"), -1);
  EXPECT_LT(seconds_since(t0), 30);
  expect_gone(dir_ / "pid");
  ::unsetenv("GCSIGHT_TEST_DEADLINE_S");
}

// A stand-in for a Go program deadlocked in its runtime, named as the tests'
// Go programs are: its one thread sleeps in futex and uses no CPU.
TEST_F(WatchedShell, AGoProgramDeadlockedInItsRuntimeRunsAgainTwiceAtMost) {
  ::setenv("GCSIGHT_TEST_STALL_S", "1", 1);
  const fs::path prog = dir_ / "gcprog";
  std::ofstream(prog) << "#!/usr/bin/python3\nimport threading\nthreading.Event().wait()\n";
  fs::permissions(prog, fs::perms::owner_all);
  const fs::path runs = dir_ / "runs";
  EXPECT_EQ(sh("echo run >> " + runs.string() + "; " + prog.string()), -1);
  EXPECT_EQ(slurp(runs), "run\nrun\nrun\n");

  // Once it exits, the first run that does not hang gives the status.
  const fs::path once = dir_ / "once";
  EXPECT_EQ(sh("if [ -e " + once.string() + " ]; then exit 5; fi; touch " + once.string() + "; " + prog.string()), 5);
  ::unsetenv("GCSIGHT_TEST_STALL_S");
}

// A program waiting on something else (here its input, with a thread waiting
// on a lock meanwhile) is not deadlocked. (A Go program's timers wait in
// epoll, so sleeping with every other thread on a lock is how only a
// deadlocked one looks.)
TEST_F(WatchedShell, AProgramWaitingElsewhereIsLeftAlone) {
  ::setenv("GCSIGHT_TEST_STALL_S", "1", 1);
  const fs::path prog = dir_ / "gcprog";
  std::ofstream(prog) << "#!/usr/bin/python3\nimport sys, threading\n"
                         "threading.Thread(target=threading.Event().wait, daemon=True).start()\n"
                         "sys.stdin.read()\n";
  fs::permissions(prog, fs::perms::owner_all);
  EXPECT_EQ(sh("echo run >> " + (dir_ / "runs").string() + "; sleep 3 | " + prog.string()), 0);
  EXPECT_EQ(slurp(dir_ / "runs"), "run\n");
  ::unsetenv("GCSIGHT_TEST_STALL_S");
}

// A program a test talks to while it runs is watched the same way, and its
// whole group goes with it.
class WatchedChild : public WatchedShell {};

TEST_F(WatchedChild, ExitStatusOutputAndEnvironment) {
  ::setenv("GCSIGHT_CHILD_TEST", "outer", 1);
  const fs::path out = dir_ / "out", err = dir_ / "err";
  Child c({"/bin/sh", "-c", "echo \"$GCSIGHT_CHILD_TEST $EXTRA\"; echo e >&2; exit 4"}, out, err,
          {"GCSIGHT_CHILD_TEST=inner", "EXTRA=x"});
  EXPECT_GT(c.pid(), 0);
  EXPECT_EQ(c.wait(), 4);
  EXPECT_EQ(c.poll(), 4);
  EXPECT_EQ(slurp(out), "inner x\n");
  EXPECT_EQ(slurp(err), "e\n");
  ::unsetenv("GCSIGHT_CHILD_TEST");

  const fs::path both = dir_ / "both";
  Child same({"/bin/sh", "-c", "echo o; echo e >&2"}, both, both);
  EXPECT_EQ(same.wait(), 0);
  EXPECT_EQ(slurp(both), "o\ne\n");

  Child sleeper({"/bin/sleep", "60"}, out, err);
  EXPECT_EQ(sleeper.poll(), std::nullopt);
  EXPECT_EQ(sleeper.stop(), 128 + SIGTERM);
  EXPECT_EQ(sleeper.stop(), 128 + SIGTERM);  // once ended, it stays so

  Child missing({(dir_ / "no-such-program").string()}, out, err);
  EXPECT_EQ(missing.wait(), 127);
}

TEST_F(WatchedChild, PastItsDeadlineTheGroupIsKilled) {
  ::setenv("GCSIGHT_TEST_DEADLINE_S", "2", 1);
  const auto t0 = std::chrono::steady_clock::now();
  Child c({"/bin/sh", "-c", "trap '' TERM; sleep 60 & echo $! > " + (dir_ / "pid").string() + "; wait"},
          dir_ / "out", dir_ / "err");
  ::unsetenv("GCSIGHT_TEST_DEADLINE_S");
  EXPECT_EQ(c.wait(), -1);
  EXPECT_LT(seconds_since(t0), 30);
  expect_gone(dir_ / "pid");
}

TEST_F(WatchedChild, AGoProgramDeadlockedInItsRuntimeIsKilled) {
  ::setenv("GCSIGHT_TEST_STALL_S", "1", 1);
  const fs::path prog = dir_ / "gcprog";
  std::ofstream(prog) << "#!/usr/bin/python3\nimport threading\nthreading.Event().wait()\n";
  fs::permissions(prog, fs::perms::owner_all);
  Child c({"/bin/sh", "-c", prog.string()}, dir_ / "out", dir_ / "err");
  ::unsetenv("GCSIGHT_TEST_STALL_S");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.wait(), -1);
  EXPECT_LT(seconds_since(t0), 30);
}

TEST_F(WatchedChild, WhenItGoesItsGroupGoes) {
  const fs::path pid_file = dir_ / "pid";
  {
    Child c({"/bin/sh", "-c", "sleep 60 & echo $! > " + pid_file.string() + "; wait"}, dir_ / "out", dir_ / "err");
    const auto t0 = std::chrono::steady_clock::now();
    while (slurp(pid_file).empty() && seconds_since(t0) < 10) usleep(10'000);
  }
  expect_gone(pid_file);
}

}  // namespace
}  // namespace gcsight::testing_support
