// Parsers of the Linux process and cgroup files the sampler reads, kept apart from the
// reading so they can be tested on captured text.
//
// The files come in three shapes. "Key:   value kB" lines (status, smaps_rollup), where
// the kernel prints KiB and we keep bytes; "key value" lines (memory.events,
// memory.stat) already in bytes or counts; and single values (memory.current, .max),
// where the word "max" means no limit and is kept as such rather than as 0 or
// UINT64_MAX, so a report cannot mistake "unlimited" for a number.
//
// A measurement tool must not turn a gap into a value, so every field is optional and
// text that ends early costs the fields it cut, not a wrong number: a kB line must end
// in its unit, a key/value line must end in "\n" (the kernel ends every line with one),
// and in /proc/PID/stat the field after starttime must have begun. The kernel writes
// these files in one go, so a cut only happens with a capture or a short read; the
// rules make such text safe to parse anyway.
//
// /proc/PID/stat wraps comm in parentheses, and comm is whatever the program called
// itself (up to 15 bytes, spaces and parentheses included), so the fields after it are
// found from the LAST ')' in the text: nothing after comm can contain one.
#include "core/proc_stats.h"

#include <charconv>
#include <limits>

namespace gcsight {
namespace {

// Calls f(line) for each "\n"-terminated line; a final line without "\n" is skipped.
template <class F>
void for_each_complete_line(std::string_view text, F&& f) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return;
    f(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// A whole token as an unsigned decimal; nullopt on anything else (sign, junk, overflow).
template <class T>
std::optional<T> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  T v{};
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// "  35968 kB" -> bytes; the unit must be present (it is the end of a complete value).
std::optional<uint64_t> parse_kib_value(std::string_view s) {
  s = trim(s);
  if (!s.ends_with("kB")) return std::nullopt;
  s.remove_suffix(2);
  const auto kib = parse_number<uint64_t>(trim(s));
  if (!kib || *kib > std::numeric_limits<uint64_t>::max() / 1024) return std::nullopt;
  return *kib * 1024;
}

// Splits "Key: value" at the first ':'; false if there is none.
bool split_colon(std::string_view line, std::string_view& key, std::string_view& value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  key = line.substr(0, colon);
  value = line.substr(colon + 1);
  return true;
}

// Splits "key value" at the first space; false if there is none.
bool split_space(std::string_view line, std::string_view& key, std::string_view& value) {
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  key = line.substr(0, sp);
  value = trim(line.substr(sp + 1));
  return true;
}

template <class Record>
struct KibField {
  std::string_view key;
  std::optional<uint64_t> Record::*member;
};

// Fills the kB fields of `out` named in `fields`; true if at least one was found.
template <class Record, size_t N>
bool parse_kib_lines(std::string_view text, const KibField<Record> (&fields)[N], Record& out) {
  bool any = false;
  for_each_complete_line(text, [&](std::string_view line) {
    std::string_view key, value;
    if (!split_colon(line, key, value)) return;
    for (const auto& f : fields) {
      if (key != f.key) continue;
      // A present line with an unreadable value counts as seen: the file was right,
      // the value is the gap.
      any = true;
      out.*f.member = parse_kib_value(value);
      return;
    }
  });
  return any;
}

template <class Record>
struct CountField {
  std::string_view key;
  std::optional<uint64_t> Record::*member;
};

// Fills the "key value" fields of `out` named in `fields`; true if at least one was found.
template <class Record, size_t N>
bool parse_count_lines(std::string_view text, const CountField<Record> (&fields)[N],
                       Record& out) {
  bool any = false;
  for_each_complete_line(text, [&](std::string_view line) {
    std::string_view key, value;
    if (!split_space(line, key, value)) return;
    for (const auto& f : fields) {
      if (key != f.key) continue;
      any = true;
      out.*f.member = parse_number<uint64_t>(value);
      return;
    }
  });
  return any;
}

constexpr KibField<ProcStatus> kStatusKib[] = {
    {"VmRSS", &ProcStatus::vm_rss},       {"RssAnon", &ProcStatus::rss_anon},
    {"RssFile", &ProcStatus::rss_file},   {"RssShmem", &ProcStatus::rss_shmem},
    {"VmSwap", &ProcStatus::vm_swap},     {"VmHWM", &ProcStatus::vm_hwm},
    {"VmSize", &ProcStatus::vm_size},
};

constexpr KibField<SmapsRollup> kSmapsKib[] = {
    {"Rss", &SmapsRollup::rss},
    {"Pss", &SmapsRollup::pss},
    {"Pss_Anon", &SmapsRollup::pss_anon},
    {"Pss_File", &SmapsRollup::pss_file},
    {"Pss_Shmem", &SmapsRollup::pss_shmem},
    {"Anonymous", &SmapsRollup::anonymous},
    {"LazyFree", &SmapsRollup::lazy_free},
    {"AnonHugePages", &SmapsRollup::anon_huge_pages},
    {"ShmemPmdMapped", &SmapsRollup::shmem_pmd_mapped},
    {"Swap", &SmapsRollup::swap},
    {"SwapPss", &SmapsRollup::swap_pss},
};

constexpr CountField<MemoryEvents> kEventFields[] = {
    {"low", &MemoryEvents::low},           {"high", &MemoryEvents::high},
    {"max", &MemoryEvents::max},           {"oom", &MemoryEvents::oom},
    {"oom_kill", &MemoryEvents::oom_kill}, {"oom_group_kill", &MemoryEvents::oom_group_kill},
};

constexpr CountField<MemoryStat> kMemStatFields[] = {
    {"anon", &MemoryStat::anon},
    {"file", &MemoryStat::file},
    {"kernel", &MemoryStat::kernel},
    {"sock", &MemoryStat::sock},
    {"shmem", &MemoryStat::shmem},
    {"inactive_file", &MemoryStat::inactive_file},
    {"active_file", &MemoryStat::active_file},
};

}  // namespace

std::optional<ProcStatus> parse_proc_status(std::string_view text) {
  ProcStatus out;
  bool any = parse_kib_lines(text, kStatusKib, out);
  for_each_complete_line(text, [&](std::string_view line) {
    std::string_view key, value;
    if (!split_colon(line, key, value) || key != "Threads") return;
    any = true;
    out.threads = parse_number<int64_t>(trim(value));
  });
  if (!any) return std::nullopt;
  return out;
}

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  ProcStat out;
  const size_t open = text.find(" (");
  const size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2) {
    return std::nullopt;
  }
  const auto pid = parse_number<int32_t>(text.substr(0, open));
  if (!pid) return std::nullopt;
  out.pid = *pid;
  out.comm.assign(text.substr(open + 2, close - open - 2));

  // Fields 3.. are separated by single spaces; stop at the end of the line.
  std::string_view rest = text.substr(close + 1);
  if (const size_t nl = rest.find('\n'); nl != std::string_view::npos) {
    rest = rest.substr(0, nl + 1);  // keep "\n" as the terminator of the last field
  }
  if (rest.empty() || rest.front() != ' ') return std::nullopt;
  rest.remove_prefix(1);

  constexpr int kLastField = 22;  // starttime
  for (int field = 3; field <= kLastField; ++field) {
    const size_t end = rest.find_first_of(" \n");
    // The last field we need must be followed by a separator, else it may be cut.
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view tok = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    switch (field) {
      case 3:
        if (tok.size() != 1) return std::nullopt;
        out.state = tok.front();
        break;
      case 4: {
        const auto v = parse_number<int32_t>(tok);
        if (!v) return std::nullopt;
        out.ppid = *v;
        break;
      }
      case 14:
      case 15:
      case 16:
      case 17:
      case 22: {
        const auto v = parse_number<uint64_t>(tok);
        if (!v) return std::nullopt;
        (field == 14   ? out.utime
         : field == 15 ? out.stime
         : field == 16 ? out.cutime
         : field == 17 ? out.cstime
                       : out.starttime) = *v;
        break;
      }
      case 20: {
        const auto v = parse_number<int64_t>(tok);
        if (!v) return std::nullopt;
        out.num_threads = *v;
        break;
      }
      default:
        if (tok.empty()) return std::nullopt;  // two spaces: not the kernel's layout
        break;
    }
  }
  return out;
}

std::optional<SmapsRollup> parse_smaps_rollup(std::string_view text) {
  SmapsRollup out;
  if (!parse_kib_lines(text, kSmapsKib, out)) return std::nullopt;
  return out;
}

std::optional<std::string_view> parse_cgroup_path(std::string_view text) {
  std::optional<std::string_view> out;
  for_each_complete_line(text, [&](std::string_view line) {
    if (!out && line.starts_with("0::")) out = line.substr(3);
  });
  if (out && !out->starts_with('/')) return std::nullopt;
  return out;
}

std::optional<std::string_view> parse_cgroup_v1_memory_path(std::string_view text) {
  std::optional<std::string_view> out;
  for_each_complete_line(text, [&](std::string_view line) {
    if (out) return;
    const size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) return;
    const size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return;
    std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
    while (!controllers.empty()) {
      const size_t comma = controllers.find(',');
      if (controllers.substr(0, comma) == "memory") {
        out = line.substr(c2 + 1);
        return;
      }
      if (comma == std::string_view::npos) break;
      controllers.remove_prefix(comma + 1);
    }
  });
  if (out && !out->starts_with('/')) return std::nullopt;
  return out;
}

std::optional<CgroupBytes> parse_cgroup_v1_limit(std::string_view text) {
  const auto v = parse_cgroup_bytes(text);
  if (!v || v->unlimited) return std::nullopt;  // v1 never prints "max"
  if (v->bytes >= (uint64_t{1} << 62)) return CgroupBytes::no_limit();
  return v;
}

std::optional<CgroupBytes> parse_cgroup_bytes(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text == "max") return CgroupBytes::no_limit();
  const auto v = parse_number<uint64_t>(text);
  if (!v) return std::nullopt;
  return CgroupBytes::of(*v);
}

std::optional<MemoryEvents> parse_memory_events(std::string_view text) {
  MemoryEvents out;
  if (!parse_count_lines(text, kEventFields, out)) return std::nullopt;
  return out;
}

std::optional<MemoryStat> parse_memory_stat(std::string_view text) {
  MemoryStat out;
  if (!parse_count_lines(text, kMemStatFields, out)) return std::nullopt;
  return out;
}

}  // namespace gcsight
