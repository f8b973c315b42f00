// Turns logical lines into trace events, re-assembling runtime lines that the
// program's own writes split apart (go-trace-formats.md §4.5).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_event.h"
#include "core/trace_line_parser.h"

namespace gcsight {

/// A logical line given to the stitcher (after any log wrapper is removed).
struct InputLine {
  std::string_view text;
  uint64_t number = 0;    ///< 1-based physical line number
  int64_t wall_ns = 0;    ///< wall-clock time from a log wrapper, 0 if none
  bool terminated = true; ///< false for a last line without a newline
};

/// Kinds of event the stitcher emits.
enum class EventKind : uint8_t {
  kGc, kGcLegacy, kScav, kGcForced, kPacer, kScan, kProgram, kMalformed,
};

/// Where program text sat on its physical line, so a wrapper can give the
/// program's bytes back exactly.
enum class TextRole : uint8_t {
  kLine,       ///< a whole line (its newline follows unless unterminated), or, unterminated, a write inside a runtime line
  kPrefix,     ///< no newline of its own: text before a runtime line, or after one while the
               ///< runtime's newline may still come (then an empty kRemainder on its line follows)
  kRemainder,  ///< text after a runtime piece, up to the line's end (the newline is the program's)
};

/// One event, in input order. Views are valid only during the sink call.
struct TraceEvent {
  EventKind kind = EventKind::kProgram;
  uint64_t line = 0;
  int64_t wall_ns = 0;
  GcCycle gc;
  ScavEvent scav;
  std::string_view text;    ///< program text, or the malformed line
  std::string_view reason;  ///< why a malformed line could not be read
  uint32_t column = 0;      ///< 1-based column of the problem (malformed)
  TextRole role = TextRole::kLine;  ///< for program text
  bool terminated = true;   ///< the physical line ended with a newline
};

/// Receives events.
using EventSink = std::function<void(const TraceEvent&)>;

/// Options of the stitcher.
struct StitchOptions {
  /// Lines searched for the pieces of a split line, and whole program lines
  /// held while a complete runtime line waits for its late newline or suffix.
  size_t max_lookahead = 8192;
  size_t search_budget = 50000;  ///< match steps per split line before giving up
  /// Match steps over all the searches for one held start (each new held line
  /// searches again): past them its continuation counts as not found.
  size_t window_budget = 1000000;
};

/// Counters the stitcher keeps.
struct StitchStats {
  uint64_t stitched = 0;         ///< runtime lines re-assembled from pieces
  uint64_t stitched_pieces = 0;  ///< physical lines those pieces came from
  uint64_t orphan_tails = 0;     ///< pieces of runtime lines whose start was never found
  uint64_t unresolved = 0;       ///< starts of runtime lines that could not be completed
  uint64_t truncated = 0;        ///< a runtime line cut off at the end of input
  uint64_t search_steps = 0;     ///< match steps spent searching for the pieces of split lines
};

/// The shape of a program line's first 14 bytes (digits and letters folded),
/// 0 when it is too short to say anything: how the stitcher learns which lines
/// are the program's own.
uint64_t signature_of(std::string_view text);

/// Streams lines in and events out; holds back at most `max_lookahead` lines.
class LineStitcher {
 public:
  explicit LineStitcher(EventSink sink, StitchOptions opts = {});
  /// Feeds the next logical line.
  void push(const InputLine& line);
  /// Feeds the next logical line with its parse done already: `parsed` must be
  /// parse_trace_line(line.text) (the parallel reader parses on other threads).
  void push(const InputLine& line, const LineParse& parsed);
  /// Flushes held-back lines at end of input.
  void finish();
  /// The wall_ns of the line that began the wait under way (a runtime line's
  /// start, a complete line awaiting its suffix or its late newline); nullopt
  /// when nothing is held. A live stream's caller dates its lines by arrival.
  [[nodiscard]] std::optional<int64_t> held_since() const;
  /// Ends the wait under way as finish() would, for a stream that goes on (its
  /// continuation can no longer come): a held start is read as best it can be,
  /// else reported, or passed on as program output if it was a weak start;
  /// the lines held after it are read again, and may begin a wait of their
  /// own. False when nothing was held.
  bool give_up();
  [[nodiscard]] const StitchStats& stats() const { return stats_; }
  /// Whether lines are held back waiting for the rest of a runtime line, or a
  /// stitched line's program text waits to learn whose its newline is (text
  /// passed on meanwhile would come before that newline).
  [[nodiscard]] bool holding() const {
    return !held_.empty() || suffix_held_.has_value() || newline_pending_ || !pending_between_.empty() ||
           forced_text_.has_value();
  }
  /// Whether push() would pass `line`, parsed as `p`, straight on as one
  /// event: a whole gc or scav line (runtime text from column 0 to the end,
  /// with its newline) while nothing is held. The caller may then hand the
  /// record on itself (the fast lane for the bulk of a trace), after
  /// passed_on(p) instead of push().
  [[nodiscard]] bool passes_whole(const InputLine& line, LineKind kind, size_t begin, size_t end) const {
    return !holding() && whole_runtime_line(kind, begin, end, line.text.size(), line.terminated);
  }
  /// The part of passes_whole that is about the line alone (a caller that
  /// knows nothing is held need not ask holding() on every line).
  [[nodiscard]] static bool whole_runtime_line(LineKind kind, size_t begin, size_t end, size_t size, bool terminated) {
    return begin == 0 && end == size && terminated &&
           (kind == LineKind::kGc || kind == LineKind::kGcLegacy || kind == LineKind::kScav);
  }
  /// Whether the caller may hand on a whole gc line's record `c` itself: its
  /// number follows the latest cycle's, as almost every one does. Else push()
  /// it: another reading of its number may fit the evidence better (renumbered).
  [[nodiscard]] bool passes_number(const GcCycle& c) const { return c.gc == next_gc_; }
  /// Records that the gc line `c` was handed on by the caller.
  void passed_on_gc(const GcCycle& c) { note_gc(c); }
  /// Whether push() would pass a program line straight on as one line of
  /// program output: nothing is held and it is no piece of a runtime line
  /// (`runtime_tail` is looks_like_runtime_tail of its text). The caller may then
  /// hand it on itself, after passed_on_program(signature_of(text)).
  [[nodiscard]] bool passes_program(bool runtime_tail) const { return !runtime_tail && !holding(); }
  void passed_on_program(uint64_t signature) { learn_signature(signature); }

 private:
  struct Held {
    std::string text;
    uint64_t number;
    int64_t wall_ns;
    bool terminated;
    LineParse parse;
  };
  void process(const InputLine& line, const LineParse& p);
  void emit_parsed(const InputLine& line, const LineParse& p, bool trailing_newline = false);
  void emit_program(std::string_view text, uint64_t number, int64_t wall_ns, TextRole role,
                    bool terminated = true);
  // Hands an event on, or keeps a copy while a re-assembled line is deferred.
  void emit(const TraceEvent& e);
  // Reads held_[0, count) as one runtime line, if it can be; held lines after
  // them are then read again.
  bool try_resolve(bool allow_insertions, size_t count);
  // A quick necessary condition for any reconstruction of `shape` from the
  // held lines, checked before a search (see the .cpp).
  bool literals_fit(const Shape& shape);
  // Forgets what was learnt of the held lines (they were all taken).
  void clear_held();
  void fail_first();
  void replay(std::vector<Held> lines);
  [[nodiscard]] bool ends_window(const LineParse& p) const;
  // Remembers the number and time of a gc line passed on (inline: the fast lane calls it for every cycle).
  void note_gc(const GcCycle& c) {
    recent_gc_[recent_gc_next_] = c.gc;
    recent_start_[recent_gc_next_] = c.start_ns;
    recent_gc_next_ = (recent_gc_next_ + 1) % std::size(recent_gc_);
    next_gc_ = c.gc + 1;
  }
  // Another reading of a whole gc line's number, with some of its digits the
  // program's (`gc ` + `1` + `2 @...`): which of the printed digits are the
  // runtime's, when the evidence favours that reading (see the .cpp).
  struct Renumbering {
    uint32_t gc;
    size_t program_from, program_len;  // the program's digits among those printed
  };
  [[nodiscard]] std::optional<Renumbering> renumbered(const GcCycle& c) const;
  // Applies renumbered() to the record `c` of the whole gc line `line`; `inserted` gets the program's digits.
  void renumber(const InputLine& line, const LineParse& p, GcCycle& c, std::string_view* inserted);
  void learn_signature(std::string_view text);
  void learn_signature(uint64_t signature);
  [[nodiscard]] int signature_score(std::string_view text) const;
  // What signature_score gives program text of a shape seen at least twice.
  static constexpr int kKnownShapeScore = 20;
  // Whether cycle number `gc` follows one of the recent cycles.
  [[nodiscard]] bool follows_recent(int64_t gc) const;

  EventSink sink_;
  StitchOptions opts_;
  StitchStats stats_;
  std::vector<Held> held_;
  // How far the fixed literals of each shape tried were placed in held_: held
  // lines are only appended until clear_held(), and where a literal first
  // occurs does not change when lines are appended, so each scan resumes.
  struct LiteralScan {
    const Shape* shape;
    size_t token;  // the next token to place
    size_t line;   // where it is looked for
    size_t pos;
  };
  std::vector<LiteralScan> literal_scans_;
  uint64_t window_steps_ = 0;  // search steps spent on the held lines since clear_held()
  // A complete line with program text after it: the runtime's ` (forced)`
  // may still follow on the next line (the program wrote before it).
  std::optional<Held> suffix_held_;
  std::vector<Held> suffix_between_;  // whole program lines seen while waiting
  bool newline_pending_ = false;      // a stitched line ended with program text
  uint64_t pending_line_ = 0;         // ... on this line
  int64_t pending_wall_ = 0;
  std::vector<Held> pending_between_;  // whole program lines seen while waiting for its newline
  // The events of that stitched line (its record first), held back while its
  // ` (forced)` or ` [controller reset]` may still come on a later line as it
  // may after a complete line (suffix_held_); copies, as the held lines are gone.
  struct HeldEvent {
    TraceEvent event;
    std::string text;
  };
  std::vector<HeldEvent> stitched_events_;
  bool deferring_ = false;  // emit() keeps events in stitched_events_
  // The length of the suffix `text` starts with if it can still end the line
  // in stitched_events_, else 0.
  [[nodiscard]] size_t stitched_suffix(std::string_view text) const;
  void flush_stitched();
  // Program text after a late suffix on its line: its newline is the program's
  // only if the runtime's follows as an empty line.
  void text_after_suffix(const InputLine& line, size_t n);
  // `GC forced` with more text after it on the line: the runtime's line with
  // the program's text written before the runtime's newline, when that newline
  // follows as an empty line; otherwise the program's own line (`GC forced by
  // admin request`), which the runtime cannot have written.
  std::optional<Held> forced_text_;
  // Settles forced_text_ by the line after it; true when that line was the runtime's newline.
  bool settle_forced_text(const InputLine& next);
  bool take_suffix(const InputLine& line, const LineParse& p);
  // Emits the held line whose suffix was awaited (`trailing_newline` as for emit_parsed) and the lines after it.
  void flush_suffix(bool trailing_newline = false);
  // The places a search reached and the best score it reached each with
  // (StitchSearch), kept from search to search so that none allocates.
  struct PlaceSlot {
    uint64_t key;
    int32_t score;
    uint32_t search;  // the search the slot belongs to; others are free
  };
  std::vector<PlaceSlot> places_;
  uint32_t places_search_ = 0;
  uint32_t next_search_id();
  uint32_t recent_gc_[8] = {};
  int64_t recent_start_[8] = {};  // their `@` times
  uint32_t next_gc_ = 1;           // the number after the latest one's
  size_t recent_gc_next_ = 0;
  std::vector<std::pair<uint64_t, uint32_t>> signatures_;  // (signature hash, hits)
  friend struct StitchSearch;
};

}  // namespace gcsight
