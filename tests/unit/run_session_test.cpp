// RunSession on synthetic stderr: the program's Go version against the line
// shapes of the trace, and the bytes handed back for passthrough.
#include "core/run_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gcsight {
namespace {

constexpr std::string_view kGc118 =
    "gc 1 @0.010s 2%: 0.010+1.0+0.010 ms clock, 0.020+0.10/0.50/0.20+0.020 ms cpu, 4->4->1 MB, 5 MB goal, "
    "0 MB stacks, 0 MB globals, 2 P\n";

Report run_with(const std::string& go_version, std::string* passed) {
  ProcessInfo info;
  info.command = {"./prog"};
  info.go_version = go_version;
  info.start_wall_ns = 1'800'000'000'000'000'000;
  RunSession session(info, false, {}, [passed](std::string_view d) { passed->append(d); });
  session.on_stderr("starting\n", 1'000'000);
  session.on_stderr(kGc118, 12'000'000);
  session.on_stderr("done\n", 13'000'000);
  return session.finish(RunExit{});
}

bool has_note(const Run& r, std::string_view part) {
  for (const std::string& n : r.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(RunSession, TheProgramsGoVersionAgreesWithTheLines) {
  std::string passed;
  const Report r = run_with("go1.22.12", &passed);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_TRUE(has_note(r.runs[0], "Read as the trace of go1.22.12"));
  EXPECT_EQ(passed, "starting\ndone\n");  // the runtime's line consumed, the rest as written
  EXPECT_EQ(r.process.go_version, "go1.22.12");
}

TEST(RunSession, LinesAVersionCannotPrintAreAnotherProgramsLines) {
  std::string passed;
  const Report r = run_with("go1.17.13", &passed);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_TRUE(has_note(r.runs[0], "another Go program")) << r.runs[0].notes.size();
  EXPECT_FALSE(has_note(r.runs[0], "Read as the trace"));
}

TEST(RunSession, NoVersionNoNote) {
  std::string passed;
  const Report r = run_with("", &passed);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_FALSE(has_note(r.runs[0], "Read as the trace"));
  EXPECT_FALSE(has_note(r.runs[0], "another Go program"));
}

// A launcher that is no Go executable (`sh -c 'sleep 1; ./prog'`): the gc lines
// are a child's, and the samples of the launcher alone do not describe it.
TEST(RunSession, AScriptsTraceSaysWhoseMemoryWasSampled) {
  auto notes_with = [](uint32_t processes) {
    ProcessInfo info;
    info.command = {"sh", "-c", "sleep 1; ./prog"};
    info.go_version_note = "unknown (/usr/bin/sh: not a Go executable)";
    RunSession session(info, false, {}, [](std::string_view) {});
    MemorySample m;
    m.ok = true;
    m.t_ns = 5'000'000;
    m.rss = 1 << 20;
    m.processes = processes;
    session.on_sample(m);
    session.on_stderr(kGc118, 12'000'000);
    const Report r = session.finish(RunExit{});
    return r.runs.at(0).notes;
  };
  auto has = [](const std::vector<std::string>& notes) {
    for (const std::string& n : notes) {
      if (n.find("sh is not a Go executable") != std::string::npos && n.find("--tree") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(notes_with(1)));
  EXPECT_FALSE(has(notes_with(2)));  // --tree summed the launcher and its child
}

// The program's stderr handed back by a run fed `chunks`, and how many
// runtime lines could not be read.
struct Passed {
  std::string text;
  uint64_t malformed = 0;
  uint64_t gc = 0;
};

Passed pass_through(const std::vector<std::string_view>& chunks) {
  Passed p;
  ProcessInfo info;
  info.command = {"./prog"};
  RunSession session(info, false, {}, [&p](std::string_view d) { p.text.append(d); });
  int64_t t = 0;
  for (std::string_view c : chunks) session.on_stderr(c, t += 1'000'000);
  const Report r = session.finish(RunExit{});
  p.malformed = r.parse.malformed_lines;
  p.gc = r.parse.gc_lines;
  return p;
}

// Go 1.22, whole program lines written while the runtime prints: the gc line
// breaks after `globals, `, and a program line that happens to hold `042013 P`
// (digits, then ` P`) reads as the rest of the line with `err 0` written inside
// it. The line after it holds the real rest, `2 P`, and the runtime's newline
// comes last. Seen in a real run.
TEST(RunSession, AReadingWithAWriteInsideTheLineWaitsForTheRealRest) {
  const Passed p = pass_through({
      "gc 137 @0.471s 13%: 0.62+0.41+0.041 ms clock, 1.2+0.058/0.15/0+0.082 ms cpu, 2->3->0 MB, 4 MB goal, "
      "0 MB stacks, 0 MB globals, err 042013 P42R.OUwaCuU1TzaGGo6yGWwcUite\n"
      "2 Perr 042014 P5QpAwCFPcOPKYT9ECUeTF10an9PTlPY5AnORy4vn6TUcQnYgtgDMwWTRCV\n"
      "\n"
      "err 042015 MkaSgePKoc\n",
  });
  EXPECT_EQ(p.gc, 1u);
  EXPECT_EQ(p.malformed, 0u);
  EXPECT_EQ(p.text,
            "err 042013 P42R.OUwaCuU1TzaGGo6yGWwcUite\n"
            "err 042014 P5QpAwCFPcOPKYT9ECUeTF10an9PTlPY5AnORy4vn6TUcQnYgtgDMwWTRCV\n"
            "err 042015 MkaSgePKoc\n");
}

// The same with Go 1.21's scavenger line before it and the legacy reading
// (`4 MB goal, ` + `err 2` + `29778 P`): the rest, `0 MB stacks, ...`, must not
// be left over as an unreadable piece. Seen in a real run.
TEST(RunSession, AWriteInsideTheLineIsNotReadWhereTheRestFollows) {
  const Passed p = pass_through({
      "gc 596 @4.187s 23%: 0.079+1.2+0.003 ms clock, 0.15+0.20/0/0+0.006 ms cpu, 3->3->0 MB, 4 MB goal, "
      "err 229778 PZWzbWwncNGkSD2Hxn8q7Jgbox10vz6Qvsje.ki8CQJP3dpvgr3LG6sd7rGlTqM rH0sfb\n"
      "0 MB stacks, 0 MB globals, 2 P\n"
      "err 229779 dSo0IHHDAFHOu9IBMO XzTkSATQOp523FlVp2uY\n",
  });
  EXPECT_EQ(p.gc, 1u);
  EXPECT_EQ(p.malformed, 0u);
  EXPECT_EQ(p.text,
            "err 229778 PZWzbWwncNGkSD2Hxn8q7Jgbox10vz6Qvsje.ki8CQJP3dpvgr3LG6sd7rGlTqM rH0sfb\n"
            "err 229779 dSo0IHHDAFHOu9IBMO XzTkSATQOp523FlVp2uY\n");
}

// Program lines that begin like the runtime's pacer, scan and `GC forced`
// lines but are not theirs reach the user as written (they vanished, or lost
// their newline).
TEST(RunSession, ProgramLinesThatOnlyBeginLikeRuntimeLinesPassThrough) {
  const std::string gc =
      "gc 1 @0.001s 1%: 0.010+0.20+0.005 ms clock, 0.020+0/0.10/0+0.010 ms cpu, 4->4->1 MB, 4 MB goal, "
      "0 MB stacks, 0 MB globals, 8 P\n";
  const std::string program =
      "scan: 12 files indexed\n"
      "pacer: throttling to 10 req/s\n"
      "GC forced by admin request\n"
      "done\n";
  const Passed p = pass_through({gc, program, gc});
  EXPECT_EQ(p.gc, 2u);
  EXPECT_EQ(p.malformed, 0u);
  EXPECT_EQ(p.text, program);
  // The runtime's own lines are still taken out, and `GC forced` with the
  // program's line written before the runtime's newline gives that line back.
  const Passed q = pass_through({gc,
                                 "scan: total 1200 objs\n"
                                 "pacer: 25% CPU (25 exp.) for 1+2+3 B work (4 B exp.) in 5 B -> 6 B (\xe2\x88\x86goal 7, "
                                 "cons/mark +1.0e-001)\n"
                                 "GC forcedlog line\n"
                                 "\n",
                                 gc, "tail\n"});
  EXPECT_EQ(q.gc, 2u);
  EXPECT_EQ(q.text, "log line\ntail\n");
}

// The runtime's `gc ` starts the line and the program's line written right
// after it holds `gc 0` further on: the runtime line is the one at the start.
// Seen in a real run (Go 1.23).
TEST(RunSession, TheRuntimeLineAtTheStartWinsOverAHeadInsideTheProgramsText) {
  const Passed p = pass_through({
      "gc err 101231 oQRioa5AvDnztgc 0YwEQCwCpFKz7L8yTV4zYbh9BEWHW2U\n"
      "err 101232 xyBkK. e5ZAxYW6uxzJ\n"
      "415err 101234 bCU4vQMa07d8sL o iajEZ\n"
      " @2.186s err 101235 787SOeY6VK79fuG5\n"
      "15%: err 101236 TuLeLeKnhZccNZh\n"
      "0.72+0.21err 101237 .QO9Pop4AVIgU.MOHm\n"
      "+0.059err 101238 7sDS2J.NckDXHiVV2kUQAYe81G YdGSln5\n"
      " ms clock, 1.4+0.058err 101239 I.80qkjEVdiQ9MX.yFt\n"
      "/0.069/err 101240 NvIzuDdn3xVKaijlI1tRkxKr\n"
      "0+0.11err 101241 EhnC0MMMYhEAbljSbxPykT\n"
      " ms cpu, 5->err 101242 iWeJHoA H .OaKV386VDKrdB\n"
      "5->0 MB, 5err 101243 XUaUGsLo1GlXwSxcn0se9pJEtik0Z8DW hg3.Rua8x2m440BJvh\n"
      " MB goal, 0err 101244 NrahyTESpkS1xdEhQCLMMN0oIpjZU9hqzf7yeK.G IKApTvX2qr\n"
      " MB stacks, 0 MB globals, 2err 101245 o0VBtsHk.0IEHrnudFAQT3zIa9j McThhvS\n"
      " P\n"
      "err 101246 zvocIyeYIQADFuc3Qo6TOa0dENk5t9dBcIJmMIc8ieeJtU3rnu4U2\n",
  });
  EXPECT_EQ(p.gc, 1u);
  EXPECT_EQ(p.malformed, 0u);
  EXPECT_EQ(p.text,
            "err 101231 oQRioa5AvDnztgc 0YwEQCwCpFKz7L8yTV4zYbh9BEWHW2U\n"
            "err 101232 xyBkK. e5ZAxYW6uxzJ\n"
            "err 101234 bCU4vQMa07d8sL o iajEZ\n"
            "err 101235 787SOeY6VK79fuG5\n"
            "err 101236 TuLeLeKnhZccNZh\n"
            "err 101237 .QO9Pop4AVIgU.MOHm\n"
            "err 101238 7sDS2J.NckDXHiVV2kUQAYe81G YdGSln5\n"
            "err 101239 I.80qkjEVdiQ9MX.yFt\n"
            "err 101240 NvIzuDdn3xVKaijlI1tRkxKr\n"
            "err 101241 EhnC0MMMYhEAbljSbxPykT\n"
            "err 101242 iWeJHoA H .OaKV386VDKrdB\n"
            "err 101243 XUaUGsLo1GlXwSxcn0se9pJEtik0Z8DW hg3.Rua8x2m440BJvh\n"
            "err 101244 NrahyTESpkS1xdEhQCLMMN0oIpjZU9hqzf7yeK.G IKApTvX2qr\n"
            "err 101245 o0VBtsHk.0IEHrnudFAQT3zIa9j McThhvS\n"
            "err 101246 zvocIyeYIQADFuc3Qo6TOa0dENk5t9dBcIJmMIc8ieeJtU3rnu4U2\n");
}

// A stitched line ends with program text (`err B`) whose newline may be the
// runtime's or the program's: that is known only when the line after it comes.
// A partial line that arrives meanwhile (a read ends inside it) waits, or the
// newline would go after its first part.
TEST(RunSession, APartialLineWaitsWhileTheNewlineBeforeItIsUndecided) {
  const Passed p = pass_through({
      std::string_view("gc 7 @1.000s 2%: 0.010+1.0+0.010 ms clock, 0.020+0.10/0.50/0.20+0.020 ms cpu, 4->4->1 MB, "
                       "5 MB goal, 0 MB stacks, 0 MB globals, err A\n"
                       "2 Perr B\n"
                       "err C first"),
      " part\n\nerr D\n",
  });
  EXPECT_EQ(p.gc, 1u);
  EXPECT_EQ(p.text, "err A\nerr B\nerr C first part\nerr D\n");
}

ProcessInfo prog_info() {
  ProcessInfo info;
  info.command = {"./prog"};
  return info;
}

// A session fed by hand: the program's stderr as it is passed on, so far.
struct LiveRun {
  std::string passed;
  RunSession session{prog_info(), false, {}, [this](std::string_view d) { passed.append(d); }};
  void sample(int64_t t_ns) {
    MemorySample s;
    s.t_ns = t_ns;
    session.on_sample(s);
  }
};

constexpr int64_t kMs = 1'000'000;

// `gc removed ...` begins like a runtime line; the heartbeats after it were
// held until the next gc cycle or the program's end. A sample a second or more
// after it gives the wait up, and the lines come out then.
TEST(RunSession, AWaitForTheRestOfARuntimeLineEndsASecondAfterItBegan) {
  LiveRun run;
  run.session.on_stderr("gc removed 12 expired sessions\n", 10 * kMs);
  run.session.on_stderr("heartbeat 0\n", 500 * kMs);
  run.sample(1000 * kMs);
  EXPECT_EQ(run.passed, "");  // 0.99 s: the rest may still come
  run.sample(1010 * kMs);
  EXPECT_EQ(run.passed, "gc removed 12 expired sessions\nheartbeat 0\n");
  run.session.on_stderr("heartbeat 1\n", 1500 * kMs);
  EXPECT_EQ(run.passed, "gc removed 12 expired sessions\nheartbeat 0\nheartbeat 1\n");
  const Report r = run.session.finish(RunExit{});
  EXPECT_EQ(r.parse.malformed_lines, 1u);  // the start, as at the end of the input
  EXPECT_EQ(run.passed, "gc removed 12 expired sessions\nheartbeat 0\nheartbeat 1\n");
}

// A split gc line whose rest comes within the second is read as before.
TEST(RunSession, ARuntimeLineCompletedWithinTheSecondIsStitched) {
  LiveRun run;
  run.session.on_stderr(std::string(kGc118.substr(0, 43)) + "log A\n", 10 * kMs);
  run.sample(900 * kMs);
  run.session.on_stderr(kGc118.substr(43), 950 * kMs);
  run.sample(1100 * kMs);
  EXPECT_EQ(run.passed, "log A\n");
  const Report r = run.session.finish(RunExit{});
  EXPECT_EQ(r.parse.gc_lines, 1u);
  EXPECT_EQ(r.parse.malformed_lines, 0u);
}

// An unfinished line that may begin a runtime line waits for its newline, but
// not for a second without a byte.
TEST(RunSession, AnUnfinishedLineIsPassedOnAfterASecondWithoutAByte) {
  LiveRun run;
  run.session.on_stderr("loading gc roots", 10 * kMs);
  run.sample(500 * kMs);
  EXPECT_EQ(run.passed, "");
  run.session.on_stderr("...", 600 * kMs);
  run.sample(1500 * kMs);
  EXPECT_EQ(run.passed, "");  // its last byte came 0.9 s ago
  run.sample(1600 * kMs);
  EXPECT_EQ(run.passed, "loading gc roots...");
  run.session.on_stderr(" done\n", 2000 * kMs);
  EXPECT_EQ(run.passed, "loading gc roots... done\n");
  const Report r = run.session.finish(RunExit{});
  EXPECT_EQ(r.parse.malformed_lines, 0u);
  EXPECT_EQ(run.passed, "loading gc roots... done\n");
}

}  // namespace
}  // namespace gcsight
