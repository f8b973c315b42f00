// `gcsight analyze`: read trace logs and report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/report.h"

namespace gcsight {

/// How colour is decided for the terminal report.
enum class ColorMode { kAuto, kAlways, kNever };

/// Options of `analyze`, as parsed from the command line.
struct AnalyzeArgs {
  std::vector<std::string> inputs;  ///< files, "-" for stdin
  std::string format = "text";      ///< text | json | csv
  std::string json_file;            ///< --json FILE
  std::string csv_file;             ///< --csv FILE
  std::string html_file;            ///< --html FILE
  ColorMode color = ColorMode::kAuto;
  std::optional<Severity> fail_on;
  std::optional<int64_t> start_time_ns;
  size_t max_markers = 200;
  bool timings = false;
};

/// Whether the report written to `fd` gets colour: --color, then NO_COLOR, then a terminal.
bool use_color(ColorMode mode, int fd);

/// Runs `analyze`; returns the exit status.
int run_analyze(const AnalyzeArgs& args);

/// Parses a --start-time value: RFC 3339 (`2024-03-01T12:00:00Z`, fractional
/// seconds and offsets allowed) or unix seconds. Returns nullopt if invalid.
std::optional<int64_t> parse_start_time(const std::string& text);

}  // namespace gcsight
