// `gcsight watch`'s input: a log that keeps growing, followed as `tail -F`
// does. The path is read to its current end, then again whenever it grows.
// When the path is replaced by another file (rotation: a new inode), the old
// file is read to its end first, then the new one from its start. When the
// file shrinks (copytruncate, `> file`), reading starts again at 0. Either is
// said through the note callback. Standard input ("-") is read until it ends,
// and so is a named pipe (or any path that is not a regular file): until its
// writers have closed it.
//
// Lines are handed out whole (the bytes after the last newline wait for the
// rest); a file's last unterminated line is handed out when the file is left
// at a rotation. Memory is bounded: one read block and one partial line (cut
// at 16 MiB, as LineReader does), and for a compressed file the decoder's
// window and one output block.
//
// A gzip or zstd file (told by its first bytes, as everywhere in gcsight) is
// decompressed as it is read, and followed all the same: a compressed stream
// that is still being written is decoded as far as its bytes go. A file that
// stops inside a gzip member or zstd frame is simply waited on; standard input
// that ends there is an error ("truncated gzip stream"), as for `analyze`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/stream_decoder.h"

namespace gcsight {

/// What the follower tells its reader.
struct FollowCallbacks {
  /// A whole line, without "\n" (and one "\r"); `terminated` is false for standard input's last line without "\n".
  std::function<void(std::string_view line, uint64_t number, bool terminated)> line;
  std::function<void(const std::string& message)> note;              ///< rotation, truncation, a missing path
};

class FileFollower {
 public:
  /// Opens `path` ("-" = standard input). With `from_end`, a file is read from its
  /// current end (from the next line start). nullptr and *error when it cannot be opened.
  static std::unique_ptr<FileFollower> open(const std::string& path, bool from_end, std::string* error);
  ~FileFollower();
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  /// Reads what there is now, at most 4 MiB of a file (see behind()), and checks
  /// for rotation and truncation. Returns false once the input has ended for good
  /// (standard input or a pipe closed) or a read failed (error() says why).
  bool poll(const FollowCallbacks& cb);
  /// Whether the last poll left more of the file to read (a large log is read
  /// from its start a few MiB a poll, so the caller can draw and answer keys
  /// meanwhile): poll again without waiting.
  [[nodiscard]] bool behind() const { return behind_; }
  /// The file descriptor to wait on (standard input, a pipe), or -1 for a file (poll it on a timer).
  [[nodiscard]] int wait_fd() const { return stream_ ? fd_ : -1; }
  [[nodiscard]] const std::string& error() const { return error_; }
  /// Lines handed out so far. A line's number (FollowCallbacks::line) also counts
  /// the lines --from-end skipped, so that it is the file's own physical line.
  [[nodiscard]] uint64_t lines() const { return lines_; }
  /// Bytes read so far, over every file followed.
  [[nodiscard]] uint64_t bytes() const { return bytes_; }
  /// The compression of the file being read (kUndecided until its first bytes arrive).
  [[nodiscard]] StreamDecoder::Kind compression() const { return decoder_.kind(); }
  /// Rotations and truncations seen.
  [[nodiscard]] uint64_t rotations() const { return rotations_; }
  [[nodiscard]] uint64_t truncations() const { return truncations_; }

 private:
  FileFollower(std::string path, int fd, bool stream, bool owns_fd);
  // Reads fd_ to its current end, or a file up to `budget` bytes (behind_ then
  // says whether more is left); false on a read error; *eof set when a pipe closed.
  bool drain(const FollowCallbacks& cb, bool* eof, uint64_t budget = UINT64_MAX);
  void take(std::string_view data, const FollowCallbacks& cb);
  void emit(std::string_view line, const FollowCallbacks& cb, bool terminated = true);
  void flush_partial(const FollowCallbacks& cb, bool terminated = true);
  // --from-end on a plain file: counts the newlines before `end` into skipped_lines_.
  bool count_lines_before(off_t end, std::string* error);

  std::string path_;
  int fd_ = -1;
  bool stream_ = false;   // standard input or a pipe: read until it ends, no seeking
  bool owns_fd_ = false;  // closed with the follower (not standard input)
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  std::string partial_;
  bool skip_to_newline_ = false;  // --from-end started inside a line
  bool skipping_long_ = false;    // the rest of a line cut at the maximum
  bool missing_said_ = false;
  StreamDecoder decoder_;
  bool discarding_ = false;
  bool behind_ = false;  // the last drain stopped at its budget  // --from-end on a compressed file: decoding what it held, handing out nothing
  std::unique_ptr<char[]> block_;
  uint64_t lines_ = 0, bytes_ = 0, rotations_ = 0, truncations_ = 0;
  uint64_t skipped_lines_ = 0;  // lines before where --from-end started, not handed out
  std::string error_;
};

}  // namespace gcsight
