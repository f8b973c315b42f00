// ANSI SGR styles for terminal text, shared by the text renderers. Whether to
// colour at all is the caller's decision (a terminal, NO_COLOR, --color).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace gcsight {

inline constexpr std::string_view kSgrBold = "1";
inline constexpr std::string_view kSgrDim = "2";
inline constexpr std::string_view kSgrRed = "1;31";
inline constexpr std::string_view kSgrGreen = "32";
inline constexpr std::string_view kSgrYellow = "1;33";
inline constexpr std::string_view kSgrCyan = "1;36";

/// `text` in the style `sgr` when `color`, else `text` as it is.
inline std::string paint(bool color, std::string_view sgr, std::string_view text) {
  if (!color) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

}  // namespace gcsight
