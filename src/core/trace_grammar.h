// The grammar of every runtime line gcsight reads, as token sequences that
// mirror the runtime's own print arguments. The runtime writes each argument
// of a print() call with a separate write(2), so a program's output can only
// land *between* tokens, never inside one; the line stitcher relies on this to
// re-assemble split lines. The fast full-line parser uses the same tables.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace gcsight {

/// Token kinds of the runtime's trace grammar.
enum class TokKind : uint8_t {
  kLit,    ///< fixed text printed as one string
  kOptLit, ///< optional fixed text; sets its field to 1 when present
  kUInt,   ///< unsigned decimal integer, no leading zeros
  kSInt,   ///< signed decimal integer (`#%` util, scvg counter)
  kDur,    ///< duration in ms as fmtNSAsMS prints it; stored in ns
  kSecs,   ///< `@` seconds with exactly three decimals; stored in ns
  kRest,   ///< anything up to the end of the line (legacy tails); never split
};

/// One token: its kind, literal text, and the value slot it fills.
struct Token {
  TokKind kind;
  std::string_view text;  ///< literal for kLit/kOptLit
  uint8_t field;          ///< value slot for numbers and optional literals
};

/// Which record a shape produces.
enum class ShapeKind : uint8_t { kGc, kGcLegacy, kScav, kScvg };

/// Value slots. Gc shapes and scavenger shapes use their own slots.
enum Field : uint8_t {
  fGc = 0, fSecs, fUtil, fLeak, fC1, fC2, fC3, fC4, fC5,
  fP1, fP2, fP3, fP4, fP5, fP6, fP7,
  fH0, fH1, fH2, fGoal, fStacks, fGlobals, fProcs, fForced,
  fWork, fEager, fTotal, fGen, fReset, fInuse, fIdle, fSys, fReleased, fConsumed, fScvgK,
  fNone,
  kFieldCount
};

/// A complete line shape: a named token sequence.
struct Shape {
  std::string_view name;
  ShapeKind kind;
  std::span<const Token> tokens;
};

/// All shapes, most common first. Shapes sharing a head literal are adjacent.
std::span<const Shape> all_shapes();

/// Parsed numeric values of a match, indexed by Field.
struct FieldValues {
  std::array<int64_t, kFieldCount> v{};
  uint64_t present = 0;  ///< bit per Field
  void set(uint8_t f, int64_t x) { v[f] = x; present |= uint64_t{1} << f; }
  [[nodiscard]] bool has(uint8_t f) const { return (present >> f) & 1u; }
};

/// Result of matching a number-like token at the start of `s`.
struct NumMatch {
  size_t len = 0;    ///< characters consumed; 0 = no match
  int64_t value = 0;
};

/// Matches the longest valid token of `kind` at the start of `s` (numbers only).
NumMatch match_number(TokKind kind, std::string_view s);

/// Whether the values of a complete match fit the runtime's types: the cycle
/// number is a uint32, GOMAXPROCS an int32, and Go 1.5's phase sums fit 64 bits.
bool values_fit(const Shape& shape, const FieldValues& v);
/// The part of values_fit that is about one value alone: `x` of field `f` fits
/// what gcsight keeps it in (sizes in bytes within 64 bits, the cycle number in
/// 32 bits, GOMAXPROCS in an int32). The stitcher checks each value as it reads it.
bool value_fits(Field f, int64_t x);

/// Whether `s` (complete) is a valid spelling of a `kind` number.
bool valid_number(TokKind kind, std::string_view s, int64_t* value);

}  // namespace gcsight
