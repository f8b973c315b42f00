// A property of `gcsight run`'s passthrough: whatever the interleaving, the
// program's stderr comes back as it wrote it. Generated streams mimic a Go
// program that logs whole lines (one write(2) each, as the log package does)
// while the runtime prints gctrace and scavtrace lines the way it does: one
// write per print argument, the ` (forced)` and the newline written on their
// own, so the program's lines land between any two pieces, several at a time
// when the runtime's thread is descheduled. The stream then reaches the session
// in random chunks, as pipe reads cut it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/run_session.h"

namespace gcsight {
namespace {

class Interleaver {
 public:
  explicit Interleaver(uint64_t seed) : rng_(seed) {}

  /// Writes `lines` program lines; a runtime line starts after one in six,
  /// and after each of its pieces the program writes 1..`burst` lines with
  /// probability `percent`.
  void generate(int lines, int percent, int burst) {
    for (int i = 0; i < lines; ++i) {
      program_line();
      if (below(6) != 0) continue;
      std::vector<std::string> pieces = runtime_pieces();
      for (const std::string& p : pieces) {
        write(p, false);
        if (static_cast<int>(below(100)) < percent) {
          for (uint64_t k = 1 + below(static_cast<uint64_t>(burst)); k > 0; --k) program_line();
        }
      }
    }
  }

  [[nodiscard]] const std::string& stream() const { return stream_; }
  [[nodiscard]] const std::string& program() const { return program_; }
  [[nodiscard]] int runtime_gc_lines() const { return gc_; }

  /// The stream cut where pipe reads could cut it: some tiny reads, most larger.
  std::vector<std::string_view> chunks() {
    std::vector<std::string_view> out;
    for (size_t p = 0; p < stream_.size();) {
      size_t n = below(3) == 0 ? 1 + below(16) : 1 + below(2048);
      n = std::min(n, stream_.size() - p);
      out.push_back(std::string_view(stream_).substr(p, n));
      p += n;
    }
    return out;
  }

 private:
  uint64_t below(uint64_t n) { return rng_() % n; }

  void write(const std::string& s, bool program) {
    stream_ += s;
    if (program) program_ += s;
  }

  // gcprog's line format: a number, then letters, digits, spaces and dots.
  void program_line() {
    static constexpr std::string_view kAlphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .";
    std::string s = "err " + std::to_string(1000000 + ++line_).substr(1) + " ";
    for (uint64_t n = 8 + below(89); n > 0; --n) s += kAlphabet[below(kAlphabet.size())];
    write(s + "\n", true);
  }

  // A duration as the runtime prints it (fmtNSAsMS): whole ms from 10 ms,
  // else two significant digits and at most three decimals.
  static std::string ms(uint64_t ns) {
    if (ns >= 10'000'000) return std::to_string(ns / 1'000'000);
    uint64_t x = ns / 1000;
    if (x == 0) return "0";
    size_t dec = 3;
    while (x >= 100) {
      x /= 10;
      --dec;
    }
    std::string d = std::to_string(x);
    if (d.size() <= dec) d.insert(0, dec + 1 - d.size(), '0');
    return d.substr(0, d.size() - dec) + "." + d.substr(d.size() - dec);
  }

  uint64_t duration() {
    uint64_t scale = 3000;
    for (uint64_t e = below(5); e > 0; --e) scale *= 10;
    return below(scale);
  }

  // One runtime line (Go 1.21+ shapes) in the pieces the runtime writes.
  std::vector<std::string> runtime_pieces() {
    std::string line;
    bool forced = false;
    if (below(4) == 0) {
      line = "scav 0 KiB work (bg), " + std::to_string(below(500)) + " KiB work (eager), " +
             std::to_string(below(30000)) + " KiB now, " + std::to_string(below(101)) + "% util";
    } else {
      ++gc_;
      // Stop-the-world phases: cpu = clock x 2 P.
      const uint64_t sweep = duration(), mark = duration(), term = duration();
      line = "gc " + std::to_string(gc_) + " @" + std::to_string(gc_ / 10) + "." + std::to_string(100 + below(900)) +
             "s " + std::to_string(below(30)) + "%: " + ms(sweep) + "+" + ms(mark) + "+" + ms(term) + " ms clock, " +
             ms(sweep * 2) + "+" + ms(duration()) + "/" + ms(duration()) + "/" + ms(duration()) + "+" + ms(term * 2) +
             " ms cpu, " + std::to_string(below(9)) + "->" + std::to_string(below(9)) + "->" +
             std::to_string(below(9)) + " MB, " + std::to_string(4 + below(9)) +
             " MB goal, 0 MB stacks, 0 MB globals, 2 P";
      forced = below(10) == 0;
    }
    // One print per argument: numbers (digits and dots) and the text between.
    std::vector<std::string> pieces;
    const auto numeric = [](char c) { return (c >= '0' && c <= '9') || c == '.'; };
    for (size_t i = 0; i < line.size();) {
      size_t j = i + 1;
      while (j < line.size() && numeric(line[j]) == numeric(line[i])) ++j;
      pieces.push_back(line.substr(i, j - i));
      i = j;
    }
    if (forced) pieces.emplace_back(" (forced)");
    pieces.emplace_back("\n");
    return pieces;
  }

  std::mt19937_64 rng_;
  std::string stream_, program_;
  int line_ = 0;
  int gc_ = 0;
};

std::string without_newlines(std::string s) {
  std::erase(s, '\n');
  return s;
}

// Whether `small` is `big` with bytes inserted (the order of `small` kept).
bool is_subsequence(std::string_view small, std::string_view big) {
  size_t i = 0;
  for (size_t j = 0; j < big.size() && i < small.size(); ++j) {
    if (big[j] == small[i]) ++i;
  }
  return i == small.size();
}

TEST(RunSessionInterleave, TheProgramsBytesComeBackAsWritten) {
  int exact = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Interleaver gen(seed);
    gen.generate(150, 10 + static_cast<int>(seed % 30), 1 + static_cast<int>(seed % 4));
    std::string got;
    ProcessInfo info;
    info.command = {"./prog"};
    RunSession session(info, false, {}, [&got](std::string_view d) { got.append(d); });
    int64_t t = 0;
    for (std::string_view c : gen.chunks()) session.on_stderr(c, t += 100'000);
    const Report r = session.finish(RunExit{});
    if (r.parse.malformed_lines == 0) {
      ++exact;
      EXPECT_EQ(r.parse.gc_lines, static_cast<uint64_t>(gen.runtime_gc_lines()));
      EXPECT_TRUE(got == gen.program()) << "the program's stderr differs with every runtime line read";
    } else {
      // A line that could not be read (a ` (forced)` written after program
      // lines that followed a stitched line) is passed on as the program's;
      // the program's bytes are still all there, in their order.
      EXPECT_TRUE(is_subsequence(without_newlines(gen.program()), without_newlines(got)))
          << "bytes the program wrote are missing or out of order";
    }
  }
  // Most streams are read whole; the check above is not vacuous.
  EXPECT_GE(exact, 30);
}

}  // namespace
}  // namespace gcsight
