// The whole-line fast path of trace reading. The grammar path (match_greedy
// over the token tables of trace_grammar) is general: it tries every head at
// every offset, every shape of a family, and shrinks numbers until one is
// valid. Almost every line of a real trace is either a whole modern gc line, a
// whole modern scav line, or program output, and this file reads those three
// in one straight pass with no table walk.
//
// It is exact by construction rather than by imitation: it accepts a line only
// when the grammar path would take its first choice at every step, so the
// result is the one the grammar path returns.
//  - A runtime line must start at offset 0, where the grammar path tries first,
//    and the shape must be the first of its family (gc-1.18, scav-1.21); the
//    first complete match of a family wins there.
//  - Each number's longest candidate span ([-]digits[.digits]) must itself be
//    a valid spelling: match_number returns exactly that span then. When it
//    is not valid the grammar would shrink it; here the line is declined.
//  - values_fit is applied with the same limits.
//  - A line is program output only when it holds no `gc` or `sc` (every head
//    holds one of them) and does not start `pacer: `, start or end
//    `GC forced`: no head can match at any offset, so there is no record and
//    no partial start either.
// Anything else (negative numbers, leading zeros, overlong numbers, text
// before the runtime text, other shapes and eras, split lines) is declined.
// tests/unit/trace_line_fast_test.cpp compares both paths on every line of
// every fixture and of generated traces.
#include "core/trace_line_fast.h"

#include <cstring>
#include <limits>

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kKiB = 1ull << 10;

bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// Whether the n bytes at a and b are equal, in word compares (n is a literal's length).
template <size_t n>
bool same(const char* a, const char* b) {
  if constexpr (n >= 8) {
    uint64_t x = 0;
    uint64_t y = 0;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    if constexpr (n % 8 != 0) {
      std::memcpy(&x, a + n - 8, 8);
      std::memcpy(&y, b + n - 8, 8);
      return x == y;
    }
    return true;
  } else if constexpr (n >= 4) {
    uint32_t x = 0;
    uint32_t y = 0;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    if (x != y) return false;
    std::memcpy(&x, a + n - 4, 4);
    std::memcpy(&y, b + n - 4, 4);
    return x == y;
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
}

// A cursor over one line; every reader returns false (and may have moved) when
// the text is not what the fast path accepts. With `Padded`, the caller
// guarantees what read_common_line<true> documents: the byte after the line is "\n",
// "\r" or "\0" (not a digit, a dot, nor in any literal) and kLinePadding bytes
// after the line can be read. Every scan then stops at that byte by itself, and
// the reader checks no bounds.
template <bool Padded>
class Cursor {
 public:
  explicit Cursor(std::string_view s) : p_(s.data()), b_(s.data()), e_(s.data() + s.size()) {}

  [[nodiscard]] size_t pos() const { return static_cast<size_t>(p_ - b_); }

  template <size_t N>
  [[gnu::always_inline]] bool lit(const char (&s)[N]) {
    constexpr size_t n = N - 1;
    if constexpr (!Padded) {
      if (static_cast<size_t>(e_ - p_) < n) return false;
    }
    if (!same<n>(p_, s)) return false;
    p_ += n;
    return true;
  }

  // kUInt (and kSInt when it is not negative): 1 to 18 digits, no leading zero.
  [[gnu::always_inline]] bool uint(uint64_t& v) {
    if constexpr (Padded) {
      // Up to 7 digits at once: the padding makes 8 bytes readable.
      uint64_t t = 0;
      const size_t n = digit_run(p_, t);
      if (n < 8) {
        if (n == 0 || (n > 1 && *p_ == '0')) return false;
        v = run_value(t, n);
        p_ += n;
        return true;
      }
    }
    uint64_t x = 0;
    const char* q = digits(p_, x);
    const auto n = static_cast<size_t>(q - p_);
    if (n == 0 || n > 18 || (n > 1 && *p_ == '0')) return false;
    v = x;
    p_ = q;
    return true;
  }

  // kDur, as fmtNSAsMS prints it: "0", "0.0dd", "0.dd", "d.d" or an integer >= 10.
  [[gnu::always_inline]] bool dur(uint64_t& ns) {
    const char* q = p_;
    if constexpr (Padded) {
      // Every spelling but an integer of 8 digits or more, from two 8-byte reads.
      uint64_t t = 0;
      const size_t n = digit_run(q, t);
      if (n == 0) return false;
      if (q[n] != '.') {
        if (*q == '0') {
          if (n != 1) return false;
          ns = 0;
          p_ = q + 1;
          return true;
        }
        if (n < 2) return false;
        if (n < 8) {
          ns = run_value(t, n) * 1000000ull;
          p_ = q + n;
          return true;
        }
      } else {
        // A fraction: one digit before the dot. q[1] is the dot, inside the
        // line, so the 8 bytes from q + 2 are readable.
        if (n != 1) return false;
        uint64_t u = 0;
        const size_t m = digit_run(q + 2, u);
        const auto d = [](char c) { return static_cast<uint64_t>(c - '0'); };
        if (*q == '0') {
          if (q[2] == '0') {  // "0.0dd"
            if (m != 3) return false;
            const uint64_t frac = d(q[3]) * 10 + d(q[4]);
            if (frac == 0) return false;
            ns = frac * 1000;
            p_ = q + 5;
            return true;
          }
          if (m != 2) return false;  // "0.dd"
          ns = (d(q[2]) * 10 + d(q[3])) * 10000;
          p_ = q + 4;
          return true;
        }
        if (m != 1) return false;  // "d.d"
        ns = d(q[0]) * 1000000ull + d(q[2]) * 100000ull;
        p_ = q + 3;
        return true;
      }
    }
    uint64_t v = 0;
    const char* dot = digits(q, v);
    const auto ip = static_cast<size_t>(dot - q);
    if (ip == 0) return false;
    if (!more(dot) || *dot != '.') {
      if (*q == '0') {
        if (ip != 1) return false;
        ns = 0;
      } else {
        // At most 14 digits, so that v has not wrapped.
        if (ip < 2 || ip > 14 || v > 18446744073709ull) return false;
        ns = v * 1000000ull;
      }
      p_ = dot;
      return true;
    }
    // A fraction: one digit before the dot.
    if (ip != 1) return false;
    const char* f = dot + 1;
    const auto d = [](char c) { return static_cast<uint64_t>(c - '0'); };
    if (*q == '0') {
      // "0.0dd" or "0.dd", and no further digit.
      if (more(f) && *f == '0') {
        if (!more(f + 2) || !is_digit(f[1]) || !is_digit(f[2]) || (more(f + 3) && is_digit(f[3]))) return false;
        const uint64_t frac = d(f[1]) * 10 + d(f[2]);
        if (frac == 0) return false;
        ns = frac * 1000;
        p_ = f + 3;
        return true;
      }
      if (!more(f + 1) || !is_digit(f[0]) || !is_digit(f[1]) || (more(f + 2) && is_digit(f[2]))) return false;
      ns = (d(f[0]) * 10 + d(f[1])) * 10000;
      p_ = f + 2;
      return true;
    }
    // "d.d", and no further digit.
    if (!more(f) || !is_digit(f[0]) || (more(f + 1) && is_digit(f[1]))) return false;
    ns = d(q[0]) * 1000000ull + d(f[0]) * 100000ull;
    p_ = f + 1;
    return true;
  }

  // kSecs: seconds with exactly three decimals.
  bool secs(int64_t& ns) {
    const char* q = p_;
    if constexpr (Padded) {
      // Up to 7 digits of whole seconds (115 days), from two 8-byte reads.
      uint64_t t = 0;
      const size_t n = digit_run(q, t);
      if (n < 8) {
        if (n == 0 || (n > 1 && *q == '0') || q[n] != '.') return false;
        // The dot is inside the line, so the 8 bytes after it are readable.
        uint64_t u = 0;
        if (digit_run(q + n + 1, u) != 3) return false;
        ns = static_cast<int64_t>(run_value(t, n) * 1000000000ull + run_value(u, 3) * 1000000ull);
        p_ = q + n + 4;
        return true;
      }
    }
    uint64_t whole = 0;
    const char* f = digits(q, whole);
    const auto ip = static_cast<size_t>(f - q);
    if (ip == 0 || ip > 10 || (ip > 1 && *q == '0')) return false;
    if (!more(f + 3) || f[0] != '.' || !is_digit(f[1]) || !is_digit(f[2]) || !is_digit(f[3])) return false;
    if (more(f + 4) && is_digit(f[4])) return false;
    if (whole > 9223372036ull) return false;
    const uint64_t ms = static_cast<uint64_t>(f[1] - '0') * 100 + static_cast<uint64_t>(f[2] - '0') * 10 +
                        static_cast<uint64_t>(f[3] - '0');
    const uint64_t v = whole * 1000000000ull + ms * 1000000ull;
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    ns = static_cast<int64_t>(v);
    p_ = f + 4;
    return true;
  }

 private:
  // Padded: how many of the 8 bytes at `q` are digits before the first that is
  // not (8 when all are), with the bytes' digit values (c ^ '0') into `t`.
  [[gnu::always_inline]] static size_t digit_run(const char* q, uint64_t& t) {
    std::memcpy(&t, q, 8);
    t ^= 0x3030303030303030ull;  // a digit byte becomes its value
    // A byte is not a digit when its value is 10 or more. A carry only goes to
    // later bytes, so the first non-digit byte is found exactly.
    const uint64_t other = ((t + 0x7676767676767676ull) | t) & 0x8080808080808080ull;
    return other == 0 ? 8 : static_cast<size_t>(__builtin_ctzll(other) / 8);
  }

  // The value of the first n (1 to 7) digit values in `t`, by multiply-shift.
  [[gnu::always_inline]] static uint64_t run_value(uint64_t t, size_t n) {
    uint64_t x = t << (64 - 8 * n);
    x = x * 10 + (x >> 8);
    return (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
            (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
           32;
  }

  // The digits from `q` on: their value into `v` (it wraps past 19 digits) and where they end.
  [[gnu::always_inline]] const char* digits(const char* q, uint64_t& v) const {
    uint64_t x = 0;
    while (more(q) && is_digit(*q)) {
      x = x * 10 + static_cast<uint64_t>(*q - '0');
      ++q;
    }
    v = x;
    return q;
  }

  // Whether `q` is inside the line. Padded, the byte after the line stops every
  // scan, so reading it is always allowed.
  [[gnu::always_inline]] bool more(const char* q) const {
    if constexpr (Padded) {
      return true;
    } else {
      return q < e_;
    }
  }

  const char* p_;
  const char* b_;
  const char* e_;
};

bool add_fits(uint64_t a, uint64_t b) { return a <= std::numeric_limits<uint64_t>::max() - b; }

// gc N @S.sss s U%[ (checking for goroutine leaks)]: c+c+c ms clock, p+p/p/p+p ms cpu,
// H->H->H MB, G MB goal, S MB stacks, G MB globals, P P[ (forced)]
template <bool Padded>
bool read_gc118(std::string_view line, GcCycle& c, size_t* end) {
  Cursor<Padded> s(line);
  uint64_t gc = 0, util = 0, procs = 0;
  int64_t start = 0;
  uint64_t clock[3], cpu[5], h0 = 0, h1 = 0, h2 = 0, goal = 0, stacks = 0, globals = 0;
  if (!s.lit("gc ") || !s.uint(gc) || !s.lit(" @") || !s.secs(start) || !s.lit("s ") || !s.uint(util) ||
      !s.lit("%")) {
    return false;
  }
  const bool leak = s.lit(" (checking for goroutine leaks)");
  if (!s.lit(": ") || !s.dur(clock[0]) || !s.lit("+") || !s.dur(clock[1]) || !s.lit("+") || !s.dur(clock[2]) ||
      !s.lit(" ms clock, ") || !s.dur(cpu[0]) || !s.lit("+") || !s.dur(cpu[1]) || !s.lit("/") ||
      !s.dur(cpu[2]) || !s.lit("/") || !s.dur(cpu[3]) || !s.lit("+") || !s.dur(cpu[4]) || !s.lit(" ms cpu, ") ||
      !s.uint(h0) || !s.lit("->") || !s.uint(h1) || !s.lit("->") || !s.uint(h2) || !s.lit(" MB, ") ||
      !s.uint(goal) || !s.lit(" MB goal, ") || !s.uint(stacks) || !s.lit(" MB stacks, ") || !s.uint(globals) ||
      !s.lit(" MB globals, ") || !s.uint(procs) || !s.lit(" P")) {
    return false;
  }
  const bool forced = s.lit(" (forced)");
  // values_fit: sizes in bytes fit 64 bits, the cycle number a uint32, GOMAXPROCS an
  // int32, and the sums gcsight forms do not wrap.
  constexpr uint64_t kMaxMB = 1ull << 44;
  if (h0 >= kMaxMB || h1 >= kMaxMB || h2 >= kMaxMB || goal >= kMaxMB || stacks >= kMaxMB || globals >= kMaxMB) {
    return false;
  }
  if (gc > std::numeric_limits<uint32_t>::max() || procs > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return false;
  }
  if (!add_fits(clock[0], clock[1]) || !add_fits(clock[0] + clock[1], clock[2])) return false;
  if (!add_fits(cpu[1], cpu[2]) || !add_fits(cpu[1] + cpu[2], cpu[4])) return false;

  *end = s.pos();
  // Every field, in declaration order (see trace_event.h).
  c.line = 0;
  c.start_ns = start;
  for (size_t i = 0; i < 3; ++i) c.clock_ns[i] = clock[i];
  for (size_t i = 0; i < 5; ++i) c.cpu_ns[i] = cpu[i];
  c.heap_start = h0 * kMiB;
  c.heap_end = h1 * kMiB;
  c.heap_live = h2 * kMiB;
  c.goal = goal * kMiB;
  c.stacks = stacks * kMiB;
  c.globals = globals * kMiB;
  c.wall_ns = 0;
  c.util_pct = static_cast<int64_t>(util);
  c.gc = static_cast<uint32_t>(gc);
  c.procs = static_cast<int32_t>(procs);
  c.shape = GcShape::kGo118;
  c.flags = static_cast<uint8_t>(kGcHasTime | (forced ? kGcUserForced : 0) | (leak ? kGcLeakCheck : 0));
  return true;
}

// scav # KiB work (bg), # KiB work (eager), # KiB now, #% util[ (forced)][ [controller reset]]
template <bool Padded>
bool read_scav121(std::string_view line, ScavEvent& e, size_t* end) {
  Cursor<Padded> s(line);
  uint64_t work = 0, eager = 0, now = 0, util = 0;
  if (!s.lit("scav ") || !s.uint(work) || !s.lit(" KiB work (bg), ") || !s.uint(eager) ||
      !s.lit(" KiB work (eager), ") || !s.uint(now) || !s.lit(" KiB now, ") || !s.uint(util) ||
      !s.lit("% util")) {
    return false;
  }
  const bool forced = s.lit(" (forced)");
  const bool reset = !forced && s.lit(" [controller reset]");
  constexpr uint64_t kMaxKiB = 1ull << 54;
  if (work >= kMaxKiB || eager >= kMaxKiB || now >= kMaxKiB) return false;

  *end = s.pos();
  // Every field, in declaration order (see trace_event.h).
  e.line = 0;
  e.wall_ns = 0;
  e.work_bytes = work * kKiB;
  e.eager_bytes = eager * kKiB;
  e.released_bytes = now * kKiB;
  e.inuse_bytes = 0;
  e.idle_bytes = 0;
  e.sys_bytes = 0;
  e.consumed_bytes = 0;
  e.counter = 0;
  e.util_pct = static_cast<int64_t>(util);
  e.shape = ScavShape::kScav121;
  e.flags = static_cast<uint8_t>((forced ? kScavForced : 0) | (reset ? kScavControllerReset : 0));
  return true;
}

}  // namespace

// Whether no runtime text can start anywhere in `line` (see the top of the file).
bool plain_program_line(std::string_view line) {
  const char* b = line.data();
  const char* e = b + line.size();
  for (const char* p = b; p != e;) {
    const void* c = std::memchr(p, 'c', static_cast<size_t>(e - p));
    if (c == nullptr) break;
    const char* q = static_cast<const char*>(c);
    if (q != b && (q[-1] == 'g' || q[-1] == 's')) return false;
    p = q + 1;
  }
  return !line.starts_with("pacer: ") && !line.starts_with("GC forced") && !line.ends_with("GC forced");
}

template <bool Padded>
LineKind read_common_line(std::string_view line, GcCycle& gc, ScavEvent& scav, size_t* end) {
  const char c0 = line.empty() ? '\0' : line[0];
  if (c0 == 'g') {
    if (read_gc118<Padded>(line, gc, end)) return LineKind::kGc;
  } else if (c0 == 's') {
    if (read_scav121<Padded>(line, scav, end)) return LineKind::kScav;
  }
  // A line starting "gc" or "sc" is never plain: no need to return early above.
  if (!plain_program_line(line)) return LineKind::kPartial;
  *end = line.size();
  return LineKind::kProgram;
}

LineKind read_runtime_line_at(const char* p, GcCycle& gc, ScavEvent& scav, size_t* end) {
  // Padded, the readers stop at the first "\n" or "\r" by themselves and never
  // look at the line's length, which is not known yet.
  const std::string_view unknown_length(p, 0);
  if (*p == 'g') return read_gc118<true>(unknown_length, gc, end) ? LineKind::kGc : LineKind::kPartial;
  if (*p == 's') return read_scav121<true>(unknown_length, scav, end) ? LineKind::kScav : LineKind::kPartial;
  return LineKind::kPartial;
}

template LineKind read_common_line<false>(std::string_view, GcCycle&, ScavEvent&, size_t*);
template LineKind read_common_line<true>(std::string_view, GcCycle&, ScavEvent&, size_t*);

bool parse_common_line(std::string_view line, LineParse& out) {
  size_t end = 0;
  const LineKind kind = read_common_line<false>(line, out.gc, out.scav, &end);
  if (kind == LineKind::kPartial) return false;
  out.kind = kind;
  out.begin = 0;
  out.end = end;
  return true;
}

}  // namespace gcsight
