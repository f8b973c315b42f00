// The output of `gcsight compare`: a table of the two sides' figures with
// absolute and relative deltas, the findings that appeared or went away, and
// each threshold's verdict; as terminal text or as JSON (docs/cli.md).
#pragma once

#include <string>

#include "core/compare.h"

namespace gcsight {

/// The terminal form; `color` adds ANSI colour to the verdicts.
std::string render_compare_text(const Comparison& c, bool color);

/// The JSON form, pretty, ending in a newline.
std::string render_compare_json(const Comparison& c, const std::string& tool_version);

}  // namespace gcsight
