// Decompression of a byte stream handed over in pieces as they arrive, for
// `watch`, which follows files that may still be growing: a gzip or zstd file
// being written is decoded as far as its bytes go, and the rest waits for the
// next poll. The compression is told by the first bytes, as LineReader tells
// it (io/compression.h: gzip and zstd are read; xz, bzip2 and lz4 are named
// and refused);
// several gzip members (and zero padding after them) and several zstd frames
// are read in turn. LineReader's decoders pull from a source until it ends,
// which a file that keeps growing never does; this one is pushed to instead.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

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
  bool feed_gzip(std::string_view in, const DecodedSink& out, std::string* error);
  bool feed_zstd(std::string_view in, const DecodedSink& out, std::string* error);

  Kind kind_ = Kind::kUndecided;
  std::string head_;  // the first bytes, until they tell the compression
  enum class GzState : uint8_t { kMember, kBetween, kPadding };
  GzState gz_state_ = GzState::kMember;
  z_stream zs_{};
  bool zs_init_ = false;
  ZSTD_DCtx_s* zstd_ = nullptr;
  size_t zstd_pending_ = 0;  // > 0 while inside a frame
  std::unique_ptr<char[]> out_;
};

/// "gzip" or "zstd" for a compressed kind, "" otherwise.
std::string_view compression_name(StreamDecoder::Kind kind);

}  // namespace gcsight
