// MemoryModel on synthetic runs shaped like the corpus's memtest captures
// (go1.22: RSS held until the periodic GC; go1.19: RSS returned in seconds),
// and the other memory findings on their own.
#include "core/memory_model.h"

#include <gtest/gtest.h>

#include <string>

namespace gcsight {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kLaunch = 1'800'000'000'000'000'000;

struct Sim {
  MemoryModel model{kLaunch};
  ProcessInfo info;

  Sim() {
    info.present = true;
    info.interval_ns = 100 * kMs;
  }
  // A gc line for a cycle that started at `start` (process clock), arriving
  // `delay` after it ended; the process started 3 ms after launch.
  void gc(uint32_t n, int64_t start, uint64_t h0, uint64_t h1, uint64_t live, bool forced = false,
          int64_t delay = 1 * kMs) {
    TraceEvent e;
    e.kind = EventKind::kGc;
    e.gc.gc = n;
    e.gc.start_ns = start;
    e.gc.clock_ns[0] = 50'000;
    e.gc.clock_ns[1] = 2 * kMs;
    e.gc.clock_ns[2] = 50'000;
    e.gc.heap_start = h0 * kMiB;
    e.gc.heap_end = h1 * kMiB;
    e.gc.heap_live = live * kMiB;
    e.gc.goal = 2 * live * kMiB;
    e.gc.flags = kGcHasTime | (forced ? kGcUserForced : 0);
    e.wall_ns = kLaunch + 3 * kMs + start + 2'100'000 + delay;
    model.on_event(e);
  }
  void gc_forced_line() {
    TraceEvent e;
    e.kind = EventKind::kGcForced;
    model.on_event(e);
  }
  void scav(uint64_t work_mib) {
    TraceEvent e;
    e.kind = EventKind::kScav;
    e.scav.work_bytes = work_mib * kMiB;
    model.on_event(e);
  }
  MemorySample sample(int64_t t, uint64_t rss_mib) {
    MemorySample s;
    s.t_ns = t;
    s.ok = true;
    s.rss = rss_mib * kMiB;
    s.rss_file = 2 * kMiB;
    s.rss_shmem = 0;
    return s;
  }
  // Samples every 100 ms over [from, to) at a constant RSS.
  void hold(int64_t from, int64_t to, uint64_t rss_mib) {
    for (int64_t t = from; t < to; t += 100 * kMs) model.on_sample(sample(t, rss_mib));
  }
  void done() { model.finish(info); }

  const Finding* find(const std::string& code) const {
    for (const Finding& f : info.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }
};

int64_t evidence_i64(const Finding& f, const std::string& key) {
  for (const EvidenceItem& e : f.evidence) {
    if (e.key == key) {
      if (const auto* v = std::get_if<int64_t>(&e.value)) return *v;
      if (const auto* b = std::get_if<bool>(&e.value)) return *b ? 1 : 0;
    }
  }
  ADD_FAILURE() << "no evidence " << key << " in " << f.code;
  return -1;
}

// go1.22.12/memtest: 985->985->0 MB forced at 1.937 s, RSS ~1,020 MiB until the
// periodic GC at 122 s, ~26 MiB from ~126.5 s.
// Its first two minutes: up to the periodic GC, RSS held after the forced one.
void seed_like_go122_until_periodic(Sim& s) {
  s.gc(1, 2 * kMs, 3, 4, 3);
  s.hold(0, 600 * kMs, 120);
  s.gc(11, 824 * kMs, 459, 481, 404);
  s.hold(600 * kMs, 1200 * kMs, 500);
  s.gc(12, 1246 * kMs, 717, 810, 689);
  s.hold(1200 * kMs, 1900 * kMs, 900);
  s.gc(13, 1937 * kMs, 985, 985, 0, /*forced=*/true);
  s.hold(1900 * kMs, 122 * kS, 1020);
}

void seed_like_go122(Sim& s) {
  seed_like_go122_until_periodic(s);
  s.gc_forced_line();
  s.gc(14, 122'017 * kMs, 0, 0, 0);
  s.scav(0);
  s.hold(122 * kS, 126'500 * kMs, 1020);
  s.hold(126'500 * kMs, 150 * kS, 26);
  s.done();
}

TEST(MemoryModel, RssHeldUntilThePeriodicGcIsRetainedNotLeaked) {
  Sim s;
  seed_like_go122(s);
  const Finding* f = s.find("rss-retained-after-collection");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(evidence_i64(*f, "gc"), 13);
  EXPECT_EQ(evidence_i64(*f, "freed_bytes"), static_cast<int64_t>(985 * kMiB));
  EXPECT_EQ(evidence_i64(*f, "fell"), 1);
  EXPECT_EQ(evidence_i64(*f, "fell_at_ns"), 126'500 * kMs);
  EXPECT_EQ(evidence_i64(*f, "last_gc_before_fall"), 14);
  EXPECT_EQ(evidence_i64(*f, "last_gc_before_fall_periodic"), 1);
  EXPECT_EQ(evidence_i64(*f, "rss_after_bytes"), static_cast<int64_t>(26 * kMiB));
  // Collected at 1.937 s + 2.1 ms after a start estimated at 3 ms + the 1 ms delay of its lines.
  EXPECT_NEAR(static_cast<double>(evidence_i64(*f, "collected_at_ns")), 1943.1e6, 1e3);
  EXPECT_NE(f->title.find("not a leak"), std::string::npos) << f->title;
  EXPECT_NE(f->explanation.find("periodic GC"), std::string::npos) << f->explanation;
  EXPECT_EQ(s.find("rss-returned-after-collection"), nullptr);

  // In between, RSS is the retained heap: the Go heap itself is empty.
  const MemoryTimeline& m = s.info.memory;
  bool checked = false;
  for (const RssBreakdown& b : m.points) {
    if (b.t_ns == 60 * kS) {
      EXPECT_TRUE(b.trace);
      EXPECT_EQ(b.heap_live, 0u);
      EXPECT_EQ(b.heap_new, 0u);
      EXPECT_EQ(b.file, 2 * kMiB);
      EXPECT_EQ(b.retained, 985 * kMiB);
      EXPECT_EQ(b.other, (1020 - 2 - 985) * kMiB);
      checked = true;
    }
    EXPECT_EQ(b.heap_live + b.heap_new + b.stacks_globals + b.retained + b.lazy_free + b.file + b.other +
                  b.heap_new_or_other,
              b.rss);
  }
  EXPECT_TRUE(checked);
  EXPECT_EQ(s.info.memory.at_peak.rss, 1020 * kMiB);
  EXPECT_EQ(s.info.memory.at_end.rss, 26 * kMiB);
  EXPECT_NE(s.find("rss-peak"), nullptr);
}

TEST(MemoryModel, RssReturnedInSecondsIsSaidSo) {
  // go1.19.8/memtest: 1011->1011->0 MB at 2.774 s; RSS 58 MiB from ~5.9 s.
  Sim s;
  s.gc(1, 2 * kMs, 3, 4, 3);
  s.hold(0, 1800 * kMs, 900);
  s.gc(11, 1797 * kMs, 878, 905, 721);
  s.hold(1800 * kMs, 2800 * kMs, 1100);
  s.gc(12, 2774 * kMs, 1011, 1011, 0, true);
  s.hold(2800 * kMs, 5900 * kMs, 1040);
  s.hold(5900 * kMs, 20 * kS, 58);
  s.done();
  const Finding* f = s.find("rss-returned-after-collection");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_EQ(evidence_i64(*f, "gc"), 12);
  EXPECT_EQ(evidence_i64(*f, "fell_at_ns"), 5900 * kMs);
  EXPECT_EQ(evidence_i64(*f, "rss_settled_bytes"), static_cast<int64_t>(58 * kMiB));
  EXPECT_EQ(s.find("rss-retained-after-collection"), nullptr);
  // What RSS lost after the peak counts as returned: little is left as retained
  // (the peak heap 1011 MiB, less the 982 MiB RSS lost).
  EXPECT_EQ(s.info.memory.at_end.retained, 29 * kMiB);
}

TEST(MemoryModel, HeapThatGrowsBackIntoTheFreedMemoryIsReuseNotRetention) {
  Sim s;
  s.gc(1, 2 * kMs, 3, 4, 3);
  s.gc(5, 1000 * kMs, 800, 800, 700);
  s.hold(0, 1100 * kMs, 900);
  s.gc(6, 1200 * kMs, 900, 900, 0, true);
  s.hold(1100 * kMs, 5000 * kMs, 900);
  s.gc(7, 5000 * kMs, 600, 600, 500);  // the program builds its next big structure
  s.hold(5000 * kMs, 30 * kS, 900);
  s.done();
  EXPECT_EQ(s.find("rss-retained-after-collection"), nullptr);
  EXPECT_EQ(s.find("rss-returned-after-collection"), nullptr);
}

TEST(MemoryModel, GrowthOutsideTheGoHeapIsFound) {
  Sim s;
  for (int i = 0; i < 300; ++i) {
    const int64_t t = i * 100 * kMs;
    if (i % 10 == 0) s.gc(static_cast<uint32_t>(i / 10 + 1), t, 20, 21, 10);
    s.model.on_sample(s.sample(t + 50 * kMs, 40 + static_cast<uint64_t>(i)));  // +1 MiB per sample
  }
  s.done();
  const Finding* f = s.find("non-go-growth");
  ASSERT_NE(f, nullptr);
  EXPECT_GT(evidence_i64(*f, "growth_bytes"), static_cast<int64_t>(250 * kMiB));
  EXPECT_LT(evidence_i64(*f, "go_growth_bytes"), static_cast<int64_t>(5 * kMiB));
}

TEST(MemoryModel, GrowthOfTheGoHeapIsNotNonGoGrowth) {
  Sim s;
  for (int i = 0; i < 300; ++i) {
    const int64_t t = i * 100 * kMs;
    const uint64_t live = 10 + static_cast<uint64_t>(i);
    if (i % 10 == 0) s.gc(static_cast<uint32_t>(i / 10 + 1), t, live, live, live);
    s.model.on_sample(s.sample(t + 50 * kMs, 40 + static_cast<uint64_t>(i)));
  }
  s.done();
  EXPECT_EQ(s.find("non-go-growth"), nullptr);
}

// A pure Go heap leak that never reaches the next goal: 100 MiB live at a
// runtime.GC(), then the heap grows by 15 MiB/s for 12 s with no cycle after it
// (GOGC=400). No later cycle bounds the heap allocated since the last one, so
// those samples' growth is neither the new heap nor non-Go memory, and it is not
// non-go-growth.
TEST(MemoryModel, GrowthAfterTheLastCycleIsNotSplitNorNonGoGrowth) {
  Sim s;
  s.gc(1, 2 * kMs, 4, 5, 4);
  s.hold(0, 200 * kMs, 20);
  s.gc(2, 300 * kMs, 100, 100, 100, /*forced=*/true);
  for (int i = 0; i < 120; ++i) {
    s.model.on_sample(s.sample(400 * kMs + i * 100 * kMs, 110 + static_cast<uint64_t>(i) * 3 / 2));
  }
  s.done();
  EXPECT_EQ(s.find("non-go-growth"), nullptr);
  const MemoryTimeline& m = s.info.memory;
  size_t after = 0;
  for (const RssBreakdown& b : m.points) {
    EXPECT_EQ(b.heap_live + b.heap_new + b.stacks_globals + b.retained + b.lazy_free + b.file + b.other +
                  b.heap_new_or_other,
              b.rss);
    if (b.t_ns < 400 * kMs) {
      EXPECT_TRUE(b.heap_new_known) << b.t_ns;
      EXPECT_EQ(b.heap_new_or_other, 0u);
      continue;
    }
    ++after;
    EXPECT_TRUE(b.trace);
    EXPECT_FALSE(b.heap_new_known) << b.t_ns;
    EXPECT_EQ(b.heap_live, 100 * kMiB);
    EXPECT_EQ(b.heap_new, 0u);
    EXPECT_EQ(b.other, 0u);
  }
  EXPECT_EQ(after, 120u);
  // At the end: 288 MiB = 100 live + 2 file + 186 not split.
  EXPECT_FALSE(m.at_end.heap_new_known);
  EXPECT_EQ(m.at_end.heap_new_or_other, 186 * kMiB);
  EXPECT_EQ(m.at_end.other, 0u);
  const Finding* peak = s.find("rss-peak");
  ASSERT_NE(peak, nullptr);
  EXPECT_NE(peak->explanation.find("the trace cannot tell which"), std::string::npos) << peak->explanation;
  EXPECT_EQ(peak->explanation.find("not accounted for by the Go heap"), std::string::npos) << peak->explanation;
}

// The same growth outside the Go heap while cycles keep coming is still found
// (the samples between cycles are split).
TEST(MemoryModel, NonGoGrowthBetweenCyclesIsStillFoundWithATailAfterTheLast) {
  Sim s;
  for (int i = 0; i < 300; ++i) {
    const int64_t t = i * 100 * kMs;
    if (i % 10 == 0 && i < 250) s.gc(static_cast<uint32_t>(i / 10 + 1), t, 20, 21, 10);
    s.model.on_sample(s.sample(t + 50 * kMs, 40 + static_cast<uint64_t>(i)));
  }
  s.done();
  const Finding* f = s.find("non-go-growth");
  ASSERT_NE(f, nullptr);
  // The fit ends at the last sample before the last cycle (gc 25 at 24 s).
  EXPECT_LT(evidence_i64(*f, "to_ns"), 24'100 * kMs);
  EXPECT_FALSE(s.info.memory.at_end.heap_new_known);
}

TEST(MemoryModel, CgroupLimitCloseByAndOomKill) {
  Sim near;
  near.gc(1, 2 * kMs, 100, 100, 50);
  for (int i = 0; i < 20; ++i) {
    MemorySample m = near.sample(i * 100 * kMs, 400 + static_cast<uint64_t>(i) * 4);
    m.cgroup_version = 2;
    m.cgroup_current = m.rss;
    m.cgroup_max = 512 * kMiB;
    m.cgroup_oom_kill = 0;
    near.model.on_sample(m);
  }
  near.done();
  const Finding* f = near.find("near-memory-limit");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);  // 476 / 512 = 93%
  EXPECT_EQ(near.find("oom-killed"), nullptr);
  EXPECT_EQ(near.info.memory.cgroup_limit, 512 * kMiB);
  EXPECT_EQ(near.info.memory.cgroup_peak, 476 * kMiB);

  Sim oom;
  oom.gc(1, 2 * kMs, 100, 100, 50);
  for (int i = 0; i < 5; ++i) {
    MemorySample m = oom.sample(i * 100 * kMs, 500);
    m.cgroup_version = 1;
    m.cgroup_current = m.rss;
    m.cgroup_max = 512 * kMiB;
    m.cgroup_oom_kill = i < 4 ? 3 : 4;
    oom.model.on_sample(m);
  }
  oom.info.signaled = true;
  oom.info.signal = 9;
  oom.done();
  const Finding* k = oom.find("oom-killed");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->severity, Severity::kCritical);
  EXPECT_EQ(evidence_i64(*k, "oom_kills"), 1);
  EXPECT_EQ(oom.find("near-memory-limit"), nullptr);  // said once, as the kill
  EXPECT_EQ(oom.info.findings.front().code, "oom-killed");  // most severe first
}

TEST(MemoryModel, SigkillFarFromTheLimitIsNotAnOomKill) {
  Sim s;
  for (int i = 0; i < 5; ++i) {
    MemorySample m = s.sample(i * 100 * kMs, 100);
    m.cgroup_version = 2;
    m.cgroup_current = m.rss;
    m.cgroup_max = 1024 * kMiB;
    m.cgroup_oom_kill = 0;
    s.model.on_sample(m);
  }
  s.info.signaled = true;
  s.info.signal = 9;
  s.done();
  EXPECT_EQ(s.find("oom-killed"), nullptr);
}

TEST(MemoryModel, GomemlimitCloseBy) {
  Sim s;
  s.info.gomemlimit = "256MiB";
  s.gc(1, 2 * kMs, 200, 210, 150);
  s.hold(0, 2 * kS, 240);
  s.done();
  EXPECT_EQ(s.info.memory.gomemlimit, 256 * kMiB);
  const Finding* f = s.find("near-memory-limit");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("GOMEMLIMIT"), std::string::npos);
}

TEST(MemoryModel, ParseGomemlimitAsTheRuntimeDoes) {
  EXPECT_EQ(parse_gomemlimit("256MiB"), 256 * kMiB);
  EXPECT_EQ(parse_gomemlimit("1GiB"), 1024 * kMiB);
  EXPECT_EQ(parse_gomemlimit("123"), 123u);
  EXPECT_EQ(parse_gomemlimit("123B"), 123u);
  EXPECT_EQ(parse_gomemlimit("2TiB"), 2ull << 40);
  EXPECT_EQ(parse_gomemlimit("4KiB"), 4096u);
  EXPECT_FALSE(parse_gomemlimit(""));
  EXPECT_FALSE(parse_gomemlimit("off"));
  EXPECT_FALSE(parse_gomemlimit("1MB"));  // SI units are not accepted by the runtime
  EXPECT_FALSE(parse_gomemlimit("-1"));
  EXPECT_FALSE(parse_gomemlimit("99999999999999999TiB"));
}

TEST(MemoryModel, MissingSamplesAreCountedNotZero) {
  Sim s;
  s.gc(1, 2 * kMs, 3, 4, 3);
  s.hold(0, 1 * kS, 50);
  MemorySample gone;
  gone.t_ns = 1100 * kMs;
  gone.ok = false;
  s.model.on_sample(gone);
  s.done();
  EXPECT_EQ(s.info.samples, 11u);
  EXPECT_EQ(s.info.samples_missing, 1u);
  for (const RssBreakdown& b : s.info.memory.points) EXPECT_EQ(b.rss, 50 * kMiB);
  EXPECT_EQ(s.info.memory.at_end.rss, 50 * kMiB);
}

TEST(MemoryModel, ProcessStartIsTheEarliestArrivalLessTheCycle) {
  // Lines arriving late by varying amounts: the start estimate takes the
  // smallest delay (1 ms, so 3 + 1 ms), not the delay of the collection's own
  // line (30 ms).
  Sim s;
  s.gc(1, 100 * kMs, 3, 4, 3, false, 40 * kMs);
  s.gc(2, 200 * kMs, 300, 300, 200, false, 1 * kMs);
  s.hold(0, 1 * kS, 400);
  s.gc(3, 1 * kS, 300, 300, 0, true, 30 * kMs);
  s.hold(1 * kS, 20 * kS, 400);
  s.done();
  const Finding* f = s.find("rss-retained-after-collection");
  ASSERT_NE(f, nullptr);
  EXPECT_NEAR(static_cast<double>(evidence_i64(*f, "collected_at_ns")), 1006.1e6, 1e3);
}

TEST(MemoryModel, LongRunsAreThinnedEvenly) {
  MemoryModel model(kLaunch, MemoryModelOptions{.max_points = 64});
  for (int i = 0; i < 1000; ++i) {
    MemorySample m;
    m.t_ns = i * 100 * kMs;
    m.ok = true;
    m.rss = static_cast<uint64_t>(i + 1) * kMiB;
    model.on_sample(m);
  }
  ProcessInfo info;
  info.interval_ns = 100 * kMs;
  model.finish(info);
  const auto& pts = info.memory.points;
  EXPECT_LE(pts.size(), 64u);
  EXPECT_GE(pts.size(), 32u);
  ASSERT_GE(pts.size(), 2u);
  const int64_t step = pts[1].t_ns - pts[0].t_ns;
  EXPECT_EQ(step, info.memory.step_ns);
  for (size_t i = 1; i < pts.size(); ++i) EXPECT_EQ(pts[i].t_ns - pts[i - 1].t_ns, step);
  EXPECT_EQ(info.memory.at_peak.rss, 1000 * kMiB);  // the peak survives thinning
}

}  // namespace
}  // namespace gcsight

namespace gcsight {
namespace {

TEST(MemoryModel, HeldBrieflyAtExitIsNeitherRetainedNorReturned) {
  Sim s;
  s.gc(1, 2 * kMs, 3, 4, 3);
  s.gc(5, 400 * kMs, 300, 300, 200);
  s.hold(0, 500 * kMs, 400);
  s.gc(6, 500 * kMs, 300, 300, 0, true);
  s.hold(500 * kMs, 3 * kS, 400);  // the program ends 2.5 s later, RSS still up
  s.done();
  EXPECT_EQ(s.find("rss-retained-after-collection"), nullptr);
  EXPECT_EQ(s.find("rss-returned-after-collection"), nullptr);
}

}  // namespace
}  // namespace gcsight

namespace gcsight {
namespace {

// The live dashboard's memory findings: what finish() would say of the samples
// decomposed so far, worded for a program still running, without disturbing
// the model (the report at the end is the same).
TEST(MemoryModel, LiveFindingsWhileTheProgramRuns) {
  Sim s;
  EXPECT_TRUE(s.model.live_findings("").empty());  // nothing known yet: nothing said
  seed_like_go122_until_periodic(s);
  // The samples after gc 13 are decomposed when the next cycle arrives.
  std::vector<Finding> live = s.model.live_findings("");
  auto find = [&](const std::string& code) -> const Finding* {
    for (const Finding& f : live) {
      if (f.code == code) return &f;
    }
    return nullptr;
  };
  ASSERT_NE(find("rss-peak"), nullptr);
  EXPECT_EQ(find("rss-retained-after-collection"), nullptr);
  s.gc_forced_line();
  s.gc(14, 122'017 * kMs, 0, 0, 0);
  s.hold(122 * kS, 124 * kS, 1020);
  live = s.model.live_findings("1000MiB");
  const Finding* kept = find("rss-retained-after-collection");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->severity, Severity::kWarning);
  EXPECT_NE(kept->title.find("RSS still 1020 MiB now"), std::string::npos) << kept->title;
  EXPECT_EQ(kept->title.find("exit"), std::string::npos) << kept->title;
  EXPECT_NE(kept->explanation.find("so far"), std::string::npos) << kept->explanation;
  EXPECT_NE(find("near-memory-limit"), nullptr);  // 1020 MiB against a GOMEMLIMIT of 1000 MiB
  EXPECT_EQ(live.front().severity, Severity::kWarning);  // most severe first

  // The rest of the run, and the report: as if nothing had been asked before.
  s.scav(0);
  s.hold(124 * kS, 126'500 * kMs, 1020);
  s.hold(126'500 * kMs, 150 * kS, 26);
  s.done();
  const Finding* f = s.find("rss-retained-after-collection");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence_i64(*f, "fell"), 1);
  EXPECT_EQ(evidence_i64(*f, "fell_at_ns"), 126'500 * kMs);
  EXPECT_EQ(s.info.memory.at_end.rss, 26 * kMiB);
}

}  // namespace
}  // namespace gcsight
