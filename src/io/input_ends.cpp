#include "io/input_ends.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "core/log_wrapper.h"
#include "core/trace_line_parser.h"
#include "io/line_reader.h"

namespace gcsight {

namespace {

// A plain file larger than this is read at its ends only.
constexpr uint64_t kEndWindow = uint64_t{1} << 20;

// Finds whole gc lines (with their times) in the lines given, through a log
// wrapper's prefixes, and keeps the first and the last.
class GcEnds {
 public:
  explicit GcEnds(int default_year) : unwrap_(options(default_year)) {}

  void feed(std::string_view text, uint64_t number) {
    if (!unwrap_.feed(text, number, u_)) return;
    take(u_.payload);
  }
  void finish() {
    while (unwrap_.finish(u_)) take(u_.payload);
  }
  [[nodiscard]] const InputEnds& ends() const { return ends_; }

 private:
  static UnwrapOptions options(int default_year) {
    UnwrapOptions o;
    o.default_year = default_year;
    return o;
  }
  void take(std::string_view p) {
    // Only lines that can hold a gc line are parsed.
    const size_t at = p.find("gc ");
    if (at == std::string_view::npos || p.find(" @", at) == std::string_view::npos) return;
    const LineParse lp = parse_trace_line(p);
    if (lp.kind != LineKind::kGc || !lp.gc.has(kGcHasTime)) return;
    if (!ends_.has_gc) {
      ends_.has_gc = true;
      ends_.first_gc = lp.gc.gc;
      ends_.first_ns = lp.gc.start_ns;
    }
    ends_.last_gc = lp.gc.gc;
    ends_.last_ns = lp.gc.start_ns;
  }

  LogUnwrapper unwrap_;
  Unwrapped u_;
  InputEnds ends_;
};

// Every line of the whole input (any compression).
InputEnds read_all(const std::string& path, int default_year) {
  std::string err;
  auto reader = LineReader::open(path, &err);
  if (!reader) return {};
  GcEnds found(default_year);
  Line line;
  while (reader->next(line)) found.feed(line.text, line.number);
  found.finish();
  return found.ends();
}

// The whole lines of bytes [begin, end) of `fd`: the first is skipped unless
// `begin` is 0 (it may be the rest of a line), and so is a last one without
// its newline unless `end` is the file's end. False if the read fails.
bool read_window(int fd, uint64_t begin, uint64_t end, bool at_eof, GcEnds& found) {
  const auto len = static_cast<size_t>(end - begin);
  std::unique_ptr<char[]> buf(new char[len]);
  size_t got = 0;
  while (got < len) {
    const ssize_t n = ::pread(fd, buf.get() + got, len - got, static_cast<off_t>(begin + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  std::string_view rest(buf.get(), len);
  if (begin > 0) {
    const size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return true;
    rest.remove_prefix(nl + 1);
  }
  uint64_t number = 0;  // line numbers do not matter here
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) {
      if (at_eof) found.feed(rest, ++number);
      break;
    }
    std::string_view line = rest.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    found.feed(line, ++number);
    rest.remove_prefix(nl + 1);
  }
  found.finish();
  return true;
}

}  // namespace

InputEnds read_input_ends(const std::string& path, int default_year) {
  // A large plain file: its first gc line from the head, its last from the
  // tail (a window that grows backwards until it holds one), not a pass over
  // the whole file before the real one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat st{};
  unsigned char magic[4] = {};
  const bool plain = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                     static_cast<uint64_t>(st.st_size) > 2 * kEndWindow &&
                     ::pread(fd, magic, sizeof magic, 0) == static_cast<ssize_t>(sizeof magic) &&
                     !(magic[0] == 0x1f && magic[1] == 0x8b) &&
                     !(magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd);
  if (!plain) {
    ::close(fd);
    return read_all(path, default_year);
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  InputEnds ends;
  GcEnds head(default_year);
  bool ok = read_window(fd, 0, kEndWindow, false, head);
  // The head's first gc line is the file's; without one there, the ends come from the whole file.
  if (ok && head.ends().has_gc) {
    ends = head.ends();
    for (uint64_t window = kEndWindow; ok; window *= 2) {
      const uint64_t begin = window >= size ? 0 : size - window;
      GcEnds tail(default_year);
      ok = read_window(fd, begin, size, true, tail);
      if (ok && tail.ends().has_gc) {
        ends.last_gc = tail.ends().last_gc;
        ends.last_ns = tail.ends().last_ns;
        break;
      }
      if (begin == 0) break;
    }
  }
  ::close(fd);
  if (!ok || !head.ends().has_gc) return read_all(path, default_year);
  return ends;
}

}  // namespace gcsight
