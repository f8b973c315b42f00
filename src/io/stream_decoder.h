// Incremental decompression, the one decoder of gzip and zstd input. It works
// both ways round:
//  - pulled: LineReader reads a file or a pipe a block at a time and asks
//    step() for decoded bytes, written straight into its line buffer, as many
//    as fit;
//  - pushed: `watch` follows files that may still be growing, and hands
//    feed() whatever arrived; a gzip or zstd file being written is decoded as
//    far as its bytes go, and the rest waits for the next poll.
// The compression is told by the first bytes (io/compression.h: gzip and zstd
// are read; xz, bzip2 and lz4 are named and refused). Several gzip members
// (and zero padding after them) and several zstd frames are read in turn.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/compression.h"

struct ZSTD_DCtx_s;

namespace gcsight {

/// Receives decoded bytes.
using DecodedSink = std::function<void(std::string_view)>;

class StreamDecoder {
 public:
  enum class Kind : uint8_t { kUndecided, kPlain, kGzip, kZstd };

  StreamDecoder();
  ~StreamDecoder();
  StreamDecoder(const StreamDecoder&) = delete;
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  // The pull side.
  /// Decodes the stream as `compression` from here on (its first bytes are
  /// still to come through step()). False (and *error) when the decoder cannot
  /// be set up.
  bool start(Compression compression, std::string* error);
  /// One step, once started: takes bytes of `in` (*used) and writes decoded
  /// bytes to `dst` (*made, at most `cap`, cap > 0). Both 0: nothing more until
  /// more input comes. Decoded bytes may still be held after `in` is used up,
  /// so a caller drains with an empty `in` before it reads more, or ends.
  /// False (and *error) on corrupt data; the stream is then spoilt.
  bool step(std::string_view in, char* dst, size_t cap, size_t* used, size_t* made, std::string* error);
  /// At the end of the input, once drained: false (and *error) when it ended
  /// inside a gzip member or a zstd frame.
  bool check_end(std::string* error) const;

  // The push side.
  /// Starts again on a new stream (a new file, or the same one read from 0).
  void reset();
  /// The bytes to come are plain text, whatever they start with (a file entered
  /// at its end, whose first bytes said it is not compressed).
  void assume_plain() { kind_ = Kind::kPlain; }
  /// Takes the next bytes; what they decode to goes to `out`. False (and *error)
  /// on corrupt data or a compression that is not read; the stream is then spoilt.
  bool feed(std::string_view in, const DecodedSink& out, std::string* error);
  /// The stream has ended: bytes held while the first ones were too few to tell
  /// the compression are handed out as plain text. False (and *error) when it
  /// ended inside a gzip member or a zstd frame.
  bool finish(const DecodedSink& out, std::string* error);

  /// What the first bytes said (kUndecided until there are enough of them).
  [[nodiscard]] Kind kind() const { return kind_; }
  /// Whether the stream stops between members or frames (or is plain): an end
  /// here is a clean end.
  [[nodiscard]] bool at_boundary() const;

 private:
  bool decide(const DecodedSink& out, std::string* error, bool at_end);
  // step() over all of `in`, decoded bytes to `out`.
  bool drain(std::string_view in, const DecodedSink& out, std::string* error);
  bool step_gzip(std::string_view in, char* dst, size_t cap, size_t* used, size_t* made, std::string* error);
  bool step_zstd(std::string_view in, char* dst, size_t cap, size_t* used, size_t* made, std::string* error);

  Kind kind_ = Kind::kUndecided;
  std::string head_;  // the first bytes, until they tell the compression (push side)
  enum class GzState : uint8_t { kMember, kBetween, kPadding };
  GzState gz_state_ = GzState::kMember;
  z_stream zs_{};
  bool zs_init_ = false;
  ZSTD_DCtx_s* zstd_ = nullptr;
  size_t zstd_pending_ = 0;  // > 0 while inside a frame
  std::unique_ptr<char[]> out_;  // the push side's output buffer
};

/// "gzip" or "zstd" for a compressed kind, "" otherwise.
std::string_view compression_name(StreamDecoder::Kind kind);

}  // namespace gcsight
