// GODEBUG handling for `gcsight run`: turn the trace on without losing any
// setting the user already has.
#pragma once

#include <string>
#include <string_view>

namespace gcsight {

/// Returns the GODEBUG value to give the program: the user's settings in their
/// order, plus gctrace=1 and scavtrace=1 unless the user set those keys
/// themselves (an explicit user value wins, even gctrace=0).
std::string merge_godebug(std::string_view user);

/// The value of `key` in a GODEBUG string (the last one wins, as in the
/// runtime), or empty if absent.
std::string godebug_value(std::string_view godebug, std::string_view key);

}  // namespace gcsight
