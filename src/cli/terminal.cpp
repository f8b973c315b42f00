#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace gcsight {

bool use_color(ColorMode mode, int fd) {
  if (mode == ColorMode::kAlways) return true;
  if (mode == ColorMode::kNever) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(fd) == 1;
}

int terminal_width(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const int w = std::atoi(c);
    if (w >= 40) return w;
  }
  return 100;
}

ChartGlyphs chart_glyphs(ChartsMode mode) {
  switch (mode) {
    case ChartsMode::kUnicode:
      return ChartGlyphs::kUnicode;
    case ChartsMode::kAscii:
      return ChartGlyphs::kAscii;
    case ChartsMode::kOff:
      return ChartGlyphs::kOff;
    case ChartsMode::kAuto:
      break;
  }
  // The first of LC_ALL, LC_CTYPE, LANG that is set names the character set, as setlocale reads them.
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(name);
    if (v == nullptr || v[0] == '\0') continue;
    std::string s(v);
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s.find("utf-8") != std::string::npos || s.find("utf8") != std::string::npos ? ChartGlyphs::kUnicode
                                                                                         : ChartGlyphs::kAscii;
  }
  return ChartGlyphs::kAscii;
}

TextStyle text_style(ColorMode color, ChartsMode charts, int fd) {
  TextStyle style;
  style.color = use_color(color, fd);
  style.width = terminal_width(fd);
  style.charts = chart_glyphs(charts);
  return style;
}

}  // namespace gcsight
