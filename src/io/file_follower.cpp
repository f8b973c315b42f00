// The follower's implementation; see the header for the behaviour.
//
// Order of checks on each poll, which is what keeps a cycle from being lost
// or read twice: read the open file to its end; then stat the path. A new
// inode means rotation: the old file is read to its end once more (the writer
// may have added to it after our first read and before it let go of it), its
// unterminated tail is taken as its last line, and the new file is read from
// offset 0. The same inode with a size below our offset means truncation:
// reading starts again at 0 and an unterminated tail of the old content is
// dropped (said in the note). A path that is gone (between the rename and the
// creation of the new file) leaves the old file open until a new one appears.
#include "io/file_follower.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gcsight {
namespace {
constexpr size_t kBlock = size_t{1} << 20;
// Bytes of a file read per poll: a few milliseconds of work, so a large log is
// caught up with while the dashboard still draws and answers keys.
constexpr uint64_t kPollBudget = uint64_t{4} << 20;
constexpr size_t kMaxLine = size_t{16} << 20;

std::string errno_text(int e) { return std::strerror(e); }
}  // namespace

FileFollower::FileFollower(std::string path, int fd, bool stream, bool owns_fd)
    : path_(std::move(path)), fd_(fd), stream_(stream), owns_fd_(owns_fd), block_(new char[kBlock]) {}

FileFollower::~FileFollower() {
  if (fd_ >= 0 && owns_fd_) close(fd_);
}

std::unique_ptr<FileFollower> FileFollower::open(const std::string& path, bool from_end, std::string* error) {
  if (path == "-") return std::unique_ptr<FileFollower>(new FileFollower("<stdin>", STDIN_FILENO, true, false));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open '" + path + "': " + errno_text(errno);
    return nullptr;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    *error = "cannot stat '" + path + "': " + errno_text(errno);
    close(fd);
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    // A named pipe (or another file with no size to follow: a socket, a
    // terminal): no end to start from, nothing to rotate or truncate. It is
    // read as standard input is, until its writers have closed it.
    return std::unique_ptr<FileFollower>(new FileFollower(path, fd, true, true));
  }
  std::unique_ptr<FileFollower> f(new FileFollower(path, fd, false, true));
  f->dev_ = st.st_dev;
  f->ino_ = st.st_ino;
  if (from_end && st.st_size > 0) {
    StreamDecoder probe;
    char head[6];
    const ssize_t n = pread(fd, head, sizeof head, 0);
    std::string err;
    bool compressed = false;
    if (n > 0 && probe.feed(std::string_view(head, static_cast<size_t>(n)), [](std::string_view) {}, &err)) {
      compressed = probe.kind() == StreamDecoder::Kind::kGzip || probe.kind() == StreamDecoder::Kind::kZstd;
    }
    if (compressed) {
      // A compressed stream cannot be entered in the middle: what the file holds
      // is decoded and dropped on the first poll, and lines start after it.
      f->discarding_ = true;
    } else {
      // Start at the next line start: the byte before the end tells whether the end is one.
      char last = '\n';
      if (pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') f->skip_to_newline_ = true;
      f->offset_ = lseek(fd, 0, SEEK_END);
      // Lines are numbered as the file's own: count those before the start.
      if (!f->count_lines_before(f->offset_, error)) return nullptr;
      f->decoder_.assume_plain();  // its first bytes said so; the bytes from here are not a file's start
    }
  }
  return f;
}

bool FileFollower::count_lines_before(off_t end, std::string* error) {
  for (off_t at = 0; at < end;) {
    const ssize_t n = pread(fd_, block_.get(), static_cast<size_t>(std::min(end - at, static_cast<off_t>(kBlock))), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = "cannot read '" + path_ + "': " + errno_text(errno);
      return false;
    }
    if (n == 0) break;  // truncated meanwhile: the first poll sees it
    skipped_lines_ += static_cast<uint64_t>(std::count(block_.get(), block_.get() + n, '\n'));
    at += n;
  }
  return true;
}

void FileFollower::emit(std::string_view line, const FollowCallbacks& cb, bool terminated) {
  if (discarding_) {
    ++skipped_lines_;  // --from-end on a compressed file: counted, not handed out
    return;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++lines_;
  cb.line(line, skipped_lines_ + lines_, terminated);
}

void FileFollower::take(std::string_view data, const FollowCallbacks& cb) {
  while (!data.empty()) {
    const size_t nl = data.find('\n');
    const std::string_view piece = data.substr(0, nl);
    if (skip_to_newline_ || skipping_long_) {
      if (nl == std::string_view::npos) return;
      if (skip_to_newline_) ++skipped_lines_;  // the line --from-end started in (a long line's rest is no line)
      skip_to_newline_ = skipping_long_ = false;
      data.remove_prefix(nl + 1);
      continue;
    }
    if (nl == std::string_view::npos) {
      partial_.append(piece);
      if (partial_.size() >= kMaxLine) {
        partial_.resize(kMaxLine);
        flush_partial(cb);
        skipping_long_ = true;
      }
      return;
    }
    if (partial_.empty()) {
      emit(piece, cb);  // the common case: a view into the block, no copy
    } else {
      partial_.append(piece.substr(0, kMaxLine - std::min(kMaxLine, partial_.size())));
      emit(partial_, cb);
      partial_.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

void FileFollower::flush_partial(const FollowCallbacks& cb, bool terminated) {
  if (partial_.empty()) return;
  emit(partial_, cb, terminated);
  partial_.clear();
}

bool FileFollower::drain(const FollowCallbacks& cb, bool* eof, uint64_t budget) {
  behind_ = false;
  uint64_t taken = 0;
  if (stream_) {
    // Only what is there: a read of a pipe with nothing in it would wait for
    // the writer, and with it the status lines and the end on SIGINT.
    pollfd ready{fd_, POLLIN, 0};
    const int r = ::poll(&ready, 1, 0);
    if (r == 0 || (r < 0 && errno == EINTR)) return true;
  }
  for (;;) {
    const ssize_t n = read(fd_, block_.get(), kBlock);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return true;
      error_ = "cannot read '" + path_ + "': " + errno_text(errno);
      return false;
    }
    if (n == 0) {
      if (stream_) *eof = true;
      return true;
    }
    taken += static_cast<uint64_t>(n);
    offset_ += n;
    bytes_ += static_cast<uint64_t>(n);
    std::string err;
    if (!decoder_.feed(std::string_view(block_.get(), static_cast<size_t>(n)),
                       [&](std::string_view d) { take(d, cb); }, &err)) {
      error_ = "cannot read '" + path_ + "': " + err;
      return false;
    }
    // A pipe is read once per wakeup; a file to its end, or to the budget.
    if (stream_) return true;
    if (taken >= budget) {
      behind_ = true;
      return true;
    }
  }
}

bool FileFollower::poll(const FollowCallbacks& cb) {
  bool eof = false;
  if (!drain(cb, &eof, kPollBudget)) return false;
  // The rest of the file, and the checks for rotation and truncation, at the next poll.
  if (behind_) return true;
  if (discarding_) {
    // --from-end on a compressed file: lines start after what it held.
    discarding_ = false;
    if (!partial_.empty()) {
      partial_.clear();
      skip_to_newline_ = true;
    }
  }
  if (stream_) {
    if (eof) {
      // The end of a compressed stream must be the end of a member or frame.
      std::string err;
      const bool clean = decoder_.finish([&](std::string_view d) { take(d, cb); }, &err);
      flush_partial(cb, false);
      if (!clean) {
        error_ = "cannot read '" + path_ + "': " + err;
        return false;
      }
    }
    return !eof;
  }
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) {
    if (!missing_said_) {
      cb.note("'" + path_ + "' is gone; still reading the file it named until a new one appears");
      missing_said_ = true;
    }
    return true;
  }
  missing_said_ = false;
  if (st.st_dev != dev_ || st.st_ino != ino_) {
    const int nfd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (nfd < 0) return true;  // replaced again or not readable yet: the next poll tries again
    struct stat nst {};
    if (fstat(nfd, &nst) != 0) {
      close(nfd);
      return true;
    }
    if (!drain(cb, &eof)) {
      close(nfd);
      return false;
    }
    std::string cut;
    if (!decoder_.finish([&](std::string_view d) { take(d, cb); }, &cut)) {
      cb.note("'" + path_ + "': the replaced file ended inside its compressed data (" + cut + "); its last bytes were not read");
    }
    flush_partial(cb);
    decoder_.reset();
    close(fd_);
    fd_ = nfd;
    dev_ = nst.st_dev;
    ino_ = nst.st_ino;
    offset_ = 0;
    skip_to_newline_ = skipping_long_ = false;
    ++rotations_;
    cb.note("'" + path_ + "' was replaced (rotated); reading the new file from its start");
    return drain(cb, &eof, kPollBudget);
  }
  struct stat cur {};
  if (fstat(fd_, &cur) == 0 && cur.st_size < offset_) {
    ++truncations_;
    std::string msg = "'" + path_ + "' was truncated; reading it again from its start";
    if (!partial_.empty()) msg += " (an unfinished line of " + std::to_string(partial_.size()) + " bytes was dropped)";
    partial_.clear();
    skip_to_newline_ = skipping_long_ = false;
    decoder_.reset();
    if (lseek(fd_, 0, SEEK_SET) < 0) {
      error_ = "cannot seek in '" + path_ + "': " + errno_text(errno);
      return false;
    }
    offset_ = 0;
    cb.note(msg);
    return drain(cb, &eof, kPollBudget);
  }
  return true;
}

}  // namespace gcsight
