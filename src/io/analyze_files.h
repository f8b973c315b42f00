// Reads inputs (files, stdin, in-memory buffers) through the whole analysis
// pipeline: reader -> log-wrapper removal -> stitcher -> analyzer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/analyzer.h"
#include "io/line_reader.h"

namespace gcsight {

/// Feeds one opened input through `analyzer`; returns false if reading failed
/// (the error is recorded in the report's inputs and in *error).
bool analyze_reader(LineReader& reader, Analyzer& analyzer, int default_year, std::string* error);

/// Opens and analyses each path in order ("-" = stdin). Errors (unreadable
/// inputs) are appended to *errors; the other inputs are still analysed.
Report analyze_files(const std::vector<std::string>& paths, const AnalyzeOptions& opts,
                     const CycleSink& cycles, int default_year, std::vector<std::string>* errors);

}  // namespace gcsight
