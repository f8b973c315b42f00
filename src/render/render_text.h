// The terminal report: per run a header, the findings in the
// error -> why -> help shape, a statistics block, the program lines kept, and
// once at the end what the parser read. Whether to colour is decided by the
// CLI (TTY, NO_COLOR, --color) and passed in; this renderer only obeys it.
#pragma once

#include <string>

#include "core/report.h"
#include "render/text_chart.h"

namespace gcsight {

/// How the terminal report looks; decided by the caller, never sniffed here.
struct TextStyle {
  bool color = false;  ///< emit ANSI SGR colour codes
  int width = 100;     ///< wrap prose to this many columns (at least 40 is used)
  ChartGlyphs charts = ChartGlyphs::kUnicode;  ///< sparklines of heap, goal, RSS and pauses
};

/// The terminal report of `report`, deterministic for a given report and style.
std::string render_text(const Report& report, const TextStyle& style);

}  // namespace gcsight
