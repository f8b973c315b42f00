// Pure parsers for the Linux files the sampler reads: /proc/PID/status, /proc/PID/stat,
// /proc/PID/smaps_rollup, /proc/PID/cgroup and the cgroup v2 memory.* files. They take
// the file's text and return plain values; the io layer does the reading.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gcsight {

/// Memory figures of /proc/PID/status, in bytes (the kernel prints kB = KiB).
/// A field the text did not have (a zombie has no Vm* lines) stays nullopt.
struct ProcStatus {
  std::optional<uint64_t> vm_rss;     ///< VmRSS: resident set (anon + file + shmem)
  std::optional<uint64_t> rss_anon;   ///< RssAnon: resident anonymous memory (the Go heap lives here)
  std::optional<uint64_t> rss_file;   ///< RssFile: resident file mappings (binary, libraries)
  std::optional<uint64_t> rss_shmem;  ///< RssShmem: resident shared memory
  std::optional<uint64_t> vm_swap;    ///< VmSwap: anonymous memory swapped out
  std::optional<uint64_t> vm_hwm;     ///< VmHWM: peak resident set
  std::optional<uint64_t> vm_size;    ///< VmSize: virtual size
  std::optional<int64_t> threads;     ///< Threads: thread count
};

/// Parses /proc/PID/status. Values in kB are converted to bytes; a line that lacks its
/// " kB" unit or its "\n" (text cut short) leaves its field nullopt. nullopt when none of
/// the fields above is present.
std::optional<ProcStatus> parse_proc_status(std::string_view text);

/// The fields gcsight uses from /proc/PID/stat (times in clock ticks, see sysconf(_SC_CLK_TCK)).
struct ProcStat {
  int32_t pid = 0;              ///< field 1
  std::string comm;             ///< field 2 without its parentheses (may hold spaces and ')')
  char state = '?';             ///< field 3: R, S, D, Z, T, t, X, I...
  int32_t ppid = 0;             ///< field 4
  uint64_t utime = 0;           ///< field 14: user CPU of the process's threads
  uint64_t stime = 0;           ///< field 15: system CPU of the process's threads
  uint64_t cutime = 0;          ///< field 16: user CPU of children it waited for
  uint64_t cstime = 0;          ///< field 17: system CPU of children it waited for
  int64_t num_threads = 0;      ///< field 20
  uint64_t starttime = 0;       ///< field 22: start time after boot; tells a reused pid apart
};

/// Parses /proc/PID/stat. comm is taken up to the LAST ')' of the text, since a program
/// may name itself "a) b". nullopt when a field up to starttime is missing or malformed
/// (including text cut inside starttime: a separator must follow it).
std::optional<ProcStat> parse_proc_stat(std::string_view text);

/// Figures of /proc/PID/smaps_rollup, in bytes; each nullopt if absent (older kernels
/// lack LazyFree's neighbours, kernels before 4.14 lack the file).
struct SmapsRollup {
  std::optional<uint64_t> rss;               ///< Rss
  std::optional<uint64_t> pss;               ///< Pss: proportional set size
  std::optional<uint64_t> pss_anon;          ///< Pss_Anon
  std::optional<uint64_t> pss_file;          ///< Pss_File
  std::optional<uint64_t> pss_shmem;         ///< Pss_Shmem
  std::optional<uint64_t> anonymous;         ///< Anonymous
  std::optional<uint64_t> lazy_free;         ///< LazyFree: MADV_FREE'd pages still in RSS
  std::optional<uint64_t> anon_huge_pages;   ///< AnonHugePages: anonymous THP
  std::optional<uint64_t> shmem_pmd_mapped;  ///< ShmemPmdMapped: shmem mapped with huge pages
  std::optional<uint64_t> swap;              ///< Swap
  std::optional<uint64_t> swap_pss;          ///< SwapPss
};

/// Parses /proc/PID/smaps_rollup with the same rules as parse_proc_status(); nullopt when
/// none of the fields is present.
std::optional<SmapsRollup> parse_smaps_rollup(std::string_view text);

/// The cgroup v2 path of a process: the text after "0::" in /proc/PID/cgroup ("/" at the
/// root, relative to the reader's cgroup namespace). nullopt when there is no "0::" line
/// (a v1-only system). The view points into `text`.
std::optional<std::string_view> parse_cgroup_path(std::string_view text);

/// The path of the cgroup v1 memory controller of a process: the text after the second
/// ':' of the /proc/PID/cgroup line whose controller list holds "memory"
/// ("4:memory:/kubepods/pod1/abc"). nullopt without one (a v2-only system).
std::optional<std::string_view> parse_cgroup_v1_memory_path(std::string_view text);

/// A cgroup v2 byte count or limit (memory.current, .max, .high, .peak).
struct CgroupBytes {
  bool unlimited = false;  ///< the file said "max": no limit (bytes is then 0 and meaningless)
  uint64_t bytes = 0;      ///< the value when !unlimited

  /// A limit of "max".
  static CgroupBytes no_limit() { return {true, 0}; }
  /// A byte value.
  static CgroupBytes of(uint64_t b) { return {false, b}; }
  bool operator==(const CgroupBytes&) const = default;
};

/// Parses a one-value cgroup file: a decimal byte count or "max", with an optional "\n".
/// nullopt on anything else (empty, negative, trailing text).
std::optional<CgroupBytes> parse_cgroup_bytes(std::string_view text);

/// A cgroup v1 memory.limit_in_bytes. v1 has no "max": no limit reads as the largest
/// page count in bytes (9223372036854771712 with 4 KiB pages), so anything from 2^62 up
/// is taken as unlimited.
std::optional<CgroupBytes> parse_cgroup_v1_limit(std::string_view text);

/// Counters of memory.events (times each event happened); each nullopt if absent
/// (oom_group_kill is from Linux 5.19).
struct MemoryEvents {
  std::optional<uint64_t> low;             ///< reclaimed below memory.low
  std::optional<uint64_t> high;            ///< throttled above memory.high
  std::optional<uint64_t> max;             ///< hit memory.max
  std::optional<uint64_t> oom;             ///< allocation failed at the limit
  std::optional<uint64_t> oom_kill;        ///< a process was OOM-killed
  std::optional<uint64_t> oom_group_kill;  ///< the whole group was OOM-killed
};

/// Parses memory.events ("key value" lines; a line without its "\n" is ignored as cut).
/// Also reads a v1 memory.oom_control, whose `oom_kill` line (Linux 4.13+) is the same.
/// nullopt when none of the counters is present.
std::optional<MemoryEvents> parse_memory_events(std::string_view text);

/// Figures of a cgroup v2 memory.stat, in bytes; each nullopt if absent.
struct MemoryStat {
  std::optional<uint64_t> anon;           ///< anonymous memory (heaps, stacks)
  std::optional<uint64_t> file;           ///< page cache
  std::optional<uint64_t> kernel;         ///< kernel memory (Linux 5.18+)
  std::optional<uint64_t> sock;           ///< network buffers
  std::optional<uint64_t> shmem;          ///< shared memory and tmpfs
  std::optional<uint64_t> inactive_file;  ///< page cache on the inactive list (reclaimable first)
  std::optional<uint64_t> active_file;    ///< page cache on the active list
};

/// Parses memory.stat with the rules of parse_memory_events(); nullopt when none of the
/// fields is present.
std::optional<MemoryStat> parse_memory_stat(std::string_view text);

}  // namespace gcsight
