// The thresholds of the memory findings are constants here and documented in
// docs/findings.md ("Findings of gcsight run"); change both together.
#include "core/memory_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/findings.h"

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
// A collection worth watching: the live heap fell by this much and by half.
constexpr uint64_t kCollectionMin = 64 * kMiB;
constexpr size_t kMaxCollections = 8;
constexpr int64_t kSettleNs = 10'000'000'000;  // where RSS went after a fall: its lowest within this
// non-go-growth
constexpr uint64_t kNonGoGrowthMin = 64 * kMiB;
constexpr double kNonGoGrowthShareOfPeak = 0.20;
constexpr double kNonGoMinR2 = 0.7;
constexpr double kNonGoGoShareMax = 0.25;  // Go's own growth / non-Go growth
constexpr int64_t kNonGoMinSpanNs = 5'000'000'000;
constexpr uint64_t kNonGoMinPoints = 20;
// near-memory-limit
constexpr double kNearLimitShare = 0.90;
constexpr double kNearLimitCritical = 0.98;

int64_t i64(uint64_t v) { return static_cast<int64_t>(v); }

uint64_t clamp_sub(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

std::string parts_sentence(const RssBreakdown& b) {
  std::string s = fmt::format("{} RSS: ", human_bytes(b.rss));
  bool first = true;
  auto part = [&](uint64_t v, std::string_view what) {
    if (v < kMiB) return;
    s += fmt::format("{}{} {}", first ? "" : ", ", human_bytes(v), what);
    first = false;
  };
  part(b.heap_live, "live heap");
  part(b.heap_new, "heap allocated since the last cycle");
  part(b.stacks_globals, "stacks and globals");
  part(b.retained, "freed heap the runtime keeps");
  part(b.lazy_free, "returned pages not yet reclaimed (LazyFree)");
  part(b.file, "file pages");
  part(b.other, "not accounted for by the Go heap");
  part(b.heap_new_or_other, "heap allocated since the last cycle or memory outside the Go heap (the trace cannot tell which)");
  if (first) s += "under 1 MiB in every part";
  return s;
}

}  // namespace

std::optional<uint64_t> parse_gomemlimit(std::string_view text) {
  // runtime/debug's parseByteCount: digits, then B, KiB, MiB, GiB or TiB (or none).
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}};
  int shift = 0;
  for (const auto& [suffix, s] : kUnits) {
    if (text.ends_with(suffix)) {
      text.remove_suffix(suffix.size());
      shift = s;
      break;
    }
  }
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (shift > 0 && v > (~uint64_t{0} >> shift)) return std::nullopt;
  return v << shift;
}

void MemoryModel::Fit::add(double x, double y) {
  n += 1;
  sx += x;
  sy += y;
  sxx += x * x;
  sxy += x * y;
  syy += y * y;
}

double MemoryModel::Fit::slope() const {
  const double d = n * sxx - sx * sx;
  return d > 0 ? (n * sxy - sx * sy) / d : 0;
}

double MemoryModel::Fit::r2() const {
  const double dx = n * sxx - sx * sx, dy = n * syy - sy * sy;
  if (dx <= 0 || dy <= 0) return 0;
  const double c = n * sxy - sx * sy;
  return c * c / (dx * dy);
}

MemoryModel::MemoryModel(int64_t launch_wall_ns, MemoryModelOptions opts)
    : launch_wall_ns_(launch_wall_ns), opts_(opts) {}

void MemoryModel::on_event(const TraceEvent& e) {
  if (e.kind == EventKind::kGcForced) {
    pending_periodic_ = true;
  } else if (e.kind == EventKind::kGc && e.gc.has(kGcHasTime)) {
    on_cycle(e.gc, e.wall_ns - launch_wall_ns_);
  } else if (e.kind == EventKind::kScav) {
    const uint64_t returned = e.scav.work_bytes + e.scav.eager_bytes;
    returned_since_peak_ += returned;
    for (Collection& c : collections_) {
      if (!c.closed) c.scav_returned += returned;
    }
  }
}

void MemoryModel::on_cycle(const GcCycle& c, int64_t arrival_ns) {
  const int64_t duration = static_cast<int64_t>(c.clock_ns[0] + c.clock_ns[1] + c.clock_ns[2]);
  // A counter or a clock that goes back: another process (a script's next Go program).
  if (prev_.valid && c.gc <= prev_.gc) {
    if (first_offset_ns_ < 0 && have_offset_) first_offset_ns_ = offset_ns_;
    finalize_until(INT64_MAX, nullptr);
    prev_ = Cycle{};
    have_offset_ = false;
    peak_footprint_ = 0;
    returned_since_peak_ = 0;
    rss_max_since_peak_ = 0;
  }
  const int64_t offset = std::max<int64_t>(0, arrival_ns - (c.start_ns + duration));
  if (!have_offset_ || offset < offset_ns_) offset_ns_ = offset;
  have_offset_ = true;

  Cycle now;
  now.valid = true;
  now.gc = c.gc;
  now.start_ns = offset_ns_ + c.start_ns;
  now.end_ns = now.start_ns + duration;
  now.heap_start = c.heap_start;
  now.heap_end = c.heap_end;
  now.live = c.heap_live;
  now.stacks_globals = c.stacks + c.globals;
  now.forced = c.has(kGcUserForced);
  now.periodic = pending_periodic_;
  pending_periodic_ = false;

  // Samples up to this cycle's end now have both neighbours.
  finalize_until(now.end_ns, &now);

  const uint64_t footprint = std::max(c.heap_start, c.heap_end);
  if (footprint >= peak_footprint_) {
    peak_footprint_ = footprint;
    returned_since_peak_ = 0;
    rss_max_since_peak_ = 0;
  }

  for (Collection& col : collections_) {
    // The heap grew back into the freed memory: reused, not retained.
    if (!col.closed && c.heap_start >= col.live_after + col.freed / 2) {
      col.closed = true;
      col.reused = true;
    }
  }
  if (prev_.valid && prev_.live >= c.heap_live + kCollectionMin && c.heap_live <= prev_.live / 2) {
    Collection col;
    col.gc = c.gc;
    col.t_ns = now.end_ns;
    col.heap_before = std::max(c.heap_end, prev_.live);
    col.live_after = c.heap_live;
    col.freed = col.heap_before - c.heap_live;
    col.forced = now.forced;
    if (have_last_ && last_.t_ns <= now.end_ns + 1'000'000'000) {
      col.have_r0 = true;
      col.r0 = last_.rss;
      col.r0_ns = last_.t_ns;
      col.rss_max = last_.rss;
    }
    collections_.push_back(col);
    if (collections_.size() > kMaxCollections) {
      // Keep the largest.
      auto smallest = std::min_element(collections_.begin(), collections_.end(),
                                       [](const Collection& a, const Collection& b) { return a.freed < b.freed; });
      collections_.erase(smallest);
    }
  }
  prev_ = now;
}

void MemoryModel::on_sample(const MemorySample& s) {
  if (!s.cgroup_only) {
    ++samples_;
    last_sample_ns_ = s.t_ns;
  }
  if (s.cpu_user_ns && s.cpu_sys_ns) cpu_ns_ = *s.cpu_user_ns + *s.cpu_sys_ns;
  if (s.cgroup_version != 0) {
    cgroup_known_ = true;
    cgroup_version_ = s.cgroup_version;
    if (s.cgroup_current && *s.cgroup_current > cgroup_peak_) {
      cgroup_peak_ = *s.cgroup_current;
      cgroup_peak_ns_ = s.t_ns;
    }
    if (s.cgroup_max) {
      cgroup_limited_ = true;
      cgroup_limit_ = *s.cgroup_max;
    }
    if (s.cgroup_oom_kill) {
      if (!first_oom_kill_) first_oom_kill_ = s.cgroup_oom_kill;
      last_oom_kill_ = s.cgroup_oom_kill;
    }
  }
  if (s.lazy_free) {
    last_lazy_free_ = *s.lazy_free;
    lazy_known_ = true;
  }
  if (s.cgroup_only) return;
  if (!s.ok || !s.rss) {
    ++missing_;
    return;
  }
  latest_rss_ = s.rss;
  const uint64_t file = s.rss_file.value_or(0) + s.rss_shmem.value_or(0);
  pending_.push_back({s.t_ns, *s.rss, file, last_lazy_free_});
  // Without cycles (GC off, or not a Go program) samples cannot wait forever.
  if (pending_.size() >= 4096) finalize_until(INT64_MAX, nullptr);
}

void MemoryModel::live(LiveSnapshot& s) const {
  s.process = true;
  s.rss = latest_rss_;
  s.parts_known = have_last_;
  if (have_last_) s.parts = last_;
  s.program_cpu_ns = cpu_ns_;
  s.samples = samples_;
  s.samples_missing = missing_;
}

void MemoryModel::finalize_until(int64_t t_ns, const Cycle* next) {
  size_t n = 0;
  while (n < pending_.size() && pending_[n].t_ns <= t_ns) finalize(pending_[n++], next);
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
}

void MemoryModel::finalize(const Pending& p, const Cycle* next) {
  RssBreakdown b;
  b.t_ns = p.t_ns;
  b.rss = p.rss;
  b.file = std::min(p.file, p.rss);
  uint64_t rest = p.rss - b.file;
  b.lazy_free = std::min(p.lazy_free, rest);
  rest -= b.lazy_free;

  // The heap in use at the sample: between the last cycle's live heap and the
  // next cycle's start heap (or, inside a cycle, between its start and end).
  bool trace = prev_.valid || next != nullptr;
  uint64_t live = prev_.valid ? prev_.live : 0, heap = live, sg = prev_.valid ? prev_.stacks_globals : 0;
  if (next != nullptr) {
    const int64_t from = prev_.valid ? prev_.end_ns : offset_ns_;
    if (p.t_ns >= next->start_ns) {
      const double span = static_cast<double>(std::max<int64_t>(1, next->end_ns - next->start_ns));
      const double f = std::clamp(static_cast<double>(p.t_ns - next->start_ns) / span, 0.0, 1.0);
      heap = next->heap_start + static_cast<uint64_t>(f * (static_cast<double>(next->heap_end) -
                                                          static_cast<double>(next->heap_start)));
    } else if (next->start_ns > from) {
      const double f = std::clamp(static_cast<double>(p.t_ns - from) / static_cast<double>(next->start_ns - from),
                                  0.0, 1.0);
      heap = live + static_cast<uint64_t>(f * std::max(0.0, static_cast<double>(next->heap_start) -
                                                                static_cast<double>(live)));
    }
    if (!prev_.valid) sg = next->stacks_globals;
  }
  if (trace) {
    b.trace = true;
    const uint64_t h = std::min(heap, rest);
    b.heap_live = std::min(live, h);
    b.heap_new = h - b.heap_live;
    rest -= h;
    b.stacks_globals = std::min(sg, rest);
    rest -= b.stacks_globals;
    // Freed heap not yet returned: at most what the heap once held beyond what
    // it holds now and what the scavenger has reported returning since.
    // Returned since: what the scavenger printed, or what RSS has lost since
    // its high point, whichever is more (the return after Go 1.22's periodic
    // GC, and Go 1.19's background returns, are not printed).
    rss_max_since_peak_ = std::max(rss_max_since_peak_, p.rss);
    const uint64_t returned = std::max(returned_since_peak_, rss_max_since_peak_ - p.rss);
    const uint64_t bound = clamp_sub(clamp_sub(peak_footprint_, heap), returned);
    b.retained = std::min(bound, rest);
    rest -= b.retained;
  }
  // Without a later cycle (after the last one, or samples flushed before it
  // came) the heap allocated since the last cycle is not known: it is bounded
  // only by the next goal, which the trace does not print. Counting it as 0
  // would put a growing heap into `other`, so the rest stays unsplit.
  b.heap_new_known = b.trace && next != nullptr;
  if (b.trace && !b.heap_new_known) {
    b.heap_new_or_other = rest;
  } else {
    b.other = rest;
  }

  if (!have_peak_ || b.rss > peak_.rss) {
    peak_ = b;
    have_peak_ = true;
  }
  last_ = b;
  have_last_ = true;
  keep(b);
  watch_collections(b);

  // Only samples whose `other` is known go into the non-Go growth fit.
  if (b.heap_new_known) {
    const double x = static_cast<double>(b.t_ns) / 1e9;
    other_fit_.add(x, static_cast<double>(b.other));
    go_fit_.add(x, static_cast<double>(b.heap_live + b.stacks_globals));
    if (fit_from_ns_ < 0) {
      fit_from_ns_ = b.t_ns;
      other_first_ = b.other;
    }
    fit_to_ns_ = b.t_ns;
    other_last_ = b.other;
  }
}

void MemoryModel::keep(const RssBreakdown& b) {
  if (++thin_phase_ < thin_every_) return;
  thin_phase_ = 0;
  points_.push_back(b);
  if (points_.size() >= opts_.max_points) {
    // Keep every other point: the series stays evenly spaced at half the rate.
    size_t w = 0;
    for (size_t r = 0; r < points_.size(); r += 2) points_[w++] = points_[r];
    points_.resize(w);
    // The last point dropped was one old step after the last kept: the next
    // sample to keep is one old step after it.
    thin_phase_ = thin_every_;
    thin_every_ *= 2;
  }
}

void MemoryModel::watch_collections(const RssBreakdown& b) {
  for (Collection& c : collections_) {
    // After the fall: where RSS settled, within kSettleNs.
    if (c.fell && b.t_ns <= c.fell_ns + kSettleNs && b.rss < c.settled) {
      c.settled = b.rss;
      c.settled_ns = b.t_ns;
    }
    if (c.closed || b.t_ns < c.t_ns) continue;
    if (!c.have_r0) {
      c.have_r0 = true;
      c.r0 = b.rss;
      c.r0_ns = b.t_ns;
    }
    c.rss_max = std::max(c.rss_max, b.rss);
    const uint64_t level = clamp_sub(c.r0, c.freed / 2);
    if (level == 0) {
      c.closed = true;  // RSS never held the freed memory: nothing to say
      continue;
    }
    if (b.rss <= level) {
      c.closed = true;
      c.fell = true;
      c.fell_ns = b.t_ns;
      c.rss_after = b.rss;
      c.settled = b.rss;
      c.settled_ns = b.t_ns;
      c.before_fall = prev_;
    }
  }
}

void MemoryModel::finish(ProcessInfo& info) {
  finalize_until(INT64_MAX, nullptr);
  info.samples = samples_;
  info.samples_missing = missing_;
  info.child_cpu_ns = cpu_ns_;
  info.memory.points = points_;
  info.memory.step_ns = info.interval_ns * static_cast<int64_t>(thin_every_);
  fill_timeline(info.memory, info.gomemlimit);
  add_findings(info, true);
}

// Everything of the timeline but its points (the caller's: they are large).
void MemoryModel::fill_timeline(MemoryTimeline& m, const std::string& gomemlimit) const {
  m.have_peak = have_peak_;
  m.at_peak = peak_;
  m.at_end = last_;
  m.cgroup_known = cgroup_known_;
  m.cgroup_version = cgroup_version_;
  m.cgroup_peak = cgroup_peak_;
  m.cgroup_peak_ns = cgroup_peak_ns_;
  m.cgroup_limited = cgroup_limited_;
  m.cgroup_limit = cgroup_limit_;
  m.oom_kills = first_oom_kill_ && last_oom_kill_ ? clamp_sub(*last_oom_kill_, *first_oom_kill_) : 0;
  m.lazy_free_known = lazy_known_;
  m.gomemlimit = parse_gomemlimit(gomemlimit).value_or(0);
  m.trace_start_ns = first_offset_ns_ >= 0 ? first_offset_ns_ : have_offset_ ? offset_ns_ : -1;
}

std::vector<Finding> MemoryModel::live_findings(const std::string& gomemlimit) const {
  ProcessInfo info;
  fill_timeline(info.memory, gomemlimit);
  add_findings(info, false);
  return std::move(info.findings);
}

// `ended`: the program has ended (the report); else it still runs (the live dashboard).
void MemoryModel::add_findings(ProcessInfo& info, bool ended) const {
  const MemoryTimeline& m = info.memory;
  std::vector<Finding>& out = info.findings;

  // oom-killed
  const bool sigkill = info.signaled && info.signal == 9;
  const uint64_t limit_use = std::max(m.cgroup_peak, m.at_end.rss);
  if (m.oom_kills > 0 || (sigkill && m.cgroup_limited && static_cast<double>(limit_use) >= static_cast<double>(m.cgroup_limit) * kNearLimitShare)) {
    Finding f;
    f.code = "oom-killed";
    f.severity = Severity::kCritical;
    f.title = m.oom_kills > 0
                  ? fmt::format("The kernel's OOM killer ended the program (cgroup limit {})", human_bytes(m.cgroup_limit))
                  : fmt::format("Killed by SIGKILL at the cgroup's memory limit ({}): most likely the OOM killer",
                                human_bytes(m.cgroup_limit));
    f.explanation = fmt::format(
        "{}The last sample ({}) showed {}; the cgroup's usage peaked at {} at {}.",
        m.oom_kills > 0 ? fmt::format("The cgroup counted {} OOM kill{} during the run (cgroup v{} {}). ", m.oom_kills,
                                      m.oom_kills == 1 ? "" : "s", m.cgroup_version,
                                      m.cgroup_version == 2 ? "memory.events" : "memory.oom_control")
                        : "The program died of SIGKILL with its memory at the cgroup's limit. ",
        human_duration(m.at_end.t_ns), parts_sentence(m.at_end), human_bytes(m.cgroup_peak),
        human_duration(m.cgroup_peak_ns));
    f.advice =
        "Give the container more memory, or make the program use less. Set GOMEMLIMIT a little below the "
        "limit (e.g. 90%) so the collector works harder before the kernel kills; it cannot help if the live "
        "heap itself does not fit.";
    f.cite("oom_kills", i64(m.oom_kills));
    f.cite("signal", static_cast<int64_t>(info.signal));
    f.cite("cgroup_limit_bytes", i64(m.cgroup_limit));
    f.cite("cgroup_peak_bytes", i64(m.cgroup_peak));
    f.cite("rss_last_bytes", i64(m.at_end.rss));
    out.push_back(std::move(f));
  }

  // near-memory-limit: the cgroup's limit, then GOMEMLIMIT.
  if (m.cgroup_limited && m.cgroup_limit > 0) {
    const uint64_t use = std::max(m.cgroup_peak, m.at_peak.rss);
    const int64_t at = m.cgroup_peak >= m.at_peak.rss ? m.cgroup_peak_ns : m.at_peak.t_ns;
    const double share = static_cast<double>(use) / static_cast<double>(m.cgroup_limit);
    if (share >= kNearLimitShare && m.oom_kills == 0) {
      Finding f;
      f.code = "near-memory-limit";
      f.severity = share >= kNearLimitCritical ? Severity::kCritical : Severity::kWarning;
      f.title = fmt::format("Memory reached {:.0f}% of the cgroup limit ({} of {}) at {}", share * 100,
                            human_bytes(use), human_bytes(m.cgroup_limit), human_duration(at));
      f.explanation = fmt::format(
          "The cgroup (v{}) charges the process's memory, page cache included, against its limit; past it the "
          "kernel reclaims and then OOM-kills. At the RSS peak: {}.",
          m.cgroup_version, parts_sentence(m.at_peak));
      f.advice =
          "Set GOMEMLIMIT below the limit (about 90%) so the Go runtime collects and returns memory before the "
          "kernel has to; if the live heap is most of it, the limit is too small for the workload.";
      f.cite("limit_bytes", i64(m.cgroup_limit));
      f.cite("peak_bytes", i64(use));
      f.cite("time_ns", at);
      f.cite("share", share);
      out.push_back(std::move(f));
    }
  }
  if (m.gomemlimit > 0 && m.have_peak) {
    const uint64_t go_peak = m.at_peak.heap_live + m.at_peak.heap_new + m.at_peak.stacks_globals + m.at_peak.retained;
    const uint64_t use = std::max(go_peak, m.at_peak.rss);
    const double share = static_cast<double>(use) / static_cast<double>(m.gomemlimit);
    if (share >= kNearLimitShare) {
      Finding f;
      f.code = "near-memory-limit";
      f.severity = Severity::kWarning;
      f.title = fmt::format("RSS reached {:.0f}% of GOMEMLIMIT ({} of {}) at {}", share * 100, human_bytes(use),
                            human_bytes(m.gomemlimit), human_duration(m.at_peak.t_ns));
      f.explanation = fmt::format(
          "GOMEMLIMIT is a soft limit on all the memory the Go runtime maps; near it the collector runs more "
          "often and returns memory eagerly, spending CPU (see memory-limit-pressure). At the peak: {}.",
          parts_sentence(m.at_peak));
      f.advice =
          "If GC CPU is high near the limit, raise GOMEMLIMIT or reduce the live heap; memory that is not the Go "
          "heap (cgo, mmap) counts against the process but is invisible to the limit.";
      f.cite("gomemlimit_bytes", i64(m.gomemlimit));
      f.cite("peak_bytes", i64(use));
      f.cite("time_ns", m.at_peak.t_ns);
      f.cite("share", share);
      out.push_back(std::move(f));
    }
  }

  // rss-retained-after-collection / rss-returned-after-collection
  const Collection* best = nullptr;
  for (const Collection& c : collections_) {
    if (c.reused || !c.have_r0 || c.r0 <= c.freed / 2) continue;
    if (best == nullptr || c.freed > best->freed) best = &c;
  }
  // While the program runs, only the samples decomposed so far are known to have stayed up.
  const int64_t known_until = ended ? last_sample_ns_ : last_.t_ns;
  const int64_t held_best = best == nullptr ? 0 : (best->fell ? best->fell_ns : known_until) - best->t_ns;
  // Still held when the program ended, but too soon to say it was kept: nothing to report.
  if (best != nullptr && (best->fell || held_best >= opts_.retained_warn_ns)) {
    const Collection& c = *best;
    const int64_t held = held_best;
    const std::string when = fmt::format("gc {} (at {}{})", c.gc, human_duration(c.t_ns),
                                         c.forced ? ", forced by runtime.GC()" : "");
    const std::string fall_cause =
        !c.fell || !c.before_fall.valid || c.before_fall.gc == c.gc
            ? std::string()
            : fmt::format(", after gc {} at {}{}", c.before_fall.gc, human_duration(c.before_fall.end_ns),
                          c.before_fall.periodic ? " (the runtime's periodic GC, forced every 2 minutes)" : "");
    const std::string scav =
        c.scav_returned >= kMiB ? fmt::format(" The scavenger reported returning {} to the OS in between.",
                                              human_bytes(c.scav_returned))
                                : std::string();
    Finding f;
    if (held >= opts_.retained_warn_ns) {
      f.code = "rss-retained-after-collection";
      f.severity = Severity::kWarning;
      f.title = c.fell ? fmt::format("RSS stayed near {} for {} after {} collected the heap; not a leak",
                                     human_bytes(c.rss_max), human_duration(held), when)
                       : fmt::format("RSS still {} {}, {} after {} collected the heap; not a leak",
                                     human_bytes(m.at_end.rss), ended ? "at exit" : "now", human_duration(held), when);
      f.explanation = fmt::format(
          "{} found {} live of a {} heap: {} became free. RSS was {} at {} and stayed at or above half of that "
          "freed memory ({} at most) {}{}.{} Until then the runtime kept the freed pages for reuse rather than "
          "returning them to the OS.",
          when, human_bytes(c.live_after), human_bytes(c.heap_before), human_bytes(c.freed), human_bytes(c.r0),
          human_duration(c.r0_ns), human_bytes(c.rss_max),
          c.fell ? fmt::format("until {}, when it fell to {} (and to {} by {})", human_duration(c.fell_ns),
                               human_bytes(c.rss_after), human_bytes(c.settled), human_duration(c.settled_ns))
                 : ended ? "until the program ended" : "so far",
          fall_cause, scav);
      f.advice =
          "Nothing leaks: the memory is free inside the process and comes back on its own (Go 1.19-: within "
          "seconds to minutes by the background scavenger; Go 1.21+: often only at the periodic GC every 2 "
          "minutes). To return it at once, call debug.FreeOSMemory() after a phase that built a large heap "
          "(costs one full GC). To bound it continuously, set GOMEMLIMIT: the scavenger then returns memory "
          "to keep the total under the limit (no effect while far below it). In containers, RSS counts against "
          "the memory limit until it is returned.";
    } else {
      f.code = "rss-returned-after-collection";
      f.severity = Severity::kInfo;
      f.title = fmt::format("RSS fell from {} to {} within {} of {} collecting the heap", human_bytes(c.rss_max),
                            human_bytes(c.settled), human_duration(c.settled_ns - c.t_ns), when);
      f.explanation = fmt::format(
          "{} freed {} ({} live of a {} heap). RSS was {} at {}, fell below half of that freed memory at {} ({}){} "
          "and reached {} by {}: the runtime returned the freed pages to the OS promptly.{}",
          when, human_bytes(c.freed), human_bytes(c.live_after), human_bytes(c.heap_before), human_bytes(c.r0),
          human_duration(c.r0_ns), human_duration(c.fell_ns), human_bytes(c.rss_after), fall_cause,
          human_bytes(c.settled), human_duration(c.settled_ns), scav);
      f.advice = "Nothing to do: the memory went back to the OS.";
    }
    f.cite("gc", static_cast<int64_t>(c.gc));
    f.cite("collected_at_ns", c.t_ns);
    f.cite("freed_bytes", i64(c.freed));
    f.cite("live_after_bytes", i64(c.live_after));
    f.cite("rss_at_collection_bytes", i64(c.r0));
    f.cite("rss_max_bytes", i64(c.rss_max));
    f.cite("held_ns", held);
    f.cite("fell", c.fell);
    if (c.fell) {
      f.cite("fell_at_ns", c.fell_ns);
      f.cite("rss_after_bytes", i64(c.rss_after));
      f.cite("rss_settled_bytes", i64(c.settled));
      f.cite("settled_at_ns", c.settled_ns);
      if (c.before_fall.valid) {
        f.cite("last_gc_before_fall", static_cast<int64_t>(c.before_fall.gc));
        f.cite("last_gc_before_fall_periodic", c.before_fall.periodic);
      }
    }
    if (c.scav_returned > 0) f.cite("scavenger_returned_bytes", i64(c.scav_returned));
    out.push_back(std::move(f));
  }

  // non-go-growth
  const int64_t span = fit_to_ns_ - fit_from_ns_;
  if (fit_from_ns_ >= 0 && span >= kNonGoMinSpanNs && other_fit_.n >= kNonGoMinPoints) {
    const double secs = static_cast<double>(span) / 1e9;
    const double growth = other_fit_.slope() * secs, go_growth = go_fit_.slope() * secs;
    const double min_growth =
        std::max(static_cast<double>(kNonGoGrowthMin), kNonGoGrowthShareOfPeak * static_cast<double>(m.at_peak.rss));
    if (growth >= min_growth && other_fit_.r2() >= kNonGoMinR2 && go_growth < kNonGoGoShareMax * growth) {
      Finding f;
      f.code = "non-go-growth";
      f.severity = Severity::kWarning;
      f.title = fmt::format("Memory outside the Go heap grew by {} over {} while Go's own memory stayed flat",
                            human_bytes(static_cast<uint64_t>(growth)), human_duration(span));
      f.explanation = fmt::format(
          "RSS not accounted for by the Go heap, stacks, globals or memory the runtime retains went from {} to {} "
          "(fit {:.1f} MiB/s, R² {:.2f}), while the live heap and stacks grew by {}. At the end: {}.",
          human_bytes(other_first_), human_bytes(other_last_), other_fit_.slope() / static_cast<double>(kMiB),
          other_fit_.r2(), human_bytes(static_cast<uint64_t>(std::max(0.0, go_growth))), parts_sentence(m.at_end));
      f.advice =
          "Look outside the Go heap: cgo allocations (C libraries, SQLite, image codecs), syscall.Mmap, "
          "memory-mapped files, or a runtime structure growing with goroutines. pprof's heap profile will not "
          "show it; compare /proc/PID/smaps mappings, or use a C heap profiler.";
      f.cite("growth_bytes", static_cast<int64_t>(growth));
      f.cite("go_growth_bytes", static_cast<int64_t>(go_growth));
      f.cite("from_ns", fit_from_ns_);
      f.cite("to_ns", fit_to_ns_);
      f.cite("r2", other_fit_.r2());
      out.push_back(std::move(f));
    }
  }

  // rss-peak
  if (m.have_peak) {
    Finding f;
    f.code = "rss-peak";
    f.severity = Severity::kInfo;
    f.title = fmt::format("Peak RSS {} at {}", human_bytes(m.at_peak.rss), human_duration(m.at_peak.t_ns));
    f.explanation = fmt::format("At the peak, {}.", parts_sentence(m.at_peak));
    f.advice = m.at_peak.trace ? "" : "No gc line had been printed by then, so the Go parts are unknown.";
    f.cite("rss_bytes", i64(m.at_peak.rss));
    f.cite("time_ns", m.at_peak.t_ns);
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

}  // namespace gcsight
