// The `--metrics-listen` endpoint, checked by the real tools of the Prometheus
// ecosystem: `promtool check metrics` lints what gcsight serves (no warnings
// allowed), and a real Prometheus (Debian's package, started here on loopback
// with its own config and storage, never the system service) scrapes
// `gcsight run` on a real Go program; its query API must then give the
// cycle count the program itself reports (runtime.MemStats.NumGC).
//
// PrometheusE2E carries the ctest label `prometheus` (tests/CMakeLists.txt);
// it skips when /usr/bin/prometheus is missing, and PromtoolLint when promtool is.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/live_snapshot.h"
#include "render/render_prometheus.h"
#include "support/analyze_text.h"
#include "support/e2e.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kBin = GCSIGHT_BINARY;
const char* const kPrometheus = "/usr/bin/prometheus";
const char* const kPromtool = "/usr/bin/promtool";

using gcsight::testing_support::sh;
using gcsight::testing_support::slurp;

// A port that was free a moment ago (the kernel's choice for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

struct Lint {
  int status = -1;
  std::string output;
};

// `promtool check metrics` on `body`: its exit status and everything it said.
Lint promtool_check(const std::string& body, const fs::path& dir) {
  const fs::path in = dir / "scrape.txt", out = dir / "promtool.txt";
  std::ofstream(in, std::ios::binary) << body;
  const std::string cmd = std::string(kPromtool) + " check metrics < '" + in.string() + "' > '" + out.string() + "' 2>&1";
  return {sh(cmd), slurp(out)};
}

using gcsight::testing_support::Child;
using gcsight::testing_support::TempDir;

TEST(PromtoolLint, TheExpositionOfATraceAndOfARunHasNoWarnings) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << kPromtool << " is missing (Debian package prometheus)";
  TempDir dir("lint");
  const std::string log = slurp(fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.23.5/forced/stderr.log");
  ASSERT_FALSE(log.empty());
  gcsight::LiveSnapshot s = gcsight::snapshot_of_report(gcsight::testing_support::analyze_text(log));
  ASSERT_TRUE(s.have_run);
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    if (variant == 1) {  // as under `gcsight run`, with every process figure
      s.process = true;
      s.program_running = true;
      s.rss = 50 << 20;
      s.parts_known = true;
      s.parts.rss = 50 << 20;
      s.parts.heap_live = 20 << 20;
      s.parts.other = 30 << 20;
      s.samples = 10;
      s.self_rss = 8 << 20;
      s.self_cpu_ns = 12'000'000;
    }
    if (variant == 2) s = gcsight::LiveSnapshot{};  // before the first cycle
    const std::string body = gcsight::render_prometheus(s, "0.0.0-test");
    const Lint lint = promtool_check(body, dir.path());
    EXPECT_EQ(lint.status, 0) << lint.output << "\n" << body;
    EXPECT_EQ(lint.output, "") << body;
  }
}

// The value of an instant query's single result, or nullopt when there is none yet.
std::optional<double> query(httplib::Client& prom, const std::string& expr) {
  const auto res = prom.Get("/api/v1/query", httplib::Params{{"query", expr}}, httplib::Headers{});
  if (!res || res->status != 200) return std::nullopt;
  const auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded() || j["status"] != "success") return std::nullopt;
  const auto& result = j["data"]["result"];
  if (!result.is_array() || result.size() != 1) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

TEST(PrometheusE2E, ARealPrometheusScrapesTheProgramsGcCycles) {
  if (!fs::exists(kPrometheus)) GTEST_SKIP() << kPrometheus << " is missing: install Debian's prometheus package";
  fs::path prog;
  const fs::path progs(GCSIGHT_GO_PROGRAMS);
  if (fs::exists(progs)) {
    for (const auto& v : fs::directory_iterator(progs)) {
      if (fs::exists(v.path() / "gcprog") && (prog.empty() || v.path() / "gcprog" > prog)) prog = v.path() / "gcprog";
    }
  }
  if (prog.empty()) GTEST_SKIP() << "no Go toolchain: the Go programs were not built";
  TempDir dir("prom");
  const int metrics_port = free_port(), prom_port = free_port();
  ASSERT_GT(metrics_port, 0);
  ASSERT_GT(prom_port, 0);
  std::ofstream(dir.path() / "prometheus.yml") << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                                  "scrape_configs:\n  - job_name: gcsight\n    static_configs:\n"
                                                  "      - targets: ['127.0.0.1:"
                                               << metrics_port << "']\n";
  const fs::path prom_log = dir.path() / "prometheus.log";
  Child prometheus({kPrometheus, "--config.file=" + (dir.path() / "prometheus.yml").string(),
                    "--storage.tsdb.path=" + (dir.path() / "tsdb").string(),
                    "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
                   prom_log, prom_log);

  // Prometheus first, scraping (the target is still down) before the program
  // starts, so that it scrapes the run as it goes: its scrape manager takes
  // up new targets only every 5 s.
  httplib::Client prom("127.0.0.1", prom_port);
  const auto deadline = Clock::now() + std::chrono::seconds(90);
  while (!query(prom, "up{job=\"gcsight\"}")) {
    ASSERT_LT(Clock::now(), deadline) << "Prometheus did not scrape: " << slurp(dir.path() / "prometheus.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const fs::path truth = dir.path() / "truth.json", report = dir.path() / "report.json";
  // gcsight serves before the program starts and keeps the final figures up
  // (--metrics-linger) until this test has read them and stops it.
  const fs::path gcsight_log = dir.path() / "gcsight.log";
  Child gcsight({kBin, "run", "-q", "--json", report.string(), "--metrics-listen",
                 "127.0.0.1:" + std::to_string(metrics_port), "--metrics-linger", "120", "--", prog.string()},
                gcsight_log, gcsight_log,
                {"ALLOC_MB_PER_S=100", "DURATION_MS=3000", "WHOLE_LINES=1", "TRUTH_FILE=" + truth.string()});
  // While the program runs: what the endpoint serves passes promtool.
  httplib::Client endpoint("127.0.0.1", metrics_port);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  if (fs::exists(kPromtool)) {
    const auto res = endpoint.Get("/metrics");
    ASSERT_TRUE(res) << "gcsight's endpoint did not answer: " << slurp(dir.path() / "gcsight.log");
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(res->body.find("gcsight_program_running 1"), std::string::npos) << res->body;
    const Lint lint = promtool_check(res->body, dir.path());
    EXPECT_EQ(lint.status, 0) << lint.output;
    EXPECT_EQ(lint.output, "");
  }

  // The program ends and writes its own count.
  while (!fs::exists(report) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(report)) << slurp(dir.path() / "gcsight.log");
  const auto t = nlohmann::json::parse(slurp(truth));
  const double num_gc = t["NumGC"].get<double>();
  ASSERT_GT(num_gc, 0);

  // Prometheus scrapes the final figures: the program has ended, and the cycle count is NumGC.
  std::optional<double> cycles, running, scrapes;
  while (Clock::now() < deadline) {
    running = query(prom, "gcsight_program_running{job=\"gcsight\"}");
    cycles = query(prom, "gcsight_gc_cycles_total{job=\"gcsight\"}");
    scrapes = query(prom, "count_over_time(gcsight_gc_cycles_total{job=\"gcsight\"}[5m])");
    if (running && *running == 0 && cycles && scrapes && *scrapes >= 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(running && cycles) << "no scrape reached Prometheus: " << slurp(dir.path() / "prometheus.log");
  EXPECT_EQ(*running, 0);
  EXPECT_EQ(*cycles, num_gc);
  EXPECT_EQ(query(prom, "gcsight_gc_duration_seconds_count{job=\"gcsight\"}"), num_gc);
  EXPECT_EQ(query(prom, "gcsight_gc_cycles_forced_total{job=\"gcsight\"}"), t["NumForcedGC"].get<double>());
  // Pauses as the program's own total says, within the trace's truncation (each pause printed to 2-3 digits).
  const auto pause_sum = query(prom, "gcsight_gc_duration_seconds_sum{job=\"gcsight\"}");
  ASSERT_TRUE(pause_sum);
  EXPECT_NEAR(*pause_sum, t["PauseTotalNs"].get<double>() / 1e9, 0.2 * t["PauseTotalNs"].get<double>() / 1e9 + 1e-4);
  EXPECT_EQ(query(prom, "up{job=\"gcsight\"}"), 1.0);
  const auto rss = query(prom, "gcsight_program_resident_memory_bytes{job=\"gcsight\"}");
  ASSERT_TRUE(rss);
  EXPECT_GT(*rss, 1 << 20);
  // Several scrapes happened, at least one while the program ran, and the
  // cycle counter only went up across them.
  ASSERT_TRUE(scrapes);
  EXPECT_GE(*scrapes, 4);
  EXPECT_EQ(query(prom, "max_over_time(gcsight_program_running{job=\"gcsight\"}[5m])"), 1.0);
  EXPECT_EQ(query(prom, "resets(gcsight_gc_cycles_total{job=\"gcsight\"}[5m])"), 0.0);
  // The report agrees with what was scraped.
  const auto r = nlohmann::json::parse(slurp(report));
  EXPECT_EQ(r["runs"][0]["summary"]["cycles"].get<double>(), *cycles);

  // The final exposition passes promtool too.
  if (fs::exists(kPromtool)) {
    const auto res = endpoint.Get("/metrics");
    ASSERT_TRUE(res);
    const Lint lint = promtool_check(res->body, dir.path());
    EXPECT_EQ(lint.status, 0) << lint.output;
    EXPECT_EQ(lint.output, "");
  }
  EXPECT_EQ(prometheus.stop(), 0) << slurp(dir.path() / "prometheus.log");
  // SIGTERM ends the lingering endpoint; gcsight exits with the program's status.
  EXPECT_EQ(gcsight.stop(), 0);
}

TEST(MetricsListen, WatchServesTheFiguresOfTheLogItFollows) {
  TempDir dir("watch");
  const int port = free_port();
  const fs::path capture = fs::path(GCSIGHT_TEST_DATA) / "corpus/go1.23.5/forced";
  const fs::path watch_log = dir.path() / "watch.log";
  Child watch({kBin, "watch", "--interval", "0.1", "--metrics-listen", "127.0.0.1:" + std::to_string(port),
               (capture / "stderr.log").string()},
              watch_log, watch_log);
  const double num_gc = nlohmann::json::parse(slurp(capture / "truth.json"))["NumGC"].get<double>();
  httplib::Client endpoint("127.0.0.1", port);
  const std::string want = "\ngcsight_gc_cycles_total " + std::to_string(static_cast<int64_t>(num_gc)) + "\n";
  std::string body;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline && body.find(want) == std::string::npos) {
    if (const auto res = endpoint.Get("/metrics")) body = res->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(body.find(want), std::string::npos) << body << slurp(dir.path() / "watch.log");
  EXPECT_EQ(body.find("gcsight_program_"), std::string::npos) << "watch has no program";
  if (fs::exists(kPromtool)) {
    const Lint lint = promtool_check(body, dir.path());
    EXPECT_EQ(lint.status, 0) << lint.output;
    EXPECT_EQ(lint.output, "");
  }
  EXPECT_EQ(watch.stop(), 0);
}

// Also when the port is held by a socket that allows SO_REUSEPORT, as another
// gcsight's (cpp-httplib's default) would: sharing it would split the scrapes.
TEST(MetricsListen, ABusyAddressIsAnErrorBeforeTheProgramStarts) {
  for (const bool reuseport : {false, true}) {
    SCOPED_TRACE(reuseport ? "held with SO_REUSEPORT" : "held");
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (reuseport) {
      int yes = 1;
      ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes), 0);
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    TempDir dir("busy");
    const fs::path marker = dir.path() / "ran";
    const std::string cmd = "'" + kBin + "' run --metrics-listen 127.0.0.1:" + std::to_string(ntohs(a.sin_port)) +
                            " -- /bin/sh -c 'touch " + marker.string() + "' 2>'" + (dir.path() / "err").string() + "'";
    const int st = sh(cmd);
    close(fd);
    EXPECT_EQ(st, 125);
    EXPECT_FALSE(fs::exists(marker)) << "the program ran";
    EXPECT_NE(slurp(dir.path() / "err").find("gcsight: --metrics-listen: cannot listen on 127.0.0.1:"), std::string::npos)
        << slurp(dir.path() / "err");
  }
}

}  // namespace
