// Reads an input once for its first and last gc lines (through log wrappers
// and compression), so that a rotated set can be put in order by content.
#pragma once

#include <string>

#include "core/input_chains.h"

namespace gcsight {

/// The first and last whole gc lines of `path`; has_gc false when it has none
/// or cannot be read (reading it for real then reports the error).
InputEnds read_input_ends(const std::string& path, int default_year);

}  // namespace gcsight
