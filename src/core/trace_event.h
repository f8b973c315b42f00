// The records the trace parser produces: one per runtime line, in integer
// bytes and nanoseconds. The runtime prints MB (MiB, truncated), KiB and
// milliseconds with about two significant digits; conversion happens once, at
// the parse boundary, and the records stay compact because a large log holds
// millions of them.
#pragma once

#include <cstdint>
#include <string_view>

namespace gcsight {

/// Which shape of gc line the runtime printed; tells the Go release range.
enum class GcShape : uint8_t {
  kLegacy14,   ///< Go <= 1.4 `gc6(5): a+b+c+d us, x -> y MB, ...`
  kGo15,       ///< Go 1.5: five clock and seven cpu values
  kGo16,       ///< Go 1.6-1.17: three clock, five cpu values
  kGo118,      ///< Go 1.18+: adds `# MB stacks, # MB globals`
};

/// Flags on a gc cycle.
enum GcFlag : uint8_t {
  kGcUserForced = 1u << 0,   ///< line ended in ` (forced)`
  kGcPeriodic = 1u << 1,     ///< preceded by a bare `GC forced` line (set by the run builder)
  kGcLeakCheck = 1u << 2,    ///< ` (checking for goroutine leaks)` (Go 1.26)
  kGcStitched = 1u << 3,     ///< re-assembled from pieces split by program output
  kGcHasTime = 1u << 4,      ///< the `@` offset is known (not on the 1.4 line)
};

/// One completed GC cycle, as printed on a `gc N ...` line.
struct GcCycle {
  uint64_t line = 0;        ///< 1-based physical line where the gc line starts
  int64_t start_ns = 0;     ///< `@` offset: cycle start since runtime init
  uint64_t clock_ns[3] = {};  ///< STW sweep termination, concurrent mark, STW mark termination
  uint64_t cpu_ns[5] = {};    ///< sweep-term, assist, background, idle, mark-term CPU
  uint64_t heap_start = 0;  ///< heap at cycle start (H0), bytes
  uint64_t heap_end = 0;    ///< heap when marking ended (H1), bytes
  uint64_t heap_live = 0;   ///< live heap marked (H2), bytes
  uint64_t goal = 0;        ///< heap goal of this cycle, bytes
  uint64_t stacks = 0;      ///< scannable stacks, bytes (1.18+)
  uint64_t globals = 0;     ///< scannable globals, bytes (1.18+)
  int64_t wall_ns = 0;      ///< wall-clock time of the line from a log wrapper, 0 if none
  int64_t util_pct = 0;     ///< cumulative GC CPU percent as printed
  uint32_t gc = 0;          ///< cycle number printed
  int32_t procs = 0;        ///< GOMAXPROCS (`# P`)
  GcShape shape = GcShape::kGo118;
  uint8_t flags = 0;

  /// Stop-the-world pause: sweep termination + mark termination wall time.
  [[nodiscard]] uint64_t stw_ns() const { return clock_ns[0] + clock_ns[2]; }
  [[nodiscard]] bool has(GcFlag f) const { return (flags & f) != 0; }
  /// Go 1.5-1.8 print ` (forced)` for a stop-the-world cycle: its concurrent
  /// phases are 0 and its assist, background and idle CPU are stale copies of
  /// the previous cycle's (golang/go#15068), so those three count for nothing.
  /// (From 1.9 ` (forced)` is a concurrent user-forced cycle with a mark time.)
  [[nodiscard]] bool stale_mark_cpu() const {
    return has(kGcUserForced) && clock_ns[1] == 0 && (shape == GcShape::kGo15 || shape == GcShape::kGo16);
  }
  /// cpu_ns[i], or 0 for the mark CPU of a stale_mark_cpu() cycle.
  [[nodiscard]] uint64_t counted_cpu_ns(size_t i) const {
    return (i >= 1 && i <= 3 && stale_mark_cpu()) ? 0 : cpu_ns[i];
  }
};
static_assert(sizeof(GcCycle) <= 160, "GcCycle is stored per cycle; keep it compact");

/// Which scavenger line shape was printed.
enum class ScavShape : uint8_t {
  kScvgReleased,  ///< `scvgN: # MB released` (<=1.12; 1.13 `scvg:` / `forced scvg:`)
  kScvgState,     ///< `scvgN: inuse: #, idle: #, sys: #, released: #, consumed: # (MB)`
  kScav114,       ///< `scav # KiB work, # KiB total, #% util` (1.14, 1.19-1.20)
  kScav115,       ///< `scav GEN # KiB work, # KiB total, #% util` (1.15-1.18)
  kScav121,       ///< `scav # KiB work (bg), # KiB work (eager), # KiB now, #% util` (1.21+)
};

/// Flags on a scavenger line.
enum ScavFlag : uint8_t {
  kScavForced = 1u << 0,           ///< ` (forced)` or `forced scvg:` (debug.FreeOSMemory)
  kScavControllerReset = 1u << 1,  ///< ` [controller reset]`
  kScavNumbered = 1u << 2,         ///< `scvgN:` carries a counter (<=1.12)
  kScavStitched = 1u << 3,         ///< re-assembled from split pieces
};

/// One scavenger line. Fields a shape does not print stay zero.
struct ScavEvent {
  uint64_t line = 0;             ///< 1-based physical line
  int64_t wall_ns = 0;           ///< wall clock from a log wrapper, 0 if none
  uint64_t work_bytes = 0;       ///< released since the previous line (bg for 1.21+); scvg: MB released
  uint64_t eager_bytes = 0;      ///< 1.21+: released eagerly since the previous line
  uint64_t released_bytes = 0;   ///< current total released to the OS (`KiB total`/`KiB now`/scvg `released`)
  uint64_t inuse_bytes = 0;      ///< scvg state: inuse
  uint64_t idle_bytes = 0;       ///< scvg state: idle
  uint64_t sys_bytes = 0;        ///< scvg state: sys
  uint64_t consumed_bytes = 0;   ///< scvg state: consumed (sys - released)
  int64_t counter = 0;           ///< scvgN's N (-1 for FreeOSMemory) or scav generation
  int64_t util_pct = 0;          ///< scav: util %
  ScavShape shape = ScavShape::kScav121;
  uint8_t flags = 0;

  [[nodiscard]] bool has(ScavFlag f) const { return (flags & f) != 0; }
};

}  // namespace gcsight
