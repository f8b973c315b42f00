// How the stitcher chooses among the readings of a split line: the evidence of
// docs/trace-formats.md (a cycle number that follows a recent one, program text
// shaped like the program's lines seen so far) decides, whatever the number of
// readings, and no text of the program goes missing.
#include "core/line_stitcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/analyze_files.h"
#include "render/render_json.h"
#include "support/e2e.h"

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

// A whole gc line at the given time, in milliseconds since the process started.
std::string gc_at(const std::string& number, int ms) {
  const std::string frac = std::to_string(1000 + ms % 1000).substr(1);
  return "gc " + number + " @" + std::to_string(ms / 1000) + "." + frac +
         "s 0%: 0.011+0.21+0.002 ms clock, 0.023+0/0.042/0.10+0.004 ms cpu, 3->3->3 MB, 4 MB goal, 0 MB stacks, "
         "0 MB globals, 2 P";
}

std::vector<uint32_t> numbers(const Events& e) {
  std::vector<uint32_t> out;
  for (const GcCycle& c : e.gcs) out.push_back(c.gc);
  return out;
}

// A program writing digits without a newline (a progress counter) wrote one
// between `gc ` and the runtime's `2`, and later one between `7` and ` @`: the
// lines read whole as gc 12 and gc 71. Read so, gc 12 after gc 1 and gc 71
// after gc 6 split the run with 68 "missing" cycles; the recent cycles and the
// @ times (one cycle every 50 ms) say gc 2 and gc 7, each with the program's
// `1`. (Go 1.21, the dots program with DOT=1: /tmp/bugbash d2c4ca.log.)
TEST(StitchScoring, ADigitWrittenNextToTheCycleNumberIsTheProgramsWhenTheEvidenceSaysSo) {
  const std::vector<std::string> texts{gc_at("1", 50),  gc_at("12", 100), gc_at("3", 150), gc_at("4", 200),
                                       gc_at("5", 250), gc_at("6", 300),  gc_at("71", 350)};
  const Events out = stitch(texts);
  EXPECT_EQ(numbers(out), (std::vector<uint32_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(out.program, (std::vector<std::string>{"1", "1"}));
  EXPECT_TRUE(out.gcs[1].has(kGcStitched));
  EXPECT_TRUE(out.gcs[6].has(kGcStitched));
  EXPECT_FALSE(out.gcs[2].has(kGcStitched));
  EXPECT_EQ(out.stats.stitched, 2u);

  // gc 1 at @0.000s gives no rate: the number alone decides (as captured).
  EXPECT_EQ(numbers(stitch({gc_at("1", 0), gc_at("12", 52), gc_at("3", 114)})),
            (std::vector<uint32_t>{1, 2, 3}));
}

// Where the @ time says the number as printed, it stays: lines lost in between
// (gc 56 where gc 6 was due, at gc 5's rate 51 cycles later), or the cycle of
// another process at its own rate (gc 13 of a process running since 0.35 s,
// after gc 2 of one that started 20 ms ago).
TEST(StitchScoring, ACycleNumberTheTimeExplainsIsKept) {
  EXPECT_EQ(numbers(stitch({gc_at("4", 400), gc_at("5", 500), gc_at("56", 5600)})),
            (std::vector<uint32_t>{4, 5, 56}));
  EXPECT_EQ(numbers(stitch({gc_at("1", 10), gc_at("2", 20), gc_at("13", 350)})),
            (std::vector<uint32_t>{1, 2, 13}));
  // Nor is a number that follows a recent cycle read otherwise.
  EXPECT_EQ(numbers(stitch({gc_at("11", 100), gc_at("1", 110), gc_at("12", 120)})),
            (std::vector<uint32_t>{11, 1, 12}));
}

// Whole gc lines take the readers' fast lane, which hands their records on
// without the stitcher: one whose number reads otherwise must not, in the
// chunked reader as in the sequential one.
TEST(StitchScoring, TheFastLaneLeavesAnotherReadingOfTheNumberToTheStitcher) {
  std::string text;
  for (const std::string& l : {gc_at("1", 50), gc_at("12", 100), gc_at("3", 150), gc_at("41", 200)}) text += l + "\n";
  testing_support::TempDir dir("renumber");
  const auto path = dir.write("digits.log", text);
  auto report = [&](bool parallel, size_t chunk_bytes) {
    ReadOptions read;
    read.parallel = parallel;
    read.parallel_min_bytes = 0;
    read.chunks.chunk_bytes = chunk_bytes;
    read.chunks.workers = 1;
    read.chunks.consumer_parses = true;
    std::vector<uint32_t> gcs;
    const Report r = analyze_files({path.string()}, AnalyzeOptions{}, [&](uint32_t, const GcCycle& c) { gcs.push_back(c.gc); },
                                   2026, nullptr, read);
    EXPECT_EQ(gcs, (std::vector<uint32_t>{1, 2, 3, 4})) << parallel << " " << chunk_bytes;
    return render_json(r);
  };
  const std::string expected = report(false, 0);
  EXPECT_EQ(report(true, 1), expected);
  EXPECT_EQ(report(true, 4096), expected);
}

// A number the runtime never spells so (`0.03`: fmtNSAsMS prints 0.030;
// `4,096`: no separators) was read as a shorter number and the rest as a
// program write inside the line, which then vanished: sweep termination 0, a
// 4 MiB heap, and no program output, no malformed line. The number grammar
// promises such a line is reported.
TEST(StitchScoring, AMisspeltNumberIsReportedNotReadAsAnotherValue) {
  const std::string good = "gc 1 @0.100s 2%: 0.030+1.2+0.050 ms clock, 0.060+0.10/1.1/0+0.10 ms cpu, 4->5->2 MB, "
                           "5 MB goal, 0 MB stacks, 0 MB globals, 2 P";
  for (const auto& [from, to] : {std::pair{"0.030+", "0.03+"}, std::pair{"4->5", "4,096->5"}, std::pair{"@0.100s", "@0.100,5s"}}) {
    std::string bad = "gc 2" + good.substr(4);
    bad.replace(bad.find(from), std::string_view(from).size(), to);
    const std::string third = "gc 3" + good.substr(4);
    const Events out = stitch({good, bad, third});
    EXPECT_EQ(numbers(out), (std::vector<uint32_t>{1, 3})) << bad;
    EXPECT_EQ(out.malformed, 1u) << bad;
    EXPECT_EQ(out.stats.stitched, 0u) << bad;
  }
}

// A program write inside a runtime line (here `x` after a number) is the
// program's output, counted as such, not text that vanishes; the program's
// bytes come back as written, without a newline of their own.
TEST(StitchScoring, AProgramWriteInsideARuntimeLineIsCounted) {
  std::vector<TraceEvent> events;
  std::vector<std::string> texts;
  LineStitcher st([&](const TraceEvent& e) {
    events.push_back(e);
    if (e.kind == EventKind::kProgram) texts.emplace_back(e.text);
  });
  st.push({"scav 0 KiB work (bg), 0 KiB work (eager), 12x KiB now, 90% util", 1, 0, true});
  st.push({"next", 2, 0, true});
  st.finish();
  ASSERT_EQ(texts, (std::vector<std::string>{"x", "next"}));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, EventKind::kScav);
  EXPECT_EQ(events[0].scav.released_bytes, uint64_t{12} << 10);
  EXPECT_EQ(events[1].role, TextRole::kLine);  // counted as program output
  EXPECT_FALSE(events[1].terminated);          // no newline of its own
}

}  // namespace
}  // namespace gcsight
