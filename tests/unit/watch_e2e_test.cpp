// `gcsight watch` following a log that this test writes while it runs: lines
// appended (one gc line in two writes), the file rotated (renamed, more lines
// still written to the old file, a new file created), then truncated and
// written again. Every cycle written must be reported once: the NDJSON gc
// records and the final summary against the capture's own NumGC.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <zlib.h>

#include "core/analyzer.h"
#include "core/recent_pauses.h"
#include "support/analyze_text.h"
#include "support/compress.h"
#ifdef GCSIGHT_HAVE_TRACEGEN
#include "trace_model.h"
#include "support/e2e.h"
#endif

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kBin = GCSIGHT_BINARY;
const fs::path kCapture = fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.23.5/churn-gogc100";

using gcsight::testing_support::sh;
using gcsight::testing_support::slurp;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l + "\n");
  return out;
}

void append(const fs::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary | std::ios::app) << data;
}

std::string join(const std::vector<std::string>& lines, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to && i < lines.size(); ++i) s += lines[i];
  return s;
}

struct Ndjson {
  std::vector<nlohmann::json> gc, summaries;
};

Ndjson read_ndjson(const fs::path& p) {
  Ndjson n;
  for (const std::string& l : lines_of(slurp(p))) {
    const auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded()) continue;  // a line still being written
    if (j["type"] == "gc") n.gc.push_back(j);
    if (j["type"] == "summary") n.summaries.push_back(j);
  }
  return n;
}

class WatchE2E : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& args) {
    std::vector<std::string> argv{kBin, "watch"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = std::make_unique<gcsight::testing_support::Child>(argv, dir_ / "out.ndjson", dir_ / "err.txt");
  }
  // Waits until gcsight has written `n` gc records (or 20 s have passed).
  size_t wait_for_cycles(size_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    size_t got = 0;
    while (Clock::now() < deadline) {
      got = read_ndjson(dir_ / "out.ndjson").gc.size();
      if (got >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return got;
  }
  int stop() { return child_->stop(); }
  gcsight::testing_support::TempDir dir_{"watch"};
  std::unique_ptr<gcsight::testing_support::Child> child_;  // killed, if still running, when the test ends
};

size_t gc_lines_in(const std::vector<std::string>& lines, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to && i < lines.size(); ++i) if (lines[i].rfind("gc ", 0) == 0) ++n;
  return n;
}

TEST_F(WatchE2E, FollowsAppendsRotationAndTruncationWithoutLosingOrRepeatingACycle) {
  const std::vector<std::string> lines = lines_of(slurp(kCapture / "stderr.log"));
  const int64_t num_gc = nlohmann::json::parse(slurp(kCapture / "truth.json"))["NumGC"];
  ASSERT_GT(lines.size(), 300u);
  ASSERT_EQ(gc_lines_in(lines, 0, lines.size()), static_cast<size_t>(num_gc));
  const size_t a = 100, b = 200, c = 300, n = lines.size();
  const fs::path log = dir_ / "app.log";
  append(log, "");
  start({"--format", "json", "--interval", "0.2", "--poll", "0.02", log.string()});

  // 1. Appends, with one gc line written in two pieces some time apart.
  size_t split = a / 2;
  while (lines[split].rfind("gc ", 0) != 0) ++split;
  append(log, join(lines, 0, split));
  append(log, lines[split].substr(0, 20));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  append(log, lines[split].substr(20));
  append(log, join(lines, split + 1, a));
  ASSERT_EQ(wait_for_cycles(gc_lines_in(lines, 0, a)), gc_lines_in(lines, 0, a));

  // 2. Rotation: renamed, the writer still adds to the old file, then a new file.
  fs::rename(log, dir_ / "app.log.1");
  append(dir_ / "app.log.1", join(lines, a, b));
  append(log, join(lines, b, c));
  ASSERT_EQ(wait_for_cycles(gc_lines_in(lines, 0, c)), gc_lines_in(lines, 0, c));

  // 3. Truncation (copytruncate), seen before the file is written again.
  { std::ofstream(log, std::ios::binary | std::ios::trunc); }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  append(log, join(lines, c, n));
  ASSERT_EQ(wait_for_cycles(static_cast<size_t>(num_gc)), static_cast<size_t>(num_gc));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // anything more would come now

  EXPECT_EQ(stop(), 0);
  const Ndjson out = read_ndjson(dir_ / "out.ndjson");
  ASSERT_EQ(out.gc.size(), static_cast<size_t>(num_gc));
  std::set<int64_t> numbers;
  for (const auto& g : out.gc) {
    EXPECT_EQ(g["run"], 1);
    numbers.insert(g["gc"].get<int64_t>());
  }
  EXPECT_EQ(numbers.size(), static_cast<size_t>(num_gc)) << "a cycle was reported twice";
  EXPECT_EQ(*numbers.begin(), 1);
  EXPECT_EQ(*numbers.rbegin(), num_gc);
  ASSERT_FALSE(out.summaries.empty());
  const auto& last = out.summaries.back();
  EXPECT_EQ(last["final"], true);
  EXPECT_EQ(last["cycles"], num_gc);
  EXPECT_EQ(last["run_cycles"], num_gc);
  EXPECT_EQ(last["runs"], 1);
  EXPECT_EQ(last["malformed_lines"], 0);
  EXPECT_EQ(last["rotations"], 1);
  EXPECT_EQ(last["truncations"], 1);
  EXPECT_EQ(last["lines"], n);
  const std::string err = slurp(dir_ / "err.txt");
  EXPECT_NE(err.find("was replaced (rotated)"), std::string::npos) << err;
  EXPECT_NE(err.find("was truncated"), std::string::npos) << err;
  // The same figures as analyze gives on the whole capture.
  const auto whole = gcsight::testing_support::analyze_text(slurp(kCapture / "stderr.log"));
  EXPECT_EQ(last["run_p99_pause_ns"], whole.runs[0].summary.stw_pause_ns.p99);
  EXPECT_EQ(last["live_heap_bytes"], whole.runs[0].summary.heap_live.last);
}

#ifdef GCSIGHT_HAVE_TRACEGEN
TEST_F(WatchE2E, ALargeLogIsReadAFewMiBAPollWithStatusesMeanwhile) {
  // 24 MiB already in the file: read 4 MiB a poll, so status lines (and the
  // dashboard's frames) come while it is read, and every cycle still once.
  // Text status lines, not a record per cycle: the test also runs under ASan.
  gcsight::tracegen::GenOptions o;
  o.size_bytes = 24u << 20;
  o.seed = 9;
  std::string text;
  const gcsight::tracegen::GenTruth truth = gcsight::tracegen::generate_trace(o, text);
  const fs::path log = dir_ / "big.log";
  append(log, text);
  start({"--interval", "0.01", log.string()});
  // The cycle counts of the status lines so far ("56,753 cycles | gc ...").
  auto counts = [&] {
    std::vector<uint64_t> n;
    for (const std::string& l : lines_of(slurp(dir_ / "out.ndjson"))) {
      const size_t at = l.find(" cycles");
      if (at == std::string::npos) continue;
      std::string digits = l.substr(0, at);
      std::erase(digits, ',');
      if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) n.push_back(std::stoull(digits));
    }
    return n;
  };
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (Clock::now() < deadline && (counts().empty() || counts().back() < truth.cycles)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(stop(), 0);
  const std::vector<uint64_t> n = counts();
  ASSERT_FALSE(n.empty());
  EXPECT_EQ(n.back(), truth.cycles);  // the final status
  const std::string all = slurp(dir_ / "out.ndjson");
  EXPECT_NE(all.find("| gc " + std::to_string(truth.last_gc) + " |"), std::string::npos);
  EXPECT_EQ(all.find("unreadable"), std::string::npos);
  size_t partial = 0;
  for (const uint64_t c : n) partial += c > 0 && c < truth.cycles ? 1 : 0;
  EXPECT_GE(partial, 1u) << "no status while the log was read";
}
#endif

TEST_F(WatchE2E, FromEndSkipsWhatTheFileHolds) {
  const std::vector<std::string> lines = lines_of(slurp(kCapture / "stderr.log"));
  const fs::path log = dir_ / "app.log";
  append(log, join(lines, 0, 200) + "gc 999 @1.0s 1%: 0.01");  // ends inside a line
  start({"--format", "json", "--interval", "0.2", "--poll", "0.02", "--from-end", log.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  append(log, "+0.1+0.01 ms clock\n" + join(lines, 200, lines.size()));
  const size_t want = gc_lines_in(lines, 200, lines.size());
  EXPECT_EQ(wait_for_cycles(want), want);
  EXPECT_EQ(stop(), 0);
  const Ndjson out = read_ndjson(dir_ / "out.ndjson");
  EXPECT_EQ(out.gc.size(), want);
  EXPECT_EQ(out.summaries.back()["malformed_lines"], 0) << "the cut line's tail was read";
}

TEST_F(WatchE2E, StandardInputEndsWithAFinalTextStatus) {
  const std::string cmd = "'" + kBin + "' watch - < '" + (kCapture / "stderr.log").string() + "' > '" +
                          (dir_ / "out.txt").string() + "'";
  ASSERT_EQ(sh(cmd), 0);
  const auto out = lines_of(slurp(dir_ / "out.txt"));
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back().rfind("188 cycles | gc 188 | pause last ", 0), 0u) << out.back();
  EXPECT_NE(out.back().find("| final"), std::string::npos) << out.back();
}

// A restarted process is a new run: the pause window ("last 256") starts again
// with it, so the status describes the run begun last only (as --live does).
TEST_F(WatchE2E, ThePauseWindowStartsAgainWithANewRun) {
  const std::string log = slurp(kCapture / "stderr.log");
  std::string second;
  for (const std::string& l : lines_of(log)) {
    if (l.rfind("gc 21 ", 0) == 0) break;
    second += l;
  }
  const fs::path two = dir_ / "two.log";
  std::ofstream(two) << log << second;
  ASSERT_EQ(sh("'" + kBin + "' watch --format json - < '" + two.string() + "' > '" + (dir_ / "out.ndjson").string() + "'"), 0);
  const Ndjson out = read_ndjson(dir_ / "out.ndjson");
  ASSERT_FALSE(out.summaries.empty());
  const auto& last = out.summaries.back();
  EXPECT_EQ(last["runs"], 2);
  EXPECT_EQ(last["run_cycles"], 20);
  EXPECT_EQ(last["window_cycles"], 20) << last;
  EXPECT_LE(last["window_p99_pause_ns"].get<int64_t>(), last["run_max_pause_ns"].get<int64_t>()) << last;
}

// A gzip member written in pieces, each flushed (Z_SYNC_FLUSH) so that what
// was written so far can be decoded, as a writer piping through gzip does.
class GzipWriter {
 public:
  GzipWriter() { deflateInit2(&zs_, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY); }
  ~GzipWriter() { deflateEnd(&zs_); }
  std::string piece(const std::string& text, bool last) {
    std::string out(deflateBound(&zs_, text.size()) + 1024, '\0');
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs_.avail_in = static_cast<uInt>(text.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data());
    zs_.avail_out = static_cast<uInt>(out.size());
    deflate(&zs_, last ? Z_FINISH : Z_SYNC_FLUSH);
    out.resize(out.size() - zs_.avail_out);
    return out;
  }

 private:
  z_stream zs_{};
};


// Every cycle of the capture reported once, in one run.
void expect_each_cycle_once(const Ndjson& out, int64_t num_gc) {
  ASSERT_EQ(out.gc.size(), static_cast<size_t>(num_gc));
  std::set<int64_t> numbers;
  for (const auto& g : out.gc) numbers.insert(g["gc"].get<int64_t>());
  EXPECT_EQ(numbers.size(), static_cast<size_t>(num_gc));
  ASSERT_FALSE(out.summaries.empty());
  EXPECT_EQ(out.summaries.back()["malformed_lines"], 0);
  EXPECT_EQ(out.summaries.back()["runs"], 1);
}

TEST_F(WatchE2E, FollowsAGzipFileThatGrowsAndAMemberAppended) {
  const std::vector<std::string> lines = lines_of(slurp(kCapture / "stderr.log"));
  const int64_t num_gc = nlohmann::json::parse(slurp(kCapture / "truth.json"))["NumGC"];
  const size_t a = 100, b = 250, n = lines.size();
  const fs::path log = dir_ / "app.log.gz";
  GzipWriter w;
  append(log, w.piece(join(lines, 0, a), false));
  start({"--format", "json", "--interval", "0.2", "--poll", "0.02", log.string()});
  ASSERT_EQ(wait_for_cycles(gc_lines_in(lines, 0, a)), gc_lines_in(lines, 0, a));
  // The member grows, then ends; another member follows (gzip -c more >> app.log.gz).
  append(log, w.piece(join(lines, a, b), true));
  ASSERT_EQ(wait_for_cycles(gc_lines_in(lines, 0, b)), gc_lines_in(lines, 0, b));
  GzipWriter second;
  const std::string rest = second.piece(join(lines, b, n), true);
  append(log, rest.substr(0, rest.size() / 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // stopped inside the member: waited on
  append(log, rest.substr(rest.size() / 2));
  ASSERT_EQ(wait_for_cycles(static_cast<size_t>(num_gc)), static_cast<size_t>(num_gc));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(stop(), 0);
  const Ndjson out = read_ndjson(dir_ / "out.ndjson");
  expect_each_cycle_once(out, num_gc);
  EXPECT_EQ(out.summaries.back()["lines"], n);
  EXPECT_EQ(slurp(dir_ / "err.txt"), "");
}

TEST_F(WatchE2E, FollowsZstdFramesAndStartsAfterWhatACompressedFileHeldWithFromEnd) {
  const std::vector<std::string> lines = lines_of(slurp(kCapture / "stderr.log"));
  const size_t a = 200, n = lines.size();
  const fs::path log = dir_ / "app.log.zst";
  // What the file holds, ending inside a line: --from-end starts at the next line.
  append(log, gcsight::testing_support::zstd(join(lines, 0, a) + "gc 999 @1.0s 1%: 0.01"));
  start({"--format", "json", "--interval", "0.2", "--poll", "0.02", "--from-end", log.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string more = gcsight::testing_support::zstd("+0.1+0.01 ms clock\n" + join(lines, a, n));
  append(log, more.substr(0, more.size() / 3));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  append(log, more.substr(more.size() / 3));
  const size_t want = gc_lines_in(lines, a, n);
  EXPECT_EQ(wait_for_cycles(want), want);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(stop(), 0);
  const Ndjson out = read_ndjson(dir_ / "out.ndjson");
  EXPECT_EQ(out.gc.size(), want);
  size_t first = a;
  while (lines[first].rfind("gc ", 0) != 0) ++first;
  ASSERT_FALSE(out.gc.empty());
  EXPECT_EQ(out.gc.front()["gc"], std::stoll(lines[first].substr(3)));  // nothing of what the file held
  EXPECT_EQ(out.summaries.back()["malformed_lines"], 0) << "the cut line's tail was read";
}

TEST_F(WatchE2E, StandardInputThatEndsInsideAGzipMemberIsAnInputError) {
  const std::string text = slurp(kCapture / "stderr.log");
  GzipWriter w;
  const std::string gz = w.piece(text, true);
  const fs::path cut = dir_ / "cut.gz", whole = dir_ / "whole.gz";
  append(cut, gz.substr(0, gz.size() - 40));
  append(whole, gz);
  auto run = [&](const fs::path& in) {
    const std::string cmd = "'" + kBin + "' watch - < '" + in.string() + "' > '" + (dir_ / "out.txt").string() +
                            "' 2> '" + (dir_ / "err.txt").string() + "'";
    return sh(cmd);
  };
  EXPECT_EQ(run(whole), 0);
  EXPECT_NE(slurp(dir_ / "out.txt").find("188 cycles | gc 188"), std::string::npos) << slurp(dir_ / "out.txt");
  EXPECT_EQ(run(cut), 3);
  EXPECT_NE(slurp(dir_ / "err.txt").find("cannot read '<stdin>': truncated gzip stream"), std::string::npos)
      << slurp(dir_ / "err.txt");
  EXPECT_NE(slurp(dir_ / "out.txt").find("| final"), std::string::npos);  // what was read is still summed up
}

TEST(WatchMetrics, AnAddressThatCannotBeBoundIsAUsageError) {
  const std::string cmd = "'" + kBin + "' watch --metrics-listen 256.0.0.1:9464 '" + (kCapture / "stderr.log").string() +
                          "' >/dev/null 2>&1";
  EXPECT_EQ(sh(cmd), 2);
}

TEST(RecentPauses, NearestRankOverTheLatestPausesOnly) {
  gcsight::RecentPauses p;
  EXPECT_EQ(p.percentile(99), 0u);
  for (uint64_t i = 1; i <= 100; ++i) p.add(i);
  EXPECT_EQ(p.percentile(99), 99u);
  EXPECT_EQ(p.percentile(50), 50u);
  EXPECT_EQ(p.last(), 100u);
  for (uint64_t i = 0; i < 1000; ++i) p.add(7);  // the old ones leave the window
  EXPECT_EQ(p.count(), gcsight::RecentPauses::kSize);
  EXPECT_EQ(p.percentile(99), 7u);
  EXPECT_EQ(p.percentile(100), 7u);
}

TEST(AnalyzerLive, TheSnapshotWhileReadingEqualsTheFinishedRun) {
  const std::string text = slurp(kCapture / "stderr.log");
  const auto whole = gcsight::testing_support::analyze_text(text);
  // Only gc lines, fed as events one at a time through the stitcher.
  gcsight::Analyzer analyzer;
  analyzer.begin_input("x");
  gcsight::LineStitcher stitcher([&](const gcsight::TraceEvent& e) { analyzer.on_event(e); });
  EXPECT_FALSE(analyzer.live().have_run);
  uint64_t n = 0;
  for (const std::string& l : lines_of(text)) {
    const std::string_view v(l.data(), l.size() - 1);
    stitcher.push({v, ++n, 0, true});
  }
  stitcher.finish();
  const gcsight::LiveSnapshot s = analyzer.live();
  ASSERT_TRUE(s.have_run);
  EXPECT_EQ(s.run.cycles, whole.runs[0].summary.cycles);
  EXPECT_EQ(s.run.stw_pause_ns.p99, whole.runs[0].summary.stw_pause_ns.p99);
  EXPECT_EQ(s.run.stw_pause_ns.total, whole.runs[0].summary.stw_pause_ns.total);
  EXPECT_EQ(s.run.heap_live.last, whole.runs[0].summary.heap_live.last);
  EXPECT_EQ(s.gc_lines, whole.parse.gc_lines);
}

}  // namespace
