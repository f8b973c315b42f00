// The push decoder; see the header. zlib and zstd both decode incrementally:
// each feed() gives them what arrived, and they return what it completes,
// keeping their own state (the window, a half-read block) in between. Output
// goes out in 256 KiB pieces, so memory stays bounded whatever arrives at once.
#include "io/stream_decoder.h"

#include "io/compression.h"

#include <zstd.h>

#include <algorithm>

namespace gcsight {
namespace {

constexpr size_t kOut = size_t{256} << 10;

}  // namespace

std::string_view compression_name(StreamDecoder::Kind kind) {
  switch (kind) {
    case StreamDecoder::Kind::kGzip:
      return "gzip";
    case StreamDecoder::Kind::kZstd:
      return "zstd";
    default:
      return "";
  }
}

StreamDecoder::StreamDecoder() = default;

StreamDecoder::~StreamDecoder() {
  if (zs_init_) inflateEnd(&zs_);
  ZSTD_freeDCtx(zstd_);
}

void StreamDecoder::reset() {
  kind_ = Kind::kUndecided;
  head_.clear();
  gz_state_ = GzState::kMember;
  if (zs_init_) inflateReset(&zs_);
  if (zstd_ != nullptr) ZSTD_DCtx_reset(zstd_, ZSTD_reset_session_only);
  zstd_pending_ = 0;
}

bool StreamDecoder::at_boundary() const {
  switch (kind_) {
    case Kind::kGzip:
      return gz_state_ != GzState::kMember;
    case Kind::kZstd:
      return zstd_pending_ == 0;
    default:
      return true;
  }
}

bool StreamDecoder::decide(const DecodedSink& out, std::string* error, bool at_end) {
  if (!at_end && may_be_magic(head_)) return true;  // too few bytes to tell yet
  if (std::string e = unsupported_compression(head_); !e.empty()) {
    *error = std::move(e);
    return false;
  }
  std::string head;
  head.swap(head_);
  const Compression compression = compression_of(head);
  if (compression == Compression::kGzip) {
    kind_ = Kind::kGzip;
    if (!zs_init_) {
      if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
        *error = "cannot initialise the gzip decoder";
        return false;
      }
      zs_init_ = true;
    }
    gz_state_ = GzState::kMember;
  } else if (compression == Compression::kZstd) {
    kind_ = Kind::kZstd;
    if (zstd_ == nullptr) zstd_ = ZSTD_createDCtx();
    if (zstd_ == nullptr) {
      *error = "cannot initialise the zstd decoder";
      return false;
    }
  } else {
    kind_ = Kind::kPlain;
  }
  return feed(head, out, error);
}

bool StreamDecoder::feed(std::string_view in, const DecodedSink& out, std::string* error) {
  switch (kind_) {
    case Kind::kPlain:
      if (!in.empty()) out(in);
      return true;
    case Kind::kGzip:
      return feed_gzip(in, out, error);
    case Kind::kZstd:
      return feed_zstd(in, out, error);
    case Kind::kUndecided:
      break;
  }
  // Only the first few bytes are ever held here.
  const size_t take = std::min(in.size(), kMagicBytes - std::min(kMagicBytes, head_.size()));
  head_.append(in.substr(0, take));
  in.remove_prefix(take);
  if (head_.size() < kMagicBytes && in.empty()) return decide(out, error, false);
  return decide(out, error, true) && (in.empty() || feed(in, out, error));
}

bool StreamDecoder::finish(const DecodedSink& out, std::string* error) {
  if (kind_ == Kind::kUndecided && !head_.empty() && !decide(out, error, true)) return false;
  if (!at_boundary()) {
    *error = kind_ == Kind::kGzip ? "truncated gzip stream" : "truncated zstd stream";
    return false;
  }
  return true;
}

bool StreamDecoder::feed_gzip(std::string_view in, const DecodedSink& out, std::string* error) {
  if (!out_) out_.reset(new char[kOut]);
  while (!in.empty()) {
    if (gz_state_ == GzState::kBetween) {
      // After a member: another member, or zero padding (which gzip(1) accepts too).
      if (in[0] == 0) {
        gz_state_ = GzState::kPadding;
      } else {
        inflateReset(&zs_);
        gz_state_ = GzState::kMember;
      }
    }
    if (gz_state_ == GzState::kPadding) {
      if (in.find_first_not_of('\0') != std::string_view::npos) {
        *error = "trailing garbage after gzip data";
        return false;
      }
      return true;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), size_t{1} << 30));
    int rc = Z_OK;
    do {
      zs_.next_out = reinterpret_cast<Bytef*>(out_.get());
      zs_.avail_out = static_cast<uInt>(kOut);
      rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_DATA_ERROR) {
        *error = std::string("corrupt gzip data (") + (zs_.msg != nullptr ? zs_.msg : "invalid data") + ")";
        return false;
      }
      if (rc == Z_MEM_ERROR) {
        *error = "out of memory in the gzip decoder";
        return false;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
        *error = "gzip decoder error " + std::to_string(rc);
        return false;
      }
      const size_t produced = kOut - zs_.avail_out;
      if (produced > 0) out(std::string_view(out_.get(), produced));
      // A full output buffer may hide more output for the same input.
    } while (rc == Z_OK && zs_.avail_out == 0);
    in.remove_prefix(static_cast<size_t>(reinterpret_cast<const char*>(zs_.next_in) - in.data()));
    if (rc == Z_STREAM_END) {
      gz_state_ = GzState::kBetween;
    } else if (!in.empty() && zs_.avail_out != 0) {
      break;  // cannot happen with Z_NO_FLUSH (all input is taken unless the output is full)
    }
  }
  return true;
}

bool StreamDecoder::feed_zstd(std::string_view in, const DecodedSink& out, std::string* error) {
  if (!out_) out_.reset(new char[kOut]);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  for (;;) {
    ZSTD_outBuffer dst{out_.get(), kOut, 0};
    const size_t rc = ZSTD_decompressStream(zstd_, &dst, &src);
    if (ZSTD_isError(rc)) {
      *error = std::string("corrupt zstd data (") + ZSTD_getErrorName(rc) + ")";
      return false;
    }
    zstd_pending_ = rc;
    if (dst.pos > 0) out(std::string_view(out_.get(), dst.pos));
    // Done when the input is used up and the output was not full (nothing flushed is left).
    if (src.pos == src.size && dst.pos < dst.size) return true;
  }
}

}  // namespace gcsight
