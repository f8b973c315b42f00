// `gcsight run -- PROGRAM [ARGS...]`: run a Go program with the trace on,
// pass its output through, sample its memory, and report when it ends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/analyze_command.h"

namespace gcsight {

/// Options of `run`.
struct RunArgs {
  std::vector<std::string> command;
  std::string json_file;
  std::string csv_file;
  std::string html_file;             ///< --html FILE
  std::string record_file;           ///< --record FILE
  bool redact = true;                ///< secret-looking values left out (--no-redact keeps them)
  ColorMode color = ColorMode::kAuto;
  ChartsMode charts = ChartsMode::kAuto;
  bool quiet = false;
  bool show_trace = false;
  bool tree = false;
  int64_t interval_ns = 100'000'000;
  std::string metrics_listen;        ///< --metrics-listen HOST:PORT ("" = no endpoint)
  int64_t metrics_linger_ns = 0;     ///< --metrics-linger SECS: keep serving after the program ends
  bool live = false;                 ///< --live: the full-screen dashboard instead of passing output through
  std::string output_file;           ///< --output FILE: the program's stdout and stderr as passed through
};

/// Runs `run`; returns the program's exit status (or 125/126/127).
int run_run(const RunArgs& args);

}  // namespace gcsight
