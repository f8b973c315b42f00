// The reference parser: slow on purpose, short, and checkable by eye against
// go-trace-formats.md. Each line shape is written once, in the notation of the
// runtime's own format lines (`#u` an unsigned integer, `#i` a signed integer,
// `#d` a decimal such as 0.012 or 15, `{a|b}` an optional choice of literal
// text; everything else is literal), and turned into one std::regex. A line is
// searched for the leftmost match of any shape (text before and after it is
// program output), and each number is converted with integer arithmetic only:
// MB << 20, KiB << 10, ms and seconds parsed digit by digit into nanoseconds.
// Nothing here shares code with core/trace_grammar.cpp, so a mistake in one is
// caught by the other.
//
// Numbers are lenient by default (`\d+(\.\d+)?`, leading zeros allowed); the
// fast parser only accepts the exact spellings the runtime prints. So that the
// two can be compared on any input, Spelling::kRuntime re-prints every value
// the way the runtime would (fmtNSAsMS, itoaDiv, decimal integers) and skips a
// match whose text differs. A value that does not fit its record field exactly
// (a gc number above 2^32-1, 2^44 MB and more, a sum that overflows) can never
// come from the runtime, and such a match is skipped in both modes.
#include "support/reference_parser.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <regex>
#include <vector>

namespace gcsight::ref {
namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kI64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
  if (a != 0 && b > kU64Max / a) return std::nullopt;
  return a * b;
}

std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
  if (b > kU64Max - a) return std::nullopt;
  return a + b;
}

// Decimal digits to an integer; nullopt when the value exceeds 2^64-1.
std::optional<uint64_t> digits_value(std::string_view digits) {
  uint64_t v = 0;
  for (char ch : digits) {
    const auto d = static_cast<uint64_t>(ch - '0');
    auto times_ten = checked_mul(v, 10);
    if (!times_ten) return std::nullopt;
    auto next = checked_add(*times_ten, d);
    if (!next) return std::nullopt;
    v = *next;
  }
  return v;
}

uint64_t pow10(int n) {
  uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// `whole[.frac]` times 10^scale, exactly; digits of frac beyond `scale` are
// below the unit and are dropped (truncated, as the runtime itself truncates).
std::optional<uint64_t> scaled_decimal(std::string_view text, int scale) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string frac = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  frac.resize(static_cast<size_t>(scale), '0');  // pad or cut to exactly `scale` digits
  const auto w = digits_value(whole);
  const auto f = digits_value(frac);
  if (!w || !f) return std::nullopt;
  const auto w_scaled = checked_mul(*w, pow10(scale));
  if (!w_scaled) return std::nullopt;
  return checked_add(*w_scaled, *f);
}

// Go's runtime itoaDiv: val / 10^dec, printed with exactly `dec` decimals.
std::string itoa_div(uint64_t val, int dec) {
  std::string digits = std::to_string(val);
  const auto need = static_cast<size_t>(dec) + 1;
  if (digits.size() < need) digits = std::string(need - digits.size(), '0') + digits;
  if (dec == 0) return digits;
  const size_t point = digits.size() - static_cast<size_t>(dec);
  return digits.substr(0, point) + "." + digits.substr(point);
}

// Converts the captured numbers of one match, in order, and records whether
// they all fit and whether they are all spelled as the runtime prints them.
class Conv {
 public:
  bool fits = true;
  bool runtime_spelling = true;

  /// Duration printed in ms by fmtNSAsMS -> ns.
  uint64_t ms(std::string_view t) {
    const auto ns = scaled_decimal(t, 6);
    if (!ns) return fail();
    spelled(t, format_ns_as_ms(*ns));
    return *ns;
  }
  /// `@` seconds -> ns since runtime init (int64 in the record).
  int64_t secs(std::string_view t) {
    const auto ns = scaled_decimal(t, 9);
    if (!ns || *ns > kI64Max) return static_cast<int64_t>(fail());
    spelled(t, itoa_div(*ns / 1000000, 3));
    return static_cast<int64_t>(*ns);
  }
  /// MB (MiB) -> bytes.
  uint64_t mib(std::string_view t) { return shifted(t, 20); }
  /// KiB -> bytes.
  uint64_t kib(std::string_view t) { return shifted(t, 10); }
  /// Unsigned integer no larger than `max`.
  uint64_t uint(std::string_view t, uint64_t max) {
    const auto v = digits_value(t);
    if (!v || *v > max) return fail();
    spelled(t, std::to_string(*v));
    return *v;
  }
  /// Signed integer within [min, max].
  int64_t sint(std::string_view t, int64_t min, int64_t max) {
    const bool neg = !t.empty() && t[0] == '-';
    const auto mag = digits_value(neg ? t.substr(1) : t);
    if (!mag) return static_cast<int64_t>(fail());
    int64_t v = 0;
    if (neg) {
      // -2^63 is representable although +2^63 is not.
      if (*mag > kI64Max + 1) return static_cast<int64_t>(fail());
      v = *mag == kI64Max + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(*mag);
    } else {
      if (*mag > kI64Max) return static_cast<int64_t>(fail());
      v = static_cast<int64_t>(*mag);
    }
    if (v < min || v > max) return static_cast<int64_t>(fail());
    spelled(t, std::to_string(v));
    return v;
  }
  /// a + b, which must fit.
  uint64_t add(uint64_t a, uint64_t b) {
    const auto s = checked_add(a, b);
    return s ? *s : fail();
  }
  /// a * b, which must fit.
  uint64_t mul(uint64_t a, uint64_t b) {
    const auto p = checked_mul(a, b);
    return p ? *p : fail();
  }

 private:
  uint64_t fail() {
    fits = false;
    return 0;
  }
  void spelled(std::string_view text, const std::string& runtime_text) {
    if (text != runtime_text) runtime_spelling = false;
  }
  uint64_t shifted(std::string_view t, int bits) {
    const auto v = digits_value(t);
    if (!v || *v > (kU64Max >> bits)) return fail();
    spelled(t, std::to_string(*v));
    return *v << bits;
  }
};

// The capture groups of a match, taken in pattern order.
class Groups {
 public:
  explicit Groups(const std::cmatch& m) : m_(m) {}
  /// The next group's text.
  std::string_view next() {
    const auto& g = m_[++i_];
    return {g.first, static_cast<size_t>(g.second - g.first)};
  }
  /// The next group (an optional part): its text, empty when absent.
  std::string_view next_optional() { return next(); }

 private:
  const std::cmatch& m_;
  size_t i_ = 0;
};

constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64MaxS = std::numeric_limits<int64_t>::max();
constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();

using Builder = void (*)(Groups&, Conv&, RefParse&);

// The line shapes of go-trace-formats.md §2.1, §2.2, §2.8, §3.1-§3.3.
struct ShapeDef {
  std::string_view name;
  RefKind kind;
  std::string_view notation;
  Builder build;
};

// Go 1.6+ cycles share everything but the optional groups.
void gc_head(Groups& g, Conv& c, GcCycle& out) {
  out.gc = static_cast<uint32_t>(c.uint(g.next(), kU32Max));
  out.start_ns = c.secs(g.next());
  out.util_pct = c.sint(g.next(), kI64Min, kI64MaxS);
  out.flags |= kGcHasTime;
}

void gc_heap(Groups& g, Conv& c, GcCycle& out) {
  out.heap_start = c.mib(g.next());
  out.heap_end = c.mib(g.next());
  out.heap_live = c.mib(g.next());
  out.goal = c.mib(g.next());
}

void gc_procs_forced(Groups& g, Conv& c, GcCycle& out) {
  out.procs = static_cast<int32_t>(c.sint(g.next(), kI32Min, kI32Max));
  if (!g.next_optional().empty()) out.flags |= kGcUserForced;
}

void gc_three_five(Groups& g, Conv& c, GcCycle& out) {
  for (uint64_t& v : out.clock_ns) v = c.ms(g.next());
  for (uint64_t& v : out.cpu_ns) v = c.ms(g.next());  // sweep-term, assist, bg, idle, mark-term
  // The sums the analysis forms must fit: the whole clock, and assist + background + mark-term CPU.
  c.add(c.add(out.clock_ns[0], out.clock_ns[1]), out.clock_ns[2]);
  c.add(c.add(out.cpu_ns[1], out.cpu_ns[2]), out.cpu_ns[4]);
}

void build_gc118(Groups& g, Conv& c, RefParse& r) {
  GcCycle& out = r.gc;
  out.shape = GcShape::kGo118;
  gc_head(g, c, out);
  if (!g.next_optional().empty()) out.flags |= kGcLeakCheck;
  gc_three_five(g, c, out);
  gc_heap(g, c, out);
  out.stacks = c.mib(g.next());
  out.globals = c.mib(g.next());
  gc_procs_forced(g, c, out);
}

void build_gc16(Groups& g, Conv& c, RefParse& r) {
  GcCycle& out = r.gc;
  out.shape = GcShape::kGo16;
  gc_head(g, c, out);
  gc_three_five(g, c, out);
  gc_heap(g, c, out);
  gc_procs_forced(g, c, out);
}

void build_gc15(Groups& g, Conv& c, RefParse& r) {
  GcCycle& out = r.gc;
  out.shape = GcShape::kGo15;
  gc_head(g, c, out);
  uint64_t clock[5];
  uint64_t cpu[7];
  for (uint64_t& v : clock) v = c.ms(g.next());
  for (uint64_t& v : cpu) v = c.ms(g.next());
  c.add(c.add(c.add(c.add(clock[0], clock[1]), clock[2]), clock[3]), clock[4]);  // the whole clock must fit
  // Clock: sweep termination | scan + synchronize Ps + mark | mark termination.
  out.clock_ns[0] = clock[0];
  out.clock_ns[1] = c.add(c.add(clock[1], clock[2]), clock[3]);
  out.clock_ns[2] = clock[4];
  // CPU p1+p2+p3+p4/p5/p6+p7: sweep-term, scan, install-WB, assist, background, idle,
  // mark-term. Scan and install-WB CPU count as background work.
  out.cpu_ns[0] = cpu[0];
  out.cpu_ns[1] = cpu[3];
  out.cpu_ns[2] = c.add(c.add(cpu[1], cpu[2]), cpu[4]);
  out.cpu_ns[3] = cpu[5];
  out.cpu_ns[4] = cpu[6];
  gc_heap(g, c, out);
  gc_procs_forced(g, c, out);
}

void build_gc14(Groups& g, Conv& c, RefParse& r) {
  GcCycle& out = r.gc;
  out.shape = GcShape::kLegacy14;
  out.gc = static_cast<uint32_t>(c.uint(g.next(), kU32Max));
  out.procs = static_cast<int32_t>(c.sint(g.next(), kI32Min, kI32Max));
  // Four phase times in microseconds; the whole collection stopped the world.
  uint64_t total_us = 0;
  for (int i = 0; i < 4; ++i) total_us = c.add(total_us, c.uint(g.next(), kU64Max));
  out.clock_ns[0] = c.mul(total_us, 1000);
  out.heap_start = c.mib(g.next());
  out.heap_end = c.mib(g.next());
  out.heap_live = out.heap_end;
}

void scav_suffix(Groups& g, ScavEvent& out) {
  const std::string_view s = g.next_optional();
  if (s == " (forced)") out.flags |= kScavForced;
  if (s == " [controller reset]") out.flags |= kScavControllerReset;
}

void build_scav121(Groups& g, Conv& c, RefParse& r) {
  ScavEvent& out = r.scav;
  out.shape = ScavShape::kScav121;
  out.work_bytes = c.kib(g.next());
  out.eager_bytes = c.kib(g.next());
  out.released_bytes = c.kib(g.next());
  out.util_pct = c.sint(g.next(), kI64Min, kI64MaxS);
  scav_suffix(g, out);
}

void build_scav114(Groups& g, Conv& c, RefParse& r) {
  ScavEvent& out = r.scav;
  out.shape = ScavShape::kScav114;
  out.work_bytes = c.kib(g.next());
  out.released_bytes = c.kib(g.next());
  out.util_pct = c.sint(g.next(), kI64Min, kI64MaxS);
  scav_suffix(g, out);
}

void build_scav115(Groups& g, Conv& c, RefParse& r) {
  ScavEvent& out = r.scav;
  out.shape = ScavShape::kScav115;
  out.counter = static_cast<int64_t>(c.uint(g.next(), kI64Max));
  out.work_bytes = c.kib(g.next());
  out.released_bytes = c.kib(g.next());
  out.util_pct = c.sint(g.next(), kI64Min, kI64MaxS);
  scav_suffix(g, out);
}

// scvgK: the sysmon counter K, or -1 for debug.FreeOSMemory (sysmon counts up from 0).
void scvg_counter(Groups& g, Conv& c, ScavEvent& out) {
  out.counter = c.sint(g.next(), kI64Min, kI64MaxS);
  out.flags |= kScavNumbered;
  if (out.counter < 0) out.flags |= kScavForced;
}

void scvg_released(Groups& g, Conv& c, ScavEvent& out) {
  out.shape = ScavShape::kScvgReleased;
  out.work_bytes = c.mib(g.next());
}

void scvg_state(Groups& g, Conv& c, ScavEvent& out) {
  out.shape = ScavShape::kScvgState;
  out.inuse_bytes = c.mib(g.next());
  out.idle_bytes = c.mib(g.next());
  out.sys_bytes = c.mib(g.next());
  out.released_bytes = c.mib(g.next());
  out.consumed_bytes = c.mib(g.next());
}

void build_scvg_k_released(Groups& g, Conv& c, RefParse& r) {
  scvg_counter(g, c, r.scav);
  scvg_released(g, c, r.scav);
}
void build_scvg_k_state(Groups& g, Conv& c, RefParse& r) {
  scvg_counter(g, c, r.scav);
  scvg_state(g, c, r.scav);
}
void build_scvg13_released(Groups& g, Conv& c, RefParse& r) { scvg_released(g, c, r.scav); }
void build_scvg13_state(Groups& g, Conv& c, RefParse& r) { scvg_state(g, c, r.scav); }
void build_forced_scvg_released(Groups& g, Conv& c, RefParse& r) {
  r.scav.flags |= kScavForced;
  scvg_released(g, c, r.scav);
}
void build_forced_scvg_state(Groups& g, Conv& c, RefParse& r) {
  r.scav.flags |= kScavForced;
  scvg_state(g, c, r.scav);
}

constexpr ShapeDef kShapeDefs[] = {
    // §2.1, Go 1.18+ (the leak annotation is 1.26).
    {"gc-1.18", RefKind::kGc,
     "gc #u @#ds #i%{ (checking for goroutine leaks)}: #d+#d+#d ms clock, "
     "#d+#d/#d/#d+#d ms cpu, #u->#u->#u MB, #u MB goal, #u MB stacks, #u MB globals, "
     "#i P{ (forced)}",
     build_gc118},
    // §2.1, Go 1.6-1.17.
    {"gc-1.6", RefKind::kGc,
     "gc #u @#ds #i%: #d+#d+#d ms clock, #d+#d/#d/#d+#d ms cpu, #u->#u->#u MB, "
     "#u MB goal, #i P{ (forced)}",
     build_gc16},
    // §2.2, Go 1.5.
    {"gc-1.5", RefKind::kGc,
     "gc #u @#ds #i%: #d+#d+#d+#d+#d ms clock, #d+#d+#d+#d/#d/#d+#d ms cpu, "
     "#u->#u->#u MB, #u MB goal, #i P{ (forced)}",
     build_gc15},
    // §2.8, Go <= 1.4: only this prefix is read; the objects/goroutines/... tail is ignored.
    {"gc-1.4", RefKind::kGcLegacy, "gc#u(#u): #u+#u+#u+#u us, #u -> #u MB", build_gc14},
    // §3.3.
    {"scav-1.21", RefKind::kScav,
     "scav #u KiB work (bg), #u KiB work (eager), #u KiB now, #i% util"
     "{ (forced)| [controller reset]}",
     build_scav121},
    {"scav-1.14", RefKind::kScav,
     "scav #u KiB work, #u KiB total, #i% util{ (forced)| [controller reset]}", build_scav114},
    {"scav-1.15", RefKind::kScav,
     "scav #u #u KiB work, #u KiB total, #i% util{ (forced)| [controller reset]}",
     build_scav115},
    // §3.1, Go <= 1.12 (K may be -1).
    {"scvgK-released", RefKind::kScav, "scvg#i: #u MB released", build_scvg_k_released},
    {"scvgK-state", RefKind::kScav,
     "scvg#i: inuse: #u, idle: #u, sys: #u, released: #u, consumed: #u (MB)",
     build_scvg_k_state},
    // §3.2, Go 1.13.
    {"scvg-released", RefKind::kScav, "scvg: #u MB released", build_scvg13_released},
    {"scvg-state", RefKind::kScav,
     "scvg: inuse: #u, idle: #u, sys: #u, released: #u, consumed: #u (MB)",
     build_scvg13_state},
    {"forced-scvg-released", RefKind::kScav, "forced scvg: #u MB released",
     build_forced_scvg_released},
    {"forced-scvg-state", RefKind::kScav,
     "forced scvg: inuse: #u, idle: #u, sys: #u, released: #u, consumed: #u (MB)",
     build_forced_scvg_state},
};

// A shape compiled: its regex and the literal pieces every match must contain
// (a cheap filter that spares most lines the regex).
struct Compiled {
  const ShapeDef* def;
  std::regex re;
  std::vector<std::string> needles;
};

// Notation -> ECMAScript regex (see the file comment).
Compiled compile(const ShapeDef& def) {
  Compiled c{&def, {}, {}};
  std::string re;
  std::string piece;  // current literal run outside braces
  int depth = 0;
  auto end_piece = [&] {
    if (!piece.empty()) c.needles.push_back(piece);
    piece.clear();
  };
  const std::string_view n = def.notation;
  for (size_t i = 0; i < n.size(); ++i) {
    const char ch = n[i];
    if (ch == '#') {
      const char t = n[++i];
      end_piece();
      if (t == 'u') re += R"((\d+))";
      if (t == 'i') re += R"((-?\d+))";
      if (t == 'd') re += R"((\d+(?:\.\d+)?))";
    } else if (ch == '{') {
      end_piece();
      re += "(";
      ++depth;
    } else if (ch == '|' && depth > 0) {
      re += "|";
    } else if (ch == '}') {
      re += ")?";
      --depth;
    } else {
      if (std::string_view(R"(\^$.|?*+()[]{})").find(ch) != std::string_view::npos) re += '\\';
      re += ch;
      if (depth == 0) piece += ch;
    }
  }
  end_piece();
  c.re = std::regex(re, std::regex::ECMAScript | std::regex::optimize);
  return c;
}

const std::vector<Compiled>& compiled_shapes() {
  static const std::vector<Compiled> shapes = [] {
    std::vector<Compiled> v;
    for (const ShapeDef& d : kShapeDefs) v.push_back(compile(d));
    return v;
  }();
  return shapes;
}

// The leftmost acceptable match of one shape at or after `from`.
std::optional<RefParse> leftmost(const Compiled& shape, std::string_view line,
                                 Spelling spelling) {
  for (const std::string& needle : shape.needles) {
    if (line.find(needle) == std::string_view::npos) return std::nullopt;
  }
  const char* const first = line.data();
  const char* const last = line.data() + line.size();
  for (const char* from = first; from <= last;) {
    std::cmatch m;
    const auto flags = from == first ? std::regex_constants::match_default
                                     : std::regex_constants::match_prev_avail;
    if (!std::regex_search(from, last, m, shape.re, flags)) return std::nullopt;
    RefParse r;
    r.kind = shape.def->kind;
    r.shape = shape.def->name;
    Conv conv;
    Groups groups(m);
    shape.def->build(groups, conv, r);
    const auto begin = static_cast<size_t>(m[0].first - first);
    if (conv.fits && (conv.runtime_spelling || spelling == Spelling::kLenient)) {
      r.begin = begin;
      // The legacy line's tail (objects, goroutines, sweeps...) belongs to it.
      r.end = r.kind == RefKind::kGcLegacy ? line.size() : static_cast<size_t>(m[0].second - first);
      r.runtime_spelling = conv.runtime_spelling;
      return r;
    }
    // Not a value the runtime could print here; a later start may still match.
    from = first + begin + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string format_ns_as_ms(unsigned long long ns) {
  // src/runtime/mgc.go fmtNSAsMS: whole ms from 10 ms on, else two significant
  // digits of microseconds with at most three decimals; always truncated.
  if (ns >= 10000000) return itoa_div(ns / 1000000, 0);
  uint64_t x = ns / 1000;
  if (x == 0) return "0";
  int dec = 3;
  while (x >= 100) {
    x /= 10;
    --dec;
  }
  return itoa_div(x, dec);
}

RefParse reference_parse(std::string_view line, Spelling spelling) {
  RefParse none;
  none.end = line.size();
  // Skipped by prefix (§4.3, §4.4, §8.16).
  static const std::regex pacer(R"(^pacer: (assist ratio=|H_m_prev=|sweep done at heap size |[0-9]+% CPU \())");
  static const std::regex scan(R"(^scan: (total|class) )");
  const std::string text(line);
  if (std::regex_search(text, pacer)) return RefParse{RefKind::kPacer, 0, line.size(), {}, {}, true, "pacer"};
  if (std::regex_search(text, scan)) return RefParse{RefKind::kScan, 0, line.size(), {}, {}, true, "scan"};

  std::optional<RefParse> best;
  for (const Compiled& shape : compiled_shapes()) {
    auto r = leftmost(shape, line, spelling);
    // Two shapes never match at the same start: they differ in fixed literal text.
    if (r && (!best || r->begin < best->begin)) best = std::move(r);
  }
  if (best) return *best;

  // `GC forced` is one print argument (§4.1): program text can sit before it
  // (no newline yet) or after it (written before the runtime's newline).
  constexpr std::string_view kForced = "GC forced";
  if (line.ends_with(kForced)) {
    return RefParse{RefKind::kGcForced, line.size() - kForced.size(), line.size(), {}, {}, true,
                    "GC forced"};
  }
  if (line.starts_with(kForced)) {
    return RefParse{RefKind::kGcForced, 0, kForced.size(), {}, {}, true, "GC forced"};
  }
  return none;
}

std::string_view ref_kind_name(RefKind kind) {
  switch (kind) {
    case RefKind::kNone: return "none";
    case RefKind::kGc: return "gc";
    case RefKind::kGcLegacy: return "gc-legacy";
    case RefKind::kScav: return "scav";
    case RefKind::kGcForced: return "GC forced";
    case RefKind::kPacer: return "pacer";
    case RefKind::kScan: return "scan";
  }
  return "?";
}

}  // namespace gcsight::ref
