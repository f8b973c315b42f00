// Finds an input's first and last gc lines (through log wrappers and
// compression), so that a rotated set can be put in order by content. A plain
// file over 2 MiB is read at its ends: the first MiB, and a tail window that
// doubles until it holds a gc line. A compressed or small file is read whole.
#pragma once

#include <string>

#include "core/input_chains.h"

namespace gcsight {

/// The first and last whole gc lines of `path`; has_gc false when it has none
/// or cannot be read (reading it for real then reports the error).
InputEnds read_input_ends(const std::string& path, int default_year);

}  // namespace gcsight
