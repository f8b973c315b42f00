// The whole analyze pipeline (reader -> unwrapper -> stitcher -> analyzer) over
// text held in memory, for tests.
#pragma once

#include <string>

#include "core/report.h"

namespace gcsight::testing_support {

/// Analyses `text` as one input named `name`; a read error fails the calling test.
Report analyze_text(std::string text, const std::string& name = "<test>", int year = 2024);

}  // namespace gcsight::testing_support
