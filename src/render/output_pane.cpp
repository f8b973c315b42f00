// OutputPane: a small terminal-output state machine (ECMA-48's shapes of
// escape sequences, recognised only to be dropped) feeding a ring of lines.
// Only the shapes matter here: CSI "ESC [" parameters up to a final byte
// 0x40-0x7E; OSC, DCS, SOS, PM and APC "ESC ] P X ^ _" strings up to BEL or
// "ESC \"; "ESC" + intermediates 0x20-0x2F + one final byte; C1 controls as
// UTF-8 (U+0080-U+009F), which some terminals obey, are dropped too.
#include "render/output_pane.h"

#include <algorithm>

namespace gcsight {

OutputPane::OutputPane(size_t max_lines) : max_lines_(max_lines == 0 ? 1 : max_lines) {
  ring_.reserve(std::min<size_t>(max_lines_, 256));
}

void OutputPane::end_line() {
  if (ring_.size() < max_lines_) {
    ring_.push_back(std::move(current_));
  } else {
    ring_[next_] = std::move(current_);
    next_ = (next_ + 1) % max_lines_;
  }
  ++total_;
  current_.clear();
  current_columns_ = 0;
  restart_ = false;
}

void OutputPane::put(char c) {
  if (restart_) {
    current_.clear();
    current_columns_ = 0;
    restart_ = false;
  }
  if (current_.size() >= kMaxLineBytes) return;
  current_.push_back(c);
  ++current_columns_;  // only ASCII comes here
}

void OutputPane::feed(std::string_view bytes) {
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    switch (state_) {
      case State::kEsc:
        if (b == '[') {
          state_ = State::kCsi;
        } else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
          state_ = State::kString;
        } else if (b >= 0x20 && b <= 0x2F) {
          state_ = State::kEscIntermediate;
        } else {
          state_ = State::kText;  // a two-byte sequence (ESC c, ESC 7...): dropped
        }
        continue;
      case State::kEscIntermediate:
        if (b < 0x20 || b > 0x2F) state_ = State::kText;
        continue;
      case State::kCsi:
        if (b >= 0x40 && b <= 0x7E) state_ = State::kText;
        else if (b == 0x1B) state_ = State::kEsc;
        else if (b == '\n') { state_ = State::kText; end_line(); }
        continue;
      case State::kString:
        if (b == 0x07) state_ = State::kText;
        else if (b == 0x1B) state_ = State::kStringEsc;
        continue;
      case State::kStringEsc:
        state_ = b == '\\' ? State::kText : State::kString;
        continue;
      case State::kText:
        break;
    }
    if (utf8_need_ > 0) {
      if ((b & 0xC0) == 0x80) {
        utf8_.push_back(ch);
        if (--utf8_need_ == 0) {
          // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
          const Utf8Step step = decode_utf8(utf8_, 0);
          if (!step.valid || step.length != utf8_.size()) {
            put('?');
          } else if (step.cp >= 0x80 && step.cp < 0xA0) {
            // C1 controls (U+0080-U+009F) are dropped.
          } else {
            if (restart_) {
              current_.clear();
              current_columns_ = 0;
              restart_ = false;
            }
            if (current_.size() + utf8_.size() <= kMaxLineBytes) {
              current_ += utf8_;
              current_columns_ += static_cast<size_t>(codepoint_columns(step.cp));
            }
          }
          utf8_.clear();
        }
        continue;
      }
      utf8_.clear();
      utf8_need_ = 0;
      put('?');  // a cut sequence; the byte itself is read below
    }
    if (b == '\n') {
      end_line();
    } else if (b == '\r') {
      restart_ = true;
    } else if (b == '\t') {
      const size_t spaces = 8 - current_columns_ % 8;
      for (size_t i = 0; i < spaces; ++i) put(' ');
    } else if (b == 0x1B) {
      state_ = State::kEsc;
    } else if (b < 0x20 || b == 0x7F) {
      // other C0 controls (BEL, backspace, form feed...): dropped
    } else if (b < 0x80) {
      put(ch);
    } else if (b >= 0xC2 && b <= 0xF4) {
      utf8_need_ = b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
      utf8_.assign(1, ch);
    } else {
      put('?');
    }
  }
}

std::vector<std::string_view> OutputPane::lines() const {
  std::vector<std::string_view> out;
  out.reserve(ring_.size() + 1);
  for (size_t i = 0; i < ring_.size(); ++i) out.emplace_back(ring_[(next_ + i) % ring_.size()]);
  // The unfinished line; after a carriage return it shows until overwritten, as on a terminal.
  if (!current_.empty()) out.emplace_back(current_);
  return out;
}

std::string terminal_safe(std::string_view text) {
  OutputPane pane(1);
  pane.feed(text);
  const auto lines = pane.lines();
  return lines.empty() ? std::string() : std::string(lines.back());
}

}  // namespace gcsight
