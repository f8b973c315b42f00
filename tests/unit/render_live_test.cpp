// The dashboard of `gcsight run --live` drawn at fixed sizes from a synthetic
// frame: the figures are there, every line fits, the program's escape
// sequences are neutralised, and the output pane scrolls.
#include <gtest/gtest.h>

#include <string>

#include "render/display_width.h"
#include "render/output_pane.h"
#include "render/render_live.h"

namespace gcsight {
namespace {

LiveFrame sample_frame(OutputPane& pane) {
  LiveFrame f;
  f.title = "./server --port 8080";
  LiveSnapshot& l = f.status.live;
  l.have_run = true;
  l.runs = 1;
  l.gc_lines = 1234;
  l.run.last_gc = 1234;
  l.run.heap_live.last = 48ull << 20;
  l.run.goal.last = 96ull << 20;
  l.run.gc_cpu_fraction = 0.031;
  l.process = true;
  l.rss = 200ull << 20;
  l.parts_known = true;
  l.parts.heap_live = 48ull << 20;
  l.parts.heap_new = 20ull << 20;
  l.parts.stacks_globals = 1ull << 20;
  l.parts.retained = 60ull << 20;
  l.parts.file = 10ull << 20;
  l.parts.other = 61ull << 20;
  f.status.elapsed_ns = 12'500'000'000;
  f.status.window_cycles = 256;
  f.status.last_pause_ns = 120'000;
  f.status.window_p99_pause_ns = 870'000;
  f.window_gc_cpu = 0.042;
  f.window_cycles_per_min = 600;
  f.window_ns = 10'000'000'000;
  for (int64_t i = 0; i < 100; ++i) {
    f.heap_live.points.emplace_back(i * 100'000'000, static_cast<uint64_t>(40 + i % 10) << 20);
    f.rss.points.emplace_back(i * 100'000'000, static_cast<uint64_t>(190 + i % 10) << 20);
    f.pauses.points.emplace_back(i * 100'000'000, static_cast<uint64_t>(100'000 + i * 1000));
  }
  f.pauses.holds = false;
  f.chart_from_ns = 0;
  f.chart_to_ns = 10'000'000'000;
  Finding w;
  w.code = "gc-cpu-high";
  w.severity = Severity::kWarning;
  w.title = "GC uses a lot of CPU";
  f.findings.push_back(w);
  for (int i = 1; i <= 50; ++i) pane.feed("line " + std::to_string(i) + "\n");
  pane.feed("\x1b[2J\x1b[31mred\x1b[0m \x1b]0;evil title\x07tail\x1b[Hx\n");
  f.output = pane.lines();
  return f;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

TEST(RenderLive, FiguresAppearAndLinesFitTheSize) {
  OutputPane pane;
  const LiveFrame f = sample_frame(pane);
  for (const ChartGlyphs g : {ChartGlyphs::kUnicode, ChartGlyphs::kAscii, ChartGlyphs::kOff}) {
    const auto lines = render_live(f, 100, 30, g);
    ASSERT_EQ(lines.size(), 30u);
    for (const auto& l : lines) {
      EXPECT_LE(display_columns(l), 100u) << l;
      EXPECT_EQ(l.find('\x1b'), std::string::npos) << l;
    }
    const std::string all = joined(lines);
    EXPECT_NE(all.find("live heap 48.0 MiB"), std::string::npos) << all;
    EXPECT_NE(all.find("goal 96.0 MiB"), std::string::npos) << all;
    EXPECT_NE(all.find("cycles 1,234"), std::string::npos) << all;
    EXPECT_NE(all.find("600.0 cycles/min"), std::string::npos) << all;
    EXPECT_NE(all.find(g == ChartGlyphs::kAscii ? "p99 870 us" : "p99 870 µs"), std::string::npos) << all;
    EXPECT_NE(all.find("GC CPU 4.2%"), std::string::npos) << all;
    EXPECT_NE(all.find("RSS 200 MiB = live 48.0 MiB"), std::string::npos) << all;
    EXPECT_NE(all.find("retained 60.0 MiB"), std::string::npos) << all;
    EXPECT_NE(all.find("gc-cpu-high: GC uses a lot of CPU"), std::string::npos) << all;
    EXPECT_NE(all.find("./server --port 8080"), std::string::npos) << all;
    EXPECT_NE(all.find("elapsed 12.5 s"), std::string::npos) << all;
    // The newest output is at the bottom of the pane, made safe.
    EXPECT_NE(all.find("red tailx\n"), std::string::npos) << all;
    EXPECT_NE(all.find("line 50\n"), std::string::npos) << all;
    EXPECT_EQ(all.find("evil title"), std::string::npos) << all;
    EXPECT_EQ(all.find("PAUSED"), std::string::npos);
    if (g != ChartGlyphs::kOff) {
      EXPECT_NE(all.find("pause   "), std::string::npos) << all;
    }
  }
}

TEST(RenderLive, EveryLineFitsAtManySizes) {
  OutputPane pane;
  LiveFrame f = sample_frame(pane);
  pane.feed(std::string(500, 'w') + "\n");
  pane.feed("\xe2\x94\x80\xe2\x94\x80 wide \xc3\xa9\n");
  f.output = pane.lines();
  for (size_t cols : {40u, 41u, 80u, 100u, 173u}) {
    for (size_t rows : {12u, 20u, 30u, 60u}) {
      const auto lines = render_live(f, cols, rows, ChartGlyphs::kUnicode);
      ASSERT_EQ(lines.size(), rows);
      for (const auto& l : lines) EXPECT_LE(display_columns(l), cols) << cols << "x" << rows << ": " << l;
    }
  }
  const auto tiny = render_live(f, 20, 5, ChartGlyphs::kUnicode);
  ASSERT_EQ(tiny.size(), 5u);
  EXPECT_NE(tiny[0].find("too small"), std::string::npos);
  for (const auto& l : tiny) EXPECT_LE(display_columns(l), 20u);
}

TEST(RenderLive, PausedScrolledAndEndedAreShown) {
  OutputPane pane;
  LiveFrame f = sample_frame(pane);
  f.paused = true;
  f.scroll = 10;
  auto all = joined(render_live(f, 100, 30, ChartGlyphs::kAscii));
  EXPECT_NE(all.find("[PAUSED"), std::string::npos) << all;
  EXPECT_NE(all.find("10 newer below"), std::string::npos) << all;
  EXPECT_EQ(all.find("line 50\n"), std::string::npos) << all;
  EXPECT_NE(all.find("line 41\n"), std::string::npos) << all;
  // Scrolling stops at the oldest line.
  f.scroll = 100000;
  all = joined(render_live(f, 100, 30, ChartGlyphs::kAscii));
  EXPECT_NE(all.find("line 1\n"), std::string::npos) << all;
  f.paused = false;
  f.ended = true;
  f.exit_status = 3;
  all = joined(render_live(f, 100, 30, ChartGlyphs::kAscii));
  EXPECT_NE(all.find("[program ended: status 3]"), std::string::npos) << all;
}

TEST(RenderLive, ChartsMovedBackInHistorySaySo) {
  OutputPane pane;
  LiveFrame f = sample_frame(pane);
  auto all = joined(render_live(f, 120, 30, ChartGlyphs::kAscii));
  EXPECT_NE(all.find("last "), std::string::npos) << all;
  EXPECT_EQ(all.find("before the newest"), std::string::npos) << all;
  EXPECT_NE(all.find("left/h right/l history | +/- zoom"), std::string::npos) << all;
  f.chart_back_ns = 30'000'000'000;
  all = joined(render_live(f, 120, 30, ChartGlyphs::kAscii));
  EXPECT_NE(all.find("ending 30.0 s before the newest"), std::string::npos) << all;
  for (size_t columns : {size_t{40}, size_t{60}, size_t{80}}) {
    for (const std::string& line : render_live(f, columns, 20, ChartGlyphs::kAscii)) {
      EXPECT_LE(display_columns(line), columns) << line;
    }
  }
}

TEST(RenderLive, WaitingBeforeTheFirstCycle) {
  LiveFrame f;
  f.title = "prog";
  f.status.live.lines = 7;
  const auto all = joined(render_live(f, 80, 24, ChartGlyphs::kUnicode));
  EXPECT_NE(all.find("waiting for the first gc line (7 lines read)"), std::string::npos) << all;
}

TEST(RenderLive, AFollowedLogShowsWhatTheTraceGivesAndMarksRssUnknown) {
  OutputPane pane;
  LiveFrame f = sample_frame(pane);
  LiveSnapshot& l = f.status.live;
  l.process = false;  // watch: no /proc
  l.rss.reset();
  l.parts_known = false;
  l.run.stacks.add(3ull << 20, 1);
  l.run.globals.add(1ull << 20, 1);
  f.rss.points.clear();
  f.clock_from_cycles = true;
  f.notice = "'app.log' was replaced (rotated); reading the new file from its start";
  f.pane_title = "the log's other lines";
  const auto all = joined(render_live(f, 120, 40, ChartGlyphs::kAscii));
  EXPECT_NE(all.find("RSS unknown (not in the trace) | stacks 3.0 MiB | globals 1.0 MiB"), std::string::npos) << all;
  EXPECT_EQ(all.find("RSS 0"), std::string::npos) << all;
  EXPECT_EQ(all.find("\nRSS     "), std::string::npos) << "no RSS chart:\n" << all;
  EXPECT_NE(all.find("(last 10.0 s of the trace)"), std::string::npos) << all;
  EXPECT_NE(all.find("of the trace, one column per"), std::string::npos) << all;
  EXPECT_NE(all.find("note: 'app.log' was replaced"), std::string::npos) << all;
  EXPECT_NE(all.find("-- the log's other lines --"), std::string::npos) << all;
  EXPECT_EQ(all.find("program output"), std::string::npos) << all;
}

// With ASCII charts (a C locale) gcsight's own text is ASCII too: "us" for
// "µs"; the program's lines in the pane are left as they are.
TEST(RenderLive, AsciiChartsMakeItsOwnTextAscii) {
  OutputPane pane;
  LiveFrame f = sample_frame(pane);
  f.status.elapsed_ns = 1500;  // "1.5 µs"
  pane.feed("caf\xc3\xa9 \xc2\xb5s\n");
  f.output = pane.lines();
  const auto lines = render_live(f, 100, 30, ChartGlyphs::kAscii);
  const std::string all = joined(lines);
  EXPECT_NE(all.find("elapsed 1.5 us"), std::string::npos) << all;
  EXPECT_NE(all.find("pause last 120 us | p99 870 us"), std::string::npos) << all;
  EXPECT_NE(all.find("caf\xc3\xa9 \xc2\xb5s\n"), std::string::npos) << "the program's line changed: " << all;
  for (const std::string& l : lines) {
    if (l == "caf\xc3\xa9 \xc2\xb5s") continue;
    for (const char c : l) EXPECT_LT(static_cast<unsigned char>(c), 0x80u) << l;
  }
  // Block glyphs keep the micro sign.
  EXPECT_NE(joined(render_live(f, 100, 30, ChartGlyphs::kUnicode)).find("p99 870 µs"), std::string::npos);
}

TEST(OutputPane, DropsControlSequencesEvenWhenSplit) {
  OutputPane pane;
  const std::string text = "a\x1b[1;31mb\x1b]2;title\x1b\\c\x1b(Bd\x07\x08" "e\xc2\x9b" "f\x1bPdcs\x1b\\g\n";
  for (char c : text) pane.feed(std::string_view(&c, 1));
  const auto lines = pane.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "abcdefg");
}

TEST(OutputPane, CarriageReturnTabsUtf8AndBadBytes) {
  OutputPane pane;
  pane.feed("progress 10%\rprogress 20%\r\n");
  pane.feed("a\tb\n");
  pane.feed("caf\xc3\xa9 \xff\xfe ok\n");
  pane.feed("half \xe2\x94");
  pane.feed("\x80 done\n");
  pane.feed("unfinished");
  const auto lines = pane.lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "progress 20%");
  EXPECT_EQ(lines[1], "a       b");
  EXPECT_EQ(lines[2], "caf\xc3\xa9 ?? ok");
  EXPECT_EQ(lines[3], "half \xe2\x94\x80 done");
  EXPECT_EQ(lines[4], "unfinished");
  EXPECT_EQ(pane.total_lines(), 4u);
}

TEST(OutputPane, BoundedRingAndLineLength) {
  OutputPane pane(100);
  for (int i = 0; i < 1000; ++i) pane.feed("l" + std::to_string(i) + "\n");
  pane.feed(std::string(100000, 'x') + "\n");
  const auto lines = pane.lines();
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(lines.front(), "l901");
  EXPECT_EQ(lines.back().size(), OutputPane::kMaxLineBytes);
  EXPECT_EQ(pane.total_lines(), 1001u);
}

}  // namespace
}  // namespace gcsight
