// Rotated logs: several inputs that are one process's log cut into files
// (app.log.2.gz, app.log.1, app.log). Their gc numbers and times go on from
// one file to the next, so the content, not the names, tells their order and
// which of them belong together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gcsight {

/// The first and last gc lines of an input.
struct InputEnds {
  bool has_gc = false;
  uint32_t first_gc = 0, last_gc = 0;
  int64_t first_ns = 0, last_ns = 0;  ///< their `@` times
};

/// The most cycles a rotation may seem to lose at a file boundary (a gc line
/// split by program output at the cut is not read as a first or last line).
inline constexpr uint32_t kRotationSlack = 4;

/// Groups inputs into chains: B follows A when B's first cycle comes right
/// after A's last (its number within kRotationSlack above, its time not
/// earlier). Each chain is in order, oldest first; chains are ordered by the
/// earliest position of a member in `ends`; an input without gc lines is a
/// chain of its own.
std::vector<std::vector<size_t>> chain_inputs(const std::vector<InputEnds>& ends);

}  // namespace gcsight
