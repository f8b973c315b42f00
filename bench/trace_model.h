// Synthetic Go GC traces for benchmarks and tests: a small model of a Go heap
// (regimes, GOGC pacing, forced and periodic cycles, the scavenger) printed
// with the runtime's own number formatting, mixed with application log lines,
// plus an exact account (GenTruth) of what was written. Deterministic: the
// same options give the same bytes on every platform and library version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gcsight::tracegen {

/// Which runtime release the generated lines imitate.
enum class TraceFormat : uint8_t {
  kModern,  ///< Go 1.21+: stacks/globals on gc lines; `scav # KiB work (bg), ... KiB now`
  kGo119,   ///< Go 1.19-1.20: gc lines as modern; `scav # KiB work, # KiB total, #% util`
  kLegacy,  ///< Go 1.9-1.12: 3 clock / 5 cpu values, no stacks/globals; `scvgK:` lines
  kGo15,    ///< Go 1.5: 5 clock / 7 cpu values, STW `(forced)` cycles; `scvgK:` lines
};

/// The name used on the command line (`modern`, `go1.19`, `legacy`, `go1.5`).
[[nodiscard]] std::string_view format_name(TraceFormat f);
/// Parses a format name; nullopt for an unknown one.
[[nodiscard]] std::optional<TraceFormat> parse_format(std::string_view name);

/// What to generate.
struct GenOptions {
  uint64_t size_bytes = 1u << 20;  ///< stop at the first cycle end at or past this size
  TraceFormat format = TraceFormat::kModern;
  uint64_t seed = 1;
  double app_ratio = 0.10;          ///< share of lines that are application output, [0, 0.95]
  double midline_rate = 0.0005;     ///< probability that a gc line is split by app output
  int32_t procs = 8;                ///< GOMAXPROCS, printed as `# P`
  int32_t gogc = 100;               ///< GOGC used by the pacing model (>= 0)
  double growth_mib_per_min = 0.0;  ///< steady live-heap growth (a leak); 0 = none
  size_t chunk_bytes = 1u << 20;    ///< streaming: hand output to the sink in chunks this big
};

/// Live heap (printed `H2 MB` << 20) over the whole trace.
struct LiveHeapRange {
  uint64_t min = 0;
  uint64_t max = 0;
  uint64_t last = 0;
};

/// Exactly what was generated, in the terms a parser can recover from the text.
struct GenTruth {
  uint64_t cycles = 0;                    ///< gc lines (whole or split)
  uint64_t first_gc = 0;                  ///< number on the first gc line (1)
  uint64_t last_gc = 0;                   ///< number on the last gc line
  uint64_t user_forced_cycles = 0;        ///< gc lines ending in ` (forced)`
  uint64_t periodic_gc_forced_lines = 0;  ///< bare `GC forced` lines
  uint64_t scav_lines = 0;                ///< `scav ...` or `scvgK: ...` lines
  uint64_t app_lines = 0;                 ///< application lines, including those inside gc lines
  uint64_t split_gc_lines = 0;            ///< gc lines with application output inside them
  uint64_t stw_pause_ns_total = 0;        ///< sum of printed sweep-term + mark-term clock, in ns
  LiveHeapRange live_heap_bytes;
  uint64_t bytes = 0;  ///< total size of the output
};

/// Empty when the options are usable, otherwise what is wrong with them.
[[nodiscard]] std::string validate_options(const GenOptions& opts);

/// Receives the output in order, in chunks of about GenOptions::chunk_bytes.
/// Returns false to abandon generation (for example on a write error).
using ChunkSink = std::function<bool(std::string_view chunk)>;

/// Streams a trace into `sink`. Returns nullopt if the sink returned false.
/// Throws std::invalid_argument if validate_options() rejects `opts`.
[[nodiscard]] std::optional<GenTruth> generate_trace_to(const GenOptions& opts,
                                                        const ChunkSink& sink);

/// Appends a whole trace to `out` (for small sizes: tests, fuzz seeds).
/// Throws std::invalid_argument if validate_options() rejects `opts`.
GenTruth generate_trace(const GenOptions& opts, std::string& out);

/// The truth as one line of JSON with the keys named as in GenTruth.
[[nodiscard]] std::string truth_to_json(const GenTruth& truth);

/// Longest text put_ns_as_ms() writes (a uint64 of whole milliseconds).
inline constexpr size_t kMaxNsAsMsLen = 20;

/// Writes `ns` as runtime.fmtNSAsMS does (about two significant digits,
/// truncated: 999 -> "0", 1000 -> "0.001", 100000 -> "0.10", 9999999 -> "9.9",
/// 10000000 -> "10"); returns the end of the text. No terminating NUL.
char* put_ns_as_ms(char* p, uint64_t ns);

/// fmtNSAsMS as a string.
[[nodiscard]] std::string fmt_ns_as_ms(uint64_t ns);

/// The nanoseconds a parser reads back from fmt_ns_as_ms(ns).
[[nodiscard]] uint64_t printed_ms_as_ns(uint64_t ns);

}  // namespace gcsight::tracegen
