// gzip and zstd compression of test inputs, in memory.
#pragma once

#include <string>

namespace gcsight::testing_support {

/// `data` as one gzip member (level 6); a compression error fails the calling test.
std::string gzip(const std::string& data);
/// `data` as one zstd frame (level 3); a compression error fails the calling test.
std::string zstd(const std::string& data);

}  // namespace gcsight::testing_support
