// The program's output as a terminal would show it, for the live dashboard:
// bytes in, display lines out, in a bounded ring. Escape sequences (CSI, OSC,
// DCS and the two-byte ones) and other control characters are dropped, so the
// program cannot move the cursor, change colours or the title, or clear the
// dashboard; a carriage return starts the line again (a progress bar shows its
// latest state); a tab moves to the next multiple of 8 columns (wide
// characters counted as two); bytes that are not UTF-8 become '?'.
// Sequences split across writes are recognised all the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "render/display_width.h"

namespace gcsight {

/// The latest lines of a byte stream, made safe to draw.
class OutputPane {
 public:
  static constexpr size_t kDefaultLines = 2000;
  static constexpr size_t kMaxLineBytes = 4096;  ///< a longer line is cut (the rest of it is dropped)

  explicit OutputPane(size_t max_lines = kDefaultLines);

  /// Takes the next bytes of the stream.
  void feed(std::string_view bytes);
  /// Lines held, oldest first; the unfinished last line (if any) is the last.
  [[nodiscard]] std::vector<std::string_view> lines() const;
  /// Lines ended so far (every one, also those the ring has let go).
  [[nodiscard]] uint64_t total_lines() const { return total_; }

 private:
  enum class State : uint8_t { kText, kEsc, kCsi, kString, kStringEsc, kEscIntermediate };
  void put(char c);
  void end_line();

  size_t max_lines_;
  std::vector<std::string> ring_;
  size_t next_ = 0;
  uint64_t total_ = 0;
  std::string current_;
  size_t current_columns_ = 0;
  bool restart_ = false;  ///< a carriage return came: the next text starts the line again
  State state_ = State::kText;
  uint8_t utf8_need_ = 0;  ///< continuation bytes still expected
  std::string utf8_;       ///< the code point being read
};

/// `text` as one line the pane would show (controls and escape sequences dropped,
/// bytes that are not UTF-8 as '?'): for text from outside, such as a command line
/// or a file name, drawn in the dashboard's title.
std::string terminal_safe(std::string_view text);

}  // namespace gcsight
