// ProcSampler: the OS side of `gcsight run`'s memory series. Each call reads a few small
// /proc and cgroup files for one process (or its tree) and turns them into a
// MemorySample with the pure parsers of core/proc_stats.
//
// Timing model. The caller decides when to sample (every ~100 ms) and passes the time
// in, so the sampler owns no clock and a slow read delays only that sample. The cheap
// files are read every time: /proc/PID/stat (CPU, threads, state) and /proc/PID/status
// (VmRSS split into anon/file/shmem, swap, peak), and the cgroup's memory.current, .max
// and .events. smaps_rollup walks every mapping of the process under its mmap lock, so
// it is read only on every Nth sample (SamplerOptions::smaps_every); between those its
// fields (LazyFree, AnonHugePages) are nullopt rather than carried over, so a series
// shows exactly when each figure was measured.
//
// The sampler runs for days, so it allocates only while warming up: files are read
// with open/read into one reused buffer (which grows to the largest file seen, capped),
// paths are rebuilt in reused strings, and the tree walk reuses its vectors.
//
// Gaps stay gaps. A field that cannot be read is nullopt, never 0; in tree mode a sum
// is given only if every process counted provided that field. The root process must be
// readable (stat and status) or the sample is !ok with the reason in `error`; its
// starttime is remembered so that a pid reused by an unrelated process after the
// child died is reported as gone instead of sampled. Descendants that vanish mid-sample,
// and zombies (which hold no memory and no longer report it), are left out of the sum
// and out of `processes`.
//
// Tree mode finds descendants through /proc/PID/task/TID/children (one file per thread,
// since a child hangs off the thread that forked it; CONFIG_PROC_CHILDREN), and falls
// back to reading every /proc/*/stat for its ppid where that file does not exist. Both
// are snapshots that can miss a process forked during the walk; that process is counted
// from the next sample on. CPU in tree mode adds cutime/cstime (CPU of children the
// process reaped), so the total does not drop when a short-lived child exits.
#include "io/proc_sampler.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/proc_stats.h"

namespace gcsight {
namespace {

constexpr size_t kInitialBuffer = 8 * 1024;
// The largest file accepted: status and smaps_rollup are ~2 KiB, memory.stat ~1.5 KiB;
// a children file of a process with thousands of children stays far below this.
constexpr size_t kMaxFile = 4 * 1024 * 1024;

// A sum over processes that is unknown as soon as one process lacks the figure.
template <class T>
struct Sum {
  T value{};
  bool missing = false;
  void add(const std::optional<T>& x) {
    if (x) {
      value += *x;
    } else {
      missing = true;
    }
  }
  [[nodiscard]] std::optional<T> get() const {
    if (missing) return std::nullopt;
    return value;
  }
};

void append_int(std::string& s, int v) {
  char tmp[16];
  const auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  (void)ec;  // 16 chars always hold an int
  s.append(tmp, end);
}

// A directory entry name that is a whole positive decimal (a pid or tid), else -1.
int numeric_name(const char* name) {
  const std::string_view s(name);
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v <= 0) return -1;
  return v;
}

// Closes a DIR* on scope exit.
struct DirCloser {
  DIR* d;
  ~DirCloser() {
    if (d != nullptr) ::closedir(d);
  }
};

}  // namespace

struct ProcSampler::Totals {
  Sum<uint64_t> rss, rss_anon, rss_file, rss_shmem, swap, hwm;
  Sum<uint64_t> lazy_free, anon_huge;
  Sum<uint64_t> cpu_user_ns, cpu_sys_ns;
  Sum<int64_t> threads;
};

ProcSampler::ProcSampler(int pid, SamplerOptions options, std::string proc_root,
                         std::string cgroup_root)
    : pid_(pid),
      options_(options),
      proc_root_(std::move(proc_root)),
      cgroup_root_(std::move(cgroup_root)),
      ticks_per_second_(::sysconf(_SC_CLK_TCK)) {
  buf_.resize(kInitialBuffer);
}

MemorySample ProcSampler::sample_self(int64_t t_ns) {
  ProcSampler self(static_cast<int>(::getpid()),
                   SamplerOptions{.tree = false, .smaps_every = 1, .cgroup = false});
  return self.sample(t_ns);
}

namespace {

// Files that the kernel generates afresh on each read from offset 0 (procfs,
// cgroupfs); a plain file (a test's fake tree) keeps its content once open.
bool regenerated_on_read(int fd) {
  struct statfs fs {};
  if (fstatfs(fd, &fs) != 0) return false;
  return fs.f_type == PROC_SUPER_MAGIC || fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC;
}

}  // namespace

ProcSampler::FdCache::~FdCache() {
  for (auto& [path, fd] : fds) ::close(fd);
}

ProcSampler::FdCache::FdCache(FdCache&& o) noexcept : fds(std::move(o.fds)) { o.fds.clear(); }

ProcSampler::FdCache& ProcSampler::FdCache::operator=(FdCache&& o) noexcept {
  if (this != &o) {
    for (auto& [path, fd] : fds) ::close(fd);
    fds = std::move(o.fds);
    o.fds.clear();
  }
  return *this;
}

bool ProcSampler::read_file(const std::string& path) {
  buf_len_ = 0;
  // The files read every sample stay open and are read again from offset 0
  // (a /proc or cgroup file is generated afresh by each read from the start):
  // it saves the path walk of open(2) on every sample.
  int fd = -1;
  bool cached = false;
  for (const auto& [p, f] : cache_.fds) {
    if (p == path) {
      fd = f;
      cached = true;
      break;
    }
  }
  if (fd < 0) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    if (cache_.fds.size() < kCachedFiles && regenerated_on_read(fd)) {
      cache_.fds.emplace_back(path, fd);
      cached = true;
    }
  }
  auto drop = [&] {
    const int e = errno;
    if (cached) {
      std::erase_if(cache_.fds, [&](const auto& pf) { return pf.second == fd; });
    }
    ::close(fd);
    errno = e;
  };
  for (;;) {
    if (buf_len_ == buf_.size()) {
      if (buf_.size() >= kMaxFile) {
        drop();
        errno = EFBIG;
        return false;
      }
      buf_.resize(buf_.size() * 2);
    }
    const ssize_t n = ::pread(fd, buf_.data() + buf_len_, buf_.size() - buf_len_, static_cast<off_t>(buf_len_));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      drop();  // a process that is gone: its files answer ESRCH
      return false;
    }
    buf_len_ += static_cast<size_t>(n);
  }
  if (!cached) ::close(fd);
  return true;
}

void ProcSampler::set_proc_path(int pid, const char* leaf) {
  path_.assign(proc_root_);
  path_ += '/';
  append_int(path_, pid);
  path_ += '/';
  path_ += leaf;
}

// Reads one process into `totals`. Returns false (adding nothing) if it could not be
// read, or if it is a zombie descendant; for the root, also sets out.error.
bool ProcSampler::add_process(int pid, bool root, bool with_smaps, Totals& totals,
                              MemorySample& out) {
  // Read failures carry errno; parse failures do not.
  auto fail = [&](bool read_error) {
    if (root) {
      const int e = errno;
      out.error.assign(read_error ? "cannot read " : "cannot parse ");
      out.error += path_;
      if (read_error) {
        out.error += ": ";
        out.error += std::strerror(e);
      }
    }
    return false;
  };

  set_proc_path(pid, "stat");
  if (!read_file(path_)) return fail(true);
  const auto stat = parse_proc_stat(std::string_view(buf_.data(), buf_len_));
  if (!stat) return fail(false);
  if (!root && (stat->state == 'Z' || stat->state == 'X')) return false;
  if (root) {
    if (root_starttime_ && *root_starttime_ != stat->starttime) {
      out.error = "process " + std::to_string(pid) + " is gone (its pid now names another process)";
      return false;
    }
    root_starttime_ = stat->starttime;
  }

  set_proc_path(pid, "status");
  if (!read_file(path_)) return fail(true);
  const auto status = parse_proc_status(std::string_view(buf_.data(), buf_len_));
  if (!status) return fail(false);

  totals.rss.add(status->vm_rss);
  totals.rss_anon.add(status->rss_anon);
  totals.rss_file.add(status->rss_file);
  totals.rss_shmem.add(status->rss_shmem);
  totals.swap.add(status->vm_swap);
  totals.hwm.add(status->vm_hwm);
  totals.threads.add(status->threads ? status->threads : std::optional<int64_t>(stat->num_threads));

  if (ticks_per_second_ > 0) {
    const auto hz = static_cast<uint64_t>(ticks_per_second_);
    // ticks -> ns without overflow for any realistic tick count.
    auto ns = [hz](uint64_t ticks) { return ticks / hz * 1'000'000'000 + ticks % hz * 1'000'000'000 / hz; };
    const bool reaped = options_.tree;
    totals.cpu_user_ns.add(ns(stat->utime + (reaped ? stat->cutime : 0)));
    totals.cpu_sys_ns.add(ns(stat->stime + (reaped ? stat->cstime : 0)));
  } else {
    totals.cpu_user_ns.add(std::nullopt);
    totals.cpu_sys_ns.add(std::nullopt);
  }

  if (with_smaps) {
    set_proc_path(pid, "smaps_rollup");
    std::optional<SmapsRollup> smaps;
    if (read_file(path_)) smaps = parse_smaps_rollup(std::string_view(buf_.data(), buf_len_));
    totals.lazy_free.add(smaps ? smaps->lazy_free : std::nullopt);
    totals.anon_huge.add(smaps ? smaps->anon_huge_pages : std::nullopt);
  }
  return true;
}

// Appends to tree_ the children listed in /proc/PID/task/*/children; false if the task
// directory cannot be opened (the process is gone).
bool ProcSampler::read_children_files(int pid) {
  set_proc_path(pid, "task");
  path2_.assign(path_);
  DirCloser dir{::opendir(path2_.c_str())};
  if (dir.d == nullptr) return false;
  while (const dirent* e = ::readdir(dir.d)) {
    const int tid = numeric_name(e->d_name);
    if (tid < 0) continue;
    path_.assign(path2_);
    path_ += '/';
    append_int(path_, tid);
    path_ += "/children";
    if (!read_file(path_)) continue;  // the thread ended
    const char* p = buf_.data();
    const char* end = p + buf_len_;
    while (p < end) {
      int child = 0;
      const auto [next, ec] = std::from_chars(p, end, child);
      if (ec == std::errc{} && child > 0 &&
          std::find(tree_.begin(), tree_.end(), child) == tree_.end()) {
        tree_.push_back(child);
      }
      p = (next == p) ? p + 1 : next;  // skip the separating space
    }
  }
  return true;
}

// Fills parents_ with (pid, ppid) of every process in proc_root_.
void ProcSampler::scan_parents() {
  parents_.clear();
  DirCloser dir{::opendir(proc_root_.c_str())};
  if (dir.d == nullptr) return;
  while (const dirent* e = ::readdir(dir.d)) {
    const int pid = numeric_name(e->d_name);
    if (pid < 0) continue;
    set_proc_path(pid, "stat");
    if (!read_file(path_)) continue;
    const auto st = parse_proc_stat(std::string_view(buf_.data(), buf_len_));
    if (st) parents_.emplace_back(pid, st->ppid);
  }
}

// tree_ = the root followed by its descendants, breadth first.
void ProcSampler::find_descendants() {
  tree_.clear();
  tree_.push_back(pid_);
  if (!children_files_) {
    set_proc_path(pid_, "task/");
    append_int(path_, pid_);
    path_ += "/children";
    children_files_ = ::access(path_.c_str(), F_OK) == 0;
  }
  if (*children_files_) {
    for (size_t i = 0; i < tree_.size(); ++i) read_children_files(tree_[i]);
    return;
  }
  scan_parents();
  for (size_t i = 0; i < tree_.size(); ++i) {
    for (const auto& [pid, ppid] : parents_) {
      if (ppid == tree_[i] && std::find(tree_.begin(), tree_.end(), pid) == tree_.end()) {
        tree_.push_back(pid);
      }
    }
  }
}

void ProcSampler::sample_cgroup(MemorySample& out) {
  // The group is found once and kept: a process that exits is shown in its
  // parent group while a zombie, and its own group is the one that counts.
  if (!cgroup_dir_.empty()) {
    path2_ = cgroup_dir_;
    sample_cgroup_files(out, cgroup_version_);
    return;
  }
  set_proc_path(pid_, "cgroup");
  if (!read_file(path_)) return;
  const std::string_view text(buf_.data(), buf_len_);
  // cgroup v2 first; on a hybrid system (v2 mounted, memory still on v1) the
  // v2 group has no memory files and the v1 memory controller is read.
  std::string v1_rel;
  if (const auto rel = parse_cgroup_v1_memory_path(text)) v1_rel.assign(*rel);
  if (const auto rel = parse_cgroup_path(text)) {
    path2_.assign(cgroup_root_);
    if (*rel != "/") path2_.append(*rel);
    if (sample_cgroup_files(out, 2)) return;
  }
  if (v1_rel.empty()) return;
  // A namespaced process sees its own group as "/"; its mount holds it at the root.
  path2_.assign(cgroup_root_);
  path2_ += "/memory";
  if (v1_rel != "/") path2_.append(v1_rel);
  sample_cgroup_files(out, 1);
}

MemorySample ProcSampler::sample_cgroup_after_exit(int64_t t_ns) {
  MemorySample out;
  out.t_ns = t_ns;
  out.cgroup_only = true;
  if (cgroup_dir_.empty()) return out;
  path2_ = cgroup_dir_;
  sample_cgroup_files(out, cgroup_version_);
  return out;
}

bool ProcSampler::sample_cgroup_files(MemorySample& out, uint8_t version) {
  const size_t dir_len = path2_.size();
  const std::string dir = path2_;
  auto read_leaf = [&](const char* leaf) {
    path2_.resize(dir_len);
    path2_ += '/';
    path2_ += leaf;
    return read_file(path2_);
  };
  auto text = [&] { return std::string_view(buf_.data(), buf_len_); };
  if (!read_leaf(version == 2 ? "memory.current" : "memory.usage_in_bytes")) return false;
  // memory.current is never "max"; if it were, it would not be a byte count.
  if (const auto v = parse_cgroup_bytes(text()); v && !v->unlimited) out.cgroup_current = v->bytes;
  out.cgroup_version = version;
  cgroup_dir_ = dir;
  cgroup_version_ = version;
  if (read_leaf(version == 2 ? "memory.max" : "memory.limit_in_bytes")) {
    const auto v = version == 2 ? parse_cgroup_bytes(text()) : parse_cgroup_v1_limit(text());
    if (v && v->unlimited) {
      out.cgroup_unlimited = true;
    } else if (v) {
      out.cgroup_max = v->bytes;
    }
  }
  if (read_leaf(version == 2 ? "memory.events" : "memory.oom_control")) {
    if (const auto ev = parse_memory_events(text())) out.cgroup_oom_kill = ev->oom_kill;
  }
  return true;
}

MemorySample ProcSampler::sample(int64_t t_ns) {
  MemorySample out;
  out.t_ns = t_ns;
  const bool with_smaps =
      options_.smaps_every > 0 && (samples_ + 1) % static_cast<uint64_t>(options_.smaps_every) == 0;
  ++samples_;

  Totals totals;
  if (!add_process(pid_, true, with_smaps, totals, out)) return out;
  uint32_t processes = 1;
  if (options_.tree) {
    find_descendants();
    for (size_t i = 1; i < tree_.size(); ++i) {
      if (add_process(tree_[i], false, with_smaps, totals, out)) ++processes;
    }
  }

  out.ok = true;
  out.processes = processes;
  out.rss = totals.rss.get();
  out.rss_anon = totals.rss_anon.get();
  out.rss_file = totals.rss_file.get();
  out.rss_shmem = totals.rss_shmem.get();
  out.swap = totals.swap.get();
  out.hwm = totals.hwm.get();
  if (with_smaps) {
    out.lazy_free = totals.lazy_free.get();
    out.anon_huge = totals.anon_huge.get();
  }
  out.cpu_user_ns = totals.cpu_user_ns.get();
  out.cpu_sys_ns = totals.cpu_sys_ns.get();
  out.threads = totals.threads.get();
  if (options_.cgroup) sample_cgroup(out);
  return out;
}

}  // namespace gcsight
