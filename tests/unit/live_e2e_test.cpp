// End-to-end tests of `gcsight run --live` in a real terminal: tmux runs the
// dashboard around a real Go program (tests/e2e/programs/gcprog) at a fixed
// size, and the tests read the screen with `tmux capture-pane` and type keys
// with `tmux send-keys`. Each test has its own tmux server (-L), so a user's
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
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

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

int sh(const std::string& cmd) {
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string q(const std::string& s) { return "'" + s + "'"; }

class LiveE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (sh("command -v tmux >/dev/null 2>&1") != 0) GTEST_SKIP() << "tmux is not installed (scripts/setup.sh installs it)";
    prog_ = first_gcprog();
    if (prog_.empty()) GTEST_SKIP() << "no Go toolchain: the Go programs were not built";
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("gcsight-live-" + std::to_string(getpid()) + "-" + name);
    fs::create_directories(dir_);
    socket_ = "gcsight-test-" + std::to_string(getpid()) + "-" + name;
  }
  void TearDown() override {
    if (!socket_.empty()) sh("tmux -L " + socket_ + " kill-server >/dev/null 2>&1");
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Starts `env gcsight run --live ARGS -- gcprog` in a 120x40 tmux session; its status goes to dir_/exit.
  void start(const std::string& env, const std::string& args) {
    const std::string inner = "env " + env + " " + q(kBin) + " run --live " + args + " -- " + q(prog_.string()) +
                              "; echo EXIT=$? > " + q((dir_ / "exit").string()) + "; sleep 30";
    ASSERT_EQ(sh("tmux -L " + socket_ + " -f /dev/null new-session -d -x 120 -y 40 " + q(inner)), 0);
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
  fs::path prog_, dir_;
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
  const int rc = sh("EXIT_CODE=3 STDOUT_MB=0.001 DURATION_MS=100 " + q(kBin) + " run --live -q -- " + q(prog_.string()) + " >" +
                    q(out.string()) + " 2>" + q(err.string()));
  EXPECT_EQ(rc, 3);
  const std::string e = slurp(err);
  EXPECT_NE(e.find("--live: standard output is not a terminal"), std::string::npos) << e;
  EXPECT_EQ(slurp(out).rfind("out 000001 ", 0), 0u);
}

}  // namespace
