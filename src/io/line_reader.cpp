// LineReader: the first stage of the pipeline, bytes -> lines.
//
// Logs run to gigabytes, so the reader is built for throughput: it asks for large
// blocks (1 MiB by default, read(2) on the descriptor), the decompressor writes
// straight into the line buffer, lines are found with memchr and handed out as views
// into that buffer. Only the unfinished line at the end of a block is moved to the
// front before the next read; a line longer than the buffer grows it, up to the
// per-line cap (16 MiB), past which the line is cut and its tail skipped, so one
// pathological line cannot take all memory.
//
// Compression is told by magic bytes rather than the file name, because logs are
// piped, renamed and rotated (`app.log.1` may be gzip). gzip inputs may hold several
// members (`cat a.gz b.gz`, logrotate with delaycompress) and zstd inputs several
// frames; both are read to the end. A stream that stops early is reported as
// truncated rather than silently treated as end of input: a measurement tool has
// to say when its data has a hole.
#include "io/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "io/stream_decoder.h"

namespace gcsight {
namespace detail {

/// A source of raw (possibly compressed) bytes.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to n bytes: returns the count, 0 at end of input, -1 with *err set on error.
  virtual ptrdiff_t read(char* dst, size_t n, std::string* err) = 0;
};

/// Turns raw bytes into decoded bytes; same return convention as ByteSource::read.
class Decoder {
 public:
  virtual ~Decoder() = default;
  /// Fills up to n decoded bytes (n > 0): count, 0 at a clean end, -1 with *err set.
  virtual ptrdiff_t read(char* dst, size_t n, std::string* err) = 0;
};

}  // namespace detail

namespace {

using detail::ByteSource;
using detail::Decoder;

class FdSource final : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  ptrdiff_t read(char* dst, size_t n, std::string* err) override {
    for (;;) {
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) return got;
      if (errno == EINTR) continue;
      *err = std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_;
  bool owned_;
};

// Bytes [pos, end) of a file, by pread(2): several readers share one descriptor.
class RangeSource final : public ByteSource {
 public:
  RangeSource(int fd, uint64_t begin, uint64_t end) : fd_(fd), pos_(begin), end_(end) {}
  ptrdiff_t read(char* dst, size_t n, std::string* err) override {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    if (want == 0) return 0;
    for (;;) {
      ssize_t got = ::pread(fd_, dst, want, static_cast<off_t>(pos_));
      if (got >= 0) {
        pos_ += static_cast<uint64_t>(got);
        return got;
      }
      if (errno == EINTR) continue;
      *err = std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_;
  uint64_t pos_;
  uint64_t end_;
};

class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  ptrdiff_t read(char* dst, size_t n, std::string*) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(dst, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<ptrdiff_t>(k);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// The decoder of one source. Plain text is read straight into the caller's
// buffer; gzip and zstd input is read a block at a time and StreamDecoder
// decodes it into the caller's buffer, as much as fits. The sniffed first
// bytes come first either way.
class SourceDecoder final : public Decoder {
 public:
  SourceDecoder(std::unique_ptr<ByteSource> source, std::string head, Compression compression, size_t block)
      : source_(std::move(source)), head_(std::move(head)), plain_(compression == Compression::kNone) {
    ok_ = decoder_.start(compression, &start_error_);
    if (plain_) return;
    block_ = std::max(compression == Compression::kGzip ? std::min(block, size_t{256} << 10)
                                                        : std::min(block, ZSTD_DStreamInSize()),
                      head_.size());
    in_.reset(new char[block_]);
    std::copy(head_.begin(), head_.end(), in_.get());
    len_ = head_.size();
  }

  ptrdiff_t read(char* dst, size_t n, std::string* err) override {
    if (!ok_) {
      *err = start_error_;
      return -1;
    }
    if (plain_) {
      if (head_pos_ < head_.size()) {
        const size_t k = std::min(n, head_.size() - head_pos_);
        std::memcpy(dst, head_.data() + head_pos_, k);
        head_pos_ += k;
        return static_cast<ptrdiff_t>(k);
      }
      return source_->read(dst, n, err);
    }
    for (;;) {
      size_t used = 0;
      size_t made = 0;
      if (!decoder_.step({in_.get() + pos_, len_ - pos_}, dst, n, &used, &made, err)) return -1;
      pos_ += used;
      if (made > 0) return static_cast<ptrdiff_t>(made);
      if (used > 0) continue;
      // Nothing held and nothing to take: the input is used up (the decoder
      // takes whatever it is given while it has room).
      if (pos_ != len_) {
        *err = "the decoder stopped with input left";
        return -1;
      }
      if (eof_) return decoder_.check_end(err) ? 0 : -1;
      const ptrdiff_t got = source_->read(in_.get(), block_, err);
      if (got < 0) return -1;
      eof_ = got == 0;
      pos_ = 0;
      len_ = static_cast<size_t>(got);
    }
  }

 private:
  std::unique_ptr<ByteSource> source_;
  std::string head_;
  size_t head_pos_ = 0;  // plain: how much of head_ was handed out
  bool plain_;
  StreamDecoder decoder_;
  bool ok_ = false;
  std::string start_error_;
  std::unique_ptr<char[]> in_;  // compressed: input read and not yet decoded, [pos_, len_)
  size_t block_ = 0;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
};

std::string quoted(const std::string& name) { return "'" + name + "'"; }

}  // namespace

LineReader::LineReader(std::unique_ptr<detail::Decoder> decoder, std::string name,
                       const LineReaderOptions& options)
    : decoder_(std::move(decoder)),
      cap_(std::max<size_t>(options.block_size, 1)),
      max_line_(std::max<size_t>(options.max_line, 1)),
      name_(std::move(name)) {
  buf_.reset(new char[cap_]);
}

LineReader::~LineReader() = default;

namespace {

// The decoder for `source`, chosen by its first bytes (sniffed here and replayed
// to the decoder). On a read error or an input we recognise but do not decode,
// *error is set (the decoder is still returned, for the bytes it may hold).
std::unique_ptr<Decoder> make_decoder(std::unique_ptr<ByteSource> source, const LineReaderOptions& options,
                                      Compression* compression, std::string* error) {
  // Sniff the magic bytes (a pipe may deliver them in pieces).
  std::string head;
  std::string err;
  char tmp[kMagicBytes];
  bool read_failed = false;
  while (head.size() < sizeof tmp && (head.empty() || may_be_magic(head))) {
    ptrdiff_t got = source->read(tmp, sizeof tmp - head.size(), &err);
    if (got < 0) read_failed = true;
    if (got <= 0) break;
    head.append(tmp, static_cast<size_t>(got));
  }
  *compression = compression_of(head);
  *error = read_failed ? err : unsupported_compression(head);
  return std::make_unique<SourceDecoder>(std::move(source), std::move(head), *compression, options.block_size);
}

// Opens a file for reading; nullptr and *error ("cannot open 'x': ...") on failure.
std::unique_ptr<ByteSource> open_file(const std::string& path, std::string* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + quoted(path) + ": " + std::strerror(errno);
    return nullptr;
  }
  auto source = std::make_unique<FdSource>(fd, true);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = "cannot open " + quoted(path) + ": " + std::strerror(EISDIR);
    return nullptr;
  }
  // A hint only: the kernel may read further ahead for a file read once front to back.
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return source;
}

// Several files read one after the other as one stream, each decompressed as its
// first bytes say. A file that does not end in a newline gets one, so a file's
// end is always a line's end. Errors name the file.
class ChainDecoder final : public Decoder {
 public:
  ChainDecoder(std::vector<std::string> paths, const LineReaderOptions& options)
      : paths_(std::move(paths)), options_(options) {}

  ptrdiff_t read(char* dst, size_t n, std::string* err) override {
    for (;;) {
      if (pending_newline_) {
        pending_newline_ = false;
        last_ = '\n';
        dst[0] = '\n';
        return 1;
      }
      if (!current_) {
        if (next_ >= paths_.size()) return 0;
        const std::string& path = paths_[next_++];
        std::string open_err;
        auto source = open_file(path, &open_err);
        if (!source) {
          *err = open_err;
          return -1;
        }
        Compression c = Compression::kNone;
        std::string sniff_err;
        current_ = make_decoder(std::move(source), options_, &c, &sniff_err);
        if (!sniff_err.empty()) {
          *err = quoted(path) + ": " + sniff_err;
          return -1;
        }
        last_ = '\n';
      }
      std::string e;
      const ptrdiff_t got = current_->read(dst, n, &e);
      if (got < 0) {
        *err = quoted(paths_[next_ - 1]) + ": " + e;
        return -1;
      }
      if (got > 0) {
        last_ = dst[got - 1];
        return got;
      }
      current_.reset();
      pending_newline_ = last_ != '\n';
    }
  }

 private:
  std::vector<std::string> paths_;
  LineReaderOptions options_;
  size_t next_ = 0;
  std::unique_ptr<Decoder> current_;
  char last_ = '\n';
  bool pending_newline_ = false;
};

}  // namespace

std::unique_ptr<LineReader> LineReader::create(std::unique_ptr<detail::ByteSource> source,
                                               std::string name, const LineReaderOptions& options) {
  Compression compression = Compression::kNone;
  std::string err;
  auto decoder = make_decoder(std::move(source), options, &compression, &err);
  std::unique_ptr<LineReader> reader(new LineReader(std::move(decoder), std::move(name), options));
  reader->compression_ = compression;
  if (!err.empty()) reader->fail(err);
  return reader;
}

std::unique_ptr<LineReader> LineReader::open_chain(const std::vector<std::string>& paths, std::string name,
                                                   const LineReaderOptions& options) {
  std::unique_ptr<LineReader> reader(
      new LineReader(std::make_unique<ChainDecoder>(paths, options), std::move(name), options));
  return reader;
}

std::unique_ptr<LineReader> LineReader::open(const std::string& path, std::string* error,
                                             const LineReaderOptions& options) {
  if (path == "-") {
    auto reader = create(std::make_unique<FdSource>(STDIN_FILENO, false), "<stdin>", options);
    if (reader->failed()) {
      if (error) *error = reader->error();
      return nullptr;
    }
    return reader;
  }
  std::string err;
  auto source = open_file(path, &err);
  if (!source) {
    if (error) *error = err;
    return nullptr;
  }
  auto reader = create(std::move(source), path, options);
  if (reader->failed()) {
    if (error) *error = reader->error();
    return nullptr;
  }
  return reader;
}

std::unique_ptr<LineReader> LineReader::open_range(int fd, uint64_t begin, uint64_t end, std::string name,
                                                   const LineReaderOptions& options) {
  auto decoder = std::make_unique<SourceDecoder>(std::make_unique<RangeSource>(fd, begin, end), std::string(),
                                                 Compression::kNone, options.block_size);
  return std::unique_ptr<LineReader>(new LineReader(std::move(decoder), std::move(name), options));
}

std::unique_ptr<LineReader> LineReader::from_string(std::string data, std::string name,
                                                    const LineReaderOptions& options) {
  return create(std::make_unique<StringSource>(std::move(data)), std::move(name), options);
}

void LineReader::fail(const std::string& what) {
  failed_ = true;
  eof_ = true;
  error_ = "cannot read " + quoted(name_) + ": " + what;
}

// Reads more decoded bytes behind the current partial line; false at the end or on error.
bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    scan_ -= begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) {
    // Only a line longer than the buffer gets here; never grow past what the cap needs
    // (max_line + "\r" + one byte to prove the line is longer).
    size_t new_cap = std::max(cap_ + 1, std::min(cap_ * 2, max_line_ + 2));
    std::unique_ptr<char[]> bigger(new char[new_cap]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    cap_ = new_cap;
  }
  std::string err;
  ptrdiff_t got = decoder_->read(buf_.get() + end_, cap_ - end_, &err);
  if (got < 0) {
    fail(err);
    return false;
  }
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<size_t>(got);
  return true;
}

bool LineReader::next(Line& out) {
  for (;;) {
    char* buf = buf_.get();
    if (skipping_) {
      // Drop the tail of an overlong line, up to and including its "\n".
      const void* nl = std::memchr(buf + begin_, '\n', end_ - begin_);
      if (nl == nullptr) {
        bytes_read_ += end_ - begin_;
        begin_ = scan_ = end_;
        if (!fill()) return false;
        continue;
      }
      size_t after = static_cast<size_t>(static_cast<const char*>(nl) - buf) + 1;
      bytes_read_ += after - begin_;
      begin_ = scan_ = after;
      skipping_ = false;
    }
    if (const void* nl = std::memchr(buf + scan_, '\n', end_ - scan_)) {
      size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buf);
      size_t len = pos - begin_;
      if (len > 0 && buf[pos - 1] == '\r') --len;
      if (len > max_line_) {
        len = max_line_;
        ++overlong_lines_;
      }
      out.text = std::string_view(buf + begin_, len);
      out.number = ++line_number_;
      out.terminated = true;
      bytes_read_ += pos + 1 - begin_;
      begin_ = scan_ = pos + 1;
      return true;
    }
    scan_ = end_;
    if (end_ - begin_ > max_line_ + 1) {
      // Longer than the cap even if its last byte turns out to be the "\r" of a CRLF.
      out.text = std::string_view(buf + begin_, max_line_);
      out.number = ++line_number_;
      out.terminated = true;
      ++overlong_lines_;
      bytes_read_ += max_line_;
      begin_ += max_line_;
      skipping_ = true;
      return true;
    }
    if (!fill()) {
      if (end_ == begin_) return false;
      size_t len = end_ - begin_;
      out.terminated = false;
      if (len > max_line_) {  // cut like any overlong line, and so reported as terminated
        len = max_line_;
        ++overlong_lines_;
        out.terminated = true;
      }
      out.text = std::string_view(buf_.get() + begin_, len);
      out.number = ++line_number_;
      bytes_read_ += end_ - begin_;
      begin_ = scan_ = end_;
      return true;
    }
  }
}

std::string read_head(const std::string& path, size_t n) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  std::string head(n, '\0');
  const int got = gzread(f, head.data(), static_cast<unsigned>(n));
  gzclose(f);
  head.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return head;
}

}  // namespace gcsight
