// The pure /proc and cgroup parsers on files captured from a running Go program
// (tests/data/proc/captured), on hand-written cgroup v2 files in the kernel's format
// (tests/data/proc/cgroup2), and on edge cases: a comm with parentheses, cut text,
// missing fields, "max", a v1-only cgroup file.
#include "core/proc_stats.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace gcsight {
namespace {

std::string fixture(const std::string& rel) {
  std::ifstream in(std::string(GCSIGHT_TEST_DATA) + "/proc/" + rel, std::ios::binary);
  EXPECT_TRUE(in.good()) << rel;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr uint64_t kKiB = 1024;

TEST(ProcStatus, CapturedGoProgram) {
  const auto st = parse_proc_status(fixture("captured/go-status"));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->vm_rss, 35968 * kKiB);
  EXPECT_EQ(st->rss_anon, 34808 * kKiB);
  EXPECT_EQ(st->rss_file, 1160 * kKiB);
  EXPECT_EQ(st->rss_shmem, 0u);  // present and zero, not absent
  EXPECT_EQ(st->vm_swap, 0u);
  ASSERT_TRUE(st->vm_hwm);
  EXPECT_GE(*st->vm_hwm, *st->vm_rss);
  ASSERT_TRUE(st->vm_size);
  EXPECT_GT(*st->vm_size, *st->vm_rss);
  EXPECT_EQ(st->threads, 4);
  EXPECT_EQ(*st->vm_rss, *st->rss_anon + *st->rss_file + *st->rss_shmem);
}

TEST(ProcStatus, MissingFieldsStayNullopt) {
  // A zombie's status: no Vm*/Rss* lines at all.
  const auto z = parse_proc_status("Name:\tgo\nState:\tZ (zombie)\nThreads:\t1\n");
  ASSERT_TRUE(z);
  EXPECT_FALSE(z->vm_rss);
  EXPECT_FALSE(z->rss_anon);
  EXPECT_FALSE(z->vm_swap);
  EXPECT_EQ(z->threads, 1);

  // An older kernel without the RssAnon/RssFile/RssShmem split (before 4.5).
  const auto old = parse_proc_status("VmHWM:\t  100 kB\nVmRSS:\t   90 kB\nVmSwap:\t 0 kB\n");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->vm_rss, 90 * kKiB);
  EXPECT_FALSE(old->rss_anon);
  EXPECT_FALSE(old->threads);
}

TEST(ProcStatus, CutTextLosesOnlyTheCutField) {
  // Cut inside the value: "35968 kB" became "359".
  auto st = parse_proc_status("VmHWM:\t   35968 kB\nVmRSS:\t   359");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->vm_hwm, 35968 * kKiB);
  EXPECT_FALSE(st->vm_rss);
  // Cut after the unit but before "\n": still suspect, the line is dropped.
  st = parse_proc_status("VmHWM:\t   35968 kB\nThreads:\t4");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->threads);
  // Cut inside a key.
  st = parse_proc_status("VmHWM:\t1 kB\nVmR");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->vm_rss);
}

TEST(ProcStatus, MalformedValuesAreNotNumbers) {
  const auto st = parse_proc_status(
      "VmRSS:\t abc kB\nRssAnon:\t 12 MB\nRssFile:\t-1 kB\nVmSwap:\t18446744073709551615 kB\n"
      "Threads:\tfour\nVmHWM:\t7 kB\n");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->vm_rss);
  EXPECT_FALSE(st->rss_anon);
  EXPECT_FALSE(st->rss_file);
  EXPECT_FALSE(st->vm_swap);  // overflows when made bytes
  EXPECT_FALSE(st->threads);
  EXPECT_EQ(st->vm_hwm, 7 * kKiB);
}

TEST(ProcStatus, NothingRecognisedIsNullopt) {
  EXPECT_FALSE(parse_proc_status(""));
  EXPECT_FALSE(parse_proc_status("Name:\tx\nState:\tR (running)\n"));
  EXPECT_FALSE(parse_proc_status("not a status file"));
}

TEST(ProcStat, CapturedGoProgram) {
  const auto st = parse_proc_stat(fixture("captured/go-stat"));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 28800);
  EXPECT_EQ(st->comm, "gocap");
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 28799);
  EXPECT_EQ(st->utime, 5u);
  EXPECT_EQ(st->stime, 0u);
  EXPECT_EQ(st->num_threads, 4);
  EXPECT_EQ(st->starttime, 349867u);
}

// The fields after comm of a typical line, starting with state.
constexpr std::string_view kTail =
    " R 7 7 7 0 -1 4194304 100 0 0 0 11 12 13 14 20 0 3 0 5555 3133440 360 "
    "18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 4 5 6 7 8 9 10 0\n";

TEST(ProcStat, CommWithParenthesesAndSpaces) {
  // A program that named itself "(a) b)".
  const auto st = parse_proc_stat("42 ((a) b))" + std::string(kTail));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 42);
  EXPECT_EQ(st->comm, "(a) b)");
  EXPECT_EQ(st->state, 'R');
  EXPECT_EQ(st->ppid, 7);
  EXPECT_EQ(st->utime, 11u);
  EXPECT_EQ(st->stime, 12u);
  EXPECT_EQ(st->cutime, 13u);
  EXPECT_EQ(st->cstime, 14u);
  EXPECT_EQ(st->num_threads, 3);
  EXPECT_EQ(st->starttime, 5555u);

  const auto odd = parse_proc_stat("43 ( ) ) S)" + std::string(kTail));
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->comm, " ) ) S");
  EXPECT_EQ(odd->state, 'R');
  EXPECT_EQ(parse_proc_stat("44 ((a) b)" + std::string(kTail))->comm, "(a) b");
  EXPECT_EQ(parse_proc_stat("45 ()" + std::string(kTail))->comm, "");
}

TEST(ProcStat, CutAndMalformedText) {
  const std::string full = "42 (go)" + std::string(kTail);
  ASSERT_TRUE(parse_proc_stat(full));
  // Ending right after starttime's separator is enough.
  const size_t start = full.find(" 5555 ");
  ASSERT_NE(start, std::string::npos);
  EXPECT_TRUE(parse_proc_stat(full.substr(0, start + 6)));
  // Cut inside starttime ("5555" may have been "55551"), or before it: no record.
  EXPECT_FALSE(parse_proc_stat(full.substr(0, start + 3)));
  EXPECT_FALSE(parse_proc_stat(full.substr(0, start + 5)));
  EXPECT_FALSE(parse_proc_stat(full.substr(0, 20)));
  EXPECT_FALSE(parse_proc_stat("42 (go"));
  EXPECT_FALSE(parse_proc_stat("42 (go)"));
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("x (go)" + std::string(kTail)));
  EXPECT_FALSE(parse_proc_stat("42 (go) RR" + std::string(kTail.substr(2))));
  std::string bad = full;
  bad.replace(bad.find(" 11 "), 4, " x1 ");  // utime
  EXPECT_FALSE(parse_proc_stat(bad));
  // Starttime followed directly by the end of line is complete.
  EXPECT_TRUE(parse_proc_stat("42 (go) R 7 7 7 0 -1 4 1 0 0 0 11 12 13 14 20 0 3 0 5555\n"));
}

TEST(SmapsRollup, CapturedGoProgram) {
  const auto sm = parse_smaps_rollup(fixture("captured/go-smaps_rollup"));
  ASSERT_TRUE(sm);
  EXPECT_EQ(sm->rss, 35968 * kKiB);
  EXPECT_EQ(sm->pss, 35964 * kKiB);
  EXPECT_EQ(sm->pss_anon, 34808 * kKiB);
  EXPECT_EQ(sm->pss_file, 1156 * kKiB);
  EXPECT_EQ(sm->pss_shmem, 0u);
  EXPECT_EQ(sm->anonymous, 34808 * kKiB);
  EXPECT_EQ(sm->lazy_free, 0u);
  EXPECT_EQ(sm->anon_huge_pages, 0u);
  EXPECT_EQ(sm->shmem_pmd_mapped, 0u);
  EXPECT_EQ(sm->swap, 0u);
  EXPECT_EQ(sm->swap_pss, 0u);
}

TEST(SmapsRollup, OlderKernelAndCutText) {
  // A 4.14-era rollup: no Pss_Anon/Pss_File/Pss_Shmem lines.
  const auto sm = parse_smaps_rollup(
      "00400000-7ffd9b1f1000 ---p 00000000 00:00 0 [rollup]\n"
      "Rss:  2048 kB\nPss:  1024 kB\nAnonymous:  512 kB\nLazyFree:  256 kB\n"
      "AnonHugePages:  2048 kB\nSwap:  0 kB\nSwapPss:  0");
  ASSERT_TRUE(sm);
  EXPECT_EQ(sm->rss, 2048 * kKiB);
  EXPECT_EQ(sm->lazy_free, 256 * kKiB);
  EXPECT_EQ(sm->anon_huge_pages, 2048 * kKiB);
  EXPECT_FALSE(sm->pss_anon);
  EXPECT_FALSE(sm->swap_pss);  // cut
  EXPECT_FALSE(parse_smaps_rollup(""));
  EXPECT_FALSE(parse_smaps_rollup("00400000-7ffd9b1f1000 ---p 00000000 00:00 0 [rollup]\n"));
}

TEST(CgroupPath, V2HybridAndV1Only) {
  EXPECT_EQ(parse_cgroup_path(fixture("cgroup2/cgroup")),
            "/user.slice/user-1000.slice/user@1000.service/app.slice/gcsight-run.scope");
  // The capture machine is hybrid: v1 controllers plus an empty v2 hierarchy at the root.
  EXPECT_EQ(parse_cgroup_path(fixture("captured/go-cgroup")), "/");
  EXPECT_FALSE(parse_cgroup_path(fixture("cgroup2/cgroup-v1-only")));
  EXPECT_FALSE(parse_cgroup_path(""));
  EXPECT_FALSE(parse_cgroup_path("0::/cut-before-newline"));
  EXPECT_FALSE(parse_cgroup_path("0::relative\n"));
  EXPECT_EQ(parse_cgroup_path("1:name=systemd:/a\n0::/b/c\n"), "/b/c");
}

TEST(CgroupPath, V1MemoryController) {
  EXPECT_EQ(parse_cgroup_v1_memory_path(fixture("captured/go-cgroup")), "/process_api/24abf413b6af6991a3d3de08047fcae8");
  EXPECT_EQ(parse_cgroup_v1_memory_path(fixture("cgroup2/cgroup-v1-only")), "/docker/3f2a");
  EXPECT_FALSE(parse_cgroup_v1_memory_path(fixture("cgroup2/cgroup")));
  EXPECT_EQ(parse_cgroup_v1_memory_path("5:cpu,memory,pids:/a\n"), "/a");
  EXPECT_FALSE(parse_cgroup_v1_memory_path("5:memoryx:/a\n"));
  EXPECT_FALSE(parse_cgroup_v1_memory_path("4:memory:/cut"));
}

TEST(CgroupBytes, V1LimitAndOomControl) {
  EXPECT_EQ(parse_cgroup_v1_limit(fixture("cgroup1/memory.limit_in_bytes")), CgroupBytes::of(536870912));
  EXPECT_EQ(parse_cgroup_v1_limit(fixture("cgroup1/memory.limit_in_bytes-unlimited")), CgroupBytes::no_limit());
  EXPECT_FALSE(parse_cgroup_v1_limit("max\n"));
  EXPECT_TRUE(parse_cgroup_bytes(fixture("cgroup1/memory.usage_in_bytes")));
  const auto oom = parse_memory_events(fixture("cgroup1/memory.oom_control"));
  ASSERT_TRUE(oom);
  EXPECT_EQ(oom->oom_kill, 0u);
  EXPECT_FALSE(oom->max);
}

TEST(CgroupBytes, ValuesAndMax) {
  EXPECT_EQ(parse_cgroup_bytes(fixture("cgroup2/memory.current")), CgroupBytes::of(377487360));
  EXPECT_EQ(parse_cgroup_bytes(fixture("cgroup2/memory.max")), CgroupBytes::of(536870912));
  EXPECT_EQ(parse_cgroup_bytes(fixture("cgroup2/memory.peak")), CgroupBytes::of(402653184));
  const auto unlimited = parse_cgroup_bytes(fixture("cgroup2/memory.max-unlimited"));
  ASSERT_TRUE(unlimited);
  EXPECT_TRUE(unlimited->unlimited);
  EXPECT_EQ(unlimited, CgroupBytes::no_limit());
  EXPECT_NE(unlimited, CgroupBytes::of(0));
  EXPECT_EQ(parse_cgroup_bytes(fixture("cgroup2/memory.high")), CgroupBytes::no_limit());
  EXPECT_EQ(parse_cgroup_bytes("0\n"), CgroupBytes::of(0));
  EXPECT_EQ(parse_cgroup_bytes("max"), CgroupBytes::no_limit());
  EXPECT_EQ(parse_cgroup_bytes("18446744073709551615\n"),
            CgroupBytes::of(18446744073709551615u));
  EXPECT_FALSE(parse_cgroup_bytes(""));
  EXPECT_FALSE(parse_cgroup_bytes("\n"));
  EXPECT_FALSE(parse_cgroup_bytes("-1\n"));
  EXPECT_FALSE(parse_cgroup_bytes("ma"));
  EXPECT_FALSE(parse_cgroup_bytes("12 34\n"));
  EXPECT_FALSE(parse_cgroup_bytes("18446744073709551616\n"));
}

TEST(MemoryEvents, AllCountersAndOlderKernels) {
  const auto ev = parse_memory_events(fixture("cgroup2/memory.events"));
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->low, 0u);
  EXPECT_EQ(ev->high, 0u);
  EXPECT_EQ(ev->max, 17u);
  EXPECT_EQ(ev->oom, 2u);
  EXPECT_EQ(ev->oom_kill, 1u);
  EXPECT_EQ(ev->oom_group_kill, 0u);

  const auto old = parse_memory_events("low 0\nhigh 3\nmax 0\noom 0\noom_kill 0\n");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->high, 3u);
  EXPECT_FALSE(old->oom_group_kill);

  const auto cut = parse_memory_events("low 0\nhigh 3\nmax 0\noom 0\noom_kill 1");
  ASSERT_TRUE(cut);
  EXPECT_FALSE(cut->oom_kill);  // "1" may have been "12"
  EXPECT_FALSE(parse_memory_events(""));
  EXPECT_FALSE(parse_memory_events("unknown 1\n"));
}

TEST(MemoryStat, HandWrittenV2File) {
  const auto ms = parse_memory_stat(fixture("cgroup2/memory.stat"));
  ASSERT_TRUE(ms);
  EXPECT_EQ(ms->anon, 339738624u);
  EXPECT_EQ(ms->file, 27262976u);
  EXPECT_EQ(ms->kernel, 9437184u);
  EXPECT_EQ(ms->sock, 4096u);
  EXPECT_EQ(ms->shmem, 1048576u);
  EXPECT_EQ(ms->inactive_file, 16777216u);
  EXPECT_EQ(ms->active_file, 9437184u);
  // "file_mapped", "anon_thp"... share prefixes but are other keys.
  const auto only = parse_memory_stat("anon_thp 5\nfile_mapped 6\nanon 7\n");
  ASSERT_TRUE(only);
  EXPECT_EQ(only->anon, 7u);
  EXPECT_FALSE(only->file);
  EXPECT_FALSE(only->kernel);
  EXPECT_FALSE(parse_memory_stat("anon_thp 5\n"));
}

}  // namespace
}  // namespace gcsight
