// End-to-end tests of `gcsight run --live` and `gcsight watch --live` in a
// real terminal: tmux runs the dashboard around a real Go program
// (tests/e2e/programs/gcprog) or a log the test writes, at a fixed size, and
// the tests read the screen with `tmux capture-pane`, type keys with
// `tmux send-keys`, and ask whether the alternate screen is still on
// (`#{alternate_on}`). Each test has its own tmux server (-L), so a user's
// sessions are never touched. Skipped when tmux or the Go programs are missing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <csignal>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "support/e2e.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBin = GCSIGHT_BINARY;

fs::path first_gcprog() {
  const fs::path dir(GCSIGHT_GO_PROGRAMS);
  std::vector<fs::path> out;
  if (fs::exists(dir)) {
    for (const auto& v : fs::directory_iterator(dir)) {
      if (fs::exists(v.path() / "gcprog")) out.push_back(v.path() / "gcprog");
    }
  }
  std::sort(out.begin(), out.end());
  return out.empty() ? fs::path() : out.back();
}

using gcsight::testing_support::sh;

std::string capture(const std::string& cmd) { return gcsight::testing_support::sh_capture(cmd).out; }

using gcsight::testing_support::slurp;

std::string q(const std::string& s) { return "'" + s + "'"; }

class LiveE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (sh("command -v tmux >/dev/null 2>&1") != 0) GTEST_SKIP() << "tmux is not installed (scripts/setup.sh installs it)";
    prog_ = first_gcprog();
    if (prog_.empty()) GTEST_SKIP() << "no Go toolchain: the Go programs were not built";
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    socket_ = "gcsight-test-" + std::to_string(getpid()) + "-" + name;
  }
  void TearDown() override {
    if (!socket_.empty()) sh("tmux -L " + socket_ + " kill-server >/dev/null 2>&1");
  }
  // Starts `env gcsight run --live ARGS -- gcprog` in a 120x40 tmux session; its status goes to dir_/exit.
  void start(const std::string& env, const std::string& args) {
    start_shell("env " + env + " " + q(kBin) + " run --live " + args + " -- " + q(prog_.string()));
  }
  // Runs `command` (a shell command line, with gcsight's pid in dir_/pid when it
  // is started through exec_gcsight()) in the session; then its status goes to
  // dir_/exit and the terminal's modes to dir_/stty.
  void start_shell(const std::string& command) {
    const std::string inner = command + "; echo EXIT=$? > " + q((dir_ / "exit").string()) + "; stty -a > " +
                              q((dir_ / "stty").string()) + "; sleep 30";
    ASSERT_EQ(sh("tmux -L " + socket_ + " -f /dev/null new-session -d -x 120 -y 40 " + q(inner)), 0);
  }
  // `sh -c` that writes its pid and becomes gcsight with `args`.
  std::string exec_gcsight(const std::string& args) {
    // \$\$: expanded by `sh -c` itself (its pid, which exec hands to gcsight), not by the outer shell.
    return "sh -c " + q_inner("echo \\$\\$ > " + (dir_ / "pid").string() + "; exec " + kBin + " " + args);
  }
  static std::string q_inner(const std::string& s) { return "\"" + s + "\""; }
  pid_t gcsight_pid() {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) {
      const std::string p = slurp(dir_ / "pid");
      if (!p.empty()) return static_cast<pid_t>(std::stol(p));
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }
  std::string alternate_on() {
    std::string a = capture("tmux -L " + socket_ + " display -p -t 0 '#{alternate_on}' 2>/dev/null");
    while (!a.empty() && a.back() == '\n') a.pop_back();
    return a;
  }
  // The terminal's modes after gcsight ended: canonical input and echo are back.
  void expect_modes_restored() {
    std::string modes;
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (modes.empty() && std::chrono::steady_clock::now() < until) {
      modes = slurp(dir_ / "stty");
      std::this_thread::sleep_for(50ms);
    }
    ASSERT_FALSE(modes.empty());
    EXPECT_EQ(modes.find("-icanon"), std::string::npos) << modes;
    EXPECT_EQ(modes.find("-echo "), std::string::npos) << modes;
    EXPECT_NE(modes.find("susp = ^Z"), std::string::npos) << modes;
  }
  std::string screen() { return capture("tmux -L " + socket_ + " capture-pane -p -t 0 2>/dev/null"); }
  void keys(const std::string& k) { sh("tmux -L " + socket_ + " send-keys -t 0 " + k); }
  // Waits up to `limit` for the screen to satisfy `ok`; returns the last screen.
  std::string wait_screen(const std::function<bool(const std::string&)>& ok, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::string s;
    while (std::chrono::steady_clock::now() < until) {
      s = screen();
      if (ok(s)) return s;
      std::this_thread::sleep_for(100ms);
    }
    return s;
  }
  std::string wait_exit(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      const std::string e = slurp(dir_ / "exit");
      if (!e.empty()) return e;
      std::this_thread::sleep_for(100ms);
    }
    return {};
  }
  fs::path prog_;
  gcsight::testing_support::TempDir dir_{"live"};
  std::string socket_;
};

long cycles_on(const std::string& screen) {
  static const std::regex re("cycles ([0-9,]+)");
  std::smatch m;
  if (!std::regex_search(screen, m, re)) return -1;
  std::string digits = m[1];
  digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
  return std::stol(digits);
}

TEST_F(LiveE2E, FiguresUpdatePauseAndQuitEndsTheProgram) {
  const fs::path output = dir_ / "output.txt";
  start("HANDLE_SIGTERM=1 ALLOC_MB_PER_S=200 DURATION_MS=15000 STDOUT_MB=0.01",
        "--output " + q(output.string()));
  std::string s = wait_screen([](const std::string& x) { return x.find("live heap") != std::string::npos && cycles_on(x) > 0; });
  ASSERT_NE(s.find("live heap"), std::string::npos) << s;
  EXPECT_NE(s.find("gcsight live"), std::string::npos) << s;
  EXPECT_NE(s.find("program output"), std::string::npos) << s;
  EXPECT_NE(s.find("RSS"), std::string::npos) << s;
  const long first = cycles_on(s);
  ASSERT_GT(first, 0) << s;
  s = wait_screen([&](const std::string& x) { return cycles_on(x) > first; });
  EXPECT_GT(cycles_on(s), first) << "the figures did not update:\n" << s;
  // The program's output is in the pane (its latest lines).
  s = wait_screen([](const std::string& x) { return x.find("out 0") != std::string::npos; }, 5s);
  EXPECT_NE(s.find("out 0"), std::string::npos) << s;

  keys("p");
  s = wait_screen([](const std::string& x) { return x.find("[PAUSED") != std::string::npos; }, 3s);
  EXPECT_NE(s.find("[PAUSED"), std::string::npos) << s;
  keys("p");
  s = wait_screen([](const std::string& x) { return x.find("[PAUSED") == std::string::npos; }, 3s);
  EXPECT_EQ(s.find("[PAUSED"), std::string::npos) << s;

  const auto quit_at = std::chrono::steady_clock::now();
  keys("q");
  const std::string exit = wait_exit(10s);
  // gcprog handles SIGTERM by exiting 0; it was asked to run for 15 s.
  EXPECT_EQ(exit, "EXIT=0\n");
  EXPECT_LT(std::chrono::steady_clock::now() - quit_at, 8s);
  const std::string out = slurp(output);
  EXPECT_NE(out.find("got SIGTERM"), std::string::npos);
  EXPECT_EQ(out.rfind("out 000001 ", 0), 0u) << out.substr(0, 200);
  // The terminal is back on the main screen: the report follows there.
  s = wait_screen([](const std::string& x) { return x.find("EXIT") != std::string::npos || x.find("gc") != std::string::npos; }, 3s);
  EXPECT_EQ(s.find("[PAUSED"), std::string::npos) << s;
  EXPECT_EQ(s.find("q quit | p pause"), std::string::npos) << s;
}

TEST_F(LiveE2E, TheProgramsOwnExitStatusIsPassedOn) {
  start("EXIT_CODE=3 ALLOC_MB_PER_S=100 DURATION_MS=2000", "");
  const std::string s = wait_screen([](const std::string& x) { return x.find("live heap") != std::string::npos; }, 5s);
  EXPECT_NE(s.find("live heap"), std::string::npos) << s;
  EXPECT_EQ(wait_exit(15s), "EXIT=3\n");
}

TEST_F(LiveE2E, WithoutATerminalItSaysSoAndRunsPlain) {
  const fs::path err = dir_ / "err.txt", out = dir_ / "out.txt";
  const int rc = sh("EXIT_CODE=3 STDOUT_MB=0.001 DURATION_MS=100 " + q(kBin) + " run --live --color never -- " +
                    q(prog_.string()) + " >" + q(out.string()) + " 2>" + q(err.string()));
  EXPECT_EQ(rc, 3);
  const std::string e = slurp(err);
  EXPECT_EQ(e.rfind("gcsight: --live: standard output is not a terminal; running without the dashboard\n", 0), 0u) << e;
  EXPECT_EQ(slurp(out).rfind("out 000001 ", 0), 0u);
}

// -q is "no report and no warnings": the one about --live included.
TEST_F(LiveE2E, WithoutATerminalAndQuietItRunsPlainSilently) {
  const fs::path err = dir_ / "err.txt", out = dir_ / "out.txt";
  const int rc = sh("EXIT_CODE=3 STDOUT_MB=0.001 DURATION_MS=100 " + q(kBin) + " run --live -q -- " + q(prog_.string()) +
                    " >" + q(out.string()) + " 2>" + q(err.string()));
  EXPECT_EQ(rc, 3);
  EXPECT_EQ(slurp(err), "");
  EXPECT_EQ(slurp(out).rfind("out 000001 ", 0), 0u);
}

// A log for `watch`: the first `lines` lines of a real capture (gc lines with
// the program's own lines between them).
std::string capture_lines(size_t from, size_t to) {
  std::ifstream f(fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.23.5/churn-gogc100/combined.log");
  std::string out, line;
  for (size_t i = 0; std::getline(f, line) && i < to; ++i) {
    if (i >= from) out += line + "\n";
  }
  return out;
}

void append_to(const fs::path& p, const std::string& data) { std::ofstream(p, std::ios::app) << data; }

TEST_F(LiveE2E, WatchShowsTheFollowedLogAndItsOtherLinesAndQQuits) {
  const fs::path log = dir_ / "app.log";
  append_to(log, capture_lines(0, 200) + "wide \xe4\xb8\xad\xe6\x96\x87 marker one\n");
  start_shell("env LANG=C.UTF-8 " + q(kBin) + " watch --live --poll 0.05 " + q(log.string()));
  std::string s = wait_screen([](const std::string& x) { return cycles_on(x) > 0 && x.find("marker one") != std::string::npos; });
  ASSERT_GT(cycles_on(s), 0) << s;
  EXPECT_NE(s.find("gcsight live | watch " + log.string()), std::string::npos) << s;
  EXPECT_NE(s.find("the log's other lines"), std::string::npos) << s;
  EXPECT_NE(s.find("INFO worker="), std::string::npos) << s;  // the program's lines in the log
  EXPECT_NE(s.find("RSS unknown (not in the trace)"), std::string::npos) << s;
  EXPECT_EQ(s.find("RSS 0"), std::string::npos) << s;
  EXPECT_NE(s.find("of the trace)"), std::string::npos) << s;
  EXPECT_EQ(alternate_on(), "1");
  const long first = cycles_on(s);
  append_to(log, capture_lines(200, 100000) + "marker two\n");
  s = wait_screen([&](const std::string& x) { return cycles_on(x) > first && x.find("marker two") != std::string::npos; });
  EXPECT_EQ(cycles_on(s), 188) << s;
  // The keys are answered at once (the wait includes the terminal), not at the next poll.
  keys("p");
  s = wait_screen([](const std::string& x) { return x.find("[PAUSED") != std::string::npos; }, 3s);
  EXPECT_NE(s.find("[PAUSED"), std::string::npos) << s;
  keys("q");
  EXPECT_EQ(wait_exit(5s), "EXIT=0\n");
  s = wait_screen([](const std::string& x) { return x.find("| final") != std::string::npos; }, 3s);
  EXPECT_NE(s.find("188 cycles | gc 188"), std::string::npos) << s;  // the final status, on the main screen
  EXPECT_EQ(alternate_on(), "0");
  expect_modes_restored();
}

TEST_F(LiveE2E, HistoryAndZoomKeysMoveTheCharts) {
  // 188 cycles over 20 s of the trace's clock: zoomed in to 10 s, the charts
  // can go back in time, and End brings them to the newest again.
  const fs::path log = dir_ / "app.log";
  append_to(log, capture_lines(0, 100000));
  start_shell("env LANG=C.UTF-8 " + q(kBin) + " watch --live --poll 0.05 " + q(log.string()));
  std::string s = wait_screen([](const std::string& x) { return cycles_on(x) == 188; });
  ASSERT_EQ(cycles_on(s), 188) << s;
  EXPECT_NE(s.find("last 20"), std::string::npos) << s;  // the whole trace: shorter than the 5 minutes shown at first
  keys("+ + +");
  s = wait_screen([](const std::string& x) { return x.find("last 10.0 s of the trace") != std::string::npos; }, 3s);
  EXPECT_NE(s.find("last 10.0 s of the trace"), std::string::npos) << s;
  keys("h");
  s = wait_screen([](const std::string& x) { return x.find("before the newest") != std::string::npos; }, 3s);
  EXPECT_NE(s.find("10.0 s of the trace ending 5.0 s before the newest"), std::string::npos) << s;
  keys("h h h");  // no further back than the oldest cycle held allows: under 10 s back
  s = wait_screen([](const std::string& x) { return x.find("ending 5.0 s") == std::string::npos; }, 3s);
  EXPECT_TRUE(s.find("of the trace ending 9.") != std::string::npos ||
              s.find("of the trace ending 10.0 s") != std::string::npos) << s;
  EXPECT_EQ(s.find("ending 15"), std::string::npos) << s;
  keys("End");
  s = wait_screen([](const std::string& x) { return x.find("before the newest") == std::string::npos; }, 3s);
  EXPECT_NE(s.find("last 10.0 s of the trace"), std::string::npos) << s;
  keys("q");
  EXPECT_EQ(wait_exit(5s), "EXIT=0\n");
}

TEST_F(LiveE2E, WatchOfStandardInputTakesItsKeysFromTheTerminal) {
  const fs::path log = dir_ / "app.log";
  append_to(log, capture_lines(0, 100000));
  // Standard input is the log and ends: the dashboard stays until q, which comes from /dev/tty.
  start_shell("cat " + q(log.string()) + " | " + q(kBin) + " watch --live -");
  std::string s = wait_screen([](const std::string& x) { return x.find("the input ended; q quits") != std::string::npos; });
  EXPECT_NE(s.find("the input ended; q quits"), std::string::npos) << s;
  EXPECT_EQ(cycles_on(s), 188) << s;
  EXPECT_NE(s.find("watch <stdin>"), std::string::npos) << s;
  keys("q");
  EXPECT_EQ(wait_exit(5s), "EXIT=0\n");
  EXPECT_EQ(alternate_on(), "0");
}

TEST_F(LiveE2E, WatchWithoutATerminalSaysSoAndRunsPlain) {
  const fs::path log = dir_ / "app.log", out = dir_ / "out.txt", err = dir_ / "err.txt";
  append_to(log, capture_lines(0, 100000));
  EXPECT_EQ(sh(q(kBin) + " watch --live - < " + q(log.string()) + " > " + q(out.string()) + " 2> " + q(err.string())), 0);
  EXPECT_EQ(slurp(err), "gcsight: --live: standard output is not a terminal; running as a plain watch\n");
  EXPECT_NE(slurp(out).find("188 cycles | gc 188"), std::string::npos) << slurp(out);
  EXPECT_NE(slurp(out).find("| final"), std::string::npos) << slurp(out);
  EXPECT_EQ(sh(q(kBin) + " watch --live --format json - < " + q(log.string()) + " > /dev/null 2> " + q(err.string())), 2);
  EXPECT_NE(slurp(err).find("--live and --format json"), std::string::npos) << slurp(err);
}

// The terminal is restored when gcsight gets a signal, on each path: under
// `run --live` the signal is forwarded to the program and gcsight ends with
// its status; `watch --live` ends cleanly on SIGTERM (0) and is killed by
// SIGHUP (129) after its handler has restored the screen and the modes.
TEST_F(LiveE2E, SigtermDuringRunRestoresTheTerminalAndPassesTheStatusOn) {
  start_shell("env ALLOC_MB_PER_S=100 DURATION_MS=20000 " + exec_gcsight("run --live -- " + prog_.string()));
  std::string s = wait_screen([](const std::string& x) { return cycles_on(x) > 0; });
  ASSERT_GT(cycles_on(s), 0) << s;
  EXPECT_EQ(alternate_on(), "1");
  const pid_t pid = gcsight_pid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(wait_exit(10s), "EXIT=143\n");  // the program died of the forwarded SIGTERM: 128 + 15
  EXPECT_EQ(alternate_on(), "0");
  s = wait_screen([](const std::string& x) { return x.find("EXIT") == std::string::npos && x.find("gc ") != std::string::npos; }, 3s);
  EXPECT_EQ(s.find("q quit | p pause"), std::string::npos) << s;  // the report, not the dashboard
  expect_modes_restored();
}

TEST_F(LiveE2E, SigtermAndSighupDuringWatchRestoreTheTerminal) {
  const fs::path log = dir_ / "app.log";
  append_to(log, capture_lines(0, 300));
  const std::string first_socket = socket_;
  for (const int sig : {SIGTERM, SIGHUP}) {
    fs::remove(dir_ / "exit");
    fs::remove(dir_ / "pid");
    fs::remove(dir_ / "stty");
    // A server of its own each time: a new session on a socket whose server is
    // still shutting down fails ("server exited unexpectedly").
    sh("tmux -L " + socket_ + " kill-server >/dev/null 2>&1");
    socket_ = first_socket + "-" + std::to_string(sig);
    start_shell(exec_gcsight("watch --live " + log.string()));
    const std::string s = wait_screen([](const std::string& x) { return cycles_on(x) > 0; });
    ASSERT_GT(cycles_on(s), 0) << s;
    EXPECT_EQ(alternate_on(), "1");
    const pid_t pid = gcsight_pid();
    ASSERT_GT(pid, 0);
    ASSERT_EQ(kill(pid, sig), 0);
    EXPECT_EQ(wait_exit(5s), sig == SIGTERM ? "EXIT=0\n" : "EXIT=129\n") << sig;
    EXPECT_EQ(alternate_on(), "0") << sig;
    expect_modes_restored();
  }
}

}  // namespace
