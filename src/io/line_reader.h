// Physical lines out of a log file, a pipe or a memory buffer, with gzip and
// zstd decompression picked from the first bytes of the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/compression.h"

namespace gcsight {

/// One physical line; `text` stays valid until the next call to next().
struct Line {
  std::string_view text;   ///< the line without its "\n" (and one "\r" before it)
  uint64_t number = 0;     ///< 1-based physical line number in the decompressed input
  bool terminated = true;  ///< false for a last line that had no "\n"
};

/// Buffer sizes; the defaults suit real logs, tests shrink them to reach the edge cases.
struct LineReaderOptions {
  size_t block_size = size_t{1} << 20;  ///< bytes asked of each read; also the initial buffer
  size_t max_line = size_t{16} << 20;   ///< a longer line is cut to this many bytes
};

/// Up to `n` first bytes of a file, gunzipped when it is gzip (plain otherwise);
/// empty when it cannot be read. For telling what kind of input a file is.
std::string read_head(const std::string& path, size_t n);

namespace detail {
class ByteSource;
class Decoder;
}  // namespace detail

/// Splits a plain, gzip or zstd input into lines, returning views into one large buffer.
class LineReader {
 public:
  /// Opens a file ("-" = standard input). Compression is detected from the first bytes
  /// (gzip magic 1f 8b, zstd magic 28 b5 2f fd), not the name; multi-member gzip and
  /// multi-frame zstd are read whole. On failure returns nullptr and sets *error to a
  /// message naming the file ("cannot open 'x.log': No such file or directory").
  static std::unique_ptr<LineReader> open(const std::string& path, std::string* error,
                                          const LineReaderOptions& options = {});
  /// Several files read as one stream, in the order given (a rotated log's
  /// files, oldest first): each is decompressed as its first bytes say, line
  /// numbers run on from file to file, and a file's end is always a line's end.
  /// A file that cannot be opened or read fails the reader there, naming it.
  static std::unique_ptr<LineReader> open_chain(const std::vector<std::string>& paths, std::string name,
                                                const LineReaderOptions& options = {});
  /// A reader over an in-memory buffer (tests, fuzzers); `name` is used in messages.
  /// Compression is detected as for open(); an unusable input fails on the first next().
  static std::unique_ptr<LineReader> from_string(std::string data, std::string name,
                                                 const LineReaderOptions& options = {});

  /// A reader over bytes [begin, end) of an open, uncompressed regular file, read with
  /// pread(2) (the descriptor is not owned, its offset not moved). Lines are numbered
  /// from 1 within the range. The parallel reader cuts a file into such ranges, each
  /// starting at 0 or just after a "\n", so their lines are exactly the file's.
  static std::unique_ptr<LineReader> open_range(int fd, uint64_t begin, uint64_t end, std::string name,
                                                const LineReaderOptions& options = {});

  /// Releases the file descriptor and the decompressor.
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// Next line without its terminator: "\n" removed, and one "\r" before it (CRLF).
  /// A last line without "\n" is returned with terminated=false. A line longer than
  /// max_line is returned cut to max_line bytes (terminated=true) and the rest of it up
  /// to its "\n" is skipped and counted in overlong_lines(). Returns false at end of
  /// input or after a read/decompression error (then failed() is true); the bytes
  /// decoded before an error are still delivered, a partial last one as terminated=false.
  bool next(Line& out);

  /// True once a read or decompression error has happened.
  [[nodiscard]] bool failed() const { return failed_; }
  /// The error, naming the input and what went wrong ("... truncated gzip stream").
  [[nodiscard]] const std::string& error() const { return error_; }
  /// Decompressed bytes consumed by the lines returned so far, terminators included.
  [[nodiscard]] uint64_t bytes_read() const { return bytes_read_; }
  /// Lines that were longer than max_line and returned cut.
  [[nodiscard]] uint64_t overlong_lines() const { return overlong_lines_; }
  /// The name used in messages: the path, "<stdin>" or the name given to from_string().
  [[nodiscard]] const std::string& name() const { return name_; }
  /// The compression detected from the first bytes.
  [[nodiscard]] Compression compression() const { return compression_; }

 private:
  LineReader(std::unique_ptr<detail::Decoder> decoder, std::string name,
             const LineReaderOptions& options);
  static std::unique_ptr<LineReader> create(std::unique_ptr<detail::ByteSource> source,
                                            std::string name, const LineReaderOptions& options);
  bool fill();
  void fail(const std::string& what);

  std::unique_ptr<detail::Decoder> decoder_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t begin_ = 0;  // first byte of the current (partial) line
  size_t scan_ = 0;   // where the search for "\n" resumes: [begin_, scan_) has none
  size_t end_ = 0;    // end of the decoded bytes in buf_
  size_t max_line_ = 0;
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t overlong_lines_ = 0;
  bool skipping_ = false;  // inside the tail of an overlong line
  bool eof_ = false;
  bool failed_ = false;
  Compression compression_ = Compression::kNone;
  std::string name_;
  std::string error_;
};

}  // namespace gcsight
