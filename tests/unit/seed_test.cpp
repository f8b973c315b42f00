// Acceptance on the seed investigation's traces: gcsight reaches the
// conclusions a person reached by hand (heap collected at gc 21; memory
// returned at scvg1), and the two excerpts given as one stream become two runs.
#include <gtest/gtest.h>

#include "support/analyze_text.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/analyze_files.h"

namespace gcsight {
namespace {

std::string seed(const char* name) { return std::string(GCSIGHT_TEST_DATA) + "/seed/" + name; }

const Finding* find(const gcsight::Run& r, const std::string& code) {
  for (const Finding& f : r.findings) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

template <typename T>
T evidence(const Finding& f, const std::string& key) {
  for (const auto& e : f.evidence) {
    if (e.key == key) return std::get<T>(e.value);
  }
  ADD_FAILURE() << "no evidence " << key;
  return T{};
}

Report analyze_string(std::string text) { return testing_support::analyze_text(std::move(text), "<seed>", 2020); }

TEST(Seed, Trace1HeapCollectedAtGc21AfterForceGc) {
  const Report r = analyze_files({seed("trace-1.log")}, {}, {}, 2020, nullptr);
  ASSERT_EQ(r.runs.size(), 1u);
  const Finding* f = find(r.runs[0], "heap-collected");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence<int64_t>(*f, "gc"), 21);
  EXPECT_EQ(evidence<int64_t>(*f, "live_before_bytes"), 444ll << 20);
  EXPECT_EQ(evidence<int64_t>(*f, "live_after_bytes"), 0);
  EXPECT_TRUE(evidence<bool>(*f, "forced"));
  EXPECT_EQ(evidence<std::string>(*f, "marker_before"), "2020/03/02 11:22:38 force gc.");
  EXPECT_EQ(evidence<int64_t>(*f, "marker_before_line"), 24);
  EXPECT_NE(find(r.runs[0], "idle-periodic-gc"), nullptr);
  EXPECT_EQ(r.runs[0].summary.periodic_cycles, 7u);
}

TEST(Seed, Trace2MemoryReturnedAtScvg1) {
  const Report r = analyze_files({seed("trace-2.log")}, {}, {}, 2020, nullptr);
  ASSERT_EQ(r.runs.size(), 1u);
  const Finding* f = find(r.runs[0], "memory-returned");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence<int64_t>(*f, "scvg"), 1);
  EXPECT_EQ(evidence<int64_t>(*f, "released_bytes"), 512ll << 20);
  EXPECT_EQ(evidence<int64_t>(*f, "consumed_after_bytes"), 0);
  EXPECT_EQ(evidence<int64_t>(*f, "after_gc"), 27);
  // Before it, scvg0 showed 512 MiB held but not returned.
  const Finding* held = find(r.runs[0], "memory-retained");
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(evidence<int64_t>(*held, "consumed_bytes"), 512ll << 20);
  EXPECT_EQ(r.runs[0].summary.first_gc, 26u);
}

TEST(Seed, BothTracesAsOneStreamAreTwoRuns) {
  std::ifstream a(seed("trace-1.log")), b(seed("trace-2.log"));
  std::stringstream ss;
  ss << a.rdbuf() << b.rdbuf();
  const Report r = analyze_string(ss.str());
  ASSERT_EQ(r.runs.size(), 2u);
  EXPECT_EQ(r.runs[0].summary.first_gc, 1u);
  EXPECT_EQ(r.runs[0].summary.last_gc, 28u);
  EXPECT_EQ(r.runs[1].summary.first_gc, 26u);
  EXPECT_EQ(r.runs[1].summary.last_gc, 32u);
  EXPECT_NE(find(r.runs[0], "heap-collected"), nullptr);
  EXPECT_EQ(find(r.runs[0], "memory-returned"), nullptr);
  EXPECT_NE(find(r.runs[1], "memory-returned"), nullptr);
  // The `GC forced` between the excerpts announces run 2's first cycle.
  EXPECT_EQ(r.runs[1].summary.periodic_cycles, 7u);
  EXPECT_EQ(r.runs[0].summary.periodic_cycles, 7u);
}

TEST(Seed, TwoFilesAreTwoRunsInTheOrderGiven) {
  const Report r = analyze_files({seed("trace-2.log"), seed("trace-1.log")}, {}, {}, 2020, nullptr);
  ASSERT_EQ(r.runs.size(), 2u);
  EXPECT_EQ(r.runs[0].summary.first_gc, 26u);
  EXPECT_EQ(r.runs[1].summary.first_gc, 1u);
  EXPECT_EQ(r.runs[0].inputs.at(0), seed("trace-2.log"));
}

}  // namespace
}  // namespace gcsight
