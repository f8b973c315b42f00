// The synthetic trace model behind gcsight-gentrace and the in-process trace
// generator used by tests.
//
// A Go program is modelled as a sequence of heap "regimes" (small service,
// medium, big heap), each with a live-heap target, an allocation rate and fixed
// scannable stacks/globals. The live heap is a mean-reverting random walk
// towards the target (plus a steady drift when --growth-mib-per-min asks for a
// leak). Each GC cycle is paced like the runtime does it: the heap goal is
// live + (live + stacks + globals) * GOGC/100 (Go 1.18+; heap only before), with
// a floor of 4 MiB * GOGC/100, the cycle triggers part of the way towards the
// goal, and the time to the trigger follows from the allocation rate. Cycles
// are occasionally user-forced (runtime.GC, debug.FreeOSMemory) or periodic
// (2 minutes idle, announced by a bare `GC forced` line). The scavenger
// releases retained memory above the goal; its lines follow the shape of the
// release imitated (Go 1.21+ `scav` bg/eager/now, Go 1.19 `scav` work/total, or
// the sysmon `scvgK:` lines of Go <= 1.12).
//
// Everything is printed with the runtime's own formatting: fmtNSAsMS for
// durations (truncated to about two significant digits), itoaDiv(ms, 3) for
// `@`, bytes >> 20 for MB and >> 10 for KiB. The runtime writes each print
// argument with its own write(2), so application output can land between any
// two arguments of a gc line; the gc line is therefore built as a list of
// pieces, and a rare split puts one or two whole application lines at piece
// boundaries.
//
// Determinism: one xoshiro256** stream per concern (model, application text,
// interleaving), seeded by splitmix64, and no std:: distributions or libm
// transcendental functions (exp/log are computed here from + - * / only, and
// the target builds with -ffp-contract=off), so the bytes do not depend on the
// C++ library, libm version or CPU.
//
// Speed: lines are formatted by hand into one buffer that is handed to the
// sink in chunks; nothing is allocated per line.

#include "trace_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace gcsight::tracegen {

namespace {

constexpr double kKiB = 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr int64_t kMsNs = 1'000'000;
constexpr int64_t kSecNs = 1'000'000'000;
/// 2024-03-01T12:00:00Z: the wall clock of the program's start, for app lines.
constexpr int64_t kWall0 = 1'709'294'400;
/// forcegcperiod: sysmon starts a GC when none ran for two minutes.
constexpr double kForceGcPeriodNs = 120e9;
/// A leak (--growth-mib-per-min) stops growing here, so that long traces stay
/// within sane numbers (time, too, would otherwise run away: the bigger the
/// heap, the rarer the cycles).
constexpr double kMaxLeak = 64.0 * 1024 * kMiB;

// ---------------------------------------------------------------- numbers

// Pairs of decimal digits for two-at-a-time integer formatting.
constexpr char kDigits2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

unsigned digits10(uint64_t v) {
  unsigned n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

char* put_u64(char* p, uint64_t v) {
  if (v < 10) {
    *p = static_cast<char>('0' + v);
    return p + 1;
  }
  char* const end = p + digits10(v);
  char* t = end;
  while (v >= 100) {
    t -= 2;
    std::memcpy(t, kDigits2 + (v % 100) * 2, 2);
    v /= 100;
  }
  if (v >= 10) {
    std::memcpy(t - 2, kDigits2 + v * 2, 2);
  } else {
    t[-1] = static_cast<char>('0' + v);
  }
  return end;
}

char* put_i64(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return put_u64(p, 0 - static_cast<uint64_t>(v));
  }
  return put_u64(p, static_cast<uint64_t>(v));
}

// Exactly two digits, for dates and the like.
char* put_2d(char* p, uint64_t v) {
  std::memcpy(p, kDigits2 + (v % 100) * 2, 2);
  return p + 2;
}

// String literal of known length: a fixed-size memcpy the compiler inlines.
template <size_t N>
char* put(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// runtime.itoaDiv(ms, 3): seconds with exactly three decimals.
char* put_ms_as_secs(char* p, uint64_t ms) {
  p = put_u64(p, ms / 1000);
  *p++ = '.';
  const uint64_t frac = ms % 1000;
  *p++ = static_cast<char>('0' + frac / 100);
  return put_2d(p, frac % 100);
}

uint64_t to_u64(double v) { return v <= 0.0 ? 0 : static_cast<uint64_t>(v); }
uint64_t mb(double bytes) { return to_u64(bytes) >> 20; }
uint64_t kib(double bytes) { return to_u64(bytes) >> 10; }
// Scavenged amounts are whole runtime pages (8 KiB).
double page_floor(double bytes) {
  return bytes <= 0.0 ? 0.0 : static_cast<double>(to_u64(bytes) / 8192 * 8192);
}

// ---------------------------------------------------------------- exp / log

// exp and log from + - * / only, so results do not depend on the libm in use.
double det_exp(double x) {
  constexpr double kInvLn2 = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  x = std::clamp(x, -700.0, 700.0);
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= ln2/2
  // Taylor polynomial of degree 9 (relative error < 1e-11, far below what the
  // printed two significant digits can show), evaluated in Estrin's scheme
  // because a Horner chain's latency dominated the whole generator.
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double p01 = 1.0 + r;
  const double p23 = 1.0 / 2 + r * (1.0 / 6);
  const double p45 = 1.0 / 24 + r * (1.0 / 120);
  const double p67 = 1.0 / 720 + r * (1.0 / 5040);
  const double p89 = 1.0 / 40320 + r * (1.0 / 362880);
  const double sum = (p01 + r2 * p23) + r4 * ((p45 + r2 * p67) + r4 * p89);
  // sum * 2^k, with 2^k built from its bits (k is within the normal range).
  const auto biased = static_cast<uint64_t>(static_cast<int64_t>(k) + 1023);
  return sum * std::bit_cast<double>(biased << 52);
}

double det_log(double x) {
  constexpr double kLn2 = 0.69314718055994530942;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  const double s = (m - 1.0) / (m + 1.0);  // |s| < 0.172
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int i = 1; i <= 27; i += 2) {
    sum += term / i;
    term *= s2;
  }
  return 2.0 * sum + e * kLn2;
}

// ---------------------------------------------------------------- random

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** with the few distributions the model needs.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// [0, n) for n < 2^32.
  uint64_t below(uint64_t n) { return ((next() >> 32) * n) >> 32; }
  bool chance(double p) { return uniform() < p; }
  /// Approximately standard normal (Irwin-Hall of four uniforms, |z| < 3.47).
  double normal() {
    constexpr double kSqrt3 = 1.7320508075688772;
    return (uniform() + uniform() + uniform() + uniform() - 2.0) * kSqrt3;
  }
  double lognormal(double median, double sigma) { return median * det_exp(sigma * normal()); }
  double exponential(double mean) { return -mean * det_log(1.0 - uniform()); }

  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4] = {};
};

// ---------------------------------------------------------------- app lines

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

constexpr std::string_view kPaths[] = {"/api/v1/items",  "/api/v1/users", "/healthz",
                                       "/api/v1/orders", "/metrics",      "/api/v2/search",
                                       "/login",         "/static/app.js"};
constexpr std::string_view kMsgs[] = {
    "request served",         "cache miss", "flushing batch",    "connection accepted",
    "retrying upstream call", "slow query", "rotating log file", "checkpoint written"};
constexpr std::string_view kLevels[] = {"INFO", "INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
constexpr std::string_view kLevelsLower[] = {"info",  "info", "info", "info",
                                             "debug", "warn", "error"};
constexpr uint64_t kErrorStatus[] = {500, 404, 503, 429};

/// Longest line AppLog::write() produces.
constexpr size_t kMaxAppLine = 256;

// The program's own output, in the styles Go services commonly use: the log
// package with default flags, a leveled key=value access log on top of it, a
// JSON logger, a logfmt logger, and plain prints. None of them starts like a
// runtime line.
class AppLog {
 public:
  explicit AppLog(uint64_t seed) : rng_(seed) {}

  /// Writes one line stamped at `t_ns` after program start; returns its end.
  char* write(char* p, int64_t t_ns) {
    stamp(t_ns / kSecNs);
    const auto msec = static_cast<uint64_t>((t_ns % kSecNs) / kMsNs);
    ++req_;
    const double style = rng_.uniform();
    if (style < 0.35) {  // log package, default flags
      p = put(p, std::string_view(date_, sizeof date_));
      *p++ = ' ';
      p = put(p, rng_.pick(kMsgs));
      p = put(p, " path=");
      p = put(p, rng_.pick(kPaths));
      p = put(p, " status=");
      p = put_u64(p, status());
      p = put(p, " dur=");
      p = put_u64(p, to_u64(rng_.exponential(12.0)));
      return put(p, "ms\n");
    }
    if (style < 0.50) {  // log package with a leveled access-log message
      p = put(p, std::string_view(date_, sizeof date_));
      p = put(p, " INFO worker=");
      p = put_u64(p, rng_.below(64));
      p = put(p, " req=");
      p = put_u64(p, req_);
      p = put(p, " path=");
      p = put(p, rng_.pick(kPaths));
      p = put(p, " status=");
      p = put_u64(p, status());
      p = put(p, " dur=");
      p = put_u64(p, to_u64(rng_.lognormal(15.0, 1.2)));
      return put(p, "us\n");
    }
    if (style < 0.75) {  // JSON logger
      p = put(p, "{\"level\":\"");
      p = put(p, rng_.pick(kLevelsLower));
      p = put(p, "\",\"ts\":\"");
      p = put_iso(p, msec);
      p = put(p, "\",\"msg\":\"");
      p = put(p, rng_.pick(kMsgs));
      p = put(p, "\",\"req\":");
      p = put_u64(p, req_);
      p = put(p, ",\"bytes\":");
      p = put_u64(p, to_u64(rng_.lognormal(3000.0, 1.5)));
      return put(p, "}\n");
    }
    if (style < 0.93) {  // logfmt
      p = put(p, "time=");
      p = put_iso(p, msec);
      p = put(p, " level=");
      p = put(p, rng_.pick(kLevels));
      p = put(p, " msg=\"");
      p = put(p, rng_.pick(kMsgs));
      p = put(p, "\" worker=");
      p = put_u64(p, rng_.below(64));
      *p++ = '\n';
      return p;
    }
    p = put(p, "processed ");  // plain fmt.Println
    p = put_u64(p, 1 + rng_.below(99999));
    p = put(p, " records in ");
    const uint64_t tenths = rng_.below(50);
    p = put_u64(p, tenths / 10);
    *p++ = '.';
    *p++ = static_cast<char>('0' + tenths % 10);
    return put(p, "s\n");
  }

 private:
  uint64_t status() { return rng_.chance(0.95) ? 200 : rng_.pick(kErrorStatus); }

  char* put_iso(char* p, uint64_t msec) {
    p = put(p, std::string_view(iso_, sizeof iso_));
    *p++ = '.';
    *p++ = static_cast<char>('0' + msec / 100);
    p = put_2d(p, msec % 100);
    *p++ = 'Z';
    return p;
  }

  // Formats the two date styles once per second of trace time.
  void stamp(int64_t sec) {
    if (sec == sec_) return;
    sec_ = sec;
    const int64_t epoch = kWall0 + sec;
    int64_t y = 0;
    unsigned mo = 0;
    unsigned d = 0;
    civil_from_days(epoch / 86400, y, mo, d);
    const auto sod = static_cast<uint64_t>(epoch % 86400);
    const auto year = static_cast<uint64_t>(y);
    // "2024/03/01 12:00:00" and "2024-03-01T12:00:00"
    for (char* s : {date_, iso_}) {
      const bool iso = s == iso_;
      char* q = put_2d(put_2d(s, year / 100), year % 100);
      *q++ = iso ? '-' : '/';
      q = put_2d(q, mo);
      *q++ = iso ? '-' : '/';
      q = put_2d(q, d);
      *q++ = iso ? 'T' : ' ';
      q = put_2d(q, sod / 3600);
      *q++ = ':';
      q = put_2d(q, sod / 60 % 60);
      *q++ = ':';
      put_2d(q, sod % 60);
    }
  }

  Rng rng_;
  uint64_t req_ = 0;
  int64_t sec_ = -1;
  char date_[19] = {};
  char iso_[19] = {};
};

// ---------------------------------------------------------------- gc line

// A gc line built from the runtime's print arguments, remembering where each
// argument ends: those are the places other output can land.
class PieceLine {
 public:
  template <size_t N>
  void lit(const char (&s)[N]) {
    p_ = put(p_, s);
    cut();
  }
  void num(uint64_t v) {
    p_ = put_u64(p_, v);
    cut();
  }
  void snum(int64_t v) {
    p_ = put_i64(p_, v);
    cut();
  }
  void ms(uint64_t ns) {
    p_ = put_ns_as_ms(p_, ns);
    cut();
  }
  void secs(uint64_t ms) {
    p_ = put_ms_as_secs(p_, ms);
    cut();
  }

  [[nodiscard]] const char* data() const { return buf_; }
  [[nodiscard]] size_t size() const { return static_cast<size_t>(p_ - buf_); }
  /// Offsets where a print argument ends, excluding the end of the line.
  [[nodiscard]] size_t boundaries() const { return ncut_ - 1; }
  [[nodiscard]] size_t boundary(size_t i) const { return cuts_[i]; }

 private:
  void cut() { cuts_[ncut_++] = static_cast<uint16_t>(p_ - buf_); }

  char buf_[1024];
  char* p_ = buf_;
  uint16_t cuts_[64];  // filled as arguments are written
  size_t ncut_ = 0;
};

/// Longest gc line: 47 arguments, numbers of at most 20 digits.
constexpr size_t kMaxGcLine = 1024;

// ---------------------------------------------------------------- model

struct Regime {
  double target = 0;  // live heap the program tends to, bytes
  double rate = 0;    // allocation rate, bytes/s
  double stacks = 0;  // scannable stacks, bytes
  double globals = 0;
  int64_t cycles_left = 0;
};

// One cycle's phase times, ns (go1.5 uses all five clock values).
struct Phases {
  double clock[5] = {};
  double cpu[7] = {};
  int nclock = 3;
  int ncpu = 5;
};

class Generator {
 public:
  Generator(const GenOptions& opts, const ChunkSink& sink)
      : o_(opts),
        sink_(sink),
        model_(opts.seed),
        mix_(opts.seed ^ 0x5bd1e9955bd1e995ULL),
        app_(opts.seed + 1),
        modern_shape_(opts.format == TraceFormat::kModern || opts.format == TraceFormat::kGo119),
        buf_(opts.chunk_bytes + kSlack) {
    const double per_line = o_.app_ratio / (1.0 - o_.app_ratio);
    app_whole_ = static_cast<uint64_t>(per_line);
    app_frac_ = per_line - static_cast<double>(app_whole_);
    heap_min_ = 4.0 * kMiB * o_.gogc / 100.0;
    new_regime();
  }

  std::optional<GenTruth> run() {
    start_of_trace();
    // At least one cycle, however small the size asked for.
    do {
      cycle();
    } while (!failed_ && flushed_ + len_ < o_.size_bytes);
    if (!failed_ && len_ > 0) flush();
    if (failed_) return std::nullopt;
    truth_.bytes = flushed_;
    return truth_;
  }

 private:
  // Room past chunk_bytes: any one line (a split gc line is the longest) fits.
  static constexpr size_t kSlack = 64 * 1024;
  static_assert(kMaxGcLine + 2 * kMaxAppLine < kSlack);

  // ------------------------------------------------------------ output
  char* reserve() { return buf_.data() + len_; }
  void commit(char* end) {
    len_ = static_cast<size_t>(end - buf_.data());
    if (len_ >= o_.chunk_bytes) flush();
  }
  void flush() {
    if (!sink_(std::string_view(buf_.data(), len_))) failed_ = true;
    flushed_ += len_;
    len_ = 0;
  }

  // Application lines after a runtime line, so that they make up app_ratio
  // of all lines.
  void app_lines_after() {
    uint64_t n = app_whole_ + (mix_.chance(app_frac_) ? 1 : 0);
    for (; n > 0; --n) {
      commit(app_.write(reserve(), t_ns_));
      ++truth_.app_lines;
    }
  }

  void runtime_line_done(char* end) {
    commit(end);
    app_lines_after();
  }

  // ------------------------------------------------------------ model
  void new_regime() {
    Regime r;
    const double kind = model_.uniform();
    if (kind < 0.5) {  // small service
      r.target = model_.uniform(4, 60) * kMiB;
      r.rate = model_.uniform(20, 400) * kMiB;
    } else if (kind < 0.85) {  // medium
      r.target = model_.uniform(60, 600) * kMiB;
      r.rate = model_.uniform(100, 1500) * kMiB;
    } else {  // big heap
      r.target = model_.uniform(600, 6000) * kMiB;
      r.rate = model_.uniform(300, 3000) * kMiB;
    }
    static constexpr double kStacksMiB[] = {0, 0, 0, 1, 1, 2, 4, 12, 48, 125};
    static constexpr double kGlobalsMiB[] = {0, 0, 0, 0, 1, 2, 8, 64};
    r.stacks = model_.pick(kStacksMiB) * kMiB + model_.uniform(0, 0.9) * kMiB;
    r.globals = model_.pick(kGlobalsMiB) * kMiB + model_.uniform(0, 0.9) * kMiB;
    r.cycles_left = static_cast<int64_t>(model_.exponential(3000.0)) + 50;
    // A leaking program keeps its base heap size: the leak, not a regime
    // change, moves the live heap.
    if (o_.growth_mib_per_min > 0 && regime_.target > 0) r.target = regime_.target;
    regime_ = r;
  }

  void start_of_trace() {
    // A program usually logs something before its first GC, and from Go 1.19
    // a scav line can come before `gc 1`.
    if (o_.app_ratio > 0) {
      commit(app_.write(reserve(), t_ns_));
      ++truth_.app_lines;
    }
    if (modern_shape_ && mix_.chance(0.5)) {
      released_ = 600 * kKiB;
      runtime_line_done(put_scav(reserve(), 0, 0, 99, false, false));
    }
  }

  void cycle() {
    if (regime_.cycles_left-- <= 0) new_regime();
    const TraceFormat fmt = o_.format;
    const int32_t procs = o_.procs;
    const double P = procs;

    const double kind = model_.uniform();
    bool periodic = kind < 0.002 && n_ > 0;
    bool user_forced = kind >= 0.002 && kind < 0.012;
    bool free_os = kind >= 0.012 && kind < 0.014;

    // ---- pacing
    const double live = live_;
    const double leak =
        std::min(kMaxLeak, o_.growth_mib_per_min * kMiB * static_cast<double>(t_ns_) / 60e9);
    const double target = regime_.target + leak;
    const double extra = modern_shape_ ? regime_.stacks + regime_.globals : 0.0;
    const double goal = std::max(heap_min_, live + (live + extra) * o_.gogc / 100.0);
    double heap0 = 0;
    double gap_ns = 0;
    if (!periodic) {
      const double share = user_forced || free_os ? model_.uniform() : model_.uniform(0.7, 0.97);
      const double speed = user_forced || free_os ? 1.0 : model_.uniform(0.7, 1.3);
      heap0 = live + (goal - live) * share;
      gap_ns = (heap0 - live) / (regime_.rate * speed) * 1e9;
      if (user_forced || free_os) gap_ns += model_.uniform(0, 1e6);
      // Nothing triggers a GC for two minutes: the periodic GC comes first.
      if (gap_ns > kForceGcPeriodNs && n_ > 0) periodic = true;
    }
    if (periodic) {
      user_forced = free_os = false;
      gap_ns = kForceGcPeriodNs + model_.uniform(0, 100e6);
      // Mostly idle until then; a slow allocator has allocated a little.
      const double allocated = std::max(live * model_.uniform(0.0, 0.1),
                                        regime_.rate * gap_ns / 1e9 * model_.uniform(0.9, 1.0));
      heap0 = std::min(goal, live + allocated);
    }
    const bool forced = user_forced || free_os;
    // Go 1.5 ran forced cycles stop-the-world.
    const bool stw_forced = forced && fmt == TraceFormat::kGo15;
    t_ns_ += static_cast<int64_t>(std::max(gap_ns, 50e3));
    const int64_t t_start = t_ns_;

    // ---- phases
    const double stw1 = std::min(model_.lognormal(40e3, 0.9), 50e6);
    double mark =
        (150e3 + live / kMiB * 120e3 * model_.lognormal(1.0, 0.35)) / std::max(1.0, P / 4);
    if (forced) mark *= 0.8;
    double stw2 = std::min(model_.lognormal(60e3, 0.8), 50e6);
    if (model_.chance(0.01)) stw2 += model_.uniform(1e6, 30e6);  // a slow STW now and then
    const double assist = model_.chance(0.6) ? mark * P * model_.uniform(0, 0.25) : 0.0;
    const double bg = mark * P * 0.25 * model_.uniform(0.8, 1.2);
    const double idle = model_.chance(0.7) ? mark * P * model_.uniform(0, 0.6) : 0.0;
    double heap1 = heap0 + regime_.rate * mark / 1e9 * model_.uniform(0.5, 1.2);
    // New live heap: mean-reverting walk towards the regime target.
    double live2 = live + (target - live) * 0.05 + live * 0.03 * model_.normal();
    live2 = std::clamp(live2, 200 * kKiB, std::max(heap1, 200 * kKiB));

    Phases ph;
    double printed_goal = goal;
    // GC CPU of this cycle, idle marking excluded (as GCCPUFraction counts it).
    double gc_cpu_this = (stw1 + stw2) * P + assist + bg;
    if (fmt == TraceFormat::kGo15) {
      const double gcprocs = std::min(P, 32.0);
      ph.nclock = 5;
      ph.ncpu = 7;
      if (stw_forced) {
        // The whole collection ran with the world stopped: no concurrent
        // phases, no allocation during it, the goal is the start heap, and the
        // assist/background/idle CPU values are left over from the last cycle.
        const double term = stw2 + mark * model_.uniform(0.3, 0.6);
        ph.clock[0] = stw1;
        ph.clock[4] = term;
        ph.cpu[0] = stw1 * gcprocs;
        ph.cpu[3] = prev_assist_;
        ph.cpu[4] = prev_bg_;
        ph.cpu[5] = prev_idle_;
        ph.cpu[6] = term * gcprocs;
        heap1 = heap0;
        live2 = std::min(live2, heap1);
        printed_goal = heap0;
        gc_cpu_this = (stw1 + term) * gcprocs;
      } else {
        const double scan = mark * model_.uniform(0.1, 0.4);
        const double install_wb = std::min(model_.lognormal(8e3, 0.7), mark * 0.1);
        ph.clock[0] = stw1;
        ph.clock[1] = scan;
        ph.clock[2] = install_wb;
        ph.clock[3] = mark - scan - install_wb;
        ph.clock[4] = stw2;
        ph.cpu[0] = stw1 * gcprocs;
        ph.cpu[1] = scan;
        ph.cpu[2] = 0;
        ph.cpu[3] = assist;
        ph.cpu[4] = bg;
        ph.cpu[5] = idle;
        ph.cpu[6] = stw2 * gcprocs;
        prev_assist_ = assist;
        prev_bg_ = bg;
        prev_idle_ = idle;
        gc_cpu_this = (stw1 + stw2) * gcprocs + scan + assist + bg;
      }
    } else {
      ph.clock[0] = stw1;
      ph.clock[1] = mark;
      ph.clock[2] = stw2;
      ph.cpu[0] = stw1 * P;
      ph.cpu[1] = assist;
      ph.cpu[2] = bg;
      ph.cpu[3] = idle;
      ph.cpu[4] = stw2 * P;
    }

    gc_cpu_ns_ += gc_cpu_this;
    const double util =
        std::min(99.0, 100.0 * gc_cpu_ns_ / std::max(1.0, static_cast<double>(t_ns_) * P));

    ++n_;
    if (periodic) {
      runtime_line_done(put(reserve(), "GC forced\n"));
      ++truth_.periodic_gc_forced_lines;
    }

    // ---- the gc line, argument by argument
    PieceLine line;
    line.lit("gc ");
    line.num(n_);
    line.lit(" @");
    line.secs(static_cast<uint64_t>(t_start / kMsNs));
    line.lit("s ");
    line.snum(static_cast<int64_t>(util));
    line.lit("%: ");
    uint64_t clock_ns[5] = {};
    for (int i = 0; i < ph.nclock; ++i) {
      if (i != 0) line.lit("+");
      clock_ns[i] = to_u64(ph.clock[i]);
      line.ms(clock_ns[i]);
    }
    line.lit(" ms clock, ");
    for (int i = 0; i < ph.ncpu; ++i) {
      if (i == ph.ncpu - 3 || i == ph.ncpu - 2) {
        line.lit("/");
      } else if (i != 0) {
        line.lit("+");
      }
      line.ms(to_u64(ph.cpu[i]));
    }
    line.lit(" ms cpu, ");
    line.num(mb(heap0));
    line.lit("->");
    line.num(mb(heap1));
    line.lit("->");
    line.num(mb(live2));
    line.lit(" MB, ");
    line.num(mb(printed_goal));
    line.lit(" MB goal, ");
    if (modern_shape_) {
      line.num(mb(regime_.stacks));
      line.lit(" MB stacks, ");
      line.num(mb(regime_.globals));
      line.lit(" MB globals, ");
    }
    line.num(static_cast<uint64_t>(procs));
    line.lit(" P");
    if (forced) line.lit(" (forced)");
    line.lit("\n");
    emit_gc_line(line);

    // ---- truth
    ++truth_.cycles;
    if (truth_.first_gc == 0) truth_.first_gc = n_;
    truth_.last_gc = n_;
    if (forced) ++truth_.user_forced_cycles;
    truth_.stw_pause_ns_total +=
        printed_ms_as_ns(clock_ns[0]) + printed_ms_as_ns(clock_ns[ph.nclock - 1]);
    const uint64_t live_printed = mb(live2) << 20;
    auto& lh = truth_.live_heap_bytes;
    lh.min = truth_.cycles == 1 ? live_printed : std::min(lh.min, live_printed);
    lh.max = std::max(lh.max, live_printed);
    lh.last = live_printed;

    for (int i = 0; i < ph.nclock; ++i) t_ns_ += static_cast<int64_t>(ph.clock[i]);
    live_ = live2;
    scavenger(heap1, goal, live, live2, free_os);
  }

  // Writes the gc line, rarely with application output at argument boundaries.
  void emit_gc_line(const PieceLine& line) {
    char* p = reserve();
    if (o_.midline_rate <= 0 || !mix_.chance(o_.midline_rate)) {
      std::memcpy(p, line.data(), line.size());
      runtime_line_done(p + line.size());
      return;
    }
    // One app line at one boundary (most often), two app lines at two
    // boundaries, or two whole app lines back to back at one boundary.
    const size_t nb = line.boundaries();
    size_t at[2] = {line.boundary(mix_.below(nb)), 0};
    size_t lines_at[2] = {1, 0};
    const double variant = mix_.uniform();
    if (variant >= 0.9) {
      lines_at[0] = 2;
    } else if (variant >= 0.8 && nb > 1) {
      // Two distinct boundaries, in order.
      size_t i = mix_.below(nb);
      size_t j = mix_.below(nb - 1);
      if (j >= i) ++j;
      if (j < i) std::swap(i, j);
      at[0] = line.boundary(i);
      at[1] = line.boundary(j);
      lines_at[1] = 1;
    }
    size_t from = 0;
    for (int i = 0; i < 2; ++i) {
      if (lines_at[i] == 0) continue;
      std::memcpy(p, line.data() + from, at[i] - from);
      p += at[i] - from;
      from = at[i];
      for (size_t k = 0; k < lines_at[i]; ++k) {
        p = app_.write(p, t_ns_);
        ++truth_.app_lines;
      }
    }
    std::memcpy(p, line.data() + from, line.size() - from);
    ++truth_.split_gc_lines;
    runtime_line_done(p + line.size() - from);
  }

  // ------------------------------------------------------------ scavenger
  void scavenger(double heap1, double goal, double live, double live2, bool free_os) {
    heap_sys_ = std::max(heap_sys_, page_floor(heap1 * 1.05 + 2 * kMiB));
    const double inuse = std::min(heap_sys_, live2 * 1.1 + kMiB);
    // Growth reuses released pages before asking the OS for more.
    const double reuse = std::max(0.0, heap1 - live) * model_.uniform(0, 0.3);
    released_ = page_floor(std::min(released_ - reuse, heap_sys_ - inuse));

    if (!modern_shape_) {
      scvg(inuse, free_os);
      return;
    }
    const double want = goal * 1.1 + 2 * kMiB;
    const double retained = heap_sys_ - released_;
    if (retained > want) {
      const double work = page_floor(std::min(retained - want, model_.uniform(0, 64) * kMiB));
      released_ += work;
      pending_bg_ += work;
    }
    if (model_.chance(0.02)) {  // allocation-path (eager) scavenging
      const double eager =
          page_floor(std::min(model_.uniform(0, 8) * kMiB, heap_sys_ - inuse - released_));
      released_ += eager;
      pending_eager_ += eager;
    }
    if (model_.chance(0.9)) {
      const bool reset = mix_.chance(0.001);
      runtime_line_done(
          put_scav(reserve(), pending_bg_, pending_eager_, scav_util(inuse), false, reset));
      pending_bg_ = pending_eager_ = 0;
    }
    if (free_os) {
      // debug.FreeOSMemory: everything not in use goes back, reported as eager.
      const double all = page_floor(heap_sys_ - inuse);
      const double eager = std::max(0.0, all - released_);
      released_ = std::max(released_, all);
      runtime_line_done(put_scav(reserve(), 0, eager, scav_util(inuse), true, false));
    }
  }

  int64_t scav_util(double inuse) const {
    const double retained = std::max(1.0, heap_sys_ - released_);
    return std::clamp(static_cast<int64_t>(100.0 * inuse / retained), int64_t{0}, int64_t{100});
  }

  char* put_scav(char* p, double bg, double eager, int64_t util_pct, bool forced, bool reset) {
    ++truth_.scav_lines;
    p = put(p, "scav ");
    if (o_.format == TraceFormat::kGo119) {
      p = put_u64(p, kib(bg + eager));
      p = put(p, " KiB work, ");
      p = put_u64(p, kib(released_));
      p = put(p, " KiB total, ");
    } else {
      p = put_u64(p, kib(bg));
      p = put(p, " KiB work (bg), ");
      p = put_u64(p, kib(eager));
      p = put(p, " KiB work (eager), ");
      p = put_u64(p, kib(released_));
      p = put(p, " KiB now, ");
    }
    p = put_i64(p, util_pct);
    p = put(p, "% util");
    if (forced) {
      p = put(p, " (forced)");
    } else if (reset) {
      p = put(p, " [controller reset]");
    }
    *p++ = '\n';
    return p;
  }

  // Go <= 1.12: sysmon scavenges every 2.5 minutes; FreeOSMemory as scvg-1.
  void scvg(double inuse, bool free_os) {
    if (free_os) {
      const double rel = page_floor(heap_sys_ - inuse - released_);
      released_ += rel;
      scvg_lines(-1, rel, inuse);
    }
    if (t_ns_ >= next_scvg_ns_) {
      next_scvg_ns_ = t_ns_ + 150 * kSecNs;
      double rel = 0;
      if (model_.chance(0.4)) {
        rel = page_floor((heap_sys_ - inuse - released_) * model_.uniform());
        released_ += rel;
      }
      scvg_lines(scvg_k_++, rel, inuse);
    }
  }

  void scvg_lines(int64_t k, double rel, double inuse) {
    if (rel > 0) {  // printed whenever anything was released, even < 1 MB
      char* p = put(reserve(), "scvg");
      p = put_i64(p, k);
      p = put(p, ": ");
      p = put_u64(p, mb(rel));
      ++truth_.scav_lines;
      runtime_line_done(put(p, " MB released\n"));
    }
    const uint64_t sys = to_u64(heap_sys_);
    const uint64_t in = to_u64(inuse);
    const uint64_t rel_total = to_u64(released_);
    char* p = put(reserve(), "scvg");
    p = put_i64(p, k);
    p = put(p, ": inuse: ");
    p = put_u64(p, in >> 20);
    p = put(p, ", idle: ");
    p = put_u64(p, (sys - in) >> 20);
    p = put(p, ", sys: ");
    p = put_u64(p, sys >> 20);
    p = put(p, ", released: ");
    p = put_u64(p, rel_total >> 20);
    p = put(p, ", consumed: ");
    p = put_u64(p, (sys - rel_total) >> 20);
    ++truth_.scav_lines;
    runtime_line_done(put(p, " (MB)\n"));
  }

  const GenOptions& o_;
  const ChunkSink& sink_;
  Rng model_;  // the heap model
  Rng mix_;    // interleaving of application output
  AppLog app_;
  const bool modern_shape_;  // Go 1.18+ gc line and `scav` lines
  uint64_t app_whole_ = 0;
  double app_frac_ = 0;
  double heap_min_ = 0;

  std::vector<char> buf_;
  size_t len_ = 0;
  uint64_t flushed_ = 0;
  bool failed_ = false;

  Regime regime_;
  uint64_t n_ = 0;
  int64_t t_ns_ = 1'000'000;  // runtime init -> first line
  double live_ = 512 * kKiB;
  double gc_cpu_ns_ = 0;
  double prev_assist_ = 0;
  double prev_bg_ = 0;
  double prev_idle_ = 0;
  double heap_sys_ = 8 * kMiB;
  double released_ = 0;
  double pending_bg_ = 0;
  double pending_eager_ = 0;
  int64_t scvg_k_ = 0;
  int64_t next_scvg_ns_ = 150 * kSecNs;

  GenTruth truth_;
};

}  // namespace

// ---------------------------------------------------------------- public

std::string_view format_name(TraceFormat f) {
  switch (f) {
    case TraceFormat::kModern:
      return "modern";
    case TraceFormat::kGo119:
      return "go1.19";
    case TraceFormat::kLegacy:
      return "legacy";
    case TraceFormat::kGo15:
      return "go1.5";
  }
  return "?";
}

std::optional<TraceFormat> parse_format(std::string_view name) {
  for (auto f :
       {TraceFormat::kModern, TraceFormat::kGo119, TraceFormat::kLegacy, TraceFormat::kGo15}) {
    if (name == format_name(f)) return f;
  }
  return std::nullopt;
}

std::string validate_options(const GenOptions& o) {
  if (o.size_bytes == 0) return "size must be positive";
  if (!(o.app_ratio >= 0.0 && o.app_ratio <= 0.95)) return "app ratio must be in [0, 0.95]";
  if (!(o.midline_rate >= 0.0 && o.midline_rate <= 1.0)) return "midline rate must be in [0, 1]";
  if (o.procs < 1 || o.procs > 4096) return "procs must be in [1, 4096]";
  if (o.gogc < 0 || o.gogc > 1'000'000) return "gogc must be in [0, 1000000]";
  if (!(o.growth_mib_per_min >= 0.0 && o.growth_mib_per_min <= 1e6)) {
    return "growth must be in [0, 1e6] MiB/min";
  }
  if (o.chunk_bytes == 0) return "chunk size must be positive";
  return {};
}

std::optional<GenTruth> generate_trace_to(const GenOptions& opts, const ChunkSink& sink) {
  if (auto err = validate_options(opts); !err.empty()) throw std::invalid_argument(err);
  Generator gen(opts, sink);
  return gen.run();
}

GenTruth generate_trace(const GenOptions& opts, std::string& out) {
  GenOptions o = opts;
  o.chunk_bytes = std::min<size_t>(o.chunk_bytes, 64 * 1024);
  ChunkSink sink = [&out](std::string_view chunk) {
    out.append(chunk);
    return true;
  };
  return *generate_trace_to(o, sink);  // this sink never refuses
}

std::string truth_to_json(const GenTruth& t) {
  std::string s;
  auto field = [&s](std::string_view key, uint64_t v, bool last = false) {
    s += '"';
    s += key;
    s += "\":";
    s += std::to_string(v);
    if (!last) s += ',';
  };
  s += '{';
  field("cycles", t.cycles);
  field("first_gc", t.first_gc);
  field("last_gc", t.last_gc);
  field("user_forced_cycles", t.user_forced_cycles);
  field("periodic_gc_forced_lines", t.periodic_gc_forced_lines);
  field("scav_lines", t.scav_lines);
  field("app_lines", t.app_lines);
  field("split_gc_lines", t.split_gc_lines);
  field("stw_pause_ns_total", t.stw_pause_ns_total);
  s += "\"live_heap_bytes\":{";
  field("min", t.live_heap_bytes.min);
  field("max", t.live_heap_bytes.max);
  field("last", t.live_heap_bytes.last, true);
  s += "},";
  field("bytes", t.bytes, true);
  s += '}';
  return s;
}

char* put_ns_as_ms(char* p, uint64_t ns) {
  if (ns >= 10'000'000) return put_u64(p, ns / 1'000'000);  // whole milliseconds
  const uint64_t us = ns / 1000;
  if (us == 0) {
    *p++ = '0';
    return p;
  }
  if (us < 100) {  // 0.001 .. 0.099
    p = put(p, "0.0");
    return put_2d(p, us);
  }
  if (us < 1000) {  // 0.10 .. 0.99
    p = put(p, "0.");
    return put_2d(p, us / 10);
  }
  *p++ = static_cast<char>('0' + us / 1000);  // 1.0 .. 9.9
  *p++ = '.';
  *p++ = static_cast<char>('0' + us / 100 % 10);
  return p;
}

std::string fmt_ns_as_ms(uint64_t ns) {
  char buf[kMaxNsAsMsLen];
  return std::string(buf, put_ns_as_ms(buf, ns));
}

uint64_t printed_ms_as_ns(uint64_t ns) {
  if (ns >= 10'000'000) return ns / 1'000'000 * 1'000'000;
  const uint64_t us = ns / 1000;
  if (us < 100) return us * 1000;
  if (us < 1000) return us / 10 * 10'000;
  return us / 100 * 100'000;
}

}  // namespace gcsight::tracegen
