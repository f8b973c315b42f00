// The stitcher's wait for a runtime line's late newline, bounded by its window
// in lines, and every wait given up by a live stream's caller (give_up); the
// program's bytes come back as written.
#include "core/line_stitcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gcsight {
namespace {

constexpr std::string_view kGc =
    "gc 7 @1.000s 2%: 0.010+1.0+0.010 ms clock, 0.020+0.10/0.50/0.20+0.020 ms cpu, 4->4->1 MB, 5 MB goal, "
    "0 MB stacks, 0 MB globals, 2 P";

struct Out {
  std::string program;  // the program's bytes, as a run passes them on
  int gc = 0;
};

Out stitch(const std::vector<InputLine>& lines, StitchOptions opts = {}) {
  Out out;
  LineStitcher st(
      [&](const TraceEvent& e) {
        if (e.kind == EventKind::kGc) ++out.gc;
        if (e.kind == EventKind::kProgram || e.kind == EventKind::kMalformed) {
          out.program.append(e.text);
          const bool newline = e.role == TextRole::kPrefix ? false : e.terminated;
          if (newline) out.program.push_back('\n');
        }
      },
      opts);
  for (const InputLine& l : lines) st.push(l);
  st.finish();
  return out;
}

// A complete gc line with `x` after it, `between` whole program lines, then an
// empty line; what the program's bytes are when the empty line is the
// runtime's newline (`x` had its own).
struct LateNewline {
  std::vector<std::string> texts;
  std::vector<InputLine> lines;  // views into texts
  std::string runtime_newline;   // the program's bytes if the empty line is the runtime's
  std::string program_newline;   // ... if it is the program's (`x` had no newline)

  explicit LateNewline(size_t between) {
    texts.push_back(std::string(kGc) + "x");
    for (size_t i = 0; i < between; ++i) texts.push_back("line " + std::to_string(i));
    texts.emplace_back();
    for (size_t i = 0; i < texts.size(); ++i) lines.push_back({texts[i], i + 1, 0, true});
    runtime_newline = "x\n";
    program_newline = "x";
    for (size_t i = 1; i + 1 < texts.size(); ++i) {
      runtime_newline += texts[i] + "\n";
      program_newline += texts[i] + "\n";
    }
    program_newline += "\n";
  }
};

TEST(LineStitcher, ALateRuntimeNewlineIsTheRuntimes) {
  const std::string first = std::string(kGc) + "log A";
  // `...2 P` + `log A\n` + `log B\n` + `log C\n` + the runtime's `\n`, 3 ms later.
  const Out o = stitch({{first, 1, 1'000'000'000, true},
                        {"log B", 2, 1'001'000'000, true},
                        {"log C", 3, 1'002'000'000, true},
                        {"", 4, 1'003'000'000, true},
                        {"log D", 5, 1'004'000'000, true}});
  EXPECT_EQ(o.gc, 1);
  EXPECT_EQ(o.program, "log A\nlog B\nlog C\nlog D\n");
}

TEST(LineStitcher, AProgramLineWithGcInsideItMayComeBeforeTheLateNewline) {
  const std::string first = std::string(kGc) + "log A";
  // `gc31.x` inside log B reads as the weak start of a legacy line: it is
  // still a whole program line, and the empty line after it the runtime's newline.
  const Out o = stitch({{first, 1, 0, true},
                        {"log B nf.mDVoAgc31.xflQzQbq9iKAp4", 2, 0, true},
                        {"", 3, 0, true},
                        {"log C", 4, 0, true}});
  EXPECT_EQ(o.gc, 1);
  EXPECT_EQ(o.program, "log A\nlog B nf.mDVoAgc31.xflQzQbq9iKAp4\nlog C\n");
}

// Seen in `gcsight run` of a program writing 10 MB/s to stderr, read by a
// sanitizer build: the runtime's newline came more than 256 program lines late
// (its write waited on the full pipe while the program's went first).
TEST(LineStitcher, ANewlineThousandsOfLinesLateIsStillTheRuntimes) {
  const LateNewline t(5000);
  const Out o = stitch(t.lines);
  EXPECT_EQ(o.gc, 1);
  EXPECT_TRUE(o.program == t.runtime_newline);
}

TEST(LineStitcher, TheWaitIsBoundedByTheWindow) {
  StitchOptions small;
  small.max_lookahead = 100;
  const LateNewline within(100), beyond(101);
  EXPECT_TRUE(stitch(within.lines, small).program == within.runtime_newline);
  // 100 lines waited for a newline that did not come: `x` had none of its own,
  // and the blank line at the end is the program's.
  const Out o = stitch(beyond.lines, small);
  EXPECT_EQ(o.gc, 1);
  EXPECT_TRUE(o.program == beyond.program_newline);
  // With the default window the same lines read the other way.
  EXPECT_TRUE(stitch(beyond.lines).program == beyond.runtime_newline);
}

// A runtime line cannot begin before the previous one's newline: when the next
// gc line comes first, `x` had no newline of its own, however few lines waited.
TEST(LineStitcher, TheNextRuntimeLineEndsTheWait) {
  const std::string first = std::string(kGc) + "x";
  const std::string next = std::string(kGc).replace(3, 1, "8");
  const Out o = stitch({{first, 1, 0, true}, {"line 1", 2, 0, true}, {next, 3, 0, true}, {"", 4, 0, true}});
  EXPECT_EQ(o.gc, 2);
  EXPECT_EQ(o.program, "xline 1\n\n");
}

// The first piece of a gc line, then lines of ordinary log output: the rest
// never comes. Each held line could search for it again; none may, since the
// shape's literals (` ms clock, ` and on) are nowhere in the window, however
// many bytes it holds. (Past 64 KiB of held text the stitcher once searched
// anyway, its whole budget for every further line: minutes for 3,000 lines.)
TEST(LineStitcher, AStartWhoseLiteralsNeverComeCostsNoSearch) {
  std::vector<std::string> texts{"gc 1 @0.011s 3%: 0.009+6.3+0.04"};
  for (int i = 0; i < 8000; ++i) texts.push_back("2024/01/01 12:00:00 request " + std::to_string(i));
  std::vector<InputLine> lines;
  for (size_t i = 0; i < texts.size(); ++i) lines.push_back({texts[i], i + 1, 0, true});
  std::string want;
  for (const std::string& t : texts) want += t + "\n";

  Out out;
  StitchStats stats;
  {
    LineStitcher st(
        [&](const TraceEvent& e) {
          if (e.kind == EventKind::kProgram || e.kind == EventKind::kMalformed) {
            out.program.append(e.text);
            if (e.terminated) out.program.push_back('\n');
          }
        },
        {});
    for (const InputLine& l : lines) st.push(l);
    st.finish();
    stats = st.stats();
  }
  EXPECT_EQ(stats.unresolved, 1u);
  EXPECT_EQ(stats.search_steps, 0u);
  EXPECT_TRUE(out.program == want);  // every byte, the cut line first
}

// When the literals are all there but no reading of the numbers works, every
// held line searches again; the window's budget ends the wait.
TEST(LineStitcher, TheSearchesForOneStartStayWithinTheWindowBudget) {
  StitchOptions opts;
  opts.search_budget = 2000;
  opts.window_budget = 20000;
  std::vector<std::string> texts{"gc 1 @0.011s 3%: 0.009+6.3+0.04"};
  for (int i = 0; i < 300; ++i) {
    texts.push_back(" ms clock, 1+2/3/4+5 ms cpu, 1->2->x MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P " +
                    std::to_string(i));
  }
  std::vector<InputLine> lines;
  for (size_t i = 0; i < texts.size(); ++i) lines.push_back({texts[i], i + 1, 0, true});
  auto steps = [&](const StitchOptions& o) {
    LineStitcher st([](const TraceEvent&) {}, o);
    for (const InputLine& l : lines) st.push(l);
    st.finish();
    return st.stats().search_steps;
  };
  // Each closing search may spend its own budget: with insertions, then the first line alone.
  EXPECT_LE(steps(opts), opts.window_budget + 3 * opts.search_budget);
  StitchOptions unbounded = opts;
  unbounded.window_budget = SIZE_MAX;
  EXPECT_GT(steps(unbounded), 10 * opts.window_budget);  // what the budget saves here
}

// A program line's signature is the shape of its first 14 bytes.
// `...2 P` + `log A\n` + ` (forced)\n`: the runtime's line goes on after the
// program's, so the newline after `log A` is the program's.
TEST(LineStitcher, ProgramTextBeforeALateForcedSuffixKeepsItsNewline) {
  const std::string first = std::string(kGc) + "log A";
  int forced = 0;
  Out o;
  LineStitcher st([&](const TraceEvent& e) {
    if (e.kind == EventKind::kGc) {
      ++o.gc;
      if (e.gc.has(kGcUserForced)) ++forced;
    }
    if (e.kind == EventKind::kProgram) {
      o.program.append(e.text);
      if (e.role != TextRole::kPrefix && e.terminated) o.program.push_back('\n');
    }
  });
  for (const InputLine& l : std::vector<InputLine>{{first, 1, 0, true}, {" (forced)", 2, 0, true}, {"log B", 3, 0, true}}) {
    st.push(l);
  }
  st.finish();
  EXPECT_EQ(o.gc, 1);
  EXPECT_EQ(forced, 1);
  EXPECT_EQ(o.program, "log A\nlog B\n");
}

// Each gc record as "N" (+ " forced", " stitched"), and the program's bytes.
struct Records {
  std::vector<std::string> gc;
  std::string program;
  int malformed = 0;
};

Records records(const std::vector<std::string>& texts) {
  Records r;
  LineStitcher st([&](const TraceEvent& e) {
    if (e.kind == EventKind::kGc) {
      std::string s = std::to_string(e.gc.gc);
      if (e.gc.has(kGcUserForced)) s += " forced";
      if (e.gc.has(kGcStitched)) s += " stitched";
      r.gc.push_back(s);
    }
    if (e.kind == EventKind::kMalformed) ++r.malformed;
    if (e.kind == EventKind::kProgram || e.kind == EventKind::kMalformed) {
      r.program.append(e.text);
      if (e.role != TextRole::kPrefix && e.terminated) r.program.push_back('\n');
    }
  });
  for (size_t i = 0; i < texts.size(); ++i) st.push({texts[i], i + 1, 0, true});
  st.finish();
  return r;
}

std::string forced_gc(int n) {
  std::string s(kGc);
  s.replace(3, 1, std::to_string(n));
  return s + " (forced)";
}

// A progress write without a newline inside gc 6, which ends in ` (forced)`:
// gc 6 reads whole with the write inside it. Its reading may not go on to a
// later line that holds none of its text: gc 7 was once taken as the program
// text after gc 6 (and ` (forced)` as a program remainder), and with a prefix
// on the lines after it, every gc line up to the end of input.
TEST(LineStitcher, NoReadingEndsOnALineWithNoRuntimeTextOnIt) {
  std::string gc6 = forced_gc(6);
  gc6.replace(gc6.find(" ms cpu"), 0, "\rprogress 40%");
  {
    SCOPED_TRACE("the next gc line at the start of a line");
    const Records r = records({forced_gc(5), gc6, forced_gc(7), forced_gc(8)});
    EXPECT_EQ(r.gc, (std::vector<std::string>{"5 forced", "6 forced stitched", "7 forced", "8 forced"}));
    EXPECT_EQ(r.program, "\rprogress 40%");
    EXPECT_EQ(r.malformed, 0);
  }
  {
    SCOPED_TRACE("the lines after it each with a progress dot first");
    std::vector<std::string> texts{forced_gc(5), gc6};
    for (int n = 7; n <= 40; ++n) texts.push_back("." + forced_gc(n));
    const Records r = records(texts);
    ASSERT_EQ(r.gc.size(), 36u);
    EXPECT_EQ(r.gc[1], "6 forced stitched");
    EXPECT_EQ(r.gc[2], "7 forced");
    EXPECT_EQ(r.gc[35], "40 forced");
    EXPECT_EQ(r.program, "\rprogress 40%" + std::string(34, '.'));
    EXPECT_EQ(r.malformed, 0);
  }
}

// The runtime's ` (forced)` after the last piece of a re-assembled line, on a
// later line: `...2` + `worker\n`, ` P` + `hello 1\n`, ` (forced)` + `hello 2\n`,
// then the runtime's newline, late. gc 1 is forced, every program line comes
// back once with its newline, and nothing is malformed.
TEST(LineStitcher, AForcedSuffixAfterTheLastPieceOfAStitchedLineIsTheRuntimes) {
  const std::string head = std::string(kGc).substr(0, kGc.size() - 2);  // `... 0 MB globals, 2`
  {
    SCOPED_TRACE("the suffix on the next line, the runtime's newline after it");
    const Records r = records({head + "worker", " Phello 1", " (forced)hello 2", ""});
    EXPECT_EQ(r.gc, (std::vector<std::string>{"7 forced stitched"}));
    EXPECT_EQ(r.program, "worker\nhello 1\nhello 2\n");
    EXPECT_EQ(r.malformed, 0);
  }
  {
    SCOPED_TRACE("whole program lines before the suffix and before the newline");
    const Records r = records({head + "worker", " Phello 1", "log A", " (forced)hello 2", "log B", ""});
    EXPECT_EQ(r.gc, (std::vector<std::string>{"7 forced stitched"}));
    EXPECT_EQ(r.program, "worker\nhello 1\nlog A\nhello 2\nlog B\n");
    EXPECT_EQ(r.malformed, 0);
  }
  {
    SCOPED_TRACE("no newline of the runtime's after the suffix: the program wrote `hello 2` without one");
    const Records r = records({head + "worker", " Phello 1", " (forced)hello 2", "next"});
    EXPECT_EQ(r.gc, (std::vector<std::string>{"7 forced stitched"}));
    EXPECT_EQ(r.program, "worker\nhello 1\nhello 2next\n");
  }
  {
    SCOPED_TRACE("the suffix alone on its line");
    const Records r = records({head + "worker", " Phello 1", " (forced)", "next"});
    EXPECT_EQ(r.gc, (std::vector<std::string>{"7 forced stitched"}));
    EXPECT_EQ(r.program, "worker\nhello 1\nnext\n");
  }
  {
    SCOPED_TRACE("already forced: a second ` (forced)` is no piece of it");
    const Records r = records({head + "worker", " P (forced)hello 1", " (forced)x", ""});
    EXPECT_EQ(r.gc, (std::vector<std::string>{"7 forced stitched"}));
    EXPECT_EQ(r.malformed, 1);
  }
  {
    SCOPED_TRACE("a scav line's ` [controller reset]`");
    const std::string scav = "scav 0 KiB work (bg), 0 KiB work (eager), 3872 KiB now, 33% util";
    std::vector<TraceEvent> got;
    LineStitcher st([&](const TraceEvent& e) {
      if (e.kind == EventKind::kScav) got.push_back(e);
    });
    const size_t cut = scav.find(" KiB now");
    const std::vector<std::string> texts{scav.substr(0, cut) + "log A", scav.substr(cut) + "log B",
                                         " [controller reset]", ""};
    for (size_t i = 0; i < texts.size(); ++i) st.push({texts[i], i + 1, 0, true});
    st.finish();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].scav.has(kScavControllerReset));
    EXPECT_TRUE(got[0].scav.has(kScavStitched));
  }
}

// A complete line's suffix on a later line with program text after it: the
// runtime's newline may still come, as an empty line, after that text.
TEST(LineStitcher, TheRuntimesNewlineMayComeAfterTheTextAfterALateSuffix) {
  const std::string first = std::string(kGc) + "log A";
  Records r = records({first, " (forced)log B", ""});
  EXPECT_EQ(r.gc, (std::vector<std::string>{"7 forced stitched"}));
  EXPECT_EQ(r.program, "log A\nlog B\n");
  r = records({first, " (forced)log B", "log C"});
  EXPECT_EQ(r.program, "log A\nlog Blog C\n");
}

// What a live stream's caller sees of a wait: when it began (the wall_ns of
// the line that began it), and what giving it up passes on. Each wait kind.
struct Waits {
  Out out;
  int malformed = 0;
  LineStitcher st{[this](const TraceEvent& e) {
    if (e.kind == EventKind::kGc) ++out.gc;
    if (e.kind == EventKind::kMalformed) ++malformed;
    if (e.kind == EventKind::kProgram || e.kind == EventKind::kMalformed) {
      out.program.append(e.text);
      if (e.role != TextRole::kPrefix && e.terminated) out.program.push_back('\n');
    }
  }};
};

TEST(LineStitcher, AWaitGivenUpPassesOnWhatItHeld) {
  {
    SCOPED_TRACE("a start at the line's start: reported, and passed on as the program's");
    Waits w;
    EXPECT_FALSE(w.st.held_since());
    w.st.push({"gc removed 12 expired sessions", 1, 100, true});
    w.st.push({"heartbeat 0", 2, 200, true});
    EXPECT_EQ(w.st.held_since(), 100);
    EXPECT_EQ(w.out.program, "");
    EXPECT_TRUE(w.st.give_up());
    EXPECT_FALSE(w.st.held_since());
    EXPECT_FALSE(w.st.give_up());
    EXPECT_EQ(w.out.program, "gc removed 12 expired sessions\nheartbeat 0\n");
    EXPECT_EQ(w.malformed, 1);
    EXPECT_EQ(w.st.stats().unresolved, 1u);
  }
  {
    SCOPED_TRACE("a cut gc line: reported; a weak start after it waits on its own, from its own line's time");
    const std::string cut = std::string(kGc.substr(0, 43)) + "log A";
    Waits w;
    w.st.push({cut, 1, 100, true});
    w.st.push({"log B", 2, 200, true});
    w.st.push({"sessions: gc 12 removed", 3, 300, true});
    EXPECT_EQ(w.st.held_since(), 100);
    EXPECT_TRUE(w.st.give_up());
    EXPECT_EQ(w.malformed, 1);
    EXPECT_EQ(w.st.stats().unresolved, 1u);
    EXPECT_EQ(w.out.program, cut + "\nlog B\n");
    EXPECT_EQ(w.st.held_since(), 300);
    EXPECT_TRUE(w.st.give_up());
    EXPECT_EQ(w.malformed, 1);  // a weak start is the program's
    EXPECT_EQ(w.out.program, cut + "\nlog B\nsessions: gc 12 removed\n");
  }
  {
    SCOPED_TRACE("a complete line awaiting ` (forced)`: the line (its newline the runtime's), then the lines after it");
    const std::string first = std::string(kGc) + "log A";
    Waits w;
    w.st.push({first, 1, 100, true});
    w.st.push({"log B", 2, 200, true});
    EXPECT_EQ(w.st.held_since(), 100);
    EXPECT_EQ(w.out.gc, 0);
    EXPECT_TRUE(w.st.give_up());
    EXPECT_EQ(w.out.gc, 1);
    EXPECT_EQ(w.out.program, "log Alog B\n");
    EXPECT_FALSE(w.st.held_since());
  }
  {
    SCOPED_TRACE("a stitched line's late newline or suffix: the line, then the lines after it; the program wrote no newline");
    const std::string first = std::string(kGc.substr(0, 43)) + "log A", rest = std::string(kGc.substr(43)) + "x";
    Waits w;
    w.st.push({first, 1, 100, true});
    w.st.push({rest, 2, 200, true});
    w.st.push({"line 0", 3, 300, true});
    EXPECT_EQ(w.out.gc, 0);
    EXPECT_EQ(w.st.held_since(), 200);
    EXPECT_TRUE(w.st.give_up());
    EXPECT_EQ(w.out.gc, 1);
    EXPECT_EQ(w.out.program, "log A\nxline 0\n");
    EXPECT_FALSE(w.st.held_since());
  }
}

TEST(LineStitcher, SignaturesFoldDigitsAndLetters) {
  EXPECT_EQ(signature_of("err 000123 abcdef"), signature_of("out 987654 XyZzy."));
  EXPECT_NE(signature_of("err 000123 abcdef"), signature_of("err-000123 abcdef"));
  EXPECT_NE(signature_of("err 000123 abcdef"), signature_of("err 00012a abcdef"));
  EXPECT_EQ(signature_of("2026/11/26 12:00:01 one"), signature_of("1999/01/02 03:04:05 two, and more"));
  EXPECT_EQ(signature_of("short"), 0u);
  EXPECT_NE(signature_of("sixsix"), 0u);
  EXPECT_NE(signature_of("\xff\xfe\x80 text"), signature_of("\x7f\xfe\x80 text"));
}

}  // namespace
}  // namespace gcsight
