#include "support/e2e.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace gcsight::testing_support {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

namespace {

// The Go programs the end-to-end tests build (tests/e2e/programs).
bool is_test_program(std::string_view comm) { return comm == "gcprog" || comm == "memtest"; }

// One process of a command's process group, as /proc shows it.
struct Member {
  pid_t pid = 0;
  std::string comm;
  char state = '?';
  uint64_t cpu_ticks = 0;              // utime + stime
  std::vector<long> thread_syscalls;  // per thread: the syscall it sleeps in, -1 when running
};

std::vector<Member> members_of(pid_t pgid) {
  std::vector<Member> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = slurp(e.path() / "stat");
    const size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    Member m;
    long ppid = 0, pgrp = 0;
    std::string skip;
    rest >> m.state >> ppid >> pgrp;
    if (pgrp != pgid) continue;
    for (int i = 0; i < 8; ++i) rest >> skip;  // session .. cmajflt
    uint64_t utime = 0, stime = 0;
    rest >> utime >> stime;
    m.pid = std::stoi(name);
    m.comm = stat.substr(open + 1, close - open - 1);
    m.cpu_ticks = utime + stime;
    for (const auto& t : std::filesystem::directory_iterator(e.path() / "task", ec)) {
      const std::string sc = slurp(t.path() / "syscall");
      m.thread_syscalls.push_back(sc.empty() || sc.starts_with("running") ? -1 : std::atol(sc.c_str()));
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string describe(const std::vector<Member>& members) {
  std::ostringstream os;
  for (const Member& m : members) {
    os << "  pid " << m.pid << " (" << m.comm << ") state " << m.state << ", cpu ticks " << m.cpu_ticks
       << ", threads in syscall:";
    for (long s : m.thread_syscalls) os << ' ' << s;
    os << '\n';
  }
  return os.str();
}

// How a Go program deadlocked inside its runtime looks: its threads wait on
// runtime locks (futex), except sysmon, which keeps waking from a short sleep
// (nanosleep) and may be caught running. Nothing waits on I/O (a write to a
// full pipe, a read, epoll): that would be waiting on someone else.
bool looks_deadlocked(const Member& m) {
  size_t futex = 0, other = 0;
  for (long s : m.thread_syscalls) {
    if (s == SYS_futex) {
      ++futex;
    } else if (s == SYS_nanosleep || s == SYS_clock_nanosleep || s == -1) {
      ++other;
    } else {
      return false;
    }
  }
  return futex > 0 && other <= 1;
}

int seconds_from_env(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : fallback;
}
int deadline_seconds() { return seconds_from_env("GCSIGHT_TEST_DEADLINE_S", 600); }
int stall_seconds() { return seconds_from_env("GCSIGHT_TEST_STALL_S", 10); }

// What the watch of a process group concluded.
enum class Verdict { kNone, kTimedOut, kGoDeadlock };

}  // namespace

// Watches a process group for the two ways a test's command hangs: it is past
// the deadline, or one of the tests' Go programs has looked deadlocked for
// GCSIGHT_TEST_STALL_S seconds using under 5% of a core (the Go runtime's own
// deadlock under gctrace+scavtrace and heavy stderr, docs/trace-formats.md).
// gcsight is never the process judged.
class GroupWatch {
 public:
  // The limits are read from the environment here, once.
  GroupWatch(pid_t pgid, std::string what)
      : pgid_(pgid),
        what_(std::move(what)),
        deadline_s_(deadline_seconds()),
        stall_s_(stall_seconds()),
        deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(deadline_s_)),
        next_look_(std::chrono::steady_clock::now() + std::chrono::seconds(1)) {}

  // Looks at the group, at most once a second; on a verdict, what it saw is printed.
  Verdict look() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_look_) return Verdict::kNone;
    next_look_ = now + std::chrono::seconds(1);
    const std::vector<Member> members = members_of(pgid_);
    if (now >= deadline_) {
      std::cerr << "timed out after " << deadline_s_ << " s (GCSIGHT_TEST_DEADLINE_S): " << what_ << "\n"
                << describe(members);
      return Verdict::kTimedOut;
    }
    for (const Member& m : members) {
      if (!is_test_program(m.comm) || !looks_deadlocked(m)) {
        asleep_.erase(m.pid);
        continue;
      }
      const auto [it, fresh] = asleep_.try_emplace(m.pid, m.cpu_ticks, now);
      const auto [ticks, since] = it->second;
      if (fresh || now - since < std::chrono::seconds(stall_s_)) continue;
      const double cpu_share = static_cast<double>(m.cpu_ticks - ticks) / static_cast<double>(ticks_per_s_) /
                               std::chrono::duration<double>(now - since).count();
      if (cpu_share >= 0.05) {
        it->second = {m.cpu_ticks, now};  // busy after all: look again from here
        continue;
      }
      std::cerr << "the Go program " << m.comm << " (pid " << m.pid << ") is deadlocked inside its runtime: for "
                << stall_s_ << " s its threads have waited on locks, using " << cpu_share * 100
                << "% of a core\n"
                << describe(members);
      return Verdict::kGoDeadlock;
    }
    return Verdict::kNone;
  }

 private:
  pid_t pgid_;
  std::string what_;
  int deadline_s_;
  int stall_s_;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point next_look_;
  std::map<pid_t, std::pair<uint64_t, std::chrono::steady_clock::time_point>> asleep_;  // pid -> ticks, since
  long ticks_per_s_ = sysconf(_SC_CLK_TCK);
};

namespace {

// The exit status of a wait status: 128+N when signal N ended the process.
int exit_status(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

enum class Outcome { kNotStarted, kExited, kTimedOut, kGoDeadlock };

// Runs `sh -c cmd` in a process group of its own, watched (GroupWatch); the
// group is killed on a verdict.
Outcome run_watched(const std::string& cmd, std::string* captured, int* status) {
  int out[2] = {-1, -1};
  if (captured != nullptr && pipe2(out, O_CLOEXEC) != 0) return Outcome::kNotStarted;
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    if (captured != nullptr) dup2(out[1], STDOUT_FILENO);
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) {
    if (captured != nullptr) {
      close(out[0]);
      close(out[1]);
    }
    return Outcome::kNotStarted;
  }
  setpgid(pid, pid);
  if (captured != nullptr) close(out[1]);
  GroupWatch watch(pid, cmd);
  bool open = captured != nullptr;
  for (;;) {
    if (open) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 10) > 0) {
        char buf[65536];
        const ssize_t n = read(out[0], buf, sizeof buf);
        if (n > 0) {
          captured->append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          open = false;
        }
      }
    } else {
      usleep(10'000);
    }
    if (!open && waitpid(pid, status, WNOHANG) == pid) break;
    const Verdict verdict = watch.look();
    if (verdict == Verdict::kNone) continue;
    kill(-pid, SIGKILL);
    waitpid(pid, status, 0);
    if (captured != nullptr) close(out[0]);
    return verdict == Verdict::kTimedOut ? Outcome::kTimedOut : Outcome::kGoDeadlock;
  }
  if (captured != nullptr) close(out[0]);
  return Outcome::kExited;
}

// A command whose Go program deadlocked in the Go runtime runs again, twice
// at most; a command past its deadline, or not started, fails (-1).
int shell(const std::string& cmd, std::string* captured) {
  for (int attempt = 1;; ++attempt) {
    if (captured != nullptr) captured->clear();
    int st = 0;
    const Outcome o = run_watched(cmd, captured, &st);
    if (o == Outcome::kExited) return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (o != Outcome::kGoDeadlock || attempt == 3) return -1;
    std::cerr << "a known hazard of the Go runtime, not of gcsight: the command runs again\n";
  }
}

}  // namespace

int sh(const std::string& cmd) { return shell(cmd, nullptr); }

Captured sh_capture(const std::string& cmd) {
  Captured r;
  r.status = shell(cmd, &r.out);
  return r;
}

Child::Child(const std::vector<std::string>& argv, const std::filesystem::path& out,
             const std::filesystem::path& err, const std::vector<std::string>& env) {
  // Everything the child needs is made before fork: after it, only exec's work.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The entries of `env`, and the test's own environment but for the names they set.
  std::vector<std::string> environment = env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('=') + 1);
    if (std::none_of(env.begin(), env.end(), [&](const std::string& x) { return x.starts_with(name); })) {
      environment.emplace_back(entry);
    }
  }
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string out_path = out.string(), err_path = err.string();
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    // Close-on-exec: the program gets them as its stdout and stderr only (dup2 clears the flag).
    const int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int e = err_path == out_path ? o : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o < 0 || e < 0 || dup2(o, STDOUT_FILENO) < 0 || dup2(e, STDERR_FILENO) < 0) _exit(99);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  if (pid_ < 0) {
    status_ = -1;
    return;
  }
  setpgid(pid_, pid_);
  std::string what;
  for (const std::string& a : argv) what += (what.empty() ? "" : " ") + a;
  watch_ = std::make_unique<GroupWatch>(pid_, what);
}

Child::~Child() {
  if (status_) return;
  kill(-pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::optional<int> Child::poll() {
  if (status_) return status_;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = exit_status(st);
  } else if (watch_->look() != Verdict::kNone) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    status_ = -1;
  }
  return status_;
}

int Child::wait() {
  while (!poll()) usleep(10'000);
  return *status_;
}

int Child::stop(int sig) {
  if (!status_) kill(pid_, sig);
  return wait();
}

TempDir::TempDir(const std::string& tag) {
  std::string name = (std::filesystem::temp_directory_path() / ("gcsight-" + tag + "-XXXXXX")).string();
  if (mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp " + name + ": " + std::strerror(errno));
  path_ = name;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& data) const {
  const std::filesystem::path p = path_ / name;
  std::ofstream(p, std::ios::binary) << data;
  return p;
}

}  // namespace gcsight::testing_support
