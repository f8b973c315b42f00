// Recordings of `gcsight run` (--record FILE): everything the analysis of a
// run used, so that `gcsight analyze FILE` gives the same report later, on
// another machine. Text framing with byte counts, so the program's bytes are
// kept exactly (docs/recording.md):
//
//   gcsight-recording 1
//   H <len>\n<JSON: command, settings, Go version, host, environment>\n
//   E <t_ns> <len>\n<stderr bytes as they arrived>\n
//   S <t_ns> <len>\n<JSON: one /proc sample; absent figures are absent>\n
//   X <len>\n<JSON: exit status, signal, duration, gcsight's own use>\n
//
// The file is written as the run goes (flushed every second), so a recording
// cut short by a crash still replays up to where it ends. gzip-compressed
// recordings are read too.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/memory_sample.h"
#include "core/report.h"
#include "core/run_session.h"

namespace gcsight {

/// The first line of every recording.
inline constexpr std::string_view kRecordingMagic = "gcsight-recording 1\n";

/// Whether the start of a file (at least 20 bytes when it has them) is a recording's.
bool is_recording_start(std::string_view first_bytes);

/// Writes a recording as the run goes.
class RecordingWriter {
 public:
  static std::unique_ptr<RecordingWriter> create(const std::string& path, std::string* error);
  ~RecordingWriter();
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;

  /// What is known at launch: ProcessInfo's settings and host, and the
  /// program's whole environment (secret-looking values already redacted).
  void header(const ProcessInfo& info, bool show_trace, const std::vector<std::string>& environment);
  void stderr_chunk(int64_t t_ns, std::string_view data);
  void sample(const MemorySample& s);
  void exit(const RunExit& x);
  /// Flushes and closes; false and *error if anything could not be written.
  bool close(std::string* error);

 private:
  RecordingWriter(std::string path, std::FILE* f);
  void frame(std::string_view head, std::string_view body);
  std::string path_;
  std::FILE* f_;
  int64_t last_flush_ns_ = 0;
  bool failed_ = false;
  int errno_ = 0;
};

/// What a replay hands back, record by record.
struct RecordingVisitor {
  std::function<void(const ProcessInfo& info, bool show_trace, const std::vector<std::string>& environment)> header;
  std::function<void(int64_t t_ns, std::string_view data)> stderr_chunk;
  std::function<void(const MemorySample& s)> sample;
  std::function<void(const RunExit& x)> exit;
};

/// Reads a recording ("-" = stdin). Returns false with *error naming the file
/// and the byte offset of a damaged record; the records before it were visited.
/// *complete tells whether the exit record was there.
bool read_recording(const std::string& path, const RecordingVisitor& v, bool* complete, std::string* error);

}  // namespace gcsight
