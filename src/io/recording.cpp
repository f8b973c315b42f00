#include "io/recording.h"

#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "io/child_runner.h"

namespace gcsight {
namespace {

using Json = nlohmann::json;

constexpr int64_t kFlushEveryNs = 1'000'000'000;

void put(Json& j, const char* key, const std::optional<uint64_t>& v) {
  if (v) j[key] = *v;
}

std::optional<uint64_t> get_u64(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

Json sample_json(const MemorySample& s) {
  Json j = Json::object();
  j["ok"] = s.ok;
  if (s.cgroup_only) j["cgroup_only"] = true;
  if (!s.error.empty()) j["error"] = s.error;
  put(j, "rss", s.rss);
  put(j, "rss_anon", s.rss_anon);
  put(j, "rss_file", s.rss_file);
  put(j, "rss_shmem", s.rss_shmem);
  put(j, "swap", s.swap);
  put(j, "hwm", s.hwm);
  put(j, "lazy_free", s.lazy_free);
  put(j, "anon_huge", s.anon_huge);
  put(j, "cpu_user_ns", s.cpu_user_ns);
  put(j, "cpu_sys_ns", s.cpu_sys_ns);
  if (s.threads) j["threads"] = *s.threads;
  j["processes"] = s.processes;
  if (s.cgroup_version != 0) {
    j["cgroup_version"] = s.cgroup_version;
    put(j, "cgroup_current", s.cgroup_current);
    put(j, "cgroup_max", s.cgroup_max);
    if (s.cgroup_unlimited) j["cgroup_unlimited"] = true;
    put(j, "cgroup_oom_kill", s.cgroup_oom_kill);
  }
  return j;
}

MemorySample sample_from(const Json& j, int64_t t_ns) {
  MemorySample s;
  s.t_ns = t_ns;
  s.ok = j.value("ok", false);
  s.cgroup_only = j.value("cgroup_only", false);
  s.error = j.value("error", std::string());
  s.rss = get_u64(j, "rss");
  s.rss_anon = get_u64(j, "rss_anon");
  s.rss_file = get_u64(j, "rss_file");
  s.rss_shmem = get_u64(j, "rss_shmem");
  s.swap = get_u64(j, "swap");
  s.hwm = get_u64(j, "hwm");
  s.lazy_free = get_u64(j, "lazy_free");
  s.anon_huge = get_u64(j, "anon_huge");
  s.cpu_user_ns = get_u64(j, "cpu_user_ns");
  s.cpu_sys_ns = get_u64(j, "cpu_sys_ns");
  if (j.contains("threads")) s.threads = j["threads"].get<int64_t>();
  s.processes = j.value("processes", 0u);
  s.cgroup_version = j.value("cgroup_version", static_cast<uint8_t>(0));
  s.cgroup_current = get_u64(j, "cgroup_current");
  s.cgroup_max = get_u64(j, "cgroup_max");
  s.cgroup_unlimited = j.value("cgroup_unlimited", false);
  s.cgroup_oom_kill = get_u64(j, "cgroup_oom_kill");
  return s;
}

Json header_json(const ProcessInfo& p, bool show_trace) {
  Json j = Json::object();
  j["command"] = p.command;
  j["go_version"] = p.go_version;
  j["go_version_note"] = p.go_version_note;
  j["godebug"] = p.godebug;
  j["gogc"] = p.gogc;
  j["gomemlimit"] = p.gomemlimit;
  j["gomaxprocs"] = p.gomaxprocs;
  j["go_environment"] = p.go_environment;
  j["host_kernel"] = p.host_kernel;
  j["host_cpus"] = p.host_cpus;
  j["host_memory"] = p.host_memory;
  j["interval_ns"] = p.interval_ns;
  j["start_wall_ns"] = p.start_wall_ns;
  j["show_trace"] = show_trace;
  return j;
}

ProcessInfo header_from(const Json& j, bool* show_trace) {
  ProcessInfo p;
  p.present = true;
  p.command = j.at("command").get<std::vector<std::string>>();
  p.go_version = j.value("go_version", std::string());
  p.go_version_note = j.value("go_version_note", std::string());
  p.godebug = j.value("godebug", std::string());
  p.gogc = j.value("gogc", std::string());
  p.gomemlimit = j.value("gomemlimit", std::string());
  p.gomaxprocs = j.value("gomaxprocs", std::string());
  p.go_environment = j.value("go_environment", std::vector<std::string>());
  p.host_kernel = j.value("host_kernel", std::string());
  p.host_cpus = j.value("host_cpus", int64_t{0});
  p.host_memory = j.value("host_memory", uint64_t{0});
  p.interval_ns = j.at("interval_ns").get<int64_t>();
  p.start_wall_ns = j.at("start_wall_ns").get<int64_t>();
  *show_trace = j.value("show_trace", false);
  return p;
}

Json exit_json(const RunExit& x) {
  return Json{{"exit_status", x.exit_status}, {"signaled", x.signaled},   {"signal", x.signal},
              {"duration_ns", x.duration_ns}, {"self_rss", x.self_rss}, {"self_cpu_ns", x.self_cpu_ns},
              {"child_cpu_ns", x.child_cpu_ns}};
}

RunExit exit_from(const Json& j) {
  RunExit x;
  x.exit_status = j.at("exit_status").get<int>();
  x.signaled = j.value("signaled", false);
  x.signal = j.value("signal", 0);
  x.duration_ns = j.at("duration_ns").get<int64_t>();
  x.self_rss = j.value("self_rss", uint64_t{0});
  x.self_cpu_ns = j.value("self_cpu_ns", uint64_t{0});
  x.child_cpu_ns = j.value("child_cpu_ns", uint64_t{0});
  return x;
}

// Buffered reading of a plain or gzip file through zlib (which reads plain
// files transparently).
class GzInput {
 public:
  explicit GzInput(gzFile f) : f_(f) {}
  ~GzInput() {
    if (f_ != nullptr) gzclose(f_);
  }
  GzInput(const GzInput&) = delete;
  GzInput& operator=(const GzInput&) = delete;

  // A line without its '\n'; nullopt at the end (or a last line without '\n').
  std::optional<std::string> line(size_t max) {
    std::string out;
    for (;;) {
      if (pos_ == len_ && !refill()) return std::nullopt;
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      if (nl != nullptr) {
        const size_t n = static_cast<size_t>(static_cast<const char*>(nl) - start);
        out.append(start, n);
        pos_ += n + 1;
        offset_ += n + 1;
        return out;
      }
      out.append(start, len_ - pos_);
      offset_ += len_ - pos_;
      pos_ = len_;
      if (out.size() > max) return std::nullopt;
    }
  }
  bool bytes(size_t n, std::string& out) {
    out.clear();
    while (out.size() < n) {
      if (pos_ == len_ && !refill()) return false;
      const size_t take = std::min(n - out.size(), len_ - pos_);
      out.append(buf_.data() + pos_, take);
      pos_ += take;
      offset_ += take;
    }
    return true;
  }
  [[nodiscard]] uint64_t offset() const { return offset_; }
  [[nodiscard]] std::string error() const {
    int code = 0;
    const char* msg = gzerror(f_, &code);
    return code == Z_OK || code == Z_STREAM_END ? std::string() : std::string(msg);
  }

 private:
  bool refill() {
    const int n = gzread(f_, buf_.data(), static_cast<unsigned>(buf_.size()));
    if (n <= 0) return false;
    pos_ = 0;
    len_ = static_cast<size_t>(n);
    return true;
  }
  gzFile f_;
  std::vector<char> buf_ = std::vector<char>(1 << 16);
  size_t pos_ = 0, len_ = 0;
  uint64_t offset_ = 0;
};

bool parse_i64(std::string_view s, int64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

bool is_recording_start(std::string_view first_bytes) {
  return first_bytes.substr(0, kRecordingMagic.size()) == kRecordingMagic;
}

RecordingWriter::RecordingWriter(std::string path, std::FILE* f) : path_(std::move(path)), f_(f) {}

RecordingWriter::~RecordingWriter() {
  if (f_ != nullptr) std::fclose(f_);
}

std::unique_ptr<RecordingWriter> RecordingWriter::create(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = fmt::format("cannot write the recording {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  auto w = std::unique_ptr<RecordingWriter>(new RecordingWriter(path, f));
  if (std::fwrite(kRecordingMagic.data(), 1, kRecordingMagic.size(), f) != kRecordingMagic.size()) {
    w->failed_ = true;
    w->errno_ = errno;
  }
  return w;
}

// "HEAD <len>\n<body>\n"
void RecordingWriter::frame(std::string_view head, std::string_view body) {
  if (failed_) return;
  const std::string h = fmt::format("{} {}\n", head, body.size());
  const bool ok = std::fwrite(h.data(), 1, h.size(), f_) == h.size() &&
                  std::fwrite(body.data(), 1, body.size(), f_) == body.size() && std::fputc('\n', f_) != EOF;
  if (!ok) {
    failed_ = true;
    errno_ = errno;
  }
  const int64_t now = monotonic_ns();
  if (now - last_flush_ns_ >= kFlushEveryNs) {
    std::fflush(f_);
    last_flush_ns_ = now;
  }
}

void RecordingWriter::header(const ProcessInfo& info, bool show_trace, const std::vector<std::string>& environment) {
  Json j = header_json(info, show_trace);
  j["environment"] = environment;
  frame("H", j.dump());
}

void RecordingWriter::stderr_chunk(int64_t t_ns, std::string_view data) { frame(fmt::format("E {}", t_ns), data); }

void RecordingWriter::sample(const MemorySample& s) { frame(fmt::format("S {}", s.t_ns), sample_json(s).dump()); }

void RecordingWriter::exit(const RunExit& x) { frame("X", exit_json(x).dump()); }

bool RecordingWriter::close(std::string* error) {
  if (f_ == nullptr) return !failed_;
  const bool flushed = std::fflush(f_) == 0;
  if (!flushed && !failed_) {
    failed_ = true;
    errno_ = errno;
  }
  if (std::fclose(f_) != 0 && !failed_) {
    failed_ = true;
    errno_ = errno;
  }
  f_ = nullptr;
  if (failed_) *error = fmt::format("writing the recording {}: {}", path_, std::strerror(errno_));
  return !failed_;
}

bool read_recording(const std::string& path, const RecordingVisitor& v, bool* complete, std::string* error) {
  *complete = false;
  const std::string name = path == "-" ? "<stdin>" : path;
  gzFile f = path == "-" ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = fmt::format("{}: cannot open: {}", name, std::strerror(errno));
    return false;
  }
  GzInput in(f);
  auto bad = [&](uint64_t at, std::string_view what) {
    const std::string gz = in.error();
    *error = fmt::format("{}: byte {}: {}{}", name, at, what, gz.empty() ? "" : " (" + gz + ")");
    return false;
  };
  const auto magic = in.line(64);
  if (!magic || *magic + "\n" != kRecordingMagic) return bad(0, "not a gcsight recording (no 'gcsight-recording 1' line)");
  std::string body;
  bool have_header = false;
  for (;;) {
    const uint64_t at = in.offset();
    const auto head = in.line(256);
    if (!head) {
      if (in.offset() != at) return bad(at, "the recording ends inside a record");
      return true;  // the end; complete tells whether the run's end was recorded
    }
    // "<type>[ <t_ns>] <len>"
    const std::string_view h(*head);
    const size_t last_space = h.rfind(' ');
    int64_t len = 0, t = 0;
    if (h.empty() || last_space == std::string_view::npos || !parse_i64(h.substr(last_space + 1), len) || len < 0) {
      return bad(at, fmt::format("unreadable record header '{}'", h.substr(0, 40)));
    }
    const char type = h[0];
    if (type == 'E' || type == 'S') {
      if (h.size() < 3 || h[1] != ' ' || !parse_i64(h.substr(2, last_space - 2), t)) {
        return bad(at, fmt::format("unreadable record header '{}'", h.substr(0, 40)));
      }
    } else if (last_space != 1) {
      return bad(at, fmt::format("unreadable record header '{}'", h.substr(0, 40)));
    }
    std::string nl;
    if (!in.bytes(static_cast<size_t>(len), body) || !in.bytes(1, nl) || nl != "\n") {
      return bad(at, "the recording ends inside a record (cut short?)");
    }
    try {
      switch (type) {
        case 'H': {
          bool show_trace = false;
          const Json j = Json::parse(body);
          const ProcessInfo p = header_from(j, &show_trace);
          have_header = true;
          if (v.header) v.header(p, show_trace, j.value("environment", std::vector<std::string>()));
          break;
        }
        case 'E':
          if (!have_header) return bad(at, "output before the header");
          if (v.stderr_chunk) v.stderr_chunk(t, body);
          break;
        case 'S':
          if (!have_header) return bad(at, "a sample before the header");
          if (v.sample) v.sample(sample_from(Json::parse(body), t));
          break;
        case 'X':
          if (!have_header) return bad(at, "the end before the header");
          if (v.exit) v.exit(exit_from(Json::parse(body)));
          *complete = true;
          break;
        default:
          return bad(at, fmt::format("unknown record type '{}'", type));
      }
    } catch (const Json::exception& e) {
      return bad(at, fmt::format("damaged record: {}", e.what()));
    }
  }
}

}  // namespace gcsight
