// What the first bytes of an input say about its compression. LineReader
// (which pulls from a file or pipe) and StreamDecoder (which is pushed the
// bytes of a file that may still grow) decide the same way: by magic bytes,
// not by the file's name, since logs are piped, renamed and rotated
// (`app.log.1` may be gzip).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gcsight {

/// How an input is compressed.
enum class Compression : uint8_t { kNone, kGzip, kZstd };

/// The magic bytes of the compressions gcsight reads.
inline constexpr std::string_view kGzipMagic("\x1f\x8b", 2);
inline constexpr std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);
/// Enough bytes to tell every magic below apart.
inline constexpr size_t kMagicBytes = 6;

/// gzip or zstd when `head` starts with its magic; kNone otherwise.
Compression compression_of(std::string_view head);
/// Whether `head`, shorter than kMagicBytes, could still grow into one of the
/// magics told apart (those read, and those refused below): until it cannot, a
/// reader waits for more bytes (and not longer, so that a terminal or a slow
/// pipe is not kept waiting for bytes the decision does not need).
bool may_be_magic(std::string_view head);
/// The error for an input in a compression named but not read (xz, bzip2,
/// lz4): "xz-compressed input is not supported; decompress it first". Empty
/// for any other.
std::string unsupported_compression(std::string_view head);

}  // namespace gcsight
