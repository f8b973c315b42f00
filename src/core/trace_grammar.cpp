// Shape tables for every runtime trace line (Go 1.4 to 1.26), built from the
// runtime's print statements (see docs/trace-formats.md), and the number
// grammar the runtime uses. Numbers are strict: the runtime never pads, never
// prints leading zeros, and fmtNSAsMS prints a fixed number of decimals for
// each magnitude. Strictness is what lets the stitcher tell `gc 74` followed by
// a program line `2026/11/25 ...` from a cycle numbered 742026.
#include "core/trace_grammar.h"

#include <limits>

namespace gcsight {
namespace {

constexpr Token L(std::string_view s) { return {TokKind::kLit, s, fNone}; }
constexpr Token O(std::string_view s, Field f) { return {TokKind::kOptLit, s, f}; }
constexpr Token U(Field f) { return {TokKind::kUInt, {}, f}; }
constexpr Token S(Field f) { return {TokKind::kSInt, {}, f}; }
constexpr Token D(Field f) { return {TokKind::kDur, {}, f}; }
constexpr Token T(Field f) { return {TokKind::kSecs, {}, f}; }
constexpr Token R() { return {TokKind::kRest, {}, fNone}; }

// gc N @S.sss s U% [ (checking for goroutine leaks)]: ...   (Go 1.18+)
constexpr Token kGc118[] = {
    L("gc "), U(fGc), L(" @"), T(fSecs), L("s "), S(fUtil), L("%"),
    O(" (checking for goroutine leaks)", fLeak), L(": "),
    D(fC1), L("+"), D(fC2), L("+"), D(fC3), L(" ms clock, "),
    D(fP1), L("+"), D(fP2), L("/"), D(fP3), L("/"), D(fP4), L("+"), D(fP5), L(" ms cpu, "),
    U(fH0), L("->"), U(fH1), L("->"), U(fH2), L(" MB, "), U(fGoal), L(" MB goal, "),
    U(fStacks), L(" MB stacks, "), U(fGlobals), L(" MB globals, "),
    S(fProcs), L(" P"), O(" (forced)", fForced)};

// Go 1.6-1.17: no stacks/globals.
constexpr Token kGc16[] = {
    L("gc "), U(fGc), L(" @"), T(fSecs), L("s "), S(fUtil), L("%"), L(": "),
    D(fC1), L("+"), D(fC2), L("+"), D(fC3), L(" ms clock, "),
    D(fP1), L("+"), D(fP2), L("/"), D(fP3), L("/"), D(fP4), L("+"), D(fP5), L(" ms cpu, "),
    U(fH0), L("->"), U(fH1), L("->"), U(fH2), L(" MB, "), U(fGoal), L(" MB goal, "),
    S(fProcs), L(" P"), O(" (forced)", fForced)};

// Go 1.5: five clock phases, seven cpu values.
constexpr Token kGc15[] = {
    L("gc "), U(fGc), L(" @"), T(fSecs), L("s "), S(fUtil), L("%"), L(": "),
    D(fC1), L("+"), D(fC2), L("+"), D(fC3), L("+"), D(fC4), L("+"), D(fC5), L(" ms clock, "),
    D(fP1), L("+"), D(fP2), L("+"), D(fP3), L("+"), D(fP4), L("/"), D(fP5), L("/"), D(fP6),
    L("+"), D(fP7), L(" ms cpu, "),
    U(fH0), L("->"), U(fH1), L("->"), U(fH2), L(" MB, "), U(fGoal), L(" MB goal, "),
    S(fProcs), L(" P"), O(" (forced)", fForced)};

// Go <= 1.4 (C runtime, one formatted write): gc6(5): 0+0+0+1000 us, 0 -> 0 MB, ...
constexpr Token kGc14[] = {
    L("gc"), U(fGc), L("("), U(fProcs), L("): "), U(fC1), L("+"), U(fC2), L("+"), U(fC3),
    L("+"), U(fC4), L(" us, "), U(fH0), L(" -> "), U(fH1), L(" MB"), R()};

// 1.21+: scav # KiB work (bg), # KiB work (eager), # KiB now, #% util
constexpr Token kScav121[] = {
    L("scav "), U(fWork), L(" KiB work (bg), "), U(fEager), L(" KiB work (eager), "),
    U(fTotal), L(" KiB now, "), S(fUtil), L("% util"),
    O(" (forced)", fForced), O(" [controller reset]", fReset)};

// 1.14 and 1.19-1.20: scav # KiB work, # KiB total, #% util
constexpr Token kScav114[] = {
    L("scav "), U(fWork), L(" KiB work, "), U(fTotal), L(" KiB total, "), S(fUtil),
    L("% util"), O(" (forced)", fForced), O(" [controller reset]", fReset)};

// 1.15-1.18: scav GEN # KiB work, # KiB total, #% util
constexpr Token kScav115[] = {
    L("scav "), U(fGen), L(" "), U(fWork), L(" KiB work, "), U(fTotal), L(" KiB total, "),
    S(fUtil), L("% util"), O(" (forced)", fForced), O(" [controller reset]", fReset)};

// <= 1.12: scvgK: # MB released / scvgK: inuse: ... (K may be -1)
constexpr Token kScvgRel[] = {L("scvg"), S(fScvgK), L(": "), U(fReleased), L(" MB released")};
constexpr Token kScvgState[] = {
    L("scvg"), S(fScvgK), L(": inuse: "), U(fInuse), L(", idle: "), U(fIdle), L(", sys: "),
    U(fSys), L(", released: "), U(fReleased), L(", consumed: "), U(fConsumed), L(" (MB)")};
// 1.13: scvg: ... and forced scvg: ...
constexpr Token kScvg13Rel[] = {L("scvg: "), U(fReleased), L(" MB released")};
constexpr Token kScvg13State[] = {
    L("scvg: inuse: "), U(fInuse), L(", idle: "), U(fIdle), L(", sys: "), U(fSys),
    L(", released: "), U(fReleased), L(", consumed: "), U(fConsumed), L(" (MB)")};
constexpr Token kScvg13FRel[] = {L("forced scvg: "), U(fReleased), L(" MB released")};
constexpr Token kScvg13FState[] = {
    L("forced scvg: inuse: "), U(fInuse), L(", idle: "), U(fIdle), L(", sys: "), U(fSys),
    L(", released: "), U(fReleased), L(", consumed: "), U(fConsumed), L(" (MB)")};

constexpr Shape kShapes[] = {
    {"gc-1.18", ShapeKind::kGc, kGc118},
    {"gc-1.6", ShapeKind::kGc, kGc16},
    {"gc-1.5", ShapeKind::kGc, kGc15},
    {"gc-1.4", ShapeKind::kGcLegacy, kGc14},
    {"scav-1.21", ShapeKind::kScav, kScav121},
    {"scav-1.14", ShapeKind::kScav, kScav114},
    {"scav-1.15", ShapeKind::kScav, kScav115},
    {"scvg-released", ShapeKind::kScvg, kScvgRel},
    {"scvg-state", ShapeKind::kScvg, kScvgState},
    {"scvg-1.13-released", ShapeKind::kScvg, kScvg13Rel},
    {"scvg-1.13-state", ShapeKind::kScvg, kScvg13State},
    {"forced-scvg-released", ShapeKind::kScvg, kScvg13FRel},
    {"forced-scvg-state", ShapeKind::kScvg, kScvg13FState},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t digit_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  return j - i;
}

// Parses digits [i, i+n) as an unsigned value; false on overflow.
bool digits_value(std::string_view s, size_t i, size_t n, uint64_t* out) {
  uint64_t v = 0;
  for (size_t k = i; k < i + n; ++k) {
    const auto d = static_cast<uint64_t>(s[k] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

std::span<const Shape> all_shapes() { return kShapes; }

bool value_fits(Field f, int64_t x) {
  switch (f) {
    // Sizes are kept in bytes: MB (<< 20) and KiB (<< 10) must fit 64 bits.
    case fH0: case fH1: case fH2: case fGoal: case fStacks: case fGlobals:
    case fInuse: case fIdle: case fSys: case fReleased: case fConsumed:
      return static_cast<uint64_t>(x) < (1ull << 44);
    case fWork: case fEager: case fTotal:
      return static_cast<uint64_t>(x) < (1ull << 54);
    case fGc:
      return x <= static_cast<int64_t>(std::numeric_limits<uint32_t>::max());
    case fProcs:
      return x <= std::numeric_limits<int32_t>::max() && x >= std::numeric_limits<int32_t>::min();
    default:
      return true;
  }
}

bool values_fit(const Shape& shape, const FieldValues& v) {
  // An absent value is 0, which fits every field.
  for (uint8_t f = 0; f < kFieldCount; ++f) {
    if (!value_fits(static_cast<Field>(f), v.v[f])) return false;
  }
  if (shape.kind != ShapeKind::kGc && shape.kind != ShapeKind::kGcLegacy) return true;
  // Durations are stored unsigned (a wrapped negative value prints as ~2^64 ns);
  // the sums gcsight forms must not wrap.
  auto sum_fits = [&](std::initializer_list<Field> fs) {
    uint64_t total = 0;
    for (Field f : fs) {
      const auto x = static_cast<uint64_t>(v.v[f]);
      if (total > std::numeric_limits<uint64_t>::max() - x) return false;
      total += x;
    }
    return true;
  };
  if (shape.kind == ShapeKind::kGcLegacy) {
    // Go <= 1.4 prints microseconds: their sum, in ns, must fit 64 bits.
    if (!sum_fits({fC1, fC2, fC3, fC4})) return false;
    const uint64_t us = static_cast<uint64_t>(v.v[fC1]) + static_cast<uint64_t>(v.v[fC2]) +
                        static_cast<uint64_t>(v.v[fC3]) + static_cast<uint64_t>(v.v[fC4]);
    return us <= std::numeric_limits<uint64_t>::max() / 1000;
  }
  return sum_fits({fC1, fC2, fC3, fC4, fC5}) && sum_fits({fP2, fP3, fP5});
}

bool valid_number(TokKind kind, std::string_view s, int64_t* value) {
  uint64_t v = 0;
  switch (kind) {
    case TokKind::kUInt:
    case TokKind::kSInt: {
      size_t i = 0;
      bool neg = false;
      if (kind == TokKind::kSInt && !s.empty() && s[0] == '-') {
        neg = true;
        i = 1;
      }
      const size_t n = s.size() - i;
      if (n == 0 || digit_run(s, i) != n) return false;
      if (n > 1 && s[i] == '0') return false;  // the runtime never prints leading zeros
      if (!digits_value(s, i, n, &v)) return false;
      // `#%` is int(NaN) = -2^63 on amd64 when the CPU fraction is undefined.
      const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (neg ? 1u : 0u);
      if (v > limit) return false;
      if (neg && v == limit) {
        *value = std::numeric_limits<int64_t>::min();
        return true;
      }
      *value = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
      return !(neg && v == 0);
    }
    case TokKind::kDur: {
      // fmtNSAsMS: "0" | "0.0dd" (dd>=01) | "0.dd" (first d nonzero) | "d.d" (1-9) | >=10 integer
      const size_t ip = digit_run(s, 0);
      if (ip == 0) return false;
      if (ip == s.size()) {  // no decimal point
        if (!digits_value(s, 0, ip, &v)) return false;
        if (s[0] == '0') {
          if (ip != 1) return false;
          *value = 0;
          return true;
        }
        if (v < 10 || v > 18446744073709ull) return false;
        // A wrapped negative duration prints as up to 14 digits: v * 1e6 still fits
        // in 64 bits unsigned, and the records hold durations unsigned.
        *value = static_cast<int64_t>(v * 1000000ull);
        return true;
      }
      if (s[ip] != '.') return false;
      const size_t fp = s.size() - ip - 1;
      if (digit_run(s, ip + 1) != fp || fp == 0) return false;
      if (ip != 1) return false;
      uint64_t frac = 0;
      digits_value(s, ip + 1, fp, &frac);
      if (s[0] == '0') {
        if (fp == 3 && s[2] == '0' && frac >= 1) {  // 0.0dd: 1us..99us
          *value = static_cast<int64_t>(frac * 1000);
          return true;
        }
        if (fp == 2 && s[2] != '0') {  // 0.dd: 100us..990us
          *value = static_cast<int64_t>(frac * 10000);
          return true;
        }
        return false;
      }
      if (fp != 1) return false;  // d.d: 1.0ms..9.9ms
      *value = static_cast<int64_t>(static_cast<uint64_t>(s[0] - '0') * uint64_t{1000000} + frac * uint64_t{100000});
      return true;
    }
    case TokKind::kSecs: {
      const size_t ip = digit_run(s, 0);
      if (ip == 0 || ip + 4 != s.size() || s[ip] != '.' || digit_run(s, ip + 1) != 3) return false;
      if (ip > 1 && s[0] == '0') return false;
      uint64_t whole = 0;
      uint64_t ms = 0;
      if (!digits_value(s, 0, ip, &whole) || whole > 9223372036ull) return false;
      digits_value(s, ip + 1, 3, &ms);
      const uint64_t ns = whole * 1000000000ull + ms * 1000000ull;
      if (ns > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
      *value = static_cast<int64_t>(ns);
      return true;
    }
    default:
      return false;
  }
}

NumMatch match_number(TokKind kind, std::string_view s) {
  // Fast path: an unsigned integer without a leading zero, the most common token.
  if (kind == TokKind::kUInt || kind == TokKind::kSInt) {
    const size_t n = digit_run(s, 0);
    if (n > 0 && n <= 18 && (s[0] != '0' || n == 1)) {
      int64_t v = 0;
      for (size_t i = 0; i < n; ++i) v = v * 10 + (s[i] - '0');
      return {n, v};
    }
  }
  // The longest candidate span: [-]digits[.digits]; then shrink to a valid spelling.
  size_t n = 0;
  if (kind == TokKind::kSInt && !s.empty() && s[0] == '-') n = 1;
  n += digit_run(s, n);
  if ((kind == TokKind::kDur || kind == TokKind::kSecs) && n < s.size() && s[n] == '.') {
    n += 1 + digit_run(s, n + 1);
  }
  NumMatch m;
  for (size_t len = n; len > 0; --len) {
    int64_t v = 0;
    if (valid_number(kind, s.substr(0, len), &v)) {
      m.len = len;
      m.value = v;
      return m;
    }
  }
  return m;
}

}  // namespace gcsight
