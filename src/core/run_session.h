// One `gcsight run` as a stream of facts: the program's stderr in chunks with
// their arrival times, /proc samples, and how it ended. The live run and the
// replay of a recording drive the same session, so both give the same report.
//
// The program's stderr is split into the runtime's trace lines (consumed,
// analysed) and everything else (handed to the passthrough sink byte for
// byte). The stitcher re-assembles runtime lines that the program's own writes
// split, and gives back the program's pieces with their role on the line, so
// the bytes it wrote come back as written: a remainder after a cut keeps its
// newline, text before a runtime line on the same line has none of its own.
//
// Latency: a partial line (no newline yet) that cannot be the start of a
// runtime line is passed on at once, so progress bars on stderr still move;
// only text that may begin a runtime line waits for its newline, and any text
// waits while the stitcher holds lines (what it gives back later came first).
// No wait lasts much over a second: each sample ends those begun 1 s or more
// before it (the runtime writes a line's pieces within microseconds). The
// stitcher then gives up the held start as at the end of input, and an
// unfinished line without a byte for a second is passed on as the program's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/analyzer.h"
#include "core/memory_model.h"
#include "core/report.h"

namespace gcsight {

/// Receives the program's stderr bytes that are not the runtime's.
using PassthroughSink = std::function<void(std::string_view)>;

/// How the program ended, and what gcsight itself used.
struct RunExit {
  int exit_status = 0;
  bool signaled = false;
  int signal = 0;
  int64_t duration_ns = 0;
  uint64_t self_rss = 0;
  uint64_t self_cpu_ns = 0;
  uint64_t child_cpu_ns = 0;  ///< the program's CPU time at exit (0 = unknown: the samples' last is used)
};

class RunSession {
 public:
  /// `info` holds what is known before launch (command, settings, start_wall_ns...).
  RunSession(ProcessInfo info, bool show_trace, CycleSink cycles, PassthroughSink passthrough);
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  /// A chunk of the program's stderr that arrived `t_ns` after launch.
  void on_stderr(std::string_view data, int64_t t_ns);
  /// A /proc sample; first, the waits for the rest of a runtime line begun
  /// a second or more before it end (see above).
  void on_sample(const MemorySample& s);
  /// What is known so far, while the program runs (program_running is set;
  /// gcsight's own figures are the caller's to fill).
  [[nodiscard]] LiveSnapshot live() const;
  /// The trace findings of the run begun last, so far (Analyzer::live_findings).
  [[nodiscard]] std::vector<Finding> live_findings() const;
  /// The memory findings so far (MemoryModel::live_findings): RSS retained or
  /// returned after a collection, growth outside the Go heap, a limit close by, the peak.
  [[nodiscard]] std::vector<Finding> live_memory_findings() const;
  /// Gc lines read so far (cheap: tells whether live() has changed).
  [[nodiscard]] uint64_t live_gc_lines() const;
  /// The whole report, once the program has ended.
  Report finish(const RunExit& exit);

  /// The name the program's stderr has as an input of the report.
  [[nodiscard]] std::string input_name() const;

 private:
  class Demux;
  ProcessInfo info_;
  Analyzer analyzer_;
  MemoryModel memory_;
  std::unique_ptr<Demux> demux_;
  uint32_t most_processes_ = 0;  // the most processes one sample summed (above 1: --tree saw descendants)
};

}  // namespace gcsight
