// Strips the envelope a log collector puts around a program's output lines
// (docker json-file, CRI, kubectl --timestamps, journald/syslog) and keeps its time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gcsight {

/// The log wrapper detected around the program's lines.
enum class WrapperKind : uint8_t { kNone, kDockerJson, kCri, kKubectlTimestamps, kJournald };

/// "none", "docker-json", "cri", "kubectl-timestamps" or "journald".
std::string_view wrapper_name(WrapperKind k);

/// Settings of the unwrapper.
struct UnwrapOptions {
  /// Year for syslog dates, which carry none (`Mar  1 12:00:00`); it steps on at a Dec -> Jan turn.
  int default_year = 1970;
  /// A partial (CRI `P`, docker line without "\n") line is emitted once its joined size
  /// reaches this, even without its final piece, so that a stream of parts cannot grow
  /// without bound.
  size_t max_joined_bytes = size_t{16} << 20;
};

/// A logical line after unwrapping. payload is valid until the next call (it may point into
/// the line given to feed(), so also only while that line's storage is).
struct Unwrapped {
  std::string_view payload;   ///< the program's line, envelope removed
  int64_t wall_ns = 0;        ///< wrapper time in unix ns (UTC), 0 = none
  uint64_t first_line = 0;    ///< first physical line of this logical line
  bool has_time = false;      ///< wall_ns is set
  bool stderr_stream = true;  ///< false when the wrapper says stdout
};

/// Detects the log wrapper from the first lines and strips it from every line.
class LogUnwrapper {
 public:
  /// An unwrapper that has not yet seen a line.
  explicit LogUnwrapper(UnwrapOptions opts = {});

  /// Feeds one physical line (number = its 1-based line number). Returns true and fills
  /// `out` when a complete logical line is ready (partial CRI/docker lines are buffered and
  /// joined; first_line is the first physical line of the joined line). The wrapper kind is
  /// detected from the first 16 non-empty lines, on the first one that has a wrapper's full
  /// shape; if none has, the kind is kNone for good. A line that does not fit the detected
  /// wrapper (or comes before detection) is passed through unchanged (has_time=false).
  bool feed(std::string_view line, uint64_t number, Unwrapped& out) {
    if (plain()) {
      pass_through(line, number, out);
      return true;
    }
    return feed_detected(line, number, out);
  }

  /// Whether no wrapper was found and the probing is over: every line from
  /// now on comes out of feed() as it went in, so a caller with many lines may
  /// skip the call.
  [[nodiscard]] bool plain() const { return decided_ && kind_ == WrapperKind::kNone; }

  /// At end of input: returns a pending joined partial line, if any. There can be one per
  /// stream (stdout and stderr), so call it until it returns false.
  bool finish(Unwrapped& out);

  /// The wrapper detected so far (kNone while undecided and for a plain log).
  [[nodiscard]] WrapperKind kind() const { return kind_; }
  /// Physical lines that fitted the detected wrapper.
  [[nodiscard]] uint64_t unwrapped_lines() const { return unwrapped_; }
  /// Physical lines that did not fit the detected wrapper (lines before detection included).
  [[nodiscard]] uint64_t passthrough_lines() const { return passthrough_; }

 private:
  // One stream's partial line being joined.
  struct Pending {
    std::string text;
    int64_t wall_ns = 0;
    uint64_t first_line = 0;
    bool has_time = false;
    bool active = false;
  };
  // One physical line taken apart by the detected wrapper's parser.
  struct Piece {
    std::string_view text;
    int64_t wall_ns = 0;
    bool has_time = false;
    bool stderr_stream = true;
    bool partial = false;
  };

  static constexpr int kProbeLines = 16;  // non-empty lines examined before settling on kNone

  // feed() once a wrapper is detected, or while probing.
  bool feed_detected(std::string_view line, uint64_t number, Unwrapped& out);
  bool parse(WrapperKind kind, std::string_view line, bool strict, Piece& piece);
  WrapperKind detect(std::string_view line, Piece& piece);
  bool deliver(const Piece& piece, uint64_t number, Unwrapped& out);
  bool emit_pending(Pending& p, bool stderr_stream, Unwrapped& out);
  static void pass_through(std::string_view line, uint64_t number, Unwrapped& out) {
    out.payload = line;
    out.wall_ns = 0;
    out.first_line = number;
    out.has_time = false;
    out.stderr_stream = true;
  }

  UnwrapOptions opts_;
  WrapperKind kind_ = WrapperKind::kNone;
  bool decided_ = false;
  int probed_ = 0;          // non-empty lines examined while undecided
  uint64_t undecided_ = 0;  // lines passed through while undecided
  uint64_t unwrapped_ = 0;
  uint64_t passthrough_ = 0;
  int syslog_year_ = 1970;
  int syslog_last_month_ = 0;
  Pending pending_[2];   // [0] stdout, [1] stderr
  std::string out_buf_;  // backs `payload` when it is not a view into the input line
  std::string scratch_;  // a docker record's unescaped log text
};

}  // namespace gcsight
