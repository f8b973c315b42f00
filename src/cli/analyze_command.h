// `gcsight analyze`: read trace logs and report.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/terminal.h"
#include "core/analyzer.h"
#include "core/report.h"

namespace gcsight {

/// Options of `analyze`, as parsed from the command line.
struct AnalyzeArgs {
  std::vector<std::string> inputs;  ///< files, "-" for stdin
  std::string format = "text";      ///< text | json | csv
  std::string json_file;            ///< --json FILE
  std::string csv_file;             ///< --csv FILE
  std::string html_file;            ///< --html FILE
  ColorMode color = ColorMode::kAuto;
  ChartsMode charts = ChartsMode::kAuto;
  std::optional<Severity> fail_on;
  std::optional<int64_t> start_time_ns;
  std::optional<TimeBound> since, until;
  size_t max_markers = 200;
  bool timings = false;
};

/// The report of `inputs` (trace logs read in order, or one recording of
/// `gcsight run`), as `analyze` makes it. Problems go to stderr and set
/// *status (kExitInput, kExitUsage); nullopt when there is no report at all.
/// `read_done` is called when the inputs have been read.
std::optional<Report> build_report(const std::vector<std::string>& inputs, const AnalyzeOptions& opts,
                                   const CycleSink& sink, int* status, const std::function<void()>& read_done = {});

/// Runs `analyze`; returns the exit status.
int run_analyze(const AnalyzeArgs& args);

/// Parses a --start-time value: RFC 3339 (`2024-03-01T12:00:00Z`, fractional
/// seconds and offsets allowed) or unix seconds. Returns nullopt if invalid.
std::optional<int64_t> parse_start_time(const std::string& text);

/// Parses a --since/--until value: seconds since the process started (`90`,
/// `90s`, `1.5`), or a wall-clock time in RFC 3339. nullopt if neither.
std::optional<TimeBound> parse_time_bound(const std::string& text);

}  // namespace gcsight
