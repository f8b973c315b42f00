// How many terminal columns text takes: UTF-8 decoded strictly, each code
// point 0, 1 or 2 columns wide as terminals draw it (wcwidth's rules, from a
// table of the Unicode data, so the answer does not depend on the locale),
// and each byte that is not part of valid UTF-8 one column (a terminal shows
// it as one replacement character). For the live dashboard, which must fit
// every line to the terminal's width exactly.
#pragma once

#include <cstddef>
#include <string_view>

namespace gcsight {

/// Columns of one code point: 0 (combining marks, format characters), 2 (East
/// Asian wide and fullwidth, emoji), else 1. Control characters count 1; callers
/// drop them before drawing.
int codepoint_columns(char32_t cp);

/// One step of strict UTF-8 decoding at text[i]: the code point and its byte
/// length, or `valid` false and length 1 for a byte that does not start a
/// well-formed sequence (overlong, surrogate, beyond U+10FFFF, cut short).
struct Utf8Step {
  char32_t cp = 0;
  size_t length = 1;
  bool valid = false;
};
Utf8Step decode_utf8(std::string_view text, size_t i);

/// Display columns of `text`.
size_t display_columns(std::string_view text);
/// The longest prefix of `text` that fits `columns` display columns, cut only
/// between code points (a wide character that would overflow is left out; zero-width
/// characters stay with the one before them).
std::string_view fit_columns(std::string_view text, size_t columns);

}  // namespace gcsight
