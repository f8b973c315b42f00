// The decoder; see the header. zlib and zstd both decode incrementally: each
// step gives them what input there is and room for output, and they keep their
// own state (the window, a half-read block) in between. The push side decodes
// into a buffer of its own, 256 KiB at a time, so memory stays bounded whatever
// arrives at once; the pull side decodes into the caller's buffer.
#include "io/stream_decoder.h"

#include <zstd.h>

#include <algorithm>

namespace gcsight {
namespace {

constexpr size_t kOut = size_t{256} << 10;
// zlib counts in uInt; a step never hands it more than this.
constexpr size_t kMaxZChunk = size_t{1} << 30;

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

bool StreamDecoder::check_end(std::string* error) const {
  if (at_boundary()) return true;
  *error = kind_ == Kind::kGzip ? "truncated gzip stream" : "truncated zstd stream";
  return false;
}

bool StreamDecoder::start(Compression compression, std::string* error) {
  switch (compression) {
    case Compression::kGzip:
      kind_ = Kind::kGzip;
      if (!zs_init_) {
        if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
          *error = "cannot initialise the gzip decoder";
          return false;
        }
        zs_init_ = true;
      }
      gz_state_ = GzState::kMember;
      return true;
    case Compression::kZstd:
      kind_ = Kind::kZstd;
      if (zstd_ == nullptr) zstd_ = ZSTD_createDCtx();
      if (zstd_ == nullptr) {
        *error = "cannot initialise the zstd decoder";
        return false;
      }
      return true;
    case Compression::kNone:
      break;
  }
  kind_ = Kind::kPlain;
  return true;
}

bool StreamDecoder::step(std::string_view in, char* dst, size_t cap, size_t* used, size_t* made,
                         std::string* error) {
  *used = 0;
  *made = 0;
  switch (kind_) {
    case Kind::kGzip:
      return step_gzip(in, dst, cap, used, made, error);
    case Kind::kZstd:
      return step_zstd(in, dst, cap, used, made, error);
    case Kind::kPlain:
    case Kind::kUndecided:
      break;
  }
  const size_t k = std::min(in.size(), cap);
  if (k > 0) std::copy_n(in.data(), k, dst);
  *used = *made = k;
  return true;
}

bool StreamDecoder::step_gzip(std::string_view in, char* dst, size_t cap, size_t* used, size_t* made,
                              std::string* error) {
  if (gz_state_ == GzState::kBetween) {
    // After a member: another member, or zero padding (which gzip(1) accepts too).
    if (in.empty()) return true;
    if (in[0] == 0) {
      gz_state_ = GzState::kPadding;
    } else {
      if (inflateReset(&zs_) != Z_OK) {
        *error = "cannot reset the gzip decoder";
        return false;
      }
      gz_state_ = GzState::kMember;
    }
  }
  if (gz_state_ == GzState::kPadding) {
    if (in.find_first_not_of('\0') != std::string_view::npos) {
      *error = "trailing garbage after gzip data";
      return false;
    }
    *used = in.size();
    return true;
  }
  const auto room = static_cast<uInt>(std::min(cap, kMaxZChunk));
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs_.avail_in = static_cast<uInt>(std::min(in.size(), kMaxZChunk));
  zs_.next_out = reinterpret_cast<Bytef*>(dst);
  zs_.avail_out = room;
  const int rc = inflate(&zs_, Z_NO_FLUSH);
  *used = static_cast<size_t>(reinterpret_cast<const char*>(zs_.next_in) - in.data());
  *made = room - zs_.avail_out;
  if (rc == Z_STREAM_END) {
    gz_state_ = GzState::kBetween;
  } else if (rc == Z_DATA_ERROR) {
    *error = std::string("corrupt gzip data (") + (zs_.msg != nullptr ? zs_.msg : "invalid data") + ")";
    return false;
  } else if (rc == Z_MEM_ERROR) {
    *error = "out of memory in the gzip decoder";
    return false;
  } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
    // Z_BUF_ERROR: no progress was possible, which step() reports as nothing used or made.
    *error = "gzip decoder error " + std::to_string(rc);
    return false;
  }
  return true;
}

bool StreamDecoder::step_zstd(std::string_view in, char* dst, size_t cap, size_t* used, size_t* made,
                              std::string* error) {
  // Between frames nothing is held; asked with no input there, zstd would
  // answer how much of the next frame it wants, as if one had begun.
  if (in.empty() && zstd_pending_ == 0) return true;
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer out{dst, cap, 0};
  const size_t rc = ZSTD_decompressStream(zstd_, &out, &src);
  if (ZSTD_isError(rc)) {
    *error = std::string("corrupt zstd data (") + ZSTD_getErrorName(rc) + ")";
    return false;
  }
  zstd_pending_ = rc;
  *used = src.pos;
  *made = out.pos;
  return true;
}

bool StreamDecoder::decide(const DecodedSink& out, std::string* error, bool at_end) {
  if (!at_end && may_be_magic(head_)) return true;  // too few bytes to tell yet
  if (std::string e = unsupported_compression(head_); !e.empty()) {
    *error = std::move(e);
    return false;
  }
  std::string head;
  head.swap(head_);
  return start(compression_of(head), error) && feed(head, out, error);
}

bool StreamDecoder::drain(std::string_view in, const DecodedSink& out, std::string* error) {
  if (!out_) out_.reset(new char[kOut]);
  for (;;) {
    size_t used = 0;
    size_t made = 0;
    if (!step(in, out_.get(), kOut, &used, &made, error)) return false;
    if (made > 0) out(std::string_view(out_.get(), made));
    in.remove_prefix(used);
    if (used == 0 && made == 0) return true;
  }
}

bool StreamDecoder::feed(std::string_view in, const DecodedSink& out, std::string* error) {
  switch (kind_) {
    case Kind::kPlain:
      if (!in.empty()) out(in);
      return true;
    case Kind::kGzip:
    case Kind::kZstd:
      return drain(in, out, error);
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
  return check_end(error);
}

}  // namespace gcsight
