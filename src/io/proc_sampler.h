// Samples the memory and CPU of a running process (optionally with its descendants)
// from /proc and its cgroup v2 memory files, one MemorySample per call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gcsight {

/// What a ProcSampler reads besides /proc/PID/{stat,status}.
struct SamplerOptions {
  bool tree = false;    ///< sum over the process and all its live descendants
  int smaps_every = 10; ///< every Nth sample (the first included) reads smaps_rollup; <= 0: never
  bool cgroup = true;   ///< read the process's cgroup v2 memory.current/.max/.events
};

/// One sample. A figure that could not be read is nullopt, never 0.
struct MemorySample {
  int64_t t_ns = 0;   ///< the time the caller gave to sample()
  bool ok = false;    ///< the process was readable (stat and status); false: it is gone
  std::optional<uint64_t> rss, rss_anon, rss_file, rss_shmem, swap;  ///< bytes, from status
  std::optional<uint64_t> hwm;        ///< VmHWM (tree: sum of the processes' peaks)
  std::optional<uint64_t> lazy_free;  ///< smaps_rollup LazyFree: MADV_FREE'd bytes still in rss
  std::optional<uint64_t> anon_huge;  ///< smaps_rollup AnonHugePages
  std::optional<uint64_t> cpu_user_ns, cpu_sys_ns;  ///< CPU time (tree: with reaped children)
  std::optional<int64_t> threads;     ///< thread count
  uint32_t processes = 0;             ///< processes summed (1 without tree; 0 when !ok)
  std::optional<uint64_t> cgroup_current;   ///< memory.current of the process's cgroup
  std::optional<uint64_t> cgroup_max;       ///< memory.max when it is a number
  bool cgroup_unlimited = false;            ///< memory.max said "max" (cgroup_max is nullopt)
  std::optional<uint64_t> cgroup_oom_kill;  ///< memory.events oom_kill
  std::string error;  ///< why !ok ("cannot read /proc/42/stat: No such file or directory")
};

/// Reads /proc (and the cgroup v2 tree) for one process every time sample() is called.
/// Meant to run every ~100 ms for days: after the first samples it allocates nothing.
class ProcSampler {
 public:
  /// Samples `pid`; the roots are parameters so tests can point at a fake tree.
  ProcSampler(int pid, SamplerOptions options, std::string proc_root = "/proc",
              std::string cgroup_root = "/sys/fs/cgroup");

  /// Takes one sample stamped `t_ns` (the caller owns the clock).
  MemorySample sample(int64_t t_ns);

  /// RSS and CPU of the calling process (no tree, smaps every time, no cgroup).
  static MemorySample sample_self(int64_t t_ns);

 private:
  struct Totals;
  bool read_file(const std::string& path);
  void set_proc_path(int pid, const char* leaf);
  bool add_process(int pid, bool root, bool with_smaps, Totals& totals, MemorySample& out);
  void find_descendants();
  bool read_children_files(int pid);
  void scan_parents();
  void sample_cgroup(MemorySample& out);

  int pid_;
  SamplerOptions options_;
  std::string proc_root_;
  std::string cgroup_root_;
  int64_t ticks_per_second_ = 0;
  uint64_t samples_ = 0;
  std::optional<uint64_t> root_starttime_;  // detects a reused pid
  std::optional<bool> children_files_;      // /proc/PID/task/TID/children exists
  std::string buf_;                         // file contents, reused
  size_t buf_len_ = 0;
  std::string path_;                        // file path, reused
  std::string path2_;                       // second path (directory walks), reused
  std::vector<int> tree_;                   // pids of the current sample's tree
  std::vector<std::pair<int, int>> parents_;  // (pid, ppid) from a /proc scan
};

}  // namespace gcsight
