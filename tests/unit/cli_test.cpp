// The gcsight binary as users run it: exit codes, help, errors naming the
// file, colour rules, reports written whole, and golden outputs (text and
// JSON) of the seed and corpus cases. Regenerate the goldens with
// scripts/update-golden.sh after an intended change, and read the diff.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/e2e.h"

namespace {

namespace fs = std::filesystem;

// Runs a shell command from the test data directory, so reports name inputs
// by relative path; returns the exit status and stdout (stderr with 2>&1).
gcsight::testing_support::Captured sh(const std::string& cmd) {
  return gcsight::testing_support::sh_capture("cd '" + std::string(GCSIGHT_TEST_DATA) + "' && " + cmd);
}

const std::string kBin = std::string("'") + GCSIGHT_BINARY + "'";

TEST(Cli, VersionAndHelp) {
  auto r = sh(kBin + " --version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("gcsight ", 0), 0u);
  r = sh(kBin + " analyze --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--fail-on"), std::string::npos);
  r = sh(kBin + " --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("analyze"), std::string::npos);
}

TEST(Cli, UsageErrorsExit2WithAHint) {
  auto r = sh(kBin + " analyse seed/trace-1.log 2>&1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("did you mean 'analyze'"), std::string::npos);
  r = sh(kBin + " analyze --format xml seed/trace-1.log 2>&1");
  EXPECT_EQ(r.status, 2);
  r = sh(kBin + " analyze --start-time yesterday seed/trace-1.log 2>&1");
  EXPECT_EQ(r.status, 2);
  r = sh(kBin + " 2>&1");
  EXPECT_EQ(r.status, 2);
  // The hint names the subcommand's own help.
  r = sh(kBin + " compare seed/trace-1.log 2>&1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("Run 'gcsight compare --help' for usage."), std::string::npos) << r.out;
  // Counts out of range are refused, not wrapped around to "unlimited".
  for (const char* bad : {"-1", "99999999999999999999"}) {
    EXPECT_EQ(sh(kBin + " analyze --max-markers " + bad + " seed/trace-1.log >/dev/null 2>&1").status, 2) << bad;
  }
  // A run the report does not have is the command line's mistake, not the input's.
  EXPECT_EQ(sh(kBin + " compare --run-a 9 seed/trace-1.log seed/trace-1.log >/dev/null 2>&1").status, 2);
}

TEST(Cli, UnreadableInputExits3AndTheRestIsAnalysed) {
  auto r = sh(kBin + " analyze --format json no-such.log seed/trace-1.log 2>/dev/null");
  EXPECT_EQ(r.status, 3);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["runs"].size(), 1u);
  EXPECT_EQ(j["runs"][0]["summary"]["cycles"], 28);
  r = sh(kBin + " analyze no-such.log 2>&1 >/dev/null");
  EXPECT_NE(r.out.find("gcsight: cannot open 'no-such.log'"), std::string::npos);
  // In the report the error is the report's own words, and no trace hint is given
  // for an input that could not be read at all.
  EXPECT_EQ(j["inputs"][0]["error"], "cannot open 'no-such.log': No such file or directory");
  r = sh(kBin + " analyze no-such.log 2>/dev/null");
  EXPECT_NE(r.out.find("no gc cycles found (no input could be read)"), std::string::npos) << r.out;
}

TEST(Cli, FailOnSeverity) {
  EXPECT_EQ(sh(kBin + " analyze --fail-on info seed/trace-1.log >/dev/null").status, 1);
  EXPECT_EQ(sh(kBin + " analyze --fail-on warning seed/trace-1.log >/dev/null").status, 0);
  EXPECT_EQ(sh(kBin + " analyze --fail-on critical seed/trace-1.log >/dev/null").status, 0);
}

TEST(Cli, StdinGzipAndZstd) {
  auto a = sh(kBin + " analyze --format json - < seed/trace-1.log");
  EXPECT_EQ(a.status, 0);
  auto b = sh("gzip -c seed/trace-1.log | " + kBin + " analyze --format json -");
  EXPECT_EQ(b.status, 0);
  const auto ja = nlohmann::json::parse(a.out);
  const auto jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["runs"], jb["runs"]);
  if (std::system("command -v zstd >/dev/null 2>&1") == 0) {
    auto c = sh("zstd -q -c seed/trace-1.log | " + kBin + " analyze --format json -");
    EXPECT_EQ(nlohmann::json::parse(c.out)["runs"], ja["runs"]);
  }
}

TEST(Cli, ColourOnlyWhenAskedOrOnATerminal) {
  auto r = sh(kBin + " analyze seed/trace-1.log");
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  r = sh(kBin + " analyze --color always seed/trace-1.log");
  EXPECT_NE(r.out.find('\x1b'), std::string::npos);
  r = sh("NO_COLOR=1 " + kBin + " analyze --color auto seed/trace-1.log");
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
}

TEST(Cli, ReportFilesAreWrittenWholeOrNotAtAll) {
  const fs::path dir = fs::temp_directory_path() / ("gcsight-cli-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string json = (dir / "r.json").string();
  const std::string csv = (dir / "r.csv").string();
  auto r = sh(kBin + " analyze --format json --json '" + json + "' --csv '" + csv + "' seed/trace-1.log");
  EXPECT_EQ(r.status, 0);
  std::ifstream jf(json);
  const auto j = nlohmann::json::parse(jf);
  EXPECT_EQ(j, nlohmann::json::parse(r.out));
  std::ifstream cf(csv);
  std::string line;
  int rows = 0;
  while (std::getline(cf, line)) ++rows;
  EXPECT_EQ(rows, 29);  // header + 28 cycles
  // An unwritable report: exit 4, no partial file.
  r = sh(kBin + " analyze --json /nonexistent-dir/r.json seed/trace-1.log >/dev/null 2>&1");
  EXPECT_EQ(r.status, 4);
  EXPECT_FALSE(fs::exists("/nonexistent-dir/r.json"));
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
  fs::remove_all(dir);
}

// Ctrl-C (or SIGTERM, SIGHUP) while a long analysis writes its report files
// ends gcsight by that signal and leaves no FILE.tmp-PID behind.
TEST(Cli, AnInterruptedAnalysisLeavesNoTemporaryFile) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    gcsight::testing_support::TempDir dir("cli-signal");
    const fs::path fifo = dir / "in.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    gcsight::testing_support::Child child(
        {GCSIGHT_BINARY, "analyze", "--csv", (dir / "r.csv").string(), "--json", (dir / "r.json").string(),
         fifo.string()},
        dir / "out", dir / "err");
    {
      // The analysis reads the pipe, which stays open: it is still running.
      std::ofstream in(fifo);
      std::ifstream one(fs::path(GCSIGHT_TEST_DATA) / "seed" / "trace-1.log");
      in << one.rdbuf();
      in.flush();
      auto temporary = [&] {
        for (const auto& e : fs::directory_iterator(dir.path())) {
          if (e.path().filename().string().starts_with("r.csv.tmp-")) return true;
        }
        return false;
      };
      for (int i = 0; i < 200 && !temporary(); ++i) ::usleep(50'000);
      ASSERT_TRUE(temporary()) << "the CSV is being written to a temporary";
      EXPECT_EQ(child.stop(sig), 128 + sig) << strsignal(sig);
    }
    for (const auto& e : fs::directory_iterator(dir.path())) {
      EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path() << " after " << strsignal(sig);
    }
    EXPECT_FALSE(fs::exists(dir / "r.csv"));
    EXPECT_FALSE(fs::exists(dir / "r.json"));
  }
}

// A report lost on its way to standard output (a full disk behind `> r.json`)
// is an error, not a success: exit 4 and a message, for every format.
TEST(Cli, AReportStandardOutputCannotTakeExits4) {
  for (const char* format : {"json", "text", "csv"}) {
    const auto r = sh(kBin + " analyze --format " + format + " seed/trace-1.log 2>&1 >/dev/full");
    EXPECT_EQ(r.status, 4) << format;
    EXPECT_NE(r.out.find("cannot write the report to standard output: No space left on device"), std::string::npos)
        << format << ": " << r.out;
  }
  const auto r = sh(kBin + " compare seed/trace-1.log seed/trace-1.log 2>&1 >/dev/full");
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.out.find("cannot write the report to standard output"), std::string::npos) << r.out;
}

// Golden outputs: the command for each case and its expected stdout.
struct Golden {
  const char* name;
  const char* args;
};
constexpr Golden kGoldens[] = {
    {"seed-trace-1", "seed/trace-1.log"},
    {"seed-trace-2", "seed/trace-2.log"},
    {"seed-both-one-stream", "- < <(cat seed/trace-1.log seed/trace-2.log)"},
    {"go1.22-memtest", "corpus/go1.22.12/memtest/stderr.log"},
    {"go1.19-forced-combined", "corpus/go1.19.8/forced/combined.log"},
    {"go1.23-churn-stderrlog", "corpus/go1.23.5/churn-gogc100-stderrlog/combined.log"},
    {"go1.21-stacksglobals", "corpus/go1.21.13/stacksglobals/stderr.log"},
    {"go1.19-forced-ascii-60", "--charts ascii corpus/go1.19.8/forced/stderr.log"},
    // `compare` cases (the name says so): GOGC 100 against 400, with thresholds crossed and not.
    {"compare-gogc100-gogc400",
     "corpus/go1.22.12/churn-gogc100/stderr.log corpus/go1.22.12/churn-gogc400/stderr.log "
     "--fail-if p99_pause:+20% --fail-if peak_heap:+10% --fail-if cycle_rate:-50%"},
    {"compare-memtest-go1.19-go1.22", "corpus/go1.19.8/memtest/stderr.log corpus/go1.22.12/memtest/stderr.log"},
};

// The terminal is fixed: a UTF-8 locale (charts in block glyphs unless a case
// says otherwise) and 100 columns, or 60 for a case whose name ends in -60.
std::string text_env(const char* name) {
  const std::string n = name;
  const bool narrow = n.size() > 3 && n.ends_with("-60");
  return std::string("env -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 COLUMNS=") + (narrow ? "60" : "100") + " ";
}

using gcsight::testing_support::slurp;

TEST(Golden, TextAndJsonReports) {
  const fs::path dir = fs::path(GCSIGHT_TEST_DATA).parent_path() / "golden";
  for (const Golden& g : kGoldens) {
    SCOPED_TRACE(g.name);
    const bool compare = std::string_view(g.name).starts_with("compare-");
    const std::string command = compare ? " compare " : " analyze ";
    const auto text = sh(text_env(g.name) + "bash -c \"" + kBin + command + "--color never " + g.args + "\"");
    // compare exits 1 when a threshold is crossed; that is tested on its own.
    EXPECT_TRUE(text.status == 0 || (compare && text.status == 1)) << text.status;
    EXPECT_EQ(text.out, slurp(dir / (std::string(g.name) + ".txt")));
    const auto json = sh("bash -c \"" + kBin + command + "--format json " + g.args + "\"");
    EXPECT_TRUE(json.status == 0 || (compare && json.status == 1)) << json.status;
    EXPECT_EQ(json.out, slurp(dir / (std::string(g.name) + ".json")));
  }
}

}  // namespace

namespace {

// compare's exit status: 1 exactly when a threshold is crossed, in either
// direction; 2 for a threshold it cannot judge; 3 for an input it cannot read.
TEST(CompareCli, ExitsNonZeroExactlyWhenAThresholdIsCrossed) {
  const std::string a = "corpus/go1.22.12/churn-gogc100/stderr.log", b = "corpus/go1.22.12/churn-gogc400/stderr.log";
  auto run = [&](const std::string& x, const std::string& y, const std::string& opts) {
    return sh(kBin + " compare " + x + " " + y + " " + opts + " >/dev/null 2>&1").status;
  };
  // GOGC=400: the peak heap grew by 154 %, the cycle rate fell by 75 %.
  EXPECT_EQ(run(a, b, "--fail-if peak_heap:+150%"), 1);
  EXPECT_EQ(run(a, b, "--fail-if peak_heap:+160%"), 0);
  EXPECT_EQ(run(a, b, "--fail-if peak_heap:+150"), 1) << "absolute, in MiB: +154";
  EXPECT_EQ(run(a, b, "--fail-if peak_heap:+160"), 0);
  EXPECT_EQ(run(a, b, "--fail-if cycle_rate:-70%"), 1);
  EXPECT_EQ(run(a, b, "--fail-if cycle_rate:-80%"), 0);
  EXPECT_EQ(run(a, b, "--fail-if cycle_rate:+1%"), 0) << "a fall never crosses an increase threshold";
  // The other way round the same thresholds judge the opposite change.
  EXPECT_EQ(run(b, a, "--fail-if peak_heap:+10%"), 0);
  EXPECT_EQ(run(b, a, "--fail-if cycle_rate:+200%"), 1);
  // One crossed among several is enough.
  EXPECT_EQ(run(a, b, "--fail-if p99_pause:+20% --fail-if peak_heap:+10%"), 1);
  EXPECT_EQ(run(a, a, "--fail-if p99_pause:+0% --fail-if peak_heap:+0"), 0) << "a run against itself";
  // Not judgeable: usage errors.
  EXPECT_EQ(run(a, b, "--fail-if peak_rss:+10%"), 2) << "a trace log has no RSS";
  EXPECT_EQ(run(a, b, "--fail-if p99:+10%"), 2);
  EXPECT_EQ(run(a, b, "--fail-if p99_pause:10%"), 2);
  EXPECT_EQ(run(a, "no-such-file.log", ""), 3);
}

// A run of one cycle has no cycle rate (its span is the cycle's own 0.8 ms):
// a threshold on it cannot be judged, as for any metric one side lacks, while
// the other metrics still compare.
TEST(CompareCli, OneCycleHasNoCycleRateToCompare) {
  const fs::path dir = fs::temp_directory_path() / ("gcsight-onecycle-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string one = "'" + (dir / "one.log").string() + "'";
  std::ofstream(dir / "one.log")
      << "gc 1 @0.300s 0%: 0.012+0.80+0.003 ms clock, 0.025+0/0.086/1.4+0.007 ms cpu, 33->33->12 MB, "
         "33 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n";
  const std::string many = "corpus/go1.23.5/memtest/stderr.log";
  const auto r = sh(kBin + " compare --fail-if cycle_rate:-50% " + one + " " + many + " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("cycle_rate is not known in A"), std::string::npos) << r.out;
  EXPECT_EQ(sh(kBin + " compare --fail-if peak_heap:-10% " + one + " " + many + " >/dev/null 2>&1").status, 0);
  const auto j = nlohmann::json::parse(sh(kBin + " compare --format json " + one + " " + many).out);
  for (const auto& m : j["metrics"]) {
    if (m["name"] == "cycle_rate") {
      EXPECT_TRUE(m["a"].is_null()) << m;
      EXPECT_TRUE(m["delta"].is_null()) << m;
    }
  }
  const auto text = sh(kBin + " analyze --color never " + one);
  EXPECT_NE(text.out.find("1 (1 user-forced), rate per minute not known"), std::string::npos) << text.out;
  const auto json = nlohmann::json::parse(sh(kBin + " analyze --format json " + one).out);
  EXPECT_TRUE(json["runs"][0]["summary"]["cycles_per_minute"].is_null());
  fs::remove_all(dir);
}

TEST(CompareCli, TakesJsonReportsAsWellAsLogs) {
  const fs::path dir = fs::temp_directory_path() / ("gcsight-compare-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string log = "corpus/go1.22.12/forced/stderr.log";
  ASSERT_EQ(sh(kBin + " analyze --format json " + log + " > '" + (dir / "a.json").string() + "'").status, 0);
  const auto r = sh(kBin + " compare --format json '" + (dir / "a.json").string() + "' " + log);
  EXPECT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& m : j["metrics"]) {
    if (!m["delta"].is_null()) {
      EXPECT_EQ(m["delta"].get<double>(), 0.0) << m["name"];
    }
  }
  EXPECT_EQ(j["findings"]["appeared"].size(), 0u);
  EXPECT_FALSE(j["crossed"].get<bool>());
  // Not a gcsight report: said, with the file's name.
  std::ofstream(dir / "other.json") << "{\"hello\": 1}\n";
  const auto bad = sh(kBin + " compare '" + (dir / "other.json").string() + "' " + log + " 2>&1");
  EXPECT_EQ(bad.status, 3);
  EXPECT_NE(bad.out.find("other.json: a JSON document, but not a gcsight report"), std::string::npos) << bad.out;
  fs::remove_all(dir);
}

}  // namespace

namespace {

// The start times of a file's cycles, from the CSV (one row per cycle).
std::vector<std::pair<int, int64_t>> cycles_of(const std::string& log) {
  const auto csv = sh(kBin + " analyze --format csv " + log);
  std::vector<std::pair<int, int64_t>> out;
  std::istringstream in(csv.out);
  std::string row;
  std::getline(in, row);  // header
  while (std::getline(in, row)) {
    std::istringstream f(row);
    std::string run, gc, line, start;
    std::getline(f, run, ',');
    std::getline(f, gc, ',');
    std::getline(f, line, ',');
    std::getline(f, start, ',');
    out.emplace_back(std::stoi(gc), std::stoll(start));
  }
  return out;
}

// --since/--until select exactly the cycles that started in [since, until):
// by seconds since the process start, and by wall-clock time from
// --start-time or from a log wrapper's timestamps.
TEST(TimeRange, SelectsExactlyTheCyclesInRange) {
  const fs::path dir = fs::temp_directory_path() / ("gcsight-range-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const std::string log : {"corpus/go1.22.12/forced/stderr.log", "corpus/go1.19.8/churn-gogc100/stderr.log",
                                "corpus/go1.23.5/churn-gogc100-stderrlog/combined.log"}) {
    SCOPED_TRACE(log);
    const auto all = cycles_of(log);
    ASSERT_GT(all.size(), 20u);
    // Bounds at the start of the cycle a quarter and three quarters in: both edges are hit exactly.
    const int64_t since = all[all.size() / 4].second, until = all[all.size() * 3 / 4].second;
    size_t want = 0;
    for (const auto& [gc, t] : all) want += t >= since && t < until;
    auto secs = [](int64_t ns) { return std::to_string(ns / 1'000'000'000) + "." + [&] {
                                  std::string f = std::to_string(ns % 1'000'000'000);
                                  return std::string(9 - f.size(), '0') + f;
                                }(); };
    auto selected = [&](const std::string& opts, const std::string& input) {
      const auto r = sh(kBin + " analyze --format json " + opts + " " + input);
      EXPECT_EQ(r.status, 0) << opts;
      const auto j = nlohmann::json::parse(r.out);
      return j["runs"].empty() ? nlohmann::json() : j["runs"][0]["summary"];
    };
    auto s = selected("--since " + secs(since) + " --until " + secs(until) + "s", log);
    EXPECT_EQ(s["cycles"].get<size_t>(), want);
    EXPECT_EQ(s["first_gc"].get<int>(), all[all.size() / 4].first);
    EXPECT_EQ(s["last_gc"].get<int>(), all[all.size() * 3 / 4].first - 1);
    EXPECT_EQ(selected("--since " + secs(since), log)["cycles"].get<size_t>(), all.size() - all.size() / 4);

    // Wall clock from --start-time: the same cycles.
    const int64_t base = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z
    auto rfc = [&](int64_t ns) {
      const time_t t = static_cast<time_t>((base + ns) / 1'000'000'000);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char b[64];
      std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
      std::string f = std::to_string((base + ns) % 1'000'000'000);
      return std::string(b) + "." + std::string(9 - f.size(), '0') + f + "Z";
    };
    s = selected("--start-time " + rfc(0) + " --since " + rfc(since) + " --until " + rfc(until), log);
    EXPECT_EQ(s["cycles"].get<size_t>(), want);

    // Wall clock from a log wrapper: `kubectl logs --timestamps` lines, each
    // stamped with its cycle's start (the lines in between with the last one).
    std::ifstream in(fs::path(GCSIGHT_TEST_DATA) / log);
    std::ofstream out(dir / "wrapped.log");
    std::string text;
    int64_t stamp = 0;
    size_t next = 0;
    while (std::getline(in, text)) {
      if (text.rfind("gc ", 0) == 0 && next < all.size() && text.rfind("gc " + std::to_string(all[next].first) + " ", 0) == 0) {
        stamp = all[next++].second;
      }
      out << rfc(stamp) << " " << text << "\n";
    }
    out.close();
    if (next == all.size()) {  // every gc line starts its own line (not split by program output)
      s = selected("--since " + rfc(since) + " --until " + rfc(until), "'" + (dir / "wrapped.log").string() + "'");
      EXPECT_EQ(s["cycles"].get<size_t>(), want);
    }
  }
  // A range that starts late is no excerpt of the trace, and the scavenger line
  // before gc 1 lies outside it (only the one after the selected cycles counts).
  {
    const auto late = nlohmann::json::parse(
        sh(kBin + " analyze --format json --since 100 corpus/go1.23.5/memtest/stderr.log 2>/dev/null").out);
    for (const auto& f : late["runs"][0]["findings"]) EXPECT_NE(f["code"], "trace-gaps") << f["explanation"];
    EXPECT_EQ(late["runs"][0]["summary"]["scavenger"]["lines"], 1);
  }
  // Nothing in range: no run, a warning, exit 0.
  const auto none = sh(kBin + " analyze --format json --since 100000 corpus/go1.22.12/forced/stderr.log 2>&1 >/dev/null");
  EXPECT_EQ(none.status, 0);
  EXPECT_NE(none.out.find("no gc cycle in the --since/--until range"), std::string::npos);
  EXPECT_EQ(sh(kBin + " analyze --since yesterday corpus/go1.22.12/forced/stderr.log 2>/dev/null").status, 2);
  // Negative seconds are no Unix time, and seconds past 64 bits of nanoseconds no bound.
  for (const char* bad : {"--since -5", "--since=-5", "--until 1e10", "--since 9.3e9", "--start-time 1e30"}) {
    EXPECT_EQ(sh(kBin + " analyze " + bad + " corpus/go1.22.12/forced/stderr.log 2>/dev/null").status, 2) << bad;
  }
  fs::remove_all(dir);
}

}  // namespace

namespace {

// The JSON report with the input names taken out, to compare a rotated set
// with the file it was cut from.
nlohmann::json without_names(const std::string& json) {
  auto j = nlohmann::json::parse(json);
  j.erase("inputs");
  for (auto& r : j["runs"]) r.erase("inputs");
  j["parse"].erase("wrappers");
  return j;
}

// A log cut into three files (the oldest zstd'd, the middle one gzip'd),
// given newest first under shuffled names, reads as the one log it was; an
// unrelated log given with them stays its own run.
TEST(Cli, APipeAndACompressedFileGiveTheSequentialReport) {
  // Streams are parsed on worker threads; GCSIGHT_READ_THREADS=1 reads them in one.
  const std::string f = "'" + (fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.22.12/churn-gogc100-stderrlog/combined.log").string() + "'";
  const auto piped = sh("cat " + f + " | " + kBin + " analyze --format json -");
  const auto one = sh("GCSIGHT_READ_THREADS=1 " + kBin + " analyze --format json - < " + f);
  ASSERT_EQ(piped.status, 0);
  ASSERT_EQ(one.status, 0);
  EXPECT_EQ(piped.out, one.out);
  EXPECT_NE(piped.out.find("\"gc_lines\""), std::string::npos);
  const auto zst = sh("zstd -q -c " + f + " | " + kBin + " analyze --format json -");
  ASSERT_EQ(zst.status, 0);
  EXPECT_EQ(zst.out, one.out);
}

TEST(RotatedLogs, ASetReadsAsTheConcatenatedFile) {
  const fs::path dir = fs::temp_directory_path() / ("gcsight-rotated-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path whole = fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.22.12/churn-gogc100-stderrlog/combined.log";
  std::ifstream in(whole);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GT(lines.size(), 300u);
  const size_t cut1 = lines.size() / 3, cut2 = 2 * lines.size() / 3;
  auto write = [&](const fs::path& p, size_t from, size_t to) {
    std::ofstream out(p);
    for (size_t i = from; i < to; ++i) out << lines[i] << "\n";
  };
  write(dir / "app.log.2", 0, cut1);
  write(dir / "app.log.1", cut1, cut2);
  write(dir / "app.log", cut2, lines.size());
  write(dir / "whole.log", 0, lines.size());
  const std::string d = "'" + dir.string() + "/";
  ASSERT_EQ(sh("zstd -q --rm " + d + "app.log.2' && gzip " + d + "app.log.1'").status, 0);
  const auto set = sh(kBin + " analyze --format json " + d + "app.log' " + d + "app.log.1.gz' " + d + "app.log.2.zst'");
  const auto one = sh(kBin + " analyze --format json " + d + "whole.log'");
  ASSERT_EQ(set.status, 0);
  ASSERT_EQ(one.status, 0);
  const auto js = nlohmann::json::parse(set.out);
  ASSERT_EQ(js["runs"].size(), 1u);
  EXPECT_EQ(js["runs"][0]["inputs"][0].get<std::string>(),
            dir.string() + "/app.log.2.zst + " + dir.string() + "/app.log.1.gz + " + dir.string() + "/app.log");
  EXPECT_EQ(without_names(set.out), without_names(one.out));

  // With an unrelated log (another program, gc 1 on): two runs, the set's the same as before.
  const auto mixed = sh(kBin + " analyze --format json " + d + "app.log' corpus/go1.22.12/forced/stderr.log " + d +
                        "app.log.1.gz' " + d + "app.log.2.zst'");
  ASSERT_EQ(mixed.status, 0);
  const auto jm = nlohmann::json::parse(mixed.out);
  ASSERT_EQ(jm["runs"].size(), 2u);
  EXPECT_EQ(jm["runs"][0]["summary"], js["runs"][0]["summary"]);
  EXPECT_EQ(jm["runs"][1]["inputs"][0], "corpus/go1.22.12/forced/stderr.log");
  fs::remove_all(dir);
}

}  // namespace
