// How the stitcher chooses among the readings of a split line: the evidence of
// docs/trace-formats.md (a cycle number that follows a recent one, program text
// shaped like the program's lines seen so far) decides, whatever the number of
// readings, and no text of the program goes missing.
#include "core/line_stitcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gcsight {
namespace {

struct Events {
  std::vector<GcCycle> gcs;
  std::vector<std::string> program;  // program text, one entry per event
  uint64_t malformed = 0;
  StitchStats stats;
};

Events stitch(const std::vector<std::string>& texts, StitchOptions opts = {}) {
  Events out;
  LineStitcher st(
      [&](const TraceEvent& e) {
        if (e.kind == EventKind::kGc) out.gcs.push_back(e.gc);
        if (e.kind == EventKind::kProgram) out.program.emplace_back(e.text);
        if (e.kind == EventKind::kMalformed) ++out.malformed;
      },
      opts);
  for (size_t i = 0; i < texts.size(); ++i) st.push({texts[i], i + 1, 0, true});
  st.finish();
  out.stats = st.stats();
  return out;
}

std::string gc_line(int n, int ms) {
  return "gc " + std::to_string(n) + " @0." + (ms < 100 ? "0" : "") + std::to_string(ms) +
         "s 3%: 0.020+8.0+0.030 ms clock, 0.040+0/1.0/3.0+0.060 ms cpu, 40->41->39 MB, 80 MB goal, 0 MB stacks, "
         "32 MB globals, 2 P";
}

// A server logging with the `log` package while the runtime prints gc 8: each
// of its 36 pieces is followed by a whole log line, which starts with digits
// (`2026/11/27 ...`), so each number before one can be read at several lengths
// (gc 8, 82, 820, 8202, 82026; a 14 ms mark or a 142026 ms one...): millions
// of readings. gc 7 came just before, and 350 log lines of that shape: the
// evidence points to gc 8 with `2026/11/27 ...` as the program's lines. Found
// in a real capture (Go 1.19, three goroutines calling log.Printf), where it
// was read as gc 82026 with a 142 s mark and a 492 GB heap: only the first
// readings the search's budget reached were compared.
TEST(StitchScoring, EveryReadingOfALineSplitByLogLinesIsWeighed) {
  std::vector<std::string> texts;
  int request = 92000;
  auto log = [&request] { return "2026/11/27 03:52:25 request " + std::to_string(request++) + " from worker 1 done"; };
  for (int i = 1; i <= 7; ++i) {
    for (int k = 0; k < 50; ++k) texts.push_back(log());
    texts.push_back(gc_line(i, i * 40));
  }
  const std::vector<std::string> pieces{
      "gc ", "8", " @", "0.327", "s ", "3", "%: ", "1.3", "+", "14", "+", "0.076", " ms clock, 2.7", "+", "0", "/",
      "8.6", "/", "0.82", "+", "0.15", " ms cpu, ", "49", "->", "50", "->", "48", " MB, ", "115", " MB goal, ", "0",
      " MB stacks, ", "32", " MB globals, ", "2", " P"};
  for (const std::string& p : pieces) texts.push_back(p + log());
  for (int k = 0; k < 50; ++k) texts.push_back(log());
  texts.push_back(gc_line(9, 361));

  const Events out = stitch(texts);
  ASSERT_EQ(out.gcs.size(), 9u);
  EXPECT_EQ(out.malformed, 0u);
  const GcCycle& c = out.gcs[7];
  EXPECT_EQ(c.gc, 8u);
  EXPECT_TRUE(c.has(kGcStitched));
  EXPECT_EQ(c.start_ns, 327'000'000);
  EXPECT_EQ(c.util_pct, 3);
  EXPECT_EQ(c.clock_ns[0], 1'300'000u);
  EXPECT_EQ(c.clock_ns[1], 14'000'000u);
  EXPECT_EQ(c.heap_start, 49ull << 20);
  EXPECT_EQ(c.heap_end, 50ull << 20);
  EXPECT_EQ(c.heap_live, 48ull << 20);
  EXPECT_EQ(c.goal, 115ull << 20);
  EXPECT_EQ(c.globals, 32ull << 20);
  EXPECT_EQ(c.procs, 2);
  EXPECT_EQ(out.gcs[8].gc, 9u);
  // Every log line comes back whole.
  EXPECT_EQ(out.program.size(), 7u * 50 + pieces.size() + 50);
  for (const std::string& t : out.program) EXPECT_TRUE(t.starts_with("2026/11/27 03:52:2")) << t;
  // Each place in the window is searched once per better way there, not once per reading.
  EXPECT_LT(out.stats.search_steps, 200'000u);
}

}  // namespace
}  // namespace gcsight
