// Re-assembles runtime lines split by the program's own output.
//
// The runtime prints a gc line as ~40 separate write(2) calls, one per print
// argument, and only runtime prints are serialised against each other. A
// program line written meanwhile lands *between two tokens*: the physical line
// then holds the first runtime piece followed by the program's line, and the
// runtime line continues on the next physical line (perhaps after more whole
// program lines, perhaps split again). So a split line is a sequence of
// physical lines L0..Lk where each Li = runtime piece + program remainder and
// Lk ends the runtime line.
//
// Most lines are whole and take the fast path (no copy). When a line starts a
// runtime line that does not finish, the stitcher holds it and the following
// lines (up to max_lookahead) and searches every way to cut them at token
// boundaries so the pieces form one valid line of the same shape. Several
// reconstructions can be valid because a program line may begin with digits
// (`gc 74` + `2026/11/25 ...` reads as `gc 742026/...`); they are scored by
// evidence: the cycle number that follows the previous one, remainders shaped
// like the program lines seen so far, plausible values. If nothing fits, the
// start is reported as malformed with its line number and the held lines are
// read again normally, so one bad line never shifts the lines after it.
#include "core/line_stitcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

namespace gcsight {

namespace {

// Program writes without a newline that one reconstruction may skip inside the runtime text.
constexpr int kMaxInsertions = 2;

// The length of the runtime suffix a line starts with when the runtime's line
// went on after its held end: ` (forced)`, or for a scav line ` [controller
// reset]` too; 0 if none.
size_t suffix_length(std::string_view text, bool gc) {
  constexpr std::string_view kForced = " (forced)", kReset = " [controller reset]";
  if (text.starts_with(kForced)) return kForced.size();
  return !gc && text.starts_with(kReset) ? kReset.size() : 0;
}
// No bound in time: a line's time is when gcsight read it, and a gcsight that
// lags (a loaded machine, a sanitizer build) would see late what came early.
// A live stream's caller, which cannot let a wait last for ever, ends it with
// give_up() (`run` after a second: core/run_session.cpp).
// A line that reads whole only with program writes inside its runtime text
// (`... globals, ` + `err 042013 P...`: `err 0` inside, `42013 P` as the end)
// may be a line split by whole program lines instead, its real rest further
// on: how many lines to wait for a reading without insertions.
constexpr size_t kInsertionWaitLines = 256;

// Whether token `t` can begin at the start of `s`.
bool token_starts(const Token& t, std::string_view s) {
  if (s.empty()) return false;
  switch (t.kind) {
    case TokKind::kLit:
      return s.starts_with(t.text);
    case TokKind::kOptLit:
    case TokKind::kRest:
      return true;  // never resumed after an insertion: they may be absent
    case TokKind::kSInt:
      return (s[0] >= '0' && s[0] <= '9') || s[0] == '-';
    default:
      return s[0] >= '0' && s[0] <= '9';
  }
}


// Whether `line` may be a whole program line written while a runtime line
// waits for its last piece. A weak start of a runtime line (`gc31.x` inside
// the program's text) may be: a runtime line that has surely begun may not,
// as the runtime prints one line at a time.
bool may_come_between(const InputLine& line, const LineParse& p) {
  if (!line.terminated || looks_like_runtime_tail(line.text)) return false;
  return p.kind == LineKind::kProgram || (p.kind == LineKind::kPartial && !p.strong);
}

// Each byte's class in a signature, the shape of the start of a program line:
// digits -> '9', letters -> 'a', the rest kept.
constexpr std::array<uint8_t, 256> kSignatureClass = [] {
  std::array<uint8_t, 256> t{};
  for (size_t c = 0; c < t.size(); ++c) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    t[c] = digit ? '9' : letter ? 'a' : static_cast<uint8_t>(c);
  }
  return t;
}();

}  // namespace

uint64_t signature_of(std::string_view text) {
  const size_t n = std::min<size_t>(text.size(), 14);
  if (n < 6) return 0;  // too short to say anything
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h = (h ^ kSignatureClass[static_cast<uint8_t>(text[i])]) * 1099511628211ull;
  }
  return h;
}

// One search over the held lines: a depth-first walk over the ways to cut
// them, each path scored as it goes. A program line after a number that
// begins with digits (`gc 8` + `2026/11/27 ...`) gives the number several
// valid lengths, so the readings multiply with every such piece: a line split
// 37 times by `log` lines has millions. Two paths that reach the same place
// (line, offset, token, insertions) with the same values still to be compared
// (`Carry`) have the same best continuation, so only the better of them goes
// on; a path that cannot beat the best reading found even if all the evidence
// still to come were in its favour stops; and the lengths of a number are
// tried in the order the evidence favours, so the best reading comes early.
// The evidence (recent cycles, known program lines) then decides among all
// readings, not among those the step budget happened to reach first (the
// longest numbers: `gc 82026` with a 142 s mark and a 492 GB heap).
struct StitchSearch {
  StitchSearch(const LineStitcher& s, const std::vector<LineStitcher::Held>& l, size_t b,
               std::vector<LineStitcher::PlaceSlot>& p, uint32_t id)
      : st(s), lines(l), budget(b), places(p), search_id(id) {}
  const LineStitcher& st;
  const std::vector<LineStitcher::Held>& lines;
  size_t budget;

  struct Cut {
    size_t line;   // index in lines
    size_t end;    // runtime text ends here; the rest of the line is program text
  };
  std::vector<Cut> cuts;     // current path
  std::vector<size_t> skipped;  // whole program lines on the current path

  bool found = false;
  int best_score = 0;
  std::vector<Cut> best_cuts;
  std::vector<size_t> best_skipped;
  FieldValues best_vals;
  const Shape* shape = nullptr;
  size_t last_line = 0;   // the reconstruction must end on this line
  size_t start = 0;       // offset of the runtime text on the first line
  int inserted = 0;       // program writes skipped inside the runtime text on the current path
  int max_insertions = 0; // allowed on one path
  int path_score = 0;     // the current path's cuts, skipped lines and insertions, scored
  bool bar_set = false;   // a reading of another shape scored `bar`: only a better one counts
  int bar = 0;
  struct Insertion {
    size_t line, from, to;
  };
  std::vector<Insertion> insertions;
  std::vector<Insertion> best_insertions;

  // What of the values read so far the rest of a reading still depends on:
  // the halves of the pairs score_field compares, and the sums values_fit bounds.
  struct Carry {
    int64_t c1 = 0, c3 = 0, h1 = 0;
    uint64_t csum = 0, psum = 0;
    int score = 0;  // score_field over the values read so far
  };
  // Where a path is: its line, offset, token and insertions, and what of its
  // values the rest still depends on; kept as a 64-bit key.
  uint64_t place_key(size_t li, size_t pos, size_t tok, const Carry& c) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint64_t x : {uint64_t{li}, uint64_t{pos}, uint64_t{tok}, static_cast<uint64_t>(inserted),
                       static_cast<uint64_t>(c.c1), static_cast<uint64_t>(c.c3), static_cast<uint64_t>(c.h1), c.csum,
                       c.psum}) {
      h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
      h ^= h >> 31;
    }
    return h;
  }
  // The best score with which each place was reached in this search: an
  // open-addressed table the stitcher keeps from search to search (slots of
  // an earlier search count as free). False when the place was reached before
  // with a score at least as good. A crowded neighbourhood is not remembered,
  // which costs only steps.
  std::vector<LineStitcher::PlaceSlot>& places;
  uint32_t search_id = 0;
  bool first_or_better(uint64_t key, int score) {
    const size_t mask = places.size() - 1;
    size_t i = static_cast<size_t>(key) & mask;
    for (int probe = 0; probe < 16; ++probe, i = (i + 1) & mask) {
      LineStitcher::PlaceSlot& slot = places[i];
      if (slot.search != search_id) {
        slot = {key, score, search_id};
        return true;
      }
      if (slot.key == key) {
        if (slot.score >= score) return false;
        slot.score = score;
        return true;
      }
    }
    return true;
  }

  void walk_inserted(size_t li, size_t from, size_t to, size_t tok, const FieldValues& v, const Carry& c) {
    ++inserted;
    path_score -= 25;
    insertions.push_back({li, from, to});
    walk(li, to, tok, v, c);
    insertions.pop_back();
    path_score += 25;
    --inserted;
  }

  // The score that becomes known when field `f` is read (its partner, if any,
  // is read before it in every shape), and whether the reading may go on: the
  // values must fit the runtime's types (values_fit, checked as they come so
  // that a place's best arrival is never one that must fail later).
  bool score_field(uint8_t f, const FieldValues& v, Carry& c) const {
    const int64_t x = v.v[f];
    const bool gc = shape->kind == ShapeKind::kGc || shape->kind == ShapeKind::kGcLegacy;
    if (!value_fits(static_cast<Field>(f), x)) return false;
    auto add = [](uint64_t& sum, int64_t y) {
      const auto u = static_cast<uint64_t>(y);
      if (sum > UINT64_MAX - u) return false;
      sum += u;
      return true;
    };
    if (gc) {
      if (f >= fC1 && f <= fC5) {
        if (!add(c.csum, x)) return false;
        // Go <= 1.4 prints microseconds: their sum, in ns, must fit too.
        if (shape->kind == ShapeKind::kGcLegacy && c.csum > UINT64_MAX / 1000) return false;
      }
      if ((f == fP2 || f == fP3 || f == fP5) && !add(c.psum, x)) return false;
    }
    if (shape->kind == ShapeKind::kGc) {
      switch (f) {
        case fGc:
          if (st.follows_recent(x)) c.score += 100;
          break;
        case fUtil:
          if (x < 0 || x > 100) c.score -= 50;
          break;
        case fProcs:
          if (x < 1 || x > 65536) c.score -= 50;
          break;
        // STW cpu = clock x stwprocs (>= 1), within truncation.
        case fC1:
          c.c1 = x;
          break;
        case fP1:
          if (x + 1000 < c.c1 / 2) c.score -= 30;
          c.c1 = 0;
          break;
        case fC3:
          c.c3 = x;
          break;
        case fP5:
          if (x + 1000 < c.c3 / 2) c.score -= 30;
          c.c3 = 0;
          break;
        case fH1:
          c.h1 = x;
          break;
        case fH2:
          if (x > c.h1 + 1) c.score -= 5;
          c.h1 = 0;
          break;
        default:
          break;
      }
    } else if (shape->kind == ShapeKind::kScav) {
      if (f == fUtil && (x < 0 || x > 100)) c.score -= 50;
    }
    return true;
  }

  // The most a path at line `li` can still gain: a cycle number that follows
  // a recent one, and program text of a known shape after each cut (at most one
  // a line) and after the runtime line's end. Everything else only costs.
  int most_to_gain(size_t li, const FieldValues& v) const {
    const int gc = shape->kind == ShapeKind::kGc && !v.has(fGc) ? 100 : 0;
    return gc + (LineStitcher::kKnownShapeScore - 1) * static_cast<int>(last_line - li) +
           LineStitcher::kKnownShapeScore - 3;
  }

  // The order in which to try the lengths a number can be read at: those the
  // evidence favours first (a cycle number that follows a recent one, program
  // text of a known shape after it), so that the best reading is found early
  // and the paths that cannot beat it are cut short; else the longest first.
  struct Length {
    size_t len;
    int64_t value;
    int prior;
  };
  int prior(const Token& t, size_t tok, std::string_view rest, size_t len, int64_t value) const {
    int p = 0;
    if (t.field == fGc && shape->kind == ShapeKind::kGc && st.follows_recent(value)) p += 100;
    if (len < rest.size() && tok + 1 < shape->tokens.size() && !token_starts(shape->tokens[tok + 1], rest.substr(len))) {
      p += st.signature_score(rest.substr(len));
    }
    return p;
  }

  void complete(const FieldValues& v, const Carry& c, size_t line, size_t end) {
    if (line != last_line || !values_fit(*shape, v)) return;
    int s = c.score + path_score;
    const auto& last = lines[line];
    const bool trailing = end < last.text.size();
    if (trailing) s += st.signature_score(std::string_view(last.text).substr(end)) - 3;
    if (!found && bar_set && s <= bar) return;
    if (!found || s > best_score) {
      found = true;
      best_score = s;
      best_cuts = cuts;
      best_cuts.push_back({line, end});
      best_skipped = skipped;
      best_insertions = insertions;
      best_vals = v;
    }
  }

  // Whether `rest`, right after the number token before `tok`, goes on with a
  // point or a comma and a digit: a number the runtime does not spell so
  // (`0.03`, `4,096`), not a number and a program write. Such a line is
  // reported, not read as another value (the number grammar's promise).
  bool misspelt_number(size_t tok, std::string_view rest) const {
    if (tok == 0 || rest.size() < 2 || (rest[0] != '.' && rest[0] != ',') || rest[1] < '0' || rest[1] > '9') {
      return false;
    }
    const TokKind k = shape->tokens[tok - 1].kind;
    return k == TokKind::kUInt || k == TokKind::kSInt || k == TokKind::kDur || k == TokKind::kSecs;
  }

  // Whether every token from `tok` on may be absent (an empty line can end the line).
  bool rest_optional(size_t tok) const {
    for (size_t i = tok; i < shape->tokens.size(); ++i) {
      if (shape->tokens[i].kind != TokKind::kOptLit) return false;
    }
    return true;
  }

  // Continue the runtime line on lines[from..] in state (tok, v). Each line
  // may instead be wholly program output (skipped), but not a runtime line.
  void next_line(size_t from, size_t tok, const FieldValues& v, const Carry& c) {
    // A path as good came to look from here before: each line it tried, it
    // tried with a score at least as good (the scan is the window's main cost).
    if (!first_or_better(place_key(from, SIZE_MAX, tok, c), path_score + c.score)) return;
    size_t pushed = 0;
    const Token& t = shape->tokens[tok];
    for (size_t k = from; k <= last_line; ++k) {
      // Most lines cannot continue the runtime line (they do not start with
      // the next token): checking that first keeps long windows cheap. A line
      // that ends the window (a new runtime line from its start) cannot either,
      // though a 1.4 line's unread rest would take any text.
      if ((token_starts(t, lines[k].text) || (lines[k].text.empty() && rest_optional(tok))) &&
          !st.ends_window(lines[k].parse)) {
        walk(k, 0, tok, v, c);
      }
      if (budget == 0 || st.ends_window(lines[k].parse)) break;
      skipped.push_back(k);
      --path_score;
      ++pushed;
    }
    skipped.resize(skipped.size() - pushed);
    path_score += static_cast<int>(pushed);
  }

  // Match tokens of `shape` from `tok` on line `li` at `pos`.
  void walk(size_t li, size_t pos, size_t tok, FieldValues v, Carry c) {
    if (budget == 0) return;
    --budget;
    // A better or equal path came here before: it has the same continuations.
    const int score = path_score + c.score;
    if (!first_or_better(place_key(li, pos, tok, c), score)) return;
    // Nor can a path go on that cannot beat the best reading found, here or
    // with another shape.
    if ((found || bar_set) && score + most_to_gain(li, v) <= (found ? best_score : bar)) return;
    const std::string_view s = lines[li].text;
    const auto toks = shape->tokens;
    if (tok == toks.size()) {
      // The last piece holds runtime text, or is the runtime's newline alone
      // (an empty line). A line the runtime line only "ends on" with nothing
      // of it (optional tokens absent) holds none of it: read that way, a
      // whole gc line became the program text after a stitched one.
      if (li > 0 && pos == 0 && !s.empty()) return;
      complete(v, c, li, pos);
      return;
    }
    const size_t line_start = li == 0 ? start : 0;
    // Cut here: the rest of this line is program text, the runtime line goes on later.
    if (pos > line_start && pos < s.size() && li < last_line) {
      cuts.push_back({li, pos});
      const int cut_score = st.signature_score(s.substr(pos)) - 1;
      path_score += cut_score;
      next_line(li + 1, tok, v, c);
      path_score -= cut_score;
      cuts.pop_back();
    }
    const Token& t = toks[tok];
    const std::string_view rest = s.substr(pos);
    // A program write without a newline (a progress bar, a line written in
    // pieces) can sit inside a runtime line. Where the runtime line does not go
    // on right here, try resuming it after such an insertion, at every later
    // position where the next token can start.
    if (pos > line_start && pos < s.size() && inserted < max_insertions && !token_starts(t, rest) &&
        !misspelt_number(tok, rest)) {
      for (size_t q = pos + 1; q < s.size() && budget > 0; ++q) {
        if (token_starts(t, s.substr(q))) walk_inserted(li, pos, q, tok, v, c);
      }
    }
    switch (t.kind) {
      case TokKind::kLit:
        if (rest.starts_with(t.text)) walk(li, pos + t.text.size(), tok + 1, v, c);
        break;
      case TokKind::kOptLit:
        // Text that spells the optional literal is the runtime's, never program output.
        // ` (forced)` and ` [controller reset]` exclude each other.
        if (rest.starts_with(t.text) && !(t.field == fReset && v.has(fForced))) {
          FieldValues w = v;
          w.set(t.field, 1);
          walk(li, pos + t.text.size(), tok + 1, w, c);
        } else {
          walk(li, pos, tok + 1, v, c);
        }
        break;
      case TokKind::kRest:
        walk(li, s.size(), tok + 1, v, c);
        break;
      default: {
        const NumMatch longest = match_number(t.kind, rest);
        std::array<Length, 24> lens;
        size_t n = 0;
        for (size_t len = longest.len; len > 0 && n < lens.size(); --len) {
          int64_t value = 0;
          if (!valid_number(t.kind, rest.substr(0, len), &value)) continue;
          lens[n++] = {len, value, prior(t, tok, rest, len, value)};
        }
        // A few lengths at most: an insertion sort, stable (longest first among equals).
        for (size_t i = 1; i < n; ++i) {
          for (size_t j = i; j > 0 && lens[j - 1].prior < lens[j].prior; --j) std::swap(lens[j - 1], lens[j]);
        }
        for (size_t i = 0; i < n; ++i) {
          FieldValues w = v;
          w.set(t.field, lens[i].value);
          Carry d = c;
          if (score_field(t.field, w, d)) walk(li, pos + lens[i].len, tok + 1, w, d);
        }
      }
    }
  }
};

LineStitcher::LineStitcher(EventSink sink, StitchOptions opts)
    : sink_(std::move(sink)), opts_(opts) {}

void LineStitcher::learn_signature(std::string_view text) { learn_signature(signature_of(text)); }

void LineStitcher::learn_signature(uint64_t sig) {
  if (sig == 0) return;
  for (auto& [h, hits] : signatures_) {
    if (h == sig) {
      ++hits;
      return;
    }
  }
  if (signatures_.size() < 64) {
    signatures_.emplace_back(sig, 1);
    return;
  }
  // Replace the least used signature.
  auto it = std::min_element(signatures_.begin(), signatures_.end(),
                             [](const auto& a, const auto& b) { return a.second < b.second; });
  *it = {sig, 1};
}

int LineStitcher::signature_score(std::string_view text) const {
  const uint64_t sig = signature_of(text);
  if (sig == 0) return 0;
  for (const auto& [h, hits] : signatures_) {
    if (h == sig) return hits >= 2 ? kKnownShapeScore : kKnownShapeScore / 2;
  }
  return 0;
}

bool LineStitcher::follows_recent(int64_t gc) const {
  for (uint32_t r : recent_gc_) {
    if (r != 0 && gc == int64_t{r} + 1) return true;
  }
  return false;
}

// A program that writes digits without a newline (a progress counter) can
// write one between the runtime's `gc ` and its number, or between the number
// and ` @`: `gc 12 @0.100s ...` after gc 1 is gc 2 with the program's `1`
// before it, and `gc 71` after gc 6 is gc 7 with a `1` after it. The line reads
// whole either way, so only the evidence can tell: the number as printed
// follows none of the recent cycles, a reading with the leading or the trailing
// digits as the program's follows one (r), and the `@` time fits that reading
// better. The time counts from the process's start, so r cycles in t_r give the
// process's rate of cycles; at that rate, the line's time must be nearer r + 1
// cycles than the number printed (lost lines leave a gap in time as well as in
// numbers; another process's cycle runs at its own rate). With t_r = 0, gc 1
// at `@0.000s`, the rate is unknown and the number decides alone.
std::optional<LineStitcher::Renumbering> LineStitcher::renumbered(const GcCycle& c) const {
  if (!c.has(kGcHasTime) || follows_recent(c.gc)) return std::nullopt;
  char digits[16];
  size_t n = 0;
  for (uint32_t x = c.gc; x > 0; x /= 10) digits[n++] = static_cast<char>('0' + x % 10);
  std::reverse(digits, digits + n);
  std::optional<Renumbering> best;
  double best_fit = 0;
  for (size_t k = 1; k < n; ++k) {
    // The runtime's digits: the last n - k (the program's came first), or the first k.
    for (const auto& [from, len] : {std::pair{k, n - k}, std::pair{size_t{0}, k}}) {
      if (digits[from] == '0') continue;  // the runtime prints no leading zero
      uint32_t value = 0;
      for (size_t i = from; i < from + len; ++i) value = value * 10 + static_cast<uint32_t>(digits[i] - '0');
      for (size_t i = 0; i < std::size(recent_gc_); ++i) {
        const uint32_t r = recent_gc_[i];
        const int64_t t_r = recent_start_[i];
        if (r == 0 || int64_t{value} != int64_t{r} + 1 || c.start_ns < t_r) continue;
        double fit = 0;  // how much better the reading fits the rate than the number printed (lower: better)
        if (t_r > 0) {
          const double expected = static_cast<double>(c.start_ns) * r / static_cast<double>(t_r);
          fit = std::abs(std::log(value / expected)) - std::abs(std::log(c.gc / expected));
          if (fit >= 0) continue;
        }
        if (!best || fit < best_fit) {
          best = from > 0 ? Renumbering{value, 0, from} : Renumbering{value, len, n - len};
          best_fit = fit;
        }
      }
    }
  }
  return best;
}

void LineStitcher::renumber(const InputLine& line, const LineParse& p, GcCycle& c, std::string_view* inserted) {
  const std::optional<Renumbering> r = renumbered(c);
  const size_t at = p.begin + 3;  // after `gc `
  if (!r || line.text.substr(p.begin, 3) != "gc ") return;
  *inserted = line.text.substr(at + r->program_from, r->program_len);
  c.gc = r->gc;
  c.flags |= kGcStitched;
  ++stats_.stitched;
  ++stats_.stitched_pieces;
}

bool LineStitcher::ends_window(const LineParse& p) const {
  // Runtime prints are serialised: a new runtime line at the start of a line
  // means the interrupted one can no longer continue.
  switch (p.kind) {
    case LineKind::kGc:
    case LineKind::kGcLegacy:
    case LineKind::kScav:
    case LineKind::kGcForced:
    case LineKind::kPacer:
    case LineKind::kScan:
      return p.begin == 0;
    case LineKind::kPartial:
      return p.begin == 0 && p.strong;
    default:
      return false;
  }
}

void LineStitcher::emit_program(std::string_view text, uint64_t number, int64_t wall_ns, TextRole role,
                                bool terminated) {
  TraceEvent e;
  e.kind = EventKind::kProgram;
  e.line = number;
  e.wall_ns = wall_ns;
  e.text = text;
  e.role = role;
  e.terminated = terminated;
  emit(e);
}

void LineStitcher::emit(const TraceEvent& e) {
  if (deferring_) {
    stitched_events_.push_back({e, std::string(e.text)});
    return;
  }
  sink_(e);
}

size_t LineStitcher::stitched_suffix(std::string_view text) const {
  if (stitched_events_.empty()) return 0;
  const TraceEvent& e = stitched_events_.front().event;
  if (e.kind == EventKind::kGc) return e.gc.has(kGcUserForced) ? 0 : suffix_length(text, /*gc=*/true);
  // Only the scav shapes end in the suffixes, ` (forced)` before ` [controller reset]`, not both.
  if (e.kind != EventKind::kScav || e.scav.shape == ScavShape::kScvgReleased ||
      e.scav.shape == ScavShape::kScvgState || e.scav.has(kScavForced) || e.scav.has(kScavControllerReset)) {
    return 0;
  }
  return suffix_length(text, /*gc=*/false);
}

void LineStitcher::flush_stitched() {
  std::vector<HeldEvent> events = std::move(stitched_events_);
  stitched_events_.clear();
  for (HeldEvent& h : events) {
    h.event.text = h.text;
    sink_(h.event);
  }
}

void LineStitcher::text_after_suffix(const InputLine& line, size_t n) {
  if (n >= line.text.size()) return;  // the line's newline was the runtime's
  emit_program(line.text.substr(n), line.number, line.wall_ns, TextRole::kPrefix, line.terminated);
  if (line.terminated) {
    newline_pending_ = true;
    pending_line_ = line.number;
    pending_wall_ = line.wall_ns;
  }
}

void LineStitcher::emit_parsed(const InputLine& line, const LineParse& p, bool trailing_newline) {
  if (p.begin > 0) emit_program(line.text.substr(0, p.begin), line.number, line.wall_ns, TextRole::kPrefix);
  std::string_view inserted;  // the program's digits next to the cycle number
  TraceEvent e;
  e.terminated = line.terminated;
  e.line = line.number;
  e.wall_ns = line.wall_ns;
  switch (p.kind) {
    case LineKind::kGc:
    case LineKind::kGcLegacy:
      e.kind = p.kind == LineKind::kGc ? EventKind::kGc : EventKind::kGcLegacy;
      e.gc = p.gc;
      e.gc.line = line.number;
      e.gc.wall_ns = line.wall_ns;
      if (p.kind == LineKind::kGc) renumber(line, p, e.gc, &inserted);
      note_gc(e.gc);
      break;
    case LineKind::kScav:
      e.kind = EventKind::kScav;
      e.scav = p.scav;
      e.scav.line = line.number;
      e.scav.wall_ns = line.wall_ns;
      break;
    case LineKind::kGcForced:
      e.kind = EventKind::kGcForced;
      break;
    case LineKind::kPacer:
      e.kind = EventKind::kPacer;
      break;
    case LineKind::kScan:
      e.kind = EventKind::kScan;
      break;
    default:
      return;
  }
  sink_(e);
  // A write without a newline of its own, inside the runtime's text.
  if (!inserted.empty()) emit_program(inserted, line.number, line.wall_ns, TextRole::kLine, /*terminated=*/false);
  // Program text written after the runtime text but before its newline.
  // Program text written after the runtime text. Its newline is the program's
  // only if the runtime's own newline followed as an empty line (the caller
  // knows); otherwise the program wrote no newline and the line's is the runtime's.
  if (p.end < line.text.size()) {
    emit_program(line.text.substr(p.end), line.number, line.wall_ns,
                 trailing_newline ? TextRole::kRemainder : TextRole::kPrefix, line.terminated);
  }
}

void LineStitcher::flush_suffix(bool trailing_newline) {
  Held h = std::move(*suffix_held_);
  suffix_held_.reset();
  emit_parsed(InputLine{h.text, h.number, h.wall_ns, h.terminated}, h.parse, trailing_newline);
  std::vector<Held> between = std::move(suffix_between_);
  suffix_between_.clear();
  replay(std::move(between));
}

bool LineStitcher::take_suffix(const InputLine& line, const LineParse& p) {
  const bool gc = suffix_held_->parse.kind == LineKind::kGc;
  const size_t n = suffix_length(line.text, gc);
  if (n == 0 && line.text.empty() && line.terminated) {
    // `...2 P` + `text\n` + [whole program lines] + `\n`: the empty line is
    // the runtime's newline, late (its thread was descheduled), and the
    // program's own newline ended its text.
    Held h = std::move(*suffix_held_);
    suffix_held_.reset();
    // Re-assembled: its newline is a piece of its own, on the empty line.
    if (h.parse.kind == LineKind::kGc) {
      h.parse.gc.flags |= kGcStitched;
    } else {
      h.parse.scav.flags |= kScavStitched;
    }
    ++stats_.stitched;
    stats_.stitched_pieces += 2 + suffix_between_.size();
    emit_parsed(InputLine{h.text, h.number, h.wall_ns, h.terminated}, h.parse, /*trailing_newline=*/true);
    std::vector<Held> between = std::move(suffix_between_);
    suffix_between_.clear();
    replay(std::move(between));
    return true;
  }
  if (n == 0) {
    // A whole program line may come between; anything else ends the wait.
    if (may_come_between(line, p) && suffix_between_.size() < opts_.max_lookahead) {
      suffix_between_.push_back({std::string(line.text), line.number, line.wall_ns, line.terminated, p});
      return true;
    }
    flush_suffix();
    return false;
  }
  Held& h = *suffix_held_;
  if (n == 9 && gc) {
    h.parse.gc.flags |= kGcUserForced | kGcStitched;
  } else if (n == 9) {
    h.parse.scav.flags |= kScavForced | kScavStitched;
  } else {
    h.parse.scav.flags |= kScavControllerReset | kScavStitched;
  }
  ++stats_.stitched;
  stats_.stitched_pieces += 1 + suffix_between_.size();
  // The runtime's line went on after its held line ended, so that line's
  // newline, after any program text on it, was the program's.
  flush_suffix(/*trailing_newline=*/true);
  text_after_suffix(line, n);
  return true;
}

bool LineStitcher::settle_forced_text(const InputLine& next) {
  Held h = std::move(*forced_text_);
  forced_text_.reset();
  if (next.text.empty() && next.terminated) {
    // "GC forced", the program's text and its newline, then the runtime's newline.
    emit_parsed(InputLine{h.text, h.number, h.wall_ns, h.terminated}, h.parse, /*trailing_newline=*/true);
    return true;
  }
  learn_signature(h.text);
  emit_program(h.text, h.number, h.wall_ns, TextRole::kLine, h.terminated);
  return false;
}

void LineStitcher::process(const InputLine& line, const LineParse& p) {
  if (forced_text_ && settle_forced_text(line)) return;
  if (newline_pending_) {
    if (line.text.empty() && line.terminated && held_.empty() && !suffix_held_) {
      // The runtime's newline, maybe whole program lines late: the program
      // text after the runtime's last piece had its own newline, and the lines
      // in between come after it.
      newline_pending_ = false;
      flush_stitched();
      emit_program("", pending_line_, pending_wall_, TextRole::kRemainder, true);
      std::vector<Held> between = std::move(pending_between_);
      pending_between_.clear();
      replay(std::move(between));
      return;
    }
    if (const size_t n = stitched_suffix(line.text); n > 0 && held_.empty() && !suffix_held_) {
      // The runtime's suffix, after the program text on the stitched line's
      // last piece (and any whole program lines): that text had its own newline.
      newline_pending_ = false;
      TraceEvent& e = stitched_events_.front().event;
      if (e.kind == EventKind::kGc) {
        e.gc.flags |= kGcUserForced;
      } else {
        e.scav.flags |= n == 9 ? kScavForced : kScavControllerReset;
      }
      ++stats_.stitched_pieces;
      stitched_events_.back().event.role = TextRole::kRemainder;
      flush_stitched();
      std::vector<Held> between = std::move(pending_between_);
      pending_between_.clear();
      replay(std::move(between));
      text_after_suffix(line, n);
      return;
    }
    if (may_come_between(line, p) && held_.empty() && !suffix_held_ && pending_between_.size() < opts_.max_lookahead) {
      pending_between_.push_back({std::string(line.text), line.number, line.wall_ns, line.terminated, p});
      return;
    }
    // No newline of the runtime's came: the program wrote its text without one.
    newline_pending_ = false;
    flush_stitched();
    std::vector<Held> between = std::move(pending_between_);
    pending_between_.clear();
    replay(std::move(between));
  }
  if (suffix_held_ && take_suffix(line, p)) return;
  if (held_.empty() && (p.kind == LineKind::kGc || p.kind == LineKind::kScav) && p.end < line.text.size() &&
      line.terminated) {
    suffix_held_ = Held{std::string(line.text), line.number, line.wall_ns, line.terminated, p};
    return;
  }
  if (!held_.empty()) {
    held_.push_back({std::string(line.text), line.number, line.wall_ns, line.terminated, p});
    // Insertions are searched only when the window closes: they multiply the
    // search, and a reading without them that comes later is the better one.
    if (try_resolve(false, held_.size())) return;
    // Every held line searches again; past the window's budget, the wait is over.
    const bool closed = held_.size() >= opts_.max_lookahead || ends_window(p) || window_steps_ >= opts_.window_budget;
    if (closed && try_resolve(true, held_.size())) return;
    // The first line read alone, with program writes inside it: once the wait
    // for its rest is over (the count is checked once; more lines do not
    // change that reading).
    if ((closed || held_.size() == kInsertionWaitLines + 1) && try_resolve(true, 1)) return;
    if (closed) fail_first();
    return;
  }
  if (p.kind == LineKind::kPartial) {
    held_.push_back({std::string(line.text), line.number, line.wall_ns, line.terminated, p});
    // A reading with program writes inside the runtime text waits: the next
    // lines may hold the real rest.
    if (try_resolve(false, 1)) return;
    if (!line.terminated) finish();
    return;
  }
  if (p.kind == LineKind::kProgram) {
    if (looks_like_runtime_tail(line.text)) {
      ++stats_.orphan_tails;
      TraceEvent e;
      e.kind = EventKind::kMalformed;
      e.terminated = line.terminated;
      e.line = line.number;
      e.wall_ns = line.wall_ns;
      e.text = line.text;
      e.reason = "piece of a runtime line whose start was not found";
      e.column = 1;
      sink_(e);
      return;
    }
    learn_signature(line.text);
    emit_program(line.text, line.number, line.wall_ns, TextRole::kLine, line.terminated);
    return;
  }
  if (p.kind == LineKind::kGcForced && p.begin == 0 && p.end < line.text.size() && line.terminated &&
      !suffix_held_ && !newline_pending_) {
    forced_text_ = Held{std::string(line.text), line.number, line.wall_ns, line.terminated, p};
    return;
  }
  emit_parsed(line, p);
}

void LineStitcher::push(const InputLine& line) {
  process(line, parse_trace_line(line.text));
}

void LineStitcher::push(const InputLine& line, const LineParse& parsed) { process(line, parsed); }

bool LineStitcher::try_resolve(bool allow_insertions, size_t count) {
  const LineParse& first = held_.front().parse;

  // Every shape with the head that was found competes; the best score wins.
  struct Best {
    const Shape* shape;
    int best_score;
    std::vector<StitchSearch::Cut> best_cuts;
    std::vector<size_t> best_skipped;
    FieldValues best_vals;
    std::vector<StitchSearch::Insertion> best_insertions;
  };
  std::optional<Best> best;
  // Reconstructions without insertions first; only if none exists, allow
  // program writes without a newline inside the runtime text.
  for (int allowed : {0, allow_insertions ? kMaxInsertions : -1}) {
    if (allowed < 0) break;
    for (const Shape& shape : first.family) {
      if (!literals_fit(shape)) continue;  // no reconstruction can exist
      StitchSearch s(*this, held_, opts_.search_budget, places_, next_search_id());
      s.shape = &shape;
      s.last_line = count - 1;
      s.start = first.begin;
      s.max_insertions = allowed;
      if (best) {
        s.bar_set = true;
        s.bar = best->best_score;
      }
      s.walk(0, first.begin, 0, FieldValues{}, StitchSearch::Carry{});
      const size_t steps = opts_.search_budget - s.budget;
      window_steps_ += steps;
      stats_.search_steps += steps;
      if (s.found && (!best || s.best_score > best->best_score)) {
        best = Best{&shape, s.best_score, std::move(s.best_cuts), std::move(s.best_skipped), s.best_vals,
                    std::move(s.best_insertions)};
      }
    }
    if (best) break;
  }
  if (!best) return false;
  const Best& search = *best;

  // Emit the runtime record, then the program remainders in line order.
  const Held& h0 = held_.front();
  if (first.begin > 0) {
    emit_program(std::string_view(h0.text).substr(0, first.begin), h0.number, h0.wall_ns, TextRole::kPrefix);
  }
  TraceEvent e;
  e.line = h0.number;
  e.wall_ns = h0.wall_ns;
  const Shape& shape = *search.shape;
  if (shape.kind == ShapeKind::kGc || shape.kind == ShapeKind::kGcLegacy) {
    e.kind = shape.kind == ShapeKind::kGc ? EventKind::kGc : EventKind::kGcLegacy;
    e.gc = build_gc(shape, search.best_vals);
    e.gc.flags |= kGcStitched;
    e.gc.line = h0.number;
    e.gc.wall_ns = h0.wall_ns;
    note_gc(e.gc);
  } else {
    e.kind = EventKind::kScav;
    e.scav = build_scav(shape, search.best_vals);
    e.scav.flags |= kScavStitched;
    e.scav.line = h0.number;
    e.scav.wall_ns = h0.wall_ns;
  }
  // With program text after its last piece, the lines after it say whose that
  // text's newline is, and whether the runtime's suffix still comes: the
  // record and its program text wait for them (stitched_events_).
  const StitchSearch::Cut& end = search.best_cuts.back();
  deferring_ = end.end < held_[end.line].text.size() && held_[end.line].terminated;
  emit(e);
  ++stats_.stitched;
  stats_.stitched_pieces += search.best_cuts.size();

  // The program's pieces, in stream order: insertions inside the runtime text
  // (no newline of their own), remainders after a cut, whole skipped lines.
  struct Piece {
    size_t line, from, to;
    TextRole role;
    // Written inside the runtime text: program output with no newline of its
    // own (`run` passes its bytes on as written), counted like any other.
    bool inserted = false;
  };
  std::vector<Piece> pieces;
  for (const auto& c : search.best_cuts) {
    if (c.end < held_[c.line].text.size()) {
      // Text after the end of the runtime line on its last line: its newline is
      // the program's only if an empty line (the runtime's newline) follows.
      const bool last = c.line == count - 1;
      pieces.push_back({c.line, c.end, held_[c.line].text.size(), last ? TextRole::kPrefix : TextRole::kRemainder});
      if (last && held_[c.line].terminated) {
        newline_pending_ = true;
        pending_line_ = held_[c.line].number;
        pending_wall_ = held_[c.line].wall_ns;
      }
    }
  }
  for (size_t k : search.best_skipped) pieces.push_back({k, 0, held_[k].text.size(), TextRole::kLine});
  for (const auto& in : search.best_insertions) pieces.push_back({in.line, in.from, in.to, TextRole::kLine, true});
  std::sort(pieces.begin(), pieces.end(),
            [](const Piece& a, const Piece& b) { return a.line != b.line ? a.line < b.line : a.from < b.from; });
  for (const Piece& p : pieces) {
    const Held& h = held_[p.line];
    const std::string_view text = std::string_view(h.text).substr(p.from, p.to - p.from);
    if (p.role != TextRole::kPrefix && !p.inserted) learn_signature(text);
    emit_program(text, h.number, h.wall_ns, p.role, h.terminated && !p.inserted);
  }
  deferring_ = false;
  // Lines after the reconstruction are read again.
  std::vector<Held> rest(std::make_move_iterator(held_.begin() + static_cast<std::ptrdiff_t>(count)),
                         std::make_move_iterator(held_.end()));
  clear_held();
  replay(std::move(rest));
  return true;
}

uint32_t LineStitcher::next_search_id() {
  if (places_.empty()) {
    // Room for one place a step at most half full (the default budget: 2 MiB).
    size_t n = 1024;
    while (n < 2 * opts_.search_budget && n < (size_t{1} << 20)) n *= 2;
    places_.assign(n, PlaceSlot{0, 0, 0});
  }
  if (++places_search_ == 0) {  // every id used: forget them all
    std::fill(places_.begin(), places_.end(), PlaceSlot{0, 0, 0});
    places_search_ = 1;
  }
  return places_search_;
}

// The shape's fixed literals occur in order in the held lines, each within
// one line (tokens are never cut), from the first held line's start of runtime
// text on. Where they cannot all be placed (typically the first piece of a
// split line, alone in the window, or followed by program output only) the
// search could only fail, after spending its budget on insertions. The scan
// goes on from where it stopped the last time, so over a window of held lines
// it reads each of their bytes once per shape.
bool LineStitcher::literals_fit(const Shape& shape) {
  LiteralScan* scan = nullptr;
  for (LiteralScan& s : literal_scans_) {
    if (s.shape == &shape) scan = &s;
  }
  if (scan == nullptr) scan = &literal_scans_.emplace_back(LiteralScan{&shape, 0, 0, held_.front().parse.begin});
  const std::span<const Token> tokens = shape.tokens;
  while (scan->token < tokens.size()) {
    const Token& t = tokens[scan->token];
    if (t.kind != TokKind::kLit) {
      ++scan->token;
      continue;
    }
    if (scan->line >= held_.size()) return false;
    const std::string_view text = held_[scan->line].text;
    const size_t at = scan->pos <= text.size() ? text.find(t.text, scan->pos) : std::string_view::npos;
    if (at == std::string_view::npos) {
      ++scan->line;
      scan->pos = 0;
      continue;
    }
    scan->pos = at + t.text.size();
    ++scan->token;
  }
  return true;
}

void LineStitcher::clear_held() {
  held_.clear();
  literal_scans_.clear();
  window_steps_ = 0;
}

void LineStitcher::fail_first() {
  std::vector<Held> lines = std::move(held_);
  clear_held();
  const Held& h0 = lines.front();
  const LineParse& p = h0.parse;
  const bool last_unterminated = lines.size() == 1 && !h0.terminated;
  if (p.strong || last_unterminated) {
    TraceEvent e;
    e.kind = EventKind::kMalformed;
    e.terminated = h0.terminated;
    e.line = h0.number;
    e.wall_ns = h0.wall_ns;
    e.text = h0.text;
    e.column = static_cast<uint32_t>(p.fail_pos + 1);
    if (last_unterminated) {
      ++stats_.truncated;
      e.reason = "runtime line cut off at the end of input";
    } else {
      ++stats_.unresolved;
      e.reason = "runtime line interrupted and its continuation was not found";
    }
    sink_(e);
  } else {
    // A weak start (`gc ` inside ordinary text): it was program output after all.
    learn_signature(h0.text);
    emit_program(h0.text, h0.number, h0.wall_ns, TextRole::kLine, h0.terminated);
  }
  lines.erase(lines.begin());
  replay(std::move(lines));
}

void LineStitcher::replay(std::vector<Held> lines) {
  for (Held& h : lines) {
    InputLine in{h.text, h.number, h.wall_ns, h.terminated};
    process(in, h.parse);
  }
}

std::optional<int64_t> LineStitcher::held_since() const {
  // One wait at a time: lines read while a newline or a suffix is awaited
  // either join that wait or end it before anything else is held.
  if (newline_pending_) return pending_wall_;
  if (suffix_held_) return suffix_held_->wall_ns;
  if (forced_text_) return forced_text_->wall_ns;
  if (!held_.empty()) return held_.front().wall_ns;
  return std::nullopt;
}

bool LineStitcher::give_up() {
  if (newline_pending_) {
    newline_pending_ = false;
    flush_stitched();
    std::vector<Held> between = std::move(pending_between_);
    pending_between_.clear();
    replay(std::move(between));
  } else if (suffix_held_) {
    flush_suffix();
  } else if (forced_text_) {
    settle_forced_text(InputLine{{}, 0, 0, /*terminated=*/false});  // no line follows
  } else if (!held_.empty()) {
    if (!try_resolve(true, held_.size()) && !(held_.size() > 1 && try_resolve(true, 1))) fail_first();
  } else {
    return false;
  }
  return true;
}

void LineStitcher::finish() {
  // Each step can leave work for another: a stitch found among the held lines
  // can wait for its late newline again (with lines after it), and replaying
  // held lines can leave a complete line waiting for its suffix. Until nothing waits.
  while (give_up()) {
  }
}

}  // namespace gcsight
