// The fast path of trace reading: one pass over a line, no allocation. A line
// is a runtime line when a shape's head (`gc `, `scav `, `scvg`...) occurs in
// it and the whole shape matches; text before the head is program output that
// had no newline (a progress bar, a log-shipper prefix) and text after the
// complete shape is program output written before the runtime's newline.
// A head followed by a shape that stops matching is a *partial* line: the
// runtime was interrupted by another write, and LineStitcher takes over.
#include "core/trace_line_parser.h"

#include <cstring>

#include "core/trace_line_fast.h"

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kKiB = 1ull << 10;

// Literals are short (2-30 bytes): a plain loop beats a memcmp call here.
bool starts_with_at(std::string_view s, size_t pos, std::string_view lit) {
  if (s.size() - pos < lit.size()) return false;
  const char* p = s.data() + pos;
  for (size_t i = 0; i < lit.size(); ++i) {
    if (p[i] != lit[i]) return false;
  }
  return true;
}

uint64_t u(const FieldValues& v, Field f) { return static_cast<uint64_t>(v.v[f]); }

// The head literal of each shape family, and the first shape index using it.
struct Head {
  std::string_view text;
  size_t first_shape;
  size_t shape_count;
};

}  // namespace

GreedyMatch match_greedy(const Shape& shape, std::string_view s, size_t pos, size_t tok,
                         FieldValues& vals) {
  GreedyMatch m;
  const auto toks = shape.tokens;
  for (; tok < toks.size(); ++tok) {
    const Token& t = toks[tok];
    switch (t.kind) {
      case TokKind::kLit:
        if (!starts_with_at(s, pos, t.text)) {
          m.pos = pos;
          m.tok = tok;
          return m;
        }
        pos += t.text.size();
        break;
      case TokKind::kOptLit:
        // The runtime prints ` (forced)` or ` [controller reset]`, never both.
        if (t.field == fReset && vals.has(fForced)) break;
        if (starts_with_at(s, pos, t.text)) {
          pos += t.text.size();
          vals.set(t.field, 1);
        }
        break;
      case TokKind::kRest:
        pos = s.size();
        break;
      default: {
        const NumMatch n = match_number(t.kind, s.substr(pos));
        if (n.len == 0) {
          m.pos = pos;
          m.tok = tok;
          return m;
        }
        vals.set(t.field, n.value);
        pos += n.len;
      }
    }
  }
  m.complete = true;
  m.pos = pos;
  m.tok = tok;
  return m;
}

GcCycle build_gc(const Shape& shape, const FieldValues& v) {
  GcCycle c;
  c.gc = static_cast<uint32_t>(v.v[fGc]);
  c.procs = static_cast<int32_t>(v.v[fProcs]);
  c.heap_start = u(v, fH0) * kMiB;
  c.heap_end = u(v, fH1) * kMiB;
  if (shape.kind == ShapeKind::kGcLegacy) {
    // Go <= 1.4 stopped the world for the whole collection; phases are in us.
    c.shape = GcShape::kLegacy14;
    const uint64_t total_us = u(v, fC1) + u(v, fC2) + u(v, fC3) + u(v, fC4);
    c.clock_ns[0] = total_us * 1000;
    c.heap_live = c.heap_end;
    return c;
  }
  c.flags |= kGcHasTime;
  c.start_ns = v.v[fSecs];
  c.util_pct = v.v[fUtil];
  c.heap_live = u(v, fH2) * kMiB;
  c.goal = u(v, fGoal) * kMiB;
  if (v.has(fForced)) c.flags |= kGcUserForced;
  if (v.has(fLeak)) c.flags |= kGcLeakCheck;
  if (v.has(fC4)) {
    // Go 1.5: sweep term, scan, install write barrier, mark, mark term.
    c.shape = GcShape::kGo15;
    c.clock_ns[0] = u(v, fC1);
    c.clock_ns[1] = u(v, fC2) + u(v, fC3) + u(v, fC4);
    c.clock_ns[2] = u(v, fC5);
    c.cpu_ns[0] = u(v, fP1);
    c.cpu_ns[1] = u(v, fP4);
    c.cpu_ns[2] = u(v, fP2) + u(v, fP3) + u(v, fP5);  // scan CPU counts as background work
    c.cpu_ns[3] = u(v, fP6);
    c.cpu_ns[4] = u(v, fP7);
    return c;
  }
  c.shape = v.has(fStacks) ? GcShape::kGo118 : GcShape::kGo16;
  c.clock_ns[0] = u(v, fC1);
  c.clock_ns[1] = u(v, fC2);
  c.clock_ns[2] = u(v, fC3);
  c.cpu_ns[0] = u(v, fP1);
  c.cpu_ns[1] = u(v, fP2);
  c.cpu_ns[2] = u(v, fP3);
  c.cpu_ns[3] = u(v, fP4);
  c.cpu_ns[4] = u(v, fP5);
  c.stacks = u(v, fStacks) * kMiB;
  c.globals = u(v, fGlobals) * kMiB;
  return c;
}

ScavEvent build_scav(const Shape& shape, const FieldValues& v) {
  ScavEvent e;
  if (v.has(fForced)) e.flags |= kScavForced;
  if (v.has(fReset)) e.flags |= kScavControllerReset;
  e.util_pct = v.v[fUtil];
  if (shape.kind == ShapeKind::kScvg) {
    const bool state = v.has(fInuse);
    e.shape = state ? ScavShape::kScvgState : ScavShape::kScvgReleased;
    if (v.has(fScvgK)) {
      e.flags |= kScavNumbered;
      e.counter = v.v[fScvgK];
      if (e.counter < 0) e.flags |= kScavForced;  // scvg-1: debug.FreeOSMemory
    }
    if (shape.name.starts_with("forced")) e.flags |= kScavForced;
    if (state) {
      e.inuse_bytes = u(v, fInuse) * kMiB;
      e.idle_bytes = u(v, fIdle) * kMiB;
      e.sys_bytes = u(v, fSys) * kMiB;
      e.released_bytes = u(v, fReleased) * kMiB;
      e.consumed_bytes = u(v, fConsumed) * kMiB;
    } else {
      e.work_bytes = u(v, fReleased) * kMiB;
    }
    return e;
  }
  e.work_bytes = u(v, fWork) * kKiB;
  e.released_bytes = u(v, fTotal) * kKiB;
  if (v.has(fEager)) {
    e.shape = ScavShape::kScav121;
    e.eager_bytes = u(v, fEager) * kKiB;
  } else if (v.has(fGen)) {
    e.shape = ScavShape::kScav115;
    e.counter = v.v[fGen];
  } else {
    e.shape = ScavShape::kScav114;
  }
  return e;
}

std::string_view expected_text(const Shape& shape, size_t tok) {
  if (tok >= shape.tokens.size()) return "end of line";
  const Token& t = shape.tokens[tok];
  switch (t.kind) {
    case TokKind::kLit:
    case TokKind::kOptLit:
      return t.text;
    case TokKind::kDur:
      return "a duration in ms";
    case TokKind::kSecs:
      return "seconds with three decimals";
    default:
      return "a number";
  }
}

bool looks_like_runtime_tail(std::string_view line) {
  // The last piece of a line whose program text came before ` (forced)`.
  if (line.starts_with(" (forced)") || line.starts_with(" [controller reset]")) return true;
  // One of the runtime's inner literals: ` ms clock, `, ` ms cpu, `, ` MB goal, `,
  // ` MB stacks, `, ` MB globals, `, ` KiB work`, ` KiB now, `, ` KiB total, `,
  // `, consumed: `. Each is a space followed by m, M, K or c. This runs on every
  // program line, so the spaces are found eight bytes at a time.
  const char* b = line.data();
  const size_t n = line.size();
  auto at_space = [&](size_t j) {
    if (j + 1 >= n) return false;
    const std::string_view rest = line.substr(j);
    switch (b[j + 1]) {
      case 'm':
        return rest.starts_with(" ms clock, ") || rest.starts_with(" ms cpu, ");
      case 'M':
        return rest.starts_with(" MB goal, ") || rest.starts_with(" MB stacks, ") || rest.starts_with(" MB globals, ");
      case 'K':
        return rest.starts_with(" KiB work") || rest.starts_with(" KiB now, ") || rest.starts_with(" KiB total, ");
      case 'c':
        return j > 0 && b[j - 1] == ',' && rest.starts_with(" consumed: ");
      default:
        return false;
    }
  };
  // Sixteen bytes at a time, a candidate is a space followed by m, M, K or c
  // (GCC vector extensions: SSE2 on x86-64, NEON on arm64). A block with one
  // is looked at byte by byte; most program lines have none.
  using Bytes = uint8_t __attribute__((vector_size(16)));
  size_t i = 0;
  for (; i + 17 <= n; i += 16) {
    Bytes w;
    Bytes next;  // the byte after each of w's
    std::memcpy(&w, b + i, 16);
    std::memcpy(&next, b + i + 1, 16);
    const auto hit = (w == ' ') & ((next == 'm') | (next == 'M') | (next == 'K') | (next == 'c'));
    uint64_t halves[2];
    std::memcpy(halves, &hit, 16);
    if ((halves[0] | halves[1]) == 0) continue;
    for (size_t j = i; j < i + 16; ++j) {
      if (b[j] == ' ' && at_space(j)) return true;
    }
  }
  for (; i < n; ++i) {
    if (b[i] == ' ' && at_space(i)) return true;
  }
  return false;
}

namespace {

// The runtime's own pacer and scan lines (go-trace-formats.md §4.3, §4.4), by
// what follows their prefix: a program's `pacer: throttling` or `scan: 12
// files indexed` is its own output, not a line to take out of it.
bool pacer_line(std::string_view line) {
  if (!line.starts_with("pacer: ")) return false;
  const std::string_view rest = line.substr(7);
  if (rest.starts_with("assist ratio=") || rest.starts_with("H_m_prev=") || rest.starts_with("sweep done at heap size ")) {
    return true;
  }
  // 1.18+: `pacer: <n>% CPU (`.
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  return digits > 0 && rest.substr(digits).starts_with("% CPU (");
}

bool scan_line(std::string_view line) { return line.starts_with("scan: total ") || line.starts_with("scan: class "); }

}  // namespace

LineParse parse_trace_line_grammar(std::string_view line) {
  LineParse out;
  const auto shapes = all_shapes();
  // Shape families by head; the order of all_shapes() groups them.
  static constexpr Head kHeads[] = {
      {"gc ", 0, 3}, {"gc", 3, 1}, {"scav ", 4, 3}, {"scvg", 7, 4}, {"forced scvg: ", 11, 2},
  };

  LineParse best_partial;
  size_t best_progress = 0;
  bool any_partial = false;

  auto try_at = [&](size_t b) -> bool {
    for (const Head& h : kHeads) {
      if (!starts_with_at(line, b, h.text)) continue;
      for (size_t i = h.first_shape; i < h.first_shape + h.shape_count; ++i) {
        const Shape& sh = shapes[i];
        FieldValues vals;
        const GreedyMatch m = match_greedy(sh, line, b, 0, vals);
        if (m.complete && values_fit(sh, vals)) {
          out.begin = b;
          out.end = m.pos;
          if (sh.kind == ShapeKind::kGc || sh.kind == ShapeKind::kGcLegacy) {
            out.kind = sh.kind == ShapeKind::kGc ? LineKind::kGc : LineKind::kGcLegacy;
            out.gc = build_gc(sh, vals);
          } else {
            out.kind = LineKind::kScav;
            out.scav = build_scav(sh, vals);
          }
          return true;
        }
        // Progress in tokens; for the legacy `gc` head require at least the number.
        // A strong start (at the line start, or several tokens) beats a weak one
        // further on: `gc ` + a program line holding `gc 0...` is the runtime's
        // line at the start.
        const bool strong = b == 0 || m.tok >= 4;
        const bool better = !any_partial || (strong && !best_partial.strong) ||
                            (strong == best_partial.strong && m.tok > best_progress);
        if (m.tok > 1 && better) {
          any_partial = true;
          best_progress = m.tok;
          best_partial.kind = LineKind::kPartial;
          best_partial.begin = b;
          best_partial.shape = &sh;
          best_partial.family = shapes.subspan(h.first_shape, h.shape_count);
          best_partial.fail_tok = m.tok;
          best_partial.fail_pos = m.pos;
          best_partial.strong = strong;
        } else if (m.tok == 1 && !any_partial && h.text.back() == ' ') {
          // Only the head matched (`gc ` then program text): a split right after the head.
          any_partial = true;
          best_progress = 1;
          best_partial.kind = LineKind::kPartial;
          best_partial.begin = b;
          best_partial.shape = &sh;
          best_partial.family = shapes.subspan(h.first_shape, h.shape_count);
          best_partial.fail_tok = 1;
          best_partial.fail_pos = m.pos;
          best_partial.strong = b == 0;
        }
      }
      return false;
    }
    return false;
  };

  // Common case: the runtime line starts the line.
  if (!line.empty()) {
    const char c0 = line[0];
    if ((c0 == 'g' || c0 == 's' || c0 == 'f') && try_at(0)) return out;
    if (c0 == 'G' && line == "GC forced") {
      out.kind = LineKind::kGcForced;
      out.end = line.size();
      return out;
    }
    if (c0 == 'p' && pacer_line(line)) {
      out.kind = LineKind::kPacer;
      out.end = line.size();
      return out;
    }
    if (c0 == 's' && scan_line(line)) {
      out.kind = LineKind::kScan;
      out.end = line.size();
      return out;
    }
  }
  // Text before the runtime line: search every later occurrence of a head.
  for (size_t b = 1; b + 2 < line.size(); ++b) {
    const char c = line[b];
    if (c == 'g' || c == 's' || c == 'f') {
      if (try_at(b)) return out;
    } else if (c == 'G' && line.size() - b == 9 && line.substr(b) == "GC forced") {
      out.kind = LineKind::kGcForced;
      out.begin = b;
      out.end = line.size();
      return out;
    }
  }
  if (line.starts_with("GC forced")) {
    // `GC forced` then program text before the runtime's newline.
    out.kind = LineKind::kGcForced;
    out.end = 9;
    return out;
  }
  if (any_partial) return best_partial;
  out.kind = LineKind::kProgram;
  out.end = line.size();
  return out;
}

LineParse parse_trace_line(std::string_view line) {
  LineParse out;
  if (parse_common_line(line, out)) return out;
  return parse_trace_line_grammar(line);
}

}  // namespace gcsight
