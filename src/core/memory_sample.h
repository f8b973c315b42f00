// One sample of a process's memory and CPU, as the sampler takes it from /proc
// and the process's cgroup. Plain data shared by the sampler (io), the memory
// model (core) and recordings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gcsight {

/// One sample. A figure that could not be read is nullopt, never 0.
struct MemorySample {
  int64_t t_ns = 0;   ///< the time the caller gave to sample()
  bool ok = false;    ///< the process was readable (stat and status); false: it is gone
  bool cgroup_only = false;  ///< taken after the process ended: only the cgroup's figures
  std::optional<uint64_t> rss, rss_anon, rss_file, rss_shmem, swap;  ///< bytes, from status
  std::optional<uint64_t> hwm;        ///< VmHWM (tree: sum of the processes' peaks)
  std::optional<uint64_t> lazy_free;  ///< smaps_rollup LazyFree: MADV_FREE'd bytes still in rss
  std::optional<uint64_t> anon_huge;  ///< smaps_rollup AnonHugePages
  std::optional<uint64_t> cpu_user_ns, cpu_sys_ns;  ///< CPU time (tree: with reaped children)
  std::optional<int64_t> threads;     ///< thread count
  uint32_t processes = 0;             ///< processes summed (1 without tree; 0 when !ok)
  uint8_t cgroup_version = 0;               ///< 2, 1 (the v1 memory controller), 0 = none read
  std::optional<uint64_t> cgroup_current;   ///< memory.current (v1: memory.usage_in_bytes)
  std::optional<uint64_t> cgroup_max;       ///< memory.max (v1: memory.limit_in_bytes) when a limit
  bool cgroup_unlimited = false;            ///< no limit (cgroup_max is nullopt)
  std::optional<uint64_t> cgroup_oom_kill;  ///< memory.events (v1: memory.oom_control) oom_kill
  std::string error;  ///< why !ok ("cannot read /proc/42/stat: No such file or directory")
};

}  // namespace gcsight
