// `gcsight watch` from the outside, on what the user sees at its edges: its
// exit status and messages when standard output is lost, the NDJSON of each
// scavenger line shape, the metrics address as given, line numbers after
// --from-end, a named pipe as the input, option errors and the ASCII text of
// a C locale.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/compress.h"
#include "support/e2e.h"

namespace {

namespace fs = std::filesystem;
using gcsight::testing_support::sh_capture;
using gcsight::testing_support::slurp;

using Clock = std::chrono::steady_clock;

const std::string kBin = GCSIGHT_BINARY;
const fs::path kCapture = fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.23.5/churn-gogc100";

std::string sq(const fs::path& p) { return "'" + p.string() + "'"; }

// Every status line and NDJSON object lost on a full disk: said on stderr and
// exit 4, as `analyze` does, not a silent 0 (standard input that ends, and a
// followed file, which would otherwise be followed on for ever).
TEST(WatchCli, AStandardOutputThatCannotTakeItExits4) {
  for (const char* format : {"text", "json"}) {
    const auto r = sh_capture(sq(kBin) + " watch --format " + format + " - < " + sq(kCapture / "stderr.log") +
                              " 2>&1 >/dev/full");
    EXPECT_EQ(r.status, 4) << format << ": " << r.out;
    EXPECT_NE(r.out.find("gcsight: cannot write the report to standard output: No space left on device"),
              std::string::npos)
        << format << ": " << r.out;
  }
  const auto r = sh_capture("timeout -s KILL 20 " + sq(kBin) + " watch --interval 0.05 " +
                            sq(kCapture / "stderr.log") + " 2>&1 >/dev/full");
  EXPECT_EQ(r.status, 4) << r.out;
  EXPECT_NE(r.out.find("No space left on device"), std::string::npos) << r.out;
}

std::vector<nlohmann::json> ndjson_of_type(const std::string& text, const std::string& type) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    const auto j = nlohmann::json::parse(l, nullptr, false);
    if (!j.is_discarded() && j["type"] == type) out.push_back(j);
  }
  return out;
}

// A field a scavenger line's shape does not print is null, as on gc objects.
TEST(WatchCli, ScavObjectsWriteNullForWhatTheLineDoesNotPrint) {
  gcsight::testing_support::TempDir dir("watch-scav");
  const fs::path log = dir.write(
      "scav.log",
      "gc 1 @0.012s 2%: 0.010+0.50+0.003 ms clock, 0.020+0.10/0.20/0.30+0.006 ms cpu, 4->4->0 MB, 5 MB goal, 2 P\n"
      "scav 0 KiB work, 3408 KiB total, 82% util\n"
      "scvg: 2 MB released\n"
      "forced scvg: inuse: 3, idle: 60, sys: 63, released: 58, consumed: 5 (MB)\n"
      "scav 7 512 KiB work, 4096 KiB total, 83% util\n"
      "scav 0 KiB work (bg), 92128 KiB work (eager), 110008 KiB now, 100% util (forced)\n");
  const auto r = sh_capture(sq(kBin) + " watch --format json - < " + sq(log));
  ASSERT_EQ(r.status, 0);
  const auto scav = ndjson_of_type(r.out, "scav");
  ASSERT_EQ(scav.size(), 5u) << r.out;
  const nlohmann::json null;
  // Go 1.19 scav: no eager work.
  EXPECT_EQ(scav[0]["work_bytes"], 0);
  EXPECT_EQ(scav[0]["eager_bytes"], null);
  EXPECT_EQ(scav[0]["released_bytes"], 3408 * 1024);
  EXPECT_EQ(scav[0]["util_pct"], 82);
  // scvg: N MB released: the work only.
  EXPECT_EQ(scav[1]["work_bytes"], 2 << 20);
  EXPECT_EQ(scav[1]["eager_bytes"], null);
  EXPECT_EQ(scav[1]["released_bytes"], null);
  EXPECT_EQ(scav[1]["util_pct"], null);
  // forced scvg: the state, so the total released only.
  EXPECT_EQ(scav[2]["forced"], true);
  EXPECT_EQ(scav[2]["work_bytes"], null);
  EXPECT_EQ(scav[2]["eager_bytes"], null);
  EXPECT_EQ(scav[2]["released_bytes"], 58 << 20);
  EXPECT_EQ(scav[2]["util_pct"], null);
  // Go 1.15-1.18 (with a generation): no eager work.
  EXPECT_EQ(scav[3]["work_bytes"], 512 * 1024);
  EXPECT_EQ(scav[3]["eager_bytes"], null);
  EXPECT_EQ(scav[3]["util_pct"], 83);
  // Go 1.21+: everything, a 0 included.
  EXPECT_EQ(scav[4]["work_bytes"], 0);
  EXPECT_EQ(scav[4]["eager_bytes"], 92128 * 1024);
  EXPECT_EQ(scav[4]["released_bytes"], 110008 * 1024);
  EXPECT_EQ(scav[4]["util_pct"], 100);
}

// '' is no address (as '127.0.0.1' alone is not one), under watch and run.
TEST(WatchCli, AnEmptyMetricsAddressIsAUsageError) {
  // (Taken for no endpoint, it followed the file on: the timeout ends that.)
  auto r = sh_capture("timeout -s KILL 20 " + sq(kBin) + " watch --metrics-listen '' " + sq(kCapture / "stderr.log") +
                      " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("gcsight: --metrics-listen: '' is not HOST:PORT"), std::string::npos) << r.out;
  r = sh_capture(sq(kBin) + " run -q --metrics-listen '' -- sh -c 'echo started' 2>&1");
  EXPECT_EQ(r.status, 125) << r.out;
  EXPECT_NE(r.out.find("'' is not HOST:PORT"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("started"), std::string::npos) << "the program ran: " << r.out;
}

// Port 0: the kernel's choice, said on stderr, and served there.
TEST(WatchCli, PortZeroSaysThePortBound) {
  gcsight::testing_support::TempDir dir("watch-port0");
  gcsight::testing_support::Child child({kBin, "watch", "--metrics-listen", "127.0.0.1:0", (kCapture / "stderr.log").string()},
                                        dir / "out.txt", dir / "err.txt");
  const std::string prefix = "gcsight: metrics at http://127.0.0.1:";
  std::string err;
  for (const auto deadline = Clock::now() + std::chrono::seconds(20); Clock::now() < deadline;) {
    err = slurp(dir / "err.txt");
    if (err.find("/metrics\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const size_t at = err.find(prefix);
  ASSERT_NE(at, std::string::npos) << err;
  const int port = std::stoi(err.substr(at + prefix.size()));
  ASSERT_GT(port, 0);
  EXPECT_NE(err.find(prefix + std::to_string(port) + "/metrics\n"), std::string::npos) << err;
  httplib::Client endpoint("127.0.0.1", port);
  const auto res = endpoint.Get("/metrics");
  ASSERT_TRUE(res) << "nothing served on port " << port;
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("gcsight_build_info"), std::string::npos);
  EXPECT_EQ(child.stop(SIGINT), 0);
}

// A host that does not resolve says why, as other failures to bind do.
TEST(WatchCli, AHostThatDoesNotResolveSaysWhy) {
  const auto r = sh_capture(sq(kBin) + " watch --metrics-listen nohost.invalid:9000 " +
                            sq(kCapture / "stderr.log") + " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  const std::string said = "gcsight: --metrics-listen: cannot listen on nohost.invalid:9000: ";
  const size_t at = r.out.find(said);
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string reason = r.out.substr(at + said.size(), r.out.find('\n', at) - at - said.size());
  EXPECT_GE(reason.size(), 5u) << r.out;  // getaddrinfo's: "Name or service not known" with a resolver
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string join(const std::vector<std::string>& lines, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to && i < lines.size(); ++i) s += lines[i] + "\n";
  return s;
}

size_t gc_lines_in(const std::vector<std::string>& lines, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to && i < lines.size(); ++i) {
    if (lines[i].rfind("gc ", 0) == 0) ++n;
  }
  return n;
}

// Waits until `out` holds `n` gc records (or 20 s have passed); they are returned.
std::vector<nlohmann::json> wait_for_cycles(const fs::path& out, size_t n) {
  std::vector<nlohmann::json> gc;
  for (const auto deadline = Clock::now() + std::chrono::seconds(20); Clock::now() < deadline;) {
    gc = ndjson_of_type(slurp(out), "gc");
    if (gc.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return gc;
}

// --from-end: a record's `line` is the file's own physical line, not one
// counted from where reading started; a compressed file's lines too (those of
// what it decodes to). The file ends inside a line, which is skipped.
TEST(WatchCli, FromEndKeepsTheFilesOwnLineNumbers) {
  const std::vector<std::string> lines = lines_of(slurp(kCapture / "stderr.log"));
  const size_t a = 100, b = 160;
  const std::string held = join(lines, 0, a) + "gc 999 @1.0s 1%: 0.01", more = "+0.1+0.01 ms clock\n" + join(lines, a, b);
  const std::vector<std::string> whole = lines_of(held + more);
  for (const bool zstd : {false, true}) {
    SCOPED_TRACE(zstd ? "zstd" : "plain");
    gcsight::testing_support::TempDir dir("watch-from-end");
    const fs::path log = dir.write(zstd ? "app.log.zst" : "app.log", zstd ? gcsight::testing_support::zstd(held) : held);
    gcsight::testing_support::Child child({kBin, "watch", "--format", "json", "--interval", "0.2", "--poll", "0.02",
                                           "--from-end", log.string()},
                                          dir / "out.ndjson", dir / "err.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    {
      std::ofstream(log, std::ios::binary | std::ios::app) << (zstd ? gcsight::testing_support::zstd(more) : more);
    }
    const size_t want = gc_lines_in(lines, a, b);
    const auto gc = wait_for_cycles(dir / "out.ndjson", want);
    EXPECT_EQ(child.stop(SIGINT), 0);
    ASSERT_EQ(gc.size(), want);
    size_t first = a;
    while (lines[first].rfind("gc ", 0) != 0) ++first;
    EXPECT_EQ(gc.front()["line"], first + 2) << "line " << a + 1 << " is the one --from-end started in";
    for (const auto& g : gc) {
      const size_t line = g["line"];
      ASSERT_GE(line, 1u);
      ASSERT_LE(line, whole.size());
      EXPECT_EQ(whole[line - 1].rfind("gc " + std::to_string(g["gc"].get<int64_t>()) + " ", 0), 0u)
          << "line " << line << ": " << whole[line - 1];
    }
  }
}

// Opens the named pipe for writing once gcsight has opened it for reading (or
// 20 s have passed: -1), without hanging the test if it never does.
int open_writer(const fs::path& fifo) {
  for (const auto deadline = Clock::now() + std::chrono::seconds(20); Clock::now() < deadline;) {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      ::fcntl(fd, F_SETFL, 0);  // blocking writes from here
      return fd;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // ENXIO: no reader yet
  }
  return -1;
}

bool write_all(int fd, const std::string& data) {
  for (size_t at = 0; at < data.size();) {
    const ssize_t n = ::write(fd, data.data() + at, data.size() - at);
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}

// Its exit status once it has ended within `seconds`, else nothing.
std::optional<int> ended_within(gcsight::testing_support::Child& child, int seconds) {
  for (const auto deadline = Clock::now() + std::chrono::seconds(seconds); Clock::now() < deadline;) {
    if (const auto rc = child.poll()) return rc;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

// A named pipe is read as standard input is: until its writer closes it, then
// the final status and exit 0 (it was an "Illegal seek" and exit 3).
TEST(WatchCli, ANamedPipeIsReadUntilItsWriterClosesIt) {
  gcsight::testing_support::TempDir dir("watch-fifo");
  const fs::path fifo = dir / "ff";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  gcsight::testing_support::Child child({kBin, "watch", fifo.string()}, dir / "out.txt", dir / "err.txt");
  const int fd = open_writer(fifo);
  ASSERT_GE(fd, 0) << "gcsight did not open the pipe";
  EXPECT_TRUE(write_all(fd, slurp(kCapture / "stderr.log")));
  ::close(fd);
  const auto rc = ended_within(child, 20);
  ASSERT_TRUE(rc) << "still running after the writer closed the pipe";
  EXPECT_EQ(*rc, 0) << slurp(dir / "err.txt");
  EXPECT_EQ(slurp(dir / "err.txt"), "");
  const std::string out = slurp(dir / "out.txt");
  EXPECT_NE(out.find("188 cycles | gc 188 | pause last "), std::string::npos) << out;
  EXPECT_NE(out.find("| final"), std::string::npos) << out;
}

// A pipe whose writer is quiet is not waited on in a read: the status lines
// keep coming, and SIGINT ends watch at once, with the final status.
TEST(WatchCli, AQuietPipeStillGetsStatusLinesAndEndsOnSigint) {
  gcsight::testing_support::TempDir dir("watch-quiet");
  const fs::path fifo = dir / "ff";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  gcsight::testing_support::Child child({kBin, "watch", "--interval", "0.05", fifo.string()}, dir / "out.txt",
                                        dir / "err.txt");
  const int fd = open_writer(fifo);
  ASSERT_GE(fd, 0) << "gcsight did not open the pipe";
  EXPECT_TRUE(write_all(fd, slurp(kCapture / "stderr.log")));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the writer stays, quiet
  size_t statuses = 0;
  for (const std::string& l : lines_of(slurp(dir / "out.txt"))) {
    if (l.rfind("188 cycles", 0) == 0) ++statuses;
  }
  EXPECT_GE(statuses, 5u) << "status lines stopped while the pipe was quiet:\n" << slurp(dir / "out.txt");
  ::kill(child.pid(), SIGINT);
  const auto rc = ended_within(child, 5);
  ::close(fd);
  ASSERT_TRUE(rc) << "SIGINT did not end watch while the pipe was open";
  EXPECT_EQ(*rc, 0);
  EXPECT_NE(slurp(dir / "out.txt").find("| final"), std::string::npos);
}

// A value that is not a number is said to be one; the hidden --poll is named.
TEST(WatchCli, OptionErrorsSayWhatIsWrongAndName) {
  const std::string missing = sq(fs::path(GCSIGHT_TEST_DATA) / "no-such.log");
  struct Case {
    const char* args;
    const char* said;
  };
  for (const Case& c : {Case{"--interval abc", "gcsight: --interval: 'abc' is not a number"},
                        Case{"--interval 0", "gcsight: --interval: '0' is not between 0.01 and 3600 seconds"},
                        Case{"--interval ''", "gcsight: --interval: '' is not a number"},
                        Case{"--poll 0", "gcsight: --poll: '0' is not between 0.001 and 60 seconds"},
                        Case{"--poll 1x", "gcsight: --poll: '1x' is not a number"}}) {
    const auto r = sh_capture(sq(kBin) + " watch " + c.args + " " + missing + " 2>&1");
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.said), std::string::npos) << c.args << ": " << r.out;
    EXPECT_EQ(r.out.find("gcsight: :"), std::string::npos) << c.args << ": " << r.out;
  }
  EXPECT_EQ(sh_capture(sq(kBin) + " watch --interval 0.5 --poll 0.01 - < " + sq(kCapture / "stderr.log") +
                       " >/dev/null")
                .status,
            0);
}

// run's seconds options are read as watch's are, before the program starts (exit 125).
TEST(WatchCli, RunsSecondsOptionsSayWhatIsWrong) {
  struct Case {
    const char* args;
    const char* said;
  };
  for (const Case& c : {Case{"--interval abc", "gcsight: run: --interval: 'abc' is not a number"},
                        Case{"--interval 5000", "gcsight: run: --interval: '5000' is not between 0.001 and 3600 seconds"},
                        Case{"--metrics-linger -1", "gcsight: run: --metrics-linger: '-1' is not between 0 and 86400 seconds"},
                        Case{"--metrics-linger nan", "gcsight: run: --metrics-linger: 'nan' is not a number"}}) {
    const auto r = sh_capture(sq(kBin) + " run " + c.args + " -- /bin/true 2>&1");
    EXPECT_EQ(r.status, 125) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.said), std::string::npos) << c.args << ": " << r.out;
  }
}

// In a C locale (ASCII charts) the status line is ASCII: "us" for "µs".
TEST(WatchCli, AsciiChartsMakeTheStatusLineAscii) {
  const std::string input = " - < " + sq(kCapture / "stderr.log");
  for (const char* how : {"env LC_ALL=C ", "env LC_ALL=C.UTF-8 COLUMNS=80 "}) {
    const bool c_locale = std::string(how).find("=C ") != std::string::npos;
    for (const char* charts : {"", "--charts ascii ", "--charts unicode "}) {
      const bool ascii = std::string(charts) == "--charts ascii " || (c_locale && std::string(charts).empty());
      const auto r = sh_capture(how + sq(kBin) + " watch " + charts + input);
      ASSERT_EQ(r.status, 0) << how << charts;
      EXPECT_NE(r.out.find(ascii ? " us" : " µs"), std::string::npos) << how << charts << r.out;
      if (ascii) {
        for (const char c : r.out) ASSERT_LT(static_cast<unsigned char>(c), 0x80u) << how << charts << r.out;
      }
    }
  }
}

}  // namespace
