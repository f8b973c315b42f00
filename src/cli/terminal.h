// How the terminal report looks on a given stream, decided in one place:
// colour (--color, then NO_COLOR, then whether it is a terminal), width (the
// terminal's, then COLUMNS), and the glyphs of the charts (--charts, then
// whether the locale is UTF-8).
#pragma once

#include "render/render_text.h"

namespace gcsight {

/// How colour is decided for the terminal report.
enum class ColorMode { kAuto, kAlways, kNever };

/// How the charts of the terminal report are drawn.
enum class ChartsMode { kAuto, kUnicode, kAscii, kOff };

/// Whether the report written to `fd` gets colour: --color, then NO_COLOR, then a terminal.
bool use_color(ColorMode mode, int fd);

/// Columns of the terminal on `fd`, else $COLUMNS, else 100.
int terminal_width(int fd);

/// Block glyphs when the locale's character set is UTF-8, ASCII otherwise, unless `mode` says.
ChartGlyphs chart_glyphs(ChartsMode mode);

/// The style of a text report written to `fd`.
TextStyle text_style(ColorMode color, ChartsMode charts, int fd);

}  // namespace gcsight
