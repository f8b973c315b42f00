#include "io/compression.h"

namespace gcsight {
namespace {

constexpr std::string_view kXzMagic("\xfd\x37zXZ\0", 6);
constexpr std::string_view kLz4Magic("\x04\x22\x4d\x18", 4);

}  // namespace

Compression compression_of(std::string_view head) {
  if (head.starts_with(kGzipMagic)) return Compression::kGzip;
  if (head.starts_with(kZstdMagic)) return Compression::kZstd;
  return Compression::kNone;
}

bool may_be_magic(std::string_view head) {
  static constexpr std::string_view kMagics[] = {kGzipMagic, kZstdMagic, kXzMagic, "BZh9", kLz4Magic};
  for (std::string_view m : kMagics) {
    if (head.size() < m.size() && m.substr(0, head.size()) == head) return true;
  }
  return false;
}

std::string unsupported_compression(std::string_view head) {
  const char* kind = nullptr;
  if (head.starts_with(kXzMagic)) {
    kind = "xz";
  } else if (head.starts_with("BZh") && head.size() >= 4 && head[3] >= '1' && head[3] <= '9') {
    kind = "bzip2";
  } else if (head.starts_with(kLz4Magic)) {
    kind = "lz4";
  }
  return kind == nullptr ? std::string() : std::string(kind) + "-compressed input is not supported; decompress it first";
}

}  // namespace gcsight
