// Samples the memory and CPU of a running process (optionally with its descendants)
// from /proc and its cgroup v2 memory files, one MemorySample per call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/memory_sample.h"

namespace gcsight {

/// What a ProcSampler reads besides /proc/PID/{stat,status}.
struct SamplerOptions {
  bool tree = false;    ///< sum over the process and all its live descendants
  int smaps_every = 50; ///< the Nth, 2Nth... sample reads smaps_rollup (costly on a big heap: it walks the page tables; nothing is lazily freed at the start anyway); <= 0: never
  bool cgroup = true;   ///< read the process's cgroup memory usage, limit and OOM kills (v2 or v1)
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

  /// After the process is gone: its cgroup's figures alone (an OOM kill is
  /// counted after the last sample of the process could be taken).
  /// cgroup_only is set; nothing when no cgroup was read before.
  MemorySample sample_cgroup_after_exit(int64_t t_ns);

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
  bool sample_cgroup_files(MemorySample& out, uint8_t version);  // in the directory path2_

  // Open files read again each sample; closed with the sampler.
  struct FdCache {
    std::vector<std::pair<std::string, int>> fds;
    FdCache() = default;
    ~FdCache();
    FdCache(const FdCache&) = delete;
    FdCache& operator=(const FdCache&) = delete;
    FdCache(FdCache&& o) noexcept;
    FdCache& operator=(FdCache&& o) noexcept;
  };
  static constexpr size_t kCachedFiles = 8;

  int pid_;
  SamplerOptions options_;
  FdCache cache_;
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
  std::string cgroup_dir_;                  // the memory cgroup last read
  uint8_t cgroup_version_ = 0;
};

}  // namespace gcsight
