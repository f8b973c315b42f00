// gcsight-gentrace: writes a large, realistic, deterministic Go GC trace for
// benchmarks (and, with --truth, a JSON account of what it wrote, for tests).
// The model and the formatting live in trace_model.{h,cpp}; this file only
// parses options, opens the output, writes it from a second thread (page-cache
// writes cost about as much CPU as generating, so the two overlap) and reports
// the speed on stderr.

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "trace_model.h"

namespace {

namespace tg = gcsight::tracegen;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // an I/O error
constexpr int kExitUsage = 2;    // bad command line

struct CliOptions {
  double size_mib = 0;
  std::string output;  // empty: stdout
  std::string format = "modern";
  std::string truth;
  tg::GenOptions gen;
};

// Parses the command line into `cli`; returns an exit code when main should
// stop (help printed, or a usage error reported).
std::optional<int> parse_args(int argc, char** argv, CliOptions& cli) {
  CLI::App app{
      "Write a deterministic synthetic Go GC trace (GODEBUG=gctrace=1,scavtrace=1 output\n"
      "mixed with application log lines) of about SIZE_MIB MiB."};
  app.add_option("SIZE_MIB", cli.size_mib, "Size of the output in MiB (stops at a cycle end)")
      ->required()
      ->check(CLI::PositiveNumber);
  app.add_option("-o,--output", cli.output, "Output file (default: stdout)");
  app.add_option("--format", cli.format,
                 "modern (Go 1.21+), go1.19, legacy (Go 1.9-1.12, scvgK lines) or go1.5")
      ->check(CLI::IsMember({"modern", "go1.19", "legacy", "go1.5"}))
      ->capture_default_str();
  app.add_option("--seed", cli.gen.seed, "Random seed")->capture_default_str();
  app.add_option("--app-ratio", cli.gen.app_ratio, "Share of lines that are application output")
      ->check(CLI::Range(0.0, 0.95))
      ->capture_default_str();
  app.add_option("--midline-rate", cli.gen.midline_rate,
                 "Probability that a gc line is split by application output")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--procs", cli.gen.procs, "GOMAXPROCS, printed as '# P'")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--gogc", cli.gen.gogc, "GOGC used by the pacing model")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  app.add_option("--growth-mib-per-min", cli.gen.growth_mib_per_min,
                 "Steady live-heap growth (a leak) in MiB per minute of trace time")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--truth", cli.truth, "Write a JSON account of the generated trace to FILE");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // help on stdout, errors on stderr
    return code == 0 ? kExitOk : kExitUsage;
  }
  cli.gen.size_bytes = static_cast<uint64_t>(cli.size_mib * 1048576.0);
  cli.gen.format = *tg::parse_format(cli.format);  // IsMember checked it
  if (auto err = tg::validate_options(cli.gen); !err.empty()) {
    fmt::print(stderr, "gcsight-gentrace: {}\n", err);
    return kExitUsage;
  }
  return std::nullopt;
}

bool write_all(int fd, std::string_view data, int& err) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes chunks to a file descriptor on its own thread, with a few buffers in
// flight, so that generating the next chunk overlaps writing the last one.
class AsyncWriter {
 public:
  explicit AsyncWriter(int fd) : fd_(fd), thread_([this] { loop(); }) {}
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;
  ~AsyncWriter() { finish(); }

  /// Queues a copy of `chunk`; false once a write has failed.
  bool push(std::string_view chunk) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return queue_.size() < kInFlight || err_ != 0; });
    if (err_ != 0) return false;
    std::string buf;
    if (!spare_.empty()) {
      buf = std::move(spare_.back());
      spare_.pop_back();
    }
    buf.assign(chunk);
    queue_.push_back(std::move(buf));
    cv_.notify_all();
    return true;
  }

  /// Waits for every queued chunk; returns 0 or the errno of the first failed write.
  int finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    return err_;
  }

 private:
  static constexpr size_t kInFlight = 4;

  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return !queue_.empty() || done_; });
      if (queue_.empty()) return;
      std::string buf = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      int err = 0;
      const bool ok = write_all(fd_, buf, err);
      lock.lock();
      if (!ok && err_ == 0) err_ = err;
      spare_.push_back(std::move(buf));
      cv_.notify_all();
    }
  }

  const int fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::vector<std::string> spare_;
  bool done_ = false;
  int err_ = 0;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

int main(int argc, char** argv) {
  CliOptions cli;
  if (auto code = parse_args(argc, argv, cli)) return *code;

  int fd = STDOUT_FILENO;
  if (!cli.output.empty()) {
    fd = ::open(cli.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      fmt::print(stderr, "gcsight-gentrace: cannot open {}: {}\n", cli.output,
                 std::strerror(errno));
      return kExitFailure;
    }
    // Reserving the blocks up front made writing 1 GiB to ext4 several times
    // cheaper in kernel time, and above all steadier (0.2 s against 0.3-4 s on
    // a busy 2-CPU VM). Only a hint: where the file system cannot do it, or the
    // disk is too full, the writes go ahead and report their own errors.
    (void)::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(cli.gen.size_bytes));
  }
  const std::string out_name = cli.output.empty() ? "stdout" : cli.output;

  const auto t0 = std::chrono::steady_clock::now();
  AsyncWriter writer(fd);
  const auto truth =
      tg::generate_trace_to(cli.gen, [&](std::string_view chunk) { return writer.push(chunk); });
  if (const int err = writer.finish(); err != 0 || !truth) {
    fmt::print(stderr, "gcsight-gentrace: writing {}: {}\n", out_name, std::strerror(err));
    return kExitFailure;
  }
  if (fd != STDOUT_FILENO && ::close(fd) != 0) {
    fmt::print(stderr, "gcsight-gentrace: closing {}: {}\n", out_name, std::strerror(errno));
    return kExitFailure;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!cli.truth.empty()) {
    std::FILE* f = std::fopen(cli.truth.c_str(), "w");
    const std::string json = tg::truth_to_json(*truth) + "\n";
    if (f == nullptr || std::fputs(json.c_str(), f) < 0 || std::fclose(f) != 0) {
      fmt::print(stderr, "gcsight-gentrace: writing {}: {}\n", cli.truth, std::strerror(errno));
      return kExitFailure;
    }
  }

  const double mib = static_cast<double>(truth->bytes) / 1048576.0;
  fmt::print(stderr, "wrote {:.1f} MiB ({} gc cycles) in {:.2f}s: {:.1f} MiB/s\n", mib,
             truth->cycles, secs, mib / std::max(secs, 1e-9));
  return kExitOk;
}
