// Reads inputs (files, stdin, in-memory buffers) through the whole analysis
// pipeline: reader -> log-wrapper removal -> stitcher -> analyzer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/analyzer.h"
#include "io/chunked_reader.h"
#include "io/line_reader.h"

namespace gcsight {

/// How inputs are read. The report is the same either way.
struct ReadOptions {
  /// Read a large regular uncompressed file on worker threads (ChunkedReader).
  bool parallel = true;
  /// Smaller files are read sequentially (threads cost more than they save).
  uint64_t parallel_min_bytes = uint64_t{32} << 20;
  /// Chunk size, workers and chunks in flight. Workers 0: the consumer and a
  /// worker per further hardware thread (at most 4 in all) parse; in flight 0:
  /// two per parsing thread and 2, at most 8.
  ChunkOptions chunks{size_t{1} << 20, 0, 0, {}};
};

/// Feeds one opened input through `analyzer`; returns false if reading failed
/// (the error is recorded in the report's inputs and in *error).
bool analyze_reader(LineReader& reader, Analyzer& analyzer, int default_year, std::string* error);

/// Like analyze_reader, for the input `path` already opened as `reader`, in
/// parallel when `read` allows: a large regular uncompressed file is read again
/// in chunks; a stream (standard input, a pipe, a compressed file, or a rotated
/// set given with an empty `path`) is read by `reader` one chunk at a time while
/// other chunks are parsed. A small plain file is read sequentially.
bool analyze_input(const std::string& path, LineReader& reader, Analyzer& analyzer, int default_year,
                   std::string* error, const ReadOptions& read = {});

/// Opens and analyses each path in order ("-" = stdin). Errors (unreadable
/// inputs) are appended to *errors; the other inputs are still analysed.
Report analyze_files(const std::vector<std::string>& paths, const AnalyzeOptions& opts,
                     const CycleSink& cycles, int default_year, std::vector<std::string>* errors,
                     const ReadOptions& read = {});

}  // namespace gcsight
