// `gcsight compare A B`: two runs side by side, for people and for CI gates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/terminal.h"

namespace gcsight {

/// Options of `compare`, as parsed from the command line.
struct CompareArgs {
  std::string a, b;                     ///< trace logs, recordings or JSON reports
  std::vector<std::string> fail_if;     ///< METRIC:+N% / METRIC:+N
  std::string format = "text";          ///< text | json
  std::optional<uint32_t> run_a, run_b; ///< which run of each side (default: the one with most cycles)
  ColorMode color = ColorMode::kAuto;
};

/// Runs `compare`; returns 0, 1 when a threshold is crossed, 2 for a usage
/// error or a threshold on a metric a side lacks, 3 when an input cannot be read.
int run_compare(const CompareArgs& args);

}  // namespace gcsight
