// ProcSampler on a fake /proc and cgroup tree in a temp directory (sums, gaps, the
// smaps rate, "max", a vanished or reused pid, both ways of finding descendants), and
// on real processes: a forked child that touches 64 MiB, a grandchild found in tree
// mode, a reaped child that must give ok=false with no zeros, and gcsight itself.
#include "io/proc_sampler.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/e2e.h"

namespace gcsight {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * 1024;

uint64_t ticks_ns(uint64_t ticks) {
  const auto hz = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
  return ticks * 1'000'000'000 / hz;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A stat line: utime/stime/cutime/cstime in ticks.
std::string stat_line(int pid, const std::string& comm, char state, int ppid, int utime,
                      int stime, int cutime, int cstime, int threads, int starttime) {
  return std::to_string(pid) + " (" + comm + ") " + state + " " + std::to_string(ppid) +
         " 1 1 0 -1 4194304 10 0 0 0 " + std::to_string(utime) + " " + std::to_string(stime) +
         " " + std::to_string(cutime) + " " + std::to_string(cstime) + " 20 0 " +
         std::to_string(threads) + " 0 " + std::to_string(starttime) +
         " 1000 10 18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 4 5 6 7 8 9 10 0\n";
}

std::string status_text(uint64_t rss_kib, uint64_t anon_kib, int threads) {
  return "Name:\tx\nState:\tS (sleeping)\nVmSize:\t 900000 kB\nVmHWM:\t " +
         std::to_string(rss_kib + 10) + " kB\nVmRSS:\t " + std::to_string(rss_kib) +
         " kB\nRssAnon:\t " + std::to_string(anon_kib) + " kB\nRssFile:\t " +
         std::to_string(rss_kib - anon_kib) + " kB\nRssShmem:\t 0 kB\nVmSwap:\t 0 kB\nThreads:\t" +
         std::to_string(threads) + "\n";
}

std::string smaps_text(uint64_t lazy_kib, uint64_t huge_kib) {
  return "00400000-7ffd9b1f1000 ---p 00000000 00:00 0 [rollup]\nRss: 1 kB\nLazyFree: " +
         std::to_string(lazy_kib) + " kB\nAnonHugePages: " + std::to_string(huge_kib) + " kB\n";
}

// A fake machine: process 100 (two threads) -> 101 -> {103, zombie 104}; 200 unrelated.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    proc_ = root_ / "proc";
    cg_ = root_ / "cgroup";
    add(100, "go prog", 'S', 1, 1000, 800, 4, 300, 50, 7, 5, 0);
    write(proc_ / "100/cgroup", "0::/test.slice/run.scope\n");
    write(proc_ / "100/task/100/children", "101 ");
    write(proc_ / "100/task/105/children", "");
    add(101, "sh", 'S', 100, 500, 400, 1, 10, 20, 2, 0, 0);
    write(proc_ / "101/task/101/children", "103 104");
    add(103, "worker", 'R', 101, 2000, 1900, 2, 30, 40, 0, 0, 0);
    write(proc_ / "103/task/103/children", "");
    write(proc_ / "104/stat", stat_line(104, "dead", 'Z', 101, 1, 1, 0, 0, 1, 500));
    write(proc_ / "104/status", "Name:\tdead\nState:\tZ (zombie)\nThreads:\t1\n");
    write(proc_ / "104/task/104/children", "");
    add(200, "other", 'S', 1, 9000, 9000, 1, 1, 1, 0, 0, 0);
    write(proc_ / "200/task/200/children", "");
    write(cg_ / "test.slice/run.scope/memory.current", "1200000000\n");
    write(cg_ / "test.slice/run.scope/memory.max", "2147483648\n");
    write(cg_ / "test.slice/run.scope/memory.events",
          "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");
  }

  void add(int pid, const std::string& comm, char state, int ppid, uint64_t rss_kib,
           uint64_t anon_kib, int threads, int utime, int stime, int cutime, uint64_t lazy_kib,
           uint64_t huge_kib) {
    const fs::path d = proc_ / std::to_string(pid);
    write(d / "stat", stat_line(pid, comm, state, ppid, utime, stime, cutime, 0, threads, 1000 + pid));
    write(d / "status", status_text(rss_kib, anon_kib, threads));
    write(d / "smaps_rollup", smaps_text(lazy_kib, huge_kib));
  }

  ProcSampler sampler(SamplerOptions o) { return ProcSampler(100, o, proc_.string(), cg_.string()); }

  testing_support::TempDir root_{"proc"};
  fs::path proc_, cg_;
};

TEST_F(FakeProc, OneProcess) {
  auto s = sampler({.tree = false, .smaps_every = 1, .cgroup = true});
  const MemorySample m = s.sample(123);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.t_ns, 123);
  EXPECT_EQ(m.processes, 1u);
  EXPECT_EQ(m.rss, 1000 * kKiB);
  EXPECT_EQ(m.rss_anon, 800 * kKiB);
  EXPECT_EQ(m.rss_file, 200 * kKiB);
  EXPECT_EQ(m.rss_shmem, 0u);
  EXPECT_EQ(m.swap, 0u);
  EXPECT_EQ(m.hwm, 1010 * kKiB);
  EXPECT_EQ(m.lazy_free, 5 * kKiB);
  EXPECT_EQ(m.anon_huge, 0u);
  EXPECT_EQ(m.cpu_user_ns, ticks_ns(300));  // own CPU only: cutime not added
  EXPECT_EQ(m.cpu_sys_ns, ticks_ns(50));
  EXPECT_EQ(m.threads, 4);
  EXPECT_EQ(m.cgroup_current, 1200000000u);
  EXPECT_EQ(m.cgroup_max, 2147483648u);
  EXPECT_FALSE(m.cgroup_unlimited);
  EXPECT_EQ(m.cgroup_oom_kill, 1u);
  EXPECT_TRUE(m.error.empty());
}

TEST_F(FakeProc, SmapsOnlyEveryNthSample) {
  auto s = sampler({.tree = false, .smaps_every = 3, .cgroup = false});
  for (int i = 0; i < 7; ++i) {
    const MemorySample m = s.sample(i);
    ASSERT_TRUE(m.ok);
    EXPECT_EQ(m.lazy_free.has_value(), (i + 1) % 3 == 0) << i;
    EXPECT_EQ(m.anon_huge.has_value(), (i + 1) % 3 == 0) << i;
    EXPECT_FALSE(m.cgroup_current);  // cgroup off
  }
  auto never = sampler({.tree = false, .smaps_every = 0, .cgroup = false});
  EXPECT_FALSE(never.sample(0).lazy_free);
}

TEST_F(FakeProc, TreeThroughChildrenFiles) {
  auto s = sampler({.tree = true, .smaps_every = 1, .cgroup = true});
  const MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.processes, 3u);  // 100, 101, 103; zombie 104 and unrelated 200 left out
  EXPECT_EQ(m.rss, (1000 + 500 + 2000) * kKiB);
  EXPECT_EQ(m.rss_anon, (800 + 400 + 1900) * kKiB);
  EXPECT_EQ(m.threads, 4 + 1 + 2);
  EXPECT_EQ(m.lazy_free, 5 * kKiB);
  EXPECT_EQ(m.cpu_user_ns, ticks_ns(300 + 7 + 10 + 2 + 30));  // with reaped children
  EXPECT_EQ(m.cpu_sys_ns, ticks_ns(50 + 20 + 40));
  EXPECT_EQ(m.cgroup_current, 1200000000u);  // the root's cgroup
}

TEST_F(FakeProc, TreeByScanningParentsWithoutChildrenFiles) {
  for (const int pid : {100, 101, 103, 104, 200}) fs::remove_all(proc_ / std::to_string(pid) / "task");
  write(proc_ / "self", "not a pid");  // non-numeric entries are skipped
  auto s = sampler({.tree = true, .smaps_every = 1, .cgroup = false});
  const MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.processes, 3u);
  EXPECT_EQ(m.rss, (1000 + 500 + 2000) * kKiB);
}

TEST_F(FakeProc, ASumIsUnknownWhenOneProcessLacksTheField) {
  write(proc_ / "103/status", "VmRSS:\t 2000 kB\nThreads:\t2\n");  // no RssAnon etc.
  fs::remove(proc_ / "101/smaps_rollup");                           // e.g. not permitted
  auto s = sampler({.tree = true, .smaps_every = 1, .cgroup = false});
  const MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.processes, 3u);
  EXPECT_EQ(m.rss, (1000 + 500 + 2000) * kKiB);
  EXPECT_FALSE(m.rss_anon);
  EXPECT_FALSE(m.rss_shmem);
  EXPECT_FALSE(m.lazy_free);
  EXPECT_FALSE(m.anon_huge);
}

TEST_F(FakeProc, VanishedDescendantIsNotCounted) {
  fs::remove(proc_ / "103/status");  // exited between stat and status
  auto s = sampler({.tree = true, .smaps_every = 1, .cgroup = false});
  const MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.processes, 2u);
  EXPECT_EQ(m.rss, (1000 + 500) * kKiB);
}

TEST_F(FakeProc, UnlimitedAndMissingCgroup) {
  write(cg_ / "test.slice/run.scope/memory.max", "max\n");
  fs::remove(cg_ / "test.slice/run.scope/memory.events");
  auto s = sampler({});
  MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok);
  EXPECT_TRUE(m.cgroup_unlimited);
  EXPECT_FALSE(m.cgroup_max);
  EXPECT_EQ(m.cgroup_current, 1200000000u);
  EXPECT_FALSE(m.cgroup_oom_kill);

  // The group is kept: an exiting process is shown in its parent's group.
  write(proc_ / "100/cgroup", "0::/test.slice\n");
  m = s.sample(1);
  EXPECT_EQ(m.cgroup_current, 1200000000u);

  write(proc_ / "100/cgroup", "4:memory:/x\n1:name=systemd:/x\n");  // v1 only, no files for it
  auto fresh = sampler({});
  m = fresh.sample(1);
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.cgroup_version, 0);
  EXPECT_FALSE(m.cgroup_current);
  EXPECT_FALSE(m.cgroup_max);
  EXPECT_FALSE(m.cgroup_unlimited);
  EXPECT_FALSE(m.cgroup_oom_kill);
}

// A hybrid machine: the v2 hierarchy is mounted but memory is still a v1
// controller, as on this kind of host: the v2 group has no memory files.
TEST_F(FakeProc, CgroupV1MemoryControllerOnAHybridSystem) {
  write(proc_ / "100/cgroup", "9:name=systemd:/\n4:cpuacct,memory:/process_api/abc\n0::/\n");
  write(cg_ / "memory/process_api/abc/memory.usage_in_bytes", "944652288\n");
  write(cg_ / "memory/process_api/abc/memory.limit_in_bytes", "268435456\n");
  write(cg_ / "memory/process_api/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  auto s = sampler({});
  MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.cgroup_version, 1);
  EXPECT_EQ(m.cgroup_current, 944652288u);
  EXPECT_EQ(m.cgroup_max, 268435456u);
  EXPECT_EQ(m.cgroup_oom_kill, 2u);

  // v1's "no limit" is the largest page count, in bytes.
  write(cg_ / "memory/process_api/abc/memory.limit_in_bytes", "9223372036854771712\n");
  m = s.sample(1);
  EXPECT_TRUE(m.cgroup_unlimited);
  EXPECT_FALSE(m.cgroup_max);

  // The v2 group has memory files: v2 wins.
  write(proc_ / "100/cgroup", "4:memory:/process_api/abc\n0::/test.slice/run.scope\n");
  auto fresh = sampler({});
  m = fresh.sample(2);
  EXPECT_EQ(m.cgroup_version, 2);
  EXPECT_EQ(m.cgroup_current, 1200000000u);
}

TEST_F(FakeProc, GoneProcessGivesNoFigures) {
  auto s = sampler({.tree = true, .smaps_every = 1, .cgroup = true});
  ASSERT_TRUE(s.sample(0).ok);
  fs::remove_all(proc_ / "100");
  const MemorySample m = s.sample(1);
  EXPECT_FALSE(m.ok);
  EXPECT_EQ(m.t_ns, 1);
  EXPECT_EQ(m.processes, 0u);
  EXPECT_FALSE(m.rss);
  EXPECT_FALSE(m.cpu_user_ns);
  EXPECT_FALSE(m.threads);
  EXPECT_FALSE(m.cgroup_current);
  EXPECT_NE(m.error.find("cannot read"), std::string::npos) << m.error;
  EXPECT_NE(m.error.find("100/stat"), std::string::npos) << m.error;
}

TEST_F(FakeProc, ReusedPidIsReportedGone) {
  auto s = sampler({});
  ASSERT_TRUE(s.sample(0).ok);
  write(proc_ / "100/stat", stat_line(100, "new", 'S', 1, 1, 1, 0, 0, 1, 99999));
  const MemorySample m = s.sample(1);
  EXPECT_FALSE(m.ok);
  EXPECT_FALSE(m.rss);
  EXPECT_NE(m.error.find("gone"), std::string::npos) << m.error;
}

TEST_F(FakeProc, ZombieRootIsReadableWithoutMemoryFigures) {
  write(proc_ / "100/stat", stat_line(100, "go prog", 'Z', 1, 300, 50, 0, 0, 1, 1100));
  write(proc_ / "100/status", "Name:\tgo prog\nState:\tZ (zombie)\nThreads:\t1\n");
  fs::remove(proc_ / "100/smaps_rollup");
  auto s = sampler({.tree = false, .smaps_every = 1, .cgroup = false});
  const MemorySample m = s.sample(0);
  ASSERT_TRUE(m.ok);
  EXPECT_FALSE(m.rss);
  EXPECT_FALSE(m.rss_anon);
  EXPECT_FALSE(m.lazy_free);
  EXPECT_EQ(m.cpu_user_ns, ticks_ns(300));
  EXPECT_EQ(m.threads, 1);
}

TEST_F(FakeProc, UnparsableStatusIsAnError) {
  write(proc_ / "100/status", "garbage\n");
  auto s = sampler({});
  const MemorySample m = s.sample(0);
  EXPECT_FALSE(m.ok);
  EXPECT_NE(m.error.find("cannot parse"), std::string::npos) << m.error;
}

// A forked process that holds memory until the test lets it go. The child does only
// async-signal-safe work (mmap, memset, fork, read, write) after fork().
struct Child {
  pid_t pid = -1;
  int ready_r = -1;  // one byte arrives when the memory is touched
  int hold_w = -1;   // closing it lets the child (and grandchild) exit

  // Touches `child_mib` in the child and, if grandchild_mib > 0, `grandchild_mib` in a
  // grandchild; returns after the touching is done.
  bool start(size_t child_mib, size_t grandchild_mib) {
    int ready[2], hold[2];
    if (::pipe(ready) != 0 || ::pipe(hold) != 0) return false;
    pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
      ::close(ready[0]);
      ::close(hold[1]);
      if (grandchild_mib > 0) {
        const pid_t g = ::fork();
        if (g == 0) {
          touch_and_wait(grandchild_mib, ready[1], hold[0]);
          ::_exit(0);
        }
      }
      touch_and_wait(child_mib, ready[1], hold[0]);
      while (::wait(nullptr) > 0) {
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(hold[0]);
    ready_r = ready[0];
    hold_w = hold[1];
    const size_t expected = 1 + (grandchild_mib > 0 ? 1 : 0);
    for (size_t got = 0; got < expected;) {
      char c = 0;
      if (::read(ready_r, &c, 1) != 1) return false;
      ++got;
    }
    return true;
  }

  static void touch_and_wait(size_t mib, int ready_w, int hold_r) {
    if (mib > 0) {
      void* p = ::mmap(nullptr, mib * kMiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
      if (p == MAP_FAILED) ::_exit(1);
      std::memset(p, 1, mib * kMiB);
    }
    const char c = 'r';
    if (::write(ready_w, &c, 1) != 1) ::_exit(1);
    char buf = 0;
    while (::read(hold_r, &buf, 1) > 0) {
    }
  }

  // Lets the child exit and reaps it.
  void finish() {
    if (hold_w >= 0) ::close(hold_w);
    hold_w = -1;
    if (ready_r >= 0) ::close(ready_r);
    ready_r = -1;
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    pid = -1;
  }
  ~Child() {
    if (pid > 0) ::kill(pid, SIGKILL);
    finish();
  }
};

TEST(ProcSamplerReal, ChildRssAndThenGone) {
  Child child;
  ASSERT_TRUE(child.start(64, 0));
  ProcSampler s(child.pid, SamplerOptions{.tree = false, .smaps_every = 2, .cgroup = true});
  EXPECT_FALSE(s.sample(0).lazy_free) << "smaps_rollup is read from the 2nd sample on";
  const MemorySample m = s.sample(1);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.processes, 1u);
  ASSERT_TRUE(m.rss);
  EXPECT_GE(*m.rss, 64 * kMiB);
  ASSERT_TRUE(m.rss_anon);
  EXPECT_GE(*m.rss_anon, 64 * kMiB);
  EXPECT_TRUE(m.cpu_user_ns);
  EXPECT_TRUE(m.cpu_sys_ns);
  EXPECT_EQ(m.threads, 1);
  EXPECT_TRUE(m.lazy_free);  // smaps_rollup of our own child is readable
  EXPECT_TRUE(m.anon_huge);

  const int pid = child.pid;
  child.finish();
  const MemorySample gone = s.sample(2);
  EXPECT_FALSE(gone.ok);
  EXPECT_EQ(gone.processes, 0u);
  EXPECT_FALSE(gone.rss);
  EXPECT_FALSE(gone.rss_anon);
  EXPECT_FALSE(gone.rss_file);
  EXPECT_FALSE(gone.swap);
  EXPECT_FALSE(gone.hwm);
  EXPECT_FALSE(gone.lazy_free);
  EXPECT_FALSE(gone.cpu_user_ns);
  EXPECT_FALSE(gone.threads);
  EXPECT_FALSE(gone.cgroup_current);
  EXPECT_FALSE(gone.cgroup_max);
  EXPECT_FALSE(gone.cgroup_unlimited);
  EXPECT_NE(gone.error.find(std::to_string(pid)), std::string::npos) << gone.error;
}

TEST(ProcSamplerReal, TreeCountsAGrandchild) {
  Child child;
  ASSERT_TRUE(child.start(0, 32));
  ProcSampler alone(child.pid, SamplerOptions{.tree = false});
  ProcSampler tree(child.pid, SamplerOptions{.tree = true});
  const MemorySample a = alone.sample(0);
  const MemorySample t = tree.sample(0);
  ASSERT_TRUE(a.ok) << a.error;
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(a.processes, 1u);
  EXPECT_EQ(t.processes, 2u);
  ASSERT_TRUE(a.rss);
  ASSERT_TRUE(t.rss);
  // Both processes also count the pages they share with this test process since
  // fork(), so compare with the child alone rather than with a fixed bound.
  EXPECT_GE(*t.rss, *a.rss + 32 * kMiB);
  EXPECT_EQ(t.threads, 2);
}

TEST(ProcSamplerReal, SampleSelf) {
  const MemorySample m = ProcSampler::sample_self(7);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.t_ns, 7);
  EXPECT_EQ(m.processes, 1u);
  ASSERT_TRUE(m.rss);
  EXPECT_GT(*m.rss, 0u);
  EXPECT_TRUE(m.cpu_user_ns);
  EXPECT_TRUE(m.lazy_free);
  EXPECT_FALSE(m.cgroup_current);  // sample_self leaves the cgroup out
}

TEST(ProcSamplerReal, ManySamplesOfOneProcess) {
  // The sampler's steady state: the same buffers every time, same answers.
  ProcSampler s(static_cast<int>(::getpid()), SamplerOptions{.tree = true, .smaps_every = 2});
  for (int i = 0; i < 200; ++i) {
    const MemorySample m = s.sample(i);
    ASSERT_TRUE(m.ok) << m.error;
    ASSERT_GE(m.processes, 1u);
    ASSERT_TRUE(m.rss);
  }
}

}  // namespace
}  // namespace gcsight
