// Tests for LogUnwrapper: detection of each wrapper and its times to the
// nanosecond, joining of CRI and docker partial lines, JSON escapes, plain logs
// that must stay plain, and the counting of lines that did not fit.
#include "core/log_wrapper.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gcsight {
namespace {

constexpr int64_t kSec = 1'000'000'000;
// 2024-03-01T12:00:00Z in unix seconds.
constexpr int64_t k20240301T12 = 1709294400;

struct Out {
  std::string payload;
  int64_t wall_ns;
  uint64_t first_line;
  bool has_time;
  bool stderr_stream;
};

// Feeds the lines numbered from 1 and collects every logical line, finish() included.
std::vector<Out> run(LogUnwrapper& u, const std::vector<std::string>& lines) {
  std::vector<Out> out;
  Unwrapped w;
  uint64_t n = 0;
  for (const std::string& line : lines) {
    if (u.feed(line, ++n, w)) {
      out.push_back({std::string(w.payload), w.wall_ns, w.first_line, w.has_time, w.stderr_stream});
    }
  }
  while (u.finish(w)) {
    out.push_back({std::string(w.payload), w.wall_ns, w.first_line, w.has_time, w.stderr_stream});
  }
  return out;
}

TEST(WrapperName, Names) {
  EXPECT_EQ(wrapper_name(WrapperKind::kNone), "none");
  EXPECT_EQ(wrapper_name(WrapperKind::kDockerJson), "docker-json");
  EXPECT_EQ(wrapper_name(WrapperKind::kCri), "cri");
  EXPECT_EQ(wrapper_name(WrapperKind::kKubectlTimestamps), "kubectl-timestamps");
  EXPECT_EQ(wrapper_name(WrapperKind::kJournald), "journald");
}

TEST(LogUnwrapper, PlainLogStaysNone) {
  LogUnwrapper u;
  std::vector<std::string> lines;
  for (int i = 1; i <= 20; ++i) {
    lines.push_back("gc " + std::to_string(i) + " @0.00" + std::to_string(i % 10) +
                    "s 0%: 0.004+0.099+0.001 ms clock, 0.008+0/0.031/0+0.003 ms cpu, "
                    "4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P");
  }
  lines.push_back(R"({"log":"gc 1 @0.002s\n","stream":"stderr","time":"2024-03-01T12:00:00Z"})");
  lines.push_back("2024-03-01T12:00:00.123456789Z stderr F gc 2 @0.1s");
  auto out = run(u, lines);
  EXPECT_EQ(u.kind(), WrapperKind::kNone);
  ASSERT_EQ(out.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(out[i].payload, lines[i]);
    EXPECT_FALSE(out[i].has_time);
    EXPECT_EQ(out[i].first_line, i + 1);
  }
  EXPECT_EQ(u.unwrapped_lines(), 0u);
  EXPECT_EQ(u.passthrough_lines(), 0u);
}

TEST(LogUnwrapper, PlainOnlyOnceTheProbeFoundNoWrapper) {
  // plain() lets a caller skip feed(): it must not say so while lines are
  // still probed, nor ever for a wrapped log.
  LogUnwrapper plain;
  Unwrapped w;
  for (uint64_t n = 1; n <= 16; ++n) {
    EXPECT_FALSE(plain.plain()) << "line " << n;
    ASSERT_TRUE(plain.feed("program output " + std::to_string(n), n, w));
  }
  EXPECT_TRUE(plain.plain());
  ASSERT_TRUE(plain.feed("2024-03-01T12:00:00Z stderr F gc 1 @0.1s", 17, w));
  EXPECT_EQ(w.payload, "2024-03-01T12:00:00Z stderr F gc 1 @0.1s");
  EXPECT_EQ(w.first_line, 17u);
  EXPECT_FALSE(w.has_time);

  LogUnwrapper empty;  // empty lines are not probes
  for (uint64_t n = 1; n <= 40; ++n) ASSERT_TRUE(empty.feed("", n, w));
  EXPECT_FALSE(empty.plain());

  LogUnwrapper cri;
  for (uint64_t n = 1; n <= 40; ++n) {
    ASSERT_TRUE(cri.feed("2024-03-01T12:00:00Z stderr F line " + std::to_string(n), n, w));
    EXPECT_FALSE(cri.plain());
  }
  EXPECT_EQ(cri.kind(), WrapperKind::kCri);
}

TEST(LogUnwrapper, ProgramTextThatMerelyMentionsAWrapperIsNotDetected) {
  LogUnwrapper u;
  auto out = run(u, {
                        "",
                        R"(request body {"log":"x","stream":"stderr"})",
                        R"({"log":"no stream or time"})",
                        "2024-03-01 12:00:00.5Z stderr F no T in the time",
                        "2024-03-01T12:00:00Z app log with a time of whole seconds",
                        "Mar  1 12:00:00 not a syslog tag",
                        "gc 1 @0.002s 0%: ...",
                    });
  EXPECT_EQ(u.kind(), WrapperKind::kNone);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[1].payload, R"(request body {"log":"x","stream":"stderr"})");
}

TEST(LogUnwrapper, DockerJson) {
  LogUnwrapper u;
  auto out = run(
      u,
      {
          R"({"log":"gc 1 @0.002s 0%: x\n","stream":"stderr","time":"2024-03-01T12:00:00.123456789Z"})",
          R"({"log":"hello\n","stream":"stdout","time":"2024-03-01T12:00:01.000000001Z"})",
      });
  EXPECT_EQ(u.kind(), WrapperKind::kDockerJson);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload, "gc 1 @0.002s 0%: x");
  EXPECT_TRUE(out[0].has_time);
  EXPECT_EQ(out[0].wall_ns, k20240301T12 * kSec + 123456789);
  EXPECT_TRUE(out[0].stderr_stream);
  EXPECT_EQ(out[1].payload, "hello");
  EXPECT_EQ(out[1].wall_ns, (k20240301T12 + 1) * kSec + 1);
  EXPECT_FALSE(out[1].stderr_stream);
  EXPECT_EQ(u.unwrapped_lines(), 2u);
  EXPECT_EQ(u.passthrough_lines(), 0u);
}

TEST(LogUnwrapper, DockerJsonEscapes) {
  LogUnwrapper u;
  auto out = run(
      u,
      {
          R"({"log":"tab\there \"q\" back\\slash sl\/ash \u003cb\u003e \u00e9 \u20ac \ud83d\ude00 end\r\n","stream":"stderr","time":"2024-03-01T12:00:00Z"})",
          R"({"log":"lone \ud800 x\n","stream":"stderr","time":"2024-03-01T12:00:00Z"})",
      });
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload,
            "tab\there \"q\" back\\slash sl/ash <b> \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end");
  EXPECT_EQ(out[1].payload, "lone \xef\xbf\xbd x");
  // An escaped backslash then "n" is not a newline: the record stays partial until finish().
  LogUnwrapper v;
  auto partial = run(
      v, {R"({"log":"literal backslash-n \\n","stream":"stderr","time":"2024-03-01T12:00:00Z"})"});
  ASSERT_EQ(partial.size(), 1u);  // from finish()
  EXPECT_EQ(partial[0].payload, "literal backslash-n \\n");
}

TEST(LogUnwrapper, DockerPartialRecordsAreJoinedPerStream) {
  LogUnwrapper u;
  auto out = run(
      u,
      {
          R"({"log":"gc 7 @1.5s 0%: ","stream":"stderr","time":"2024-03-01T12:00:00.000000100Z"})",
          R"({"log":"out line\n","stream":"stdout","time":"2024-03-01T12:00:00.000000200Z"})",
          R"({"log":"0.1+0.2+0.3 ms clock, ","stream":"stderr","time":"2024-03-01T12:00:00.000000300Z"})",
          R"({"log":"4-\u003e4-\u003e0 MB\n","stream":"stderr","time":"2024-03-01T12:00:00.000000400Z"})",
          R"({"log":"next\n","stream":"stderr","time":"2024-03-01T12:00:00.000000500Z"})",
      });
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].payload, "out line");
  EXPECT_FALSE(out[0].stderr_stream);
  EXPECT_EQ(out[0].first_line, 2u);
  EXPECT_EQ(out[1].payload, "gc 7 @1.5s 0%: 0.1+0.2+0.3 ms clock, 4->4->0 MB");
  EXPECT_TRUE(out[1].stderr_stream);
  EXPECT_EQ(out[1].first_line, 1u);
  EXPECT_EQ(out[1].wall_ns, k20240301T12 * kSec + 100);  // the first piece's time
  EXPECT_EQ(out[2].payload, "next");
  EXPECT_EQ(out[2].first_line, 5u);
  EXPECT_EQ(u.unwrapped_lines(), 5u);
}

TEST(LogUnwrapper, DockerJsonOtherKeysAndKeyOrder) {
  LogUnwrapper u;
  auto out = run(
      u,
      {R"({"stream":"stderr","attrs":{"tag":"a,b}"},"n":[1,{"x":2}],"time":"2024-03-01T13:00:00+01:00","log":"x\n"})"});
  EXPECT_EQ(u.kind(), WrapperKind::kDockerJson);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, "x");
  EXPECT_EQ(out[0].wall_ns, k20240301T12 * kSec);
}

TEST(LogUnwrapper, Cri) {
  LogUnwrapper u;
  auto out = run(u, {
                        "2024-03-01T12:00:00.123456789Z stderr F gc 1 @0.002s 0%: x",
                        "2024-03-01T13:00:00.5+01:00 stdout F hello world",
                        "2024-03-01T12:00:02Z stderr F ",
                        "2024-03-01T12:00:03.000000001-00:30 stderr F:x tagged",
                    });
  EXPECT_EQ(u.kind(), WrapperKind::kCri);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].payload, "gc 1 @0.002s 0%: x");
  EXPECT_EQ(out[0].wall_ns, k20240301T12 * kSec + 123456789);
  EXPECT_TRUE(out[0].stderr_stream);
  EXPECT_EQ(out[1].payload, "hello world");
  EXPECT_EQ(out[1].wall_ns, k20240301T12 * kSec + 500000000);
  EXPECT_FALSE(out[1].stderr_stream);
  EXPECT_EQ(out[2].payload, "");
  EXPECT_EQ(out[3].payload, "tagged");
  EXPECT_EQ(out[3].wall_ns, (k20240301T12 + 3 + 1800) * kSec + 1);
}

TEST(LogUnwrapper, CriPartialLinesAreJoinedUntilF) {
  LogUnwrapper u;
  auto out = run(u, {
                        "2024-03-01T12:00:00.000000001Z stderr P gc 3 @0.5s ",
                        "2024-03-01T12:00:00.000000002Z stdout F interleaved",
                        "2024-03-01T12:00:00.000000003Z stderr P 1%: 0.1+0.2+0.3 ms clock, ",
                        "2024-03-01T12:00:00.000000004Z stderr F 8->8->4 MB, 8 MB goal, 4 P",
                        "2024-03-01T12:00:00.000000005Z stderr P unfinished",
                    });
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].payload, "interleaved");
  EXPECT_EQ(out[1].payload, "gc 3 @0.5s 1%: 0.1+0.2+0.3 ms clock, 8->8->4 MB, 8 MB goal, 4 P");
  EXPECT_EQ(out[1].first_line, 1u);
  EXPECT_EQ(out[1].wall_ns, k20240301T12 * kSec + 1);
  EXPECT_EQ(out[2].payload, "unfinished");  // from finish()
  EXPECT_EQ(out[2].first_line, 5u);
  EXPECT_EQ(u.unwrapped_lines(), 5u);
}

TEST(LogUnwrapper, JoinedLineIsCappedNotUnbounded) {
  UnwrapOptions opts;
  opts.max_joined_bytes = 8;
  LogUnwrapper u(opts);
  auto out = run(u, {
                        "2024-03-01T12:00:00Z stderr P abcd",
                        "2024-03-01T12:00:00Z stderr P efgh",
                        "2024-03-01T12:00:00Z stderr F ij",
                    });
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload, "abcdefgh");
  EXPECT_EQ(out[1].payload, "ij");
}

TEST(LogUnwrapper, KubectlTimestamps) {
  LogUnwrapper u;
  auto out = run(u, {
                        "2024-03-01T12:00:00.123456789Z gc 1 @0.002s 0%: x",
                        "2024-03-01T12:00:01Z gc 2 @1.002s 0%: y",
                        "2024-03-01T14:00:00.000000007+02:00 scvg: 0 MB released",
                        "2024-03-01T12:00:02.5Z",
                    });
  EXPECT_EQ(u.kind(), WrapperKind::kKubectlTimestamps);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].payload, "gc 1 @0.002s 0%: x");
  EXPECT_EQ(out[0].wall_ns, k20240301T12 * kSec + 123456789);
  EXPECT_EQ(out[1].wall_ns, (k20240301T12 + 1) * kSec);
  EXPECT_EQ(out[2].payload, "scvg: 0 MB released");
  EXPECT_EQ(out[2].wall_ns, k20240301T12 * kSec + 7);
  EXPECT_EQ(out[3].payload, "");
  EXPECT_EQ(out[3].wall_ns, (k20240301T12 + 2) * kSec + 500000000);
}

TEST(LogUnwrapper, KubectlPayloadThatLooksLikeASyslogTagStaysKubectl) {
  LogUnwrapper u;
  auto out = run(u, {"2024-03-01T12:00:00.123456789Z fatal error: all goroutines are asleep"});
  EXPECT_EQ(u.kind(), WrapperKind::kKubectlTimestamps);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, "fatal error: all goroutines are asleep");
}

TEST(LogUnwrapper, SyslogShort) {
  UnwrapOptions opts;
  opts.default_year = 2024;
  LogUnwrapper u(opts);
  auto out = run(u, {
                        "Mar  1 12:00:00 host prog[123]: gc 1 @0.002s 0%: x",
                        "Mar 01 12:00:01 host prog[123]: journald pads with zero",
                        "Mar  1 12:00:02 host kernel: no pid",
                        "Mar  1 12:00:03 host prog[123]:",
                    });
  EXPECT_EQ(u.kind(), WrapperKind::kJournald);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].payload, "gc 1 @0.002s 0%: x");
  EXPECT_EQ(out[0].wall_ns, k20240301T12 * kSec);
  EXPECT_EQ(out[1].payload, "journald pads with zero");
  EXPECT_EQ(out[1].wall_ns, (k20240301T12 + 1) * kSec);
  EXPECT_EQ(out[2].payload, "no pid");
  EXPECT_EQ(out[3].payload, "");
}

TEST(LogUnwrapper, SyslogDefaultYearAndPrecise) {
  LogUnwrapper u;  // default year 1970
  auto out = run(u, {"Mar  1 12:00:00.123456 host prog[1]: gc 1"});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].wall_ns, int64_t{5140800} * kSec + 123456000);
  EXPECT_TRUE(out[0].has_time);
}

TEST(LogUnwrapper, SyslogYearStepsAtNewYear) {
  UnwrapOptions opts;
  opts.default_year = 2024;
  LogUnwrapper u(opts);
  auto out = run(u, {
                        "Dec 31 23:59:59 h p[1]: a",
                        "Jan  1 00:00:01 h p[1]: b",
                    });
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].wall_ns, int64_t{1735689599} * kSec);
  EXPECT_EQ(out[1].wall_ns, int64_t{1735689601} * kSec);
}

TEST(LogUnwrapper, JournaldShortIso) {
  LogUnwrapper u;
  auto out = run(u, {
                        "-- Logs begin at Fri 2024-03-01 11:00:00 UTC. --",
                        "2024-03-01T12:00:00+0000 host prog[123]: gc 1 @0.002s",
                        "2024-03-01T13:00:00.654321+0100 host prog[123]: precise",
                        "-- Boot 0123456789abcdef --",
                    });
  EXPECT_EQ(u.kind(), WrapperKind::kJournald);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].payload, "-- Logs begin at Fri 2024-03-01 11:00:00 UTC. --");
  EXPECT_FALSE(out[0].has_time);
  EXPECT_EQ(out[1].payload, "gc 1 @0.002s");
  EXPECT_EQ(out[1].wall_ns, k20240301T12 * kSec);
  EXPECT_EQ(out[2].payload, "precise");
  EXPECT_EQ(out[2].wall_ns, k20240301T12 * kSec + 654321000);
  EXPECT_FALSE(out[3].has_time);
  EXPECT_EQ(u.unwrapped_lines(), 2u);
  EXPECT_EQ(u.passthrough_lines(), 2u);  // the header before detection and the boot line
}

TEST(LogUnwrapper, LinesThatDoNotFitArePassedThroughAndCounted) {
  LogUnwrapper u;
  auto out = run(u, {
                        "2024-03-01T12:00:00Z stderr F gc 1",
                        "garbage that is not cri",
                        "",
                        "2024-03-01T12:00:01Z stderr F gc 2",
                    });
  EXPECT_EQ(u.kind(), WrapperKind::kCri);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].payload, "garbage that is not cri");
  EXPECT_FALSE(out[1].has_time);
  EXPECT_EQ(out[1].first_line, 2u);
  EXPECT_EQ(out[2].payload, "");
  EXPECT_EQ(u.unwrapped_lines(), 2u);
  EXPECT_EQ(u.passthrough_lines(), 2u);
}

// A program that starts its own lines with RFC 3339 times, after the runtime's
// first gc line: a bare runtime line means the log is plain (every line of a
// wrapped log has its envelope), and the program's times stay in its text.
// Seen in the go1.23 churn corpus trace, read as kubectl-timestamps.
TEST(LogUnwrapper, ABareRuntimeLineBeforeAnyEnvelopeMeansPlain) {
  const std::vector<std::string> lines = {
      "2026/11/25 19:14:48 starting: live=50MB workers=32",
      "gc 1 @0.009s 2%: 0.035+0.58+0.057 ms clock, 0.071+0.068/0.28/0.048+0.11 ms cpu, 15->15->15 MB, 16 MB goal, "
      "0 MB stacks, 0 MB globals, 2 P",
      "2026-11-25T19:14:49.349Z INFO worker=8 req=500 path=/api/v1/items status=200 dur=10us",
  };
  LogUnwrapper u;
  const auto out = run(u, lines);
  EXPECT_EQ(u.kind(), WrapperKind::kNone);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].payload, lines[2]);
  // The same program line first: still a kubectl-looking log, as before.
  LogUnwrapper first;
  run(first, {lines[2], lines[1]});
  EXPECT_EQ(first.kind(), WrapperKind::kKubectlTimestamps);
  // A scavenger line decides it the same way.
  LogUnwrapper scav;
  run(scav, {"scav 0 KiB work (bg), 0 KiB work (eager), 4032 KiB now, 99% util", lines[2]});
  EXPECT_EQ(scav.kind(), WrapperKind::kNone);
}

TEST(LogUnwrapper, DetectionWithinTheFirstSixteenNonEmptyLines) {
  std::vector<std::string> lines;
  for (int i = 0; i < 15; ++i) lines.push_back("preamble " + std::to_string(i));
  lines.push_back("");
  lines.push_back("2024-03-01T12:00:00Z stderr F gc 1");
  LogUnwrapper u;
  auto out = run(u, lines);
  EXPECT_EQ(u.kind(), WrapperKind::kCri);
  EXPECT_EQ(out.back().payload, "gc 1");
  EXPECT_EQ(u.passthrough_lines(), 16u);

  lines.insert(lines.begin(), "one more");
  LogUnwrapper late;
  run(late, lines);
  EXPECT_EQ(late.kind(), WrapperKind::kNone);
}

TEST(LogUnwrapper, RejectsImpossibleDates) {
  LogUnwrapper u;
  run(u, {"2023-02-29T12:00:00.1Z stderr F x", "2024-13-01T12:00:00.1Z stderr F x",
          "2024-03-01T24:00:00.1Z stderr F x"});
  EXPECT_EQ(u.kind(), WrapperKind::kNone);
  LogUnwrapper leap;
  auto out = run(leap, {"2000-02-29T00:00:00Z stderr F x"});
  EXPECT_EQ(leap.kind(), WrapperKind::kCri);
  EXPECT_EQ(out[0].wall_ns, int64_t{951782400} * kSec);
}

}  // namespace
}  // namespace gcsight
