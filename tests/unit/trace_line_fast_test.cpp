// The whole-line fast path (trace_line_fast) against the grammar path: whenever
// the fast path accepts a line, its LineParse must be the grammar's, field for
// field. Checked on every line of every fixture under tests/data, on generated
// traces of every format with many split lines, and on systematic mutations of
// each common shape (every cut, and a digit, a zero, a sign, a dot, a space
// put in at every offset), plus values at the edges of what fits. The padded
// readers, which read past a line's end, must agree with the plain ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <cctype>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/trace_line_fast.h"
#include "core/trace_line_parser.h"
#include "io/line_reader.h"

#ifdef GCSIGHT_HAVE_TRACEGEN
#include "trace_model.h"
#endif

namespace gcsight {
namespace {

namespace fs = std::filesystem;

#define GCSIGHT_SAME(field)                                                                 \
  if (a.field != b.field) return std::string(#field) + ": " + std::to_string(a.field) + " vs " + \
                                 std::to_string(b.field)

std::string diff_gc(const GcCycle& a, const GcCycle& b) {
  GCSIGHT_SAME(line);
  GCSIGHT_SAME(start_ns);
  for (size_t i = 0; i < 3; ++i) GCSIGHT_SAME(clock_ns[i]);
  for (size_t i = 0; i < 5; ++i) GCSIGHT_SAME(cpu_ns[i]);
  GCSIGHT_SAME(heap_start);
  GCSIGHT_SAME(heap_end);
  GCSIGHT_SAME(heap_live);
  GCSIGHT_SAME(goal);
  GCSIGHT_SAME(stacks);
  GCSIGHT_SAME(globals);
  GCSIGHT_SAME(wall_ns);
  GCSIGHT_SAME(util_pct);
  GCSIGHT_SAME(gc);
  GCSIGHT_SAME(procs);
  GCSIGHT_SAME(flags);
  if (a.shape != b.shape) return "gc shape";
  return {};
}

std::string diff_scav(const ScavEvent& a, const ScavEvent& b) {
  GCSIGHT_SAME(line);
  GCSIGHT_SAME(wall_ns);
  GCSIGHT_SAME(work_bytes);
  GCSIGHT_SAME(eager_bytes);
  GCSIGHT_SAME(released_bytes);
  GCSIGHT_SAME(inuse_bytes);
  GCSIGHT_SAME(idle_bytes);
  GCSIGHT_SAME(sys_bytes);
  GCSIGHT_SAME(consumed_bytes);
  GCSIGHT_SAME(counter);
  GCSIGHT_SAME(util_pct);
  GCSIGHT_SAME(flags);
  if (a.shape != b.shape) return "scav shape";
  return {};
}

std::string diff_parse(const LineParse& a, const LineParse& b) {
  if (a.kind != b.kind) {
    return "kind " + std::to_string(static_cast<int>(a.kind)) + " vs " + std::to_string(static_cast<int>(b.kind));
  }
  GCSIGHT_SAME(begin);
  GCSIGHT_SAME(end);
  GCSIGHT_SAME(fail_tok);
  GCSIGHT_SAME(fail_pos);
  GCSIGHT_SAME(strong);
  if (a.shape != b.shape || a.family.data() != b.family.data() || a.family.size() != b.family.size()) {
    return "partial shape";
  }
  std::string d = diff_gc(a.gc, b.gc);
  if (d.empty()) d = diff_scav(a.scav, b.scav);
  return d;
}
#undef GCSIGHT_SAME

// Empty when read_common_line<true> gives what read_common_line<false> gives
// for `line`, followed by each byte it allows after it and then by `rest`
// (say, the rest of a line that `line` cuts short).
std::string check_padded(std::string_view line, std::string_view rest = {}) {
  for (char after : {'\n', '\r', '\0'}) {
    std::vector<char> storage(line.size() + 1 + rest.size() + kLinePadding, '\0');
    std::memcpy(storage.data(), line.data(), line.size());
    storage[line.size()] = after;
    if (!rest.empty()) std::memcpy(storage.data() + line.size() + 1, rest.data(), rest.size());
    const std::string_view padded(storage.data(), line.size());
    GcCycle g1, g2;
    ScavEvent e1, e2;
    size_t end1 = 0, end2 = 0;
    const LineKind plain = read_common_line<false>(line, g1, e1, &end1);
    const LineKind pad = read_common_line<true>(padded, g2, e2, &end2);
    std::string d;
    if (plain != pad) {
      d = "kind";
    } else if (plain != LineKind::kPartial && end1 != end2) {
      d = "end";
    } else if (plain == LineKind::kGc) {
      d = diff_gc(g1, g2);
    } else if (plain == LineKind::kScav) {
      d = diff_scav(e1, e2);
    }
    if (!d.empty()) return "padded read: " + d + " in `" + std::string(line) + "`";
  }
  return {};
}

// Empty when the fast path declines or agrees; else what differs.
std::string check_line(std::string_view line, bool* accepted = nullptr) {
  LineParse fast;
  const bool ok = parse_common_line(line, fast);
  if (accepted != nullptr) *accepted = ok;
  if (std::string d = check_padded(line); !d.empty()) return d;
  if (!ok) return {};
  const LineParse slow = parse_trace_line_grammar(line);
  std::string d = diff_parse(fast, slow);
  if (d.empty()) {
    // The in-place readers set every field: start them from garbage.
    GcCycle g;
    ScavEvent e;
    std::memset(static_cast<void*>(&g), 0xa5, sizeof g);
    std::memset(static_cast<void*>(&e), 0x5a, sizeof e);
    size_t end = 0;
    const LineKind kind = read_common_line<false>(line, g, e, &end);
    if (kind != fast.kind) {
      d = "read_common_line's kind";
    } else if (kind == LineKind::kGc) {
      d = diff_gc(g, slow.gc);
    } else if (kind == LineKind::kScav) {
      d = diff_scav(e, slow.scav);
    }
    if (d.empty() && end != slow.end) d = "end";
  }
  return d.empty() ? d : d + " in `" + std::string(line) + "`";
}

// looks_like_runtime_tail as it was first written: a find per literal.
bool tail_by_find(std::string_view line) {
  if (line.starts_with(" (forced)") || line.starts_with(" [controller reset]")) return true;
  for (std::string_view tail : {" ms clock, ", " ms cpu, ", " MB goal, ", " KiB work", " MB stacks, ",
                                " MB globals, ", " KiB now, ", " KiB total, ", ", consumed: "}) {
    if (line.find(tail) != std::string_view::npos) return true;
  }
  return false;
}

constexpr const char* kGc118 =
    "gc 12 @3.456s 7%: 0.031+1.2+0.045 ms clock, 0.25+0.11/2.3/4.5+0.36 ms cpu, 57->58->30 MB, 60 MB goal, "
    "1 MB stacks, 0 MB globals, 8 P";
constexpr const char* kScav121 = "scav 1632 KiB work (bg), 16 KiB work (eager), 1632 KiB now, 76% util";

TEST(TraceLineFast, ReadsTheCommonShapes) {
  for (std::string line : {std::string(kGc118), std::string(kGc118) + " (forced)",
                           std::string(kGc118) + " (forced) after", std::string(kGc118) + "text",
                           std::string("gc 1 @0.003s 8% (checking for goroutine leaks): 0.24+0.097+0.036 ms clock, "
                                       "1.9+0.041/0.18/0+0.28 ms cpu, 3->3->3 MB, 4 MB goal, 1 MB stacks, 0 MB "
                                       "globals, 8 P"),
                           std::string(kScav121), std::string(kScav121) + " (forced)",
                           std::string(kScav121) + " [controller reset]",
                           std::string(kScav121) + " (forced) [controller reset]",
                           std::string("2024/03/01 12:00:00 slow query path=/api/v1/users status=200"),
                           std::string(""), std::string("x")}) {
    bool accepted = false;
    EXPECT_EQ(check_line(line, &accepted), "");
    EXPECT_TRUE(accepted) << line;
  }
}

TEST(TraceLineFast, DeclinesWhatTheGrammarMustDecide) {
  for (const char* line : {"GC forced", "pacer: assist ratio=+1.0", "scan: 1 KiB", "progress gc 1 @0.1s",
                           "gc 1 @0.1s 1%: 0.1+0.1+0.1 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 1->1->1 MB, 2 MB goal, 8 P",
                           "scav 1 KiB work, 2 KiB total, 3% util", "scvg0: 0 MB released", "text GC forced",
                           "forced scvg: 1 MB released", "abc sc", "gc 7 @"}) {
    bool accepted = true;
    EXPECT_EQ(check_line(line, &accepted), "");
    EXPECT_FALSE(accepted) << line;
  }
}

TEST(TraceLineFast, EdgeValues) {
  const std::vector<std::string> lines = {
      // cycle number at and past uint32, GOMAXPROCS at and past int32
      "gc 4294967295 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 2147483647 P",
      "gc 4294967296 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 2147483648 P",
      // MB at 2^44 - 1 and 2^44
      "gc 1 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 17592186044415->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 17592186044416 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      // the largest duration, and sums that wrap
      "gc 1 @0.001s 1%: 18446744073709+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 18446744073709+18446744073709+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 0+0+0 ms clock, 0+18446744073709/18446744073709/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 18446744073710+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      // seconds at the int64 limit
      "gc 1 @9223372036.854s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @9223372036.855s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s -9223372036854775808%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 0.0001+0.010+0.99 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "gc 1 @0.001s 1%: 0.000+0.10+9.9 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 1 P",
      "scav 18014398509481983 KiB work (bg), 0 KiB work (eager), 0 KiB now, 1% util",
      "scav 18014398509481984 KiB work (bg), 0 KiB work (eager), 0 KiB now, 1% util",
      "scav 0 KiB work (bg), 0 KiB work (eager), 0 KiB now, -1% util",
  };
  for (const std::string& line : lines) EXPECT_EQ(check_line(line), "");
}

// The fast path reads a number eight bytes at a time where the line has them:
// every number of the common shapes, respelled with 1 to 20 digits (with and
// without a leading zero, with fractions of 0 to 5 digits, and followed by
// bytes whose nibbles look like digits), near and at the end of the line.
TEST(TraceLineFast, NumbersOfEveryLength) {
  std::vector<std::string> failures;
  uint64_t accepted_count = 0;
  std::mt19937_64 rng(7);
  auto digits = [&](size_t n, bool leading_zero) {
    std::string d;
    for (size_t i = 0; i < n; ++i) d += static_cast<char>('0' + (i == 0 && !leading_zero ? 1 + rng() % 9 : rng() % 10));
    if (leading_zero) d[0] = '0';
    return d;
  };
  for (const std::string& base : {std::string(kGc118), std::string(kGc118) + " (forced)", std::string(kScav121)}) {
    // Each maximal run of digits and dots is a number's spelling.
    for (size_t i = 0; i < base.size();) {
      if (!std::isdigit(static_cast<unsigned char>(base[i]))) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < base.size() && (std::isdigit(static_cast<unsigned char>(base[j])) || base[j] == '.')) ++j;
      // Sizes, percentages and the cycle number: any 1 to 7 digits without a leading zero are valid.
      const std::string_view next = std::string_view(base).substr(j);
      const bool integer = (i >= 3 && base.compare(i - 3, 3, "gc ") == 0) || next.starts_with(" MB") ||
                           next.starts_with("->") || next.starts_with(" KiB") || next.starts_with("%");
      for (size_t n = 1; n <= 20; ++n) {
        for (bool zero : {false, true}) {
          for (size_t frac = 0; frac <= 5; ++frac) {
            std::string number = digits(n, zero);
            if (frac > 0) number += "." + digits(frac, true).substr(0, frac);
            for (std::string_view after : {"", "\xfa", "\xff" "9", "/"}) {
              std::string line = base.substr(0, i) + number + std::string(after) + base.substr(j);
              for (const std::string& l : {line, line.substr(0, i + number.size())}) {
                bool accepted = false;
                const std::string d = check_line(l, &accepted);
                if (!d.empty()) failures.push_back(d);
                if (accepted) ++accepted_count;
                if (integer && n <= 7 && !zero && frac == 0 && after.empty() && l == line && !accepted) {
                  failures.push_back("declined `" + l + "`");
                }
              }
            }
          }
        }
      }
      i = j;
    }
  }
  EXPECT_GT(accepted_count, 500u);
  for (size_t i = 0; i < failures.size() && i < 20; ++i) ADD_FAILURE() << failures[i];
}

TEST(TraceLineFast, EveryCutAndInsertion) {
  std::vector<std::string> failures;
  uint64_t accepted_count = 0;
  auto check = [&](const std::string& line) {
    bool accepted = false;
    const std::string d = check_line(line, &accepted);
    if (!d.empty()) failures.push_back(d);
    if (accepted) ++accepted_count;
  };
  for (const std::string& base :
       {std::string(kGc118), std::string(kGc118) + " (forced)", std::string(kScav121) + " (forced)",
        std::string(kScav121) + " [controller reset]"}) {
    for (size_t i = 0; i <= base.size(); ++i) {
      check(base.substr(0, i));
      // The padded readers stop at the byte after the line, whatever follows it.
      for (size_t skip : {size_t{0}, size_t{1}}) {
        if (i + skip > base.size()) continue;
        if (std::string d = check_padded(base.substr(0, i), base.substr(i + skip)); !d.empty()) failures.push_back(d);
      }
      check(base.substr(i));
      for (char c : {'0', '7', '-', '.', ' ', 'g', 'c', '%', ':', '?', '\x7f', '\x80', '\xb9'}) {
        std::string ins = base;
        ins.insert(i, 1, c);
        check(ins);
        if (i < base.size()) {
          std::string rep = base;
          rep[i] = c;
          check(rep);
        }
      }
    }
  }
  EXPECT_GT(accepted_count, 50u);
  for (size_t i = 0; i < failures.size() && i < 20; ++i) ADD_FAILURE() << failures[i];
}

TEST(TraceLineFast, EveryFixtureLine) {
  const fs::path root(GCSIGHT_TEST_DATA);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  uint64_t lines = 0;
  uint64_t accepted_count = 0;
  std::vector<std::string> failures;
  for (const fs::path& f : files) {
    std::string err;
    auto reader = LineReader::open(f.string(), &err);
    ASSERT_TRUE(reader) << err;
    Line line;
    while (reader->next(line)) {
      ++lines;
      bool accepted = false;
      const std::string d = check_line(line.text, &accepted);
      if (!d.empty()) failures.push_back(f.string() + ":" + std::to_string(line.number) + ": " + d);
      if (looks_like_runtime_tail(line.text) != tail_by_find(line.text)) {
        failures.push_back(f.string() + ":" + std::to_string(line.number) + ": runtime tail");
      }
      if (accepted) ++accepted_count;
    }
  }
  EXPECT_GT(accepted_count, lines / 2);
  for (size_t i = 0; i < failures.size() && i < 20; ++i) ADD_FAILURE() << failures[i];
  EXPECT_TRUE(failures.empty()) << failures.size() << " lines disagree";
}

TEST(TraceLineFast, RuntimeTailsAsByFind) {
  std::vector<std::string> lines = {"", " ", "M", " M", "K", " ms c", " ms clock,", " ms clock, ", "x ms cpu, y",
                                    "a MB goal, b", "MB goal, ", " MB globals, ", "1 KiB work", " KiB now,",
                                    " KiB total, ", ", consumed: 3", " consumed: ", " (forced)", "x (forced)",
                                    " [controller reset]", "M MB stacks, ", "KK KiB now, ", " ms c ms cpu, "};
  const std::string gc(kGc118);
  for (size_t i = 0; i <= gc.size(); ++i) lines.push_back(gc.substr(i));
  const std::string scvg = "scvg1: inuse: 3, idle: 4, sys: 7, released: 0, consumed: 7 (MB)";
  for (size_t i = 0; i <= scvg.size(); ++i) lines.push_back(scvg.substr(i));
  const std::string scav = std::string(kScav121) + " (forced)";
  for (size_t i = 0; i <= scav.size(); ++i) lines.push_back("text" + scav.substr(i));
  for (const std::string& l : lines) EXPECT_EQ(looks_like_runtime_tail(l), tail_by_find(l)) << "`" << l << "`";
}

// The search goes sixteen bytes at a time: each literal, whole or cut short,
// at every offset of the first blocks and with any length of text after it,
// among text with spaces and the letters that start the literals.
TEST(TraceLineFast, RuntimeTailsAtEveryOffset) {
  size_t checked = 0;
  for (std::string_view tail : {" ms clock, ", " ms cpu, ", " MB goal, ", " KiB work", " MB stacks, ", " MB globals, ",
                                " KiB now, ", " KiB total, ", ", consumed: "}) {
    for (size_t cut = tail.size() - 2; cut <= tail.size(); ++cut) {
      for (size_t at = 0; at <= 40; ++at) {
        for (size_t after = 0; after <= 20; ++after) {
          for (const char* filler : {"xxxxxxxx", "a m M K c ", " mcMK  mc"}) {
            std::string line;
            while (line.size() < at) line += filler;
            line.resize(at);
            line += tail.substr(0, cut);
            for (size_t k = 0; k < after; ++k) line += "yz m"[k % 4];
            EXPECT_EQ(looks_like_runtime_tail(line), tail_by_find(line)) << "`" << line << "`";
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}

// plain_program_line goes sixteen bytes at a time: "gc" and "sc" at every
// offset of the first blocks (across a block's edge too), among bytes that
// are one half of a pair.
TEST(TraceLineFast, PlainProgramLinesAtEveryOffset) {
  const auto by_find = [](std::string_view l) {
    return l.find("gc") == std::string_view::npos && l.find("sc") == std::string_view::npos &&
           !l.starts_with("pacer: ") && !l.starts_with("GC forced") && !l.ends_with("GC forced");
  };
  size_t plain = 0;
  size_t checked = 0;
  for (std::string_view pair : {"gc", "sc", "cg", "cs", "c", "g", "s"}) {
    for (size_t at = 0; at <= 40; ++at) {
      for (size_t after = 0; after <= 20; ++after) {
        for (const char* filler : {"xxxxxxxx", "c g s c ", "ccggsscc", "gxsxcx"}) {
          std::string line;
          while (line.size() < at) line += filler;
          line.resize(at);
          line += pair;
          for (size_t k = 0; k < after; ++k) line += "yc g"[k % 4];
          EXPECT_EQ(plain_program_line(line), by_find(line)) << "`" << line << "`";
          plain += by_find(line) ? 1u : 0u;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(plain, 1000u);
  EXPECT_LT(plain, checked);
}

#ifdef GCSIGHT_HAVE_TRACEGEN
TEST(TraceLineFast, GeneratedTraces) {
  using tracegen::TraceFormat;
  for (TraceFormat format : {TraceFormat::kModern, TraceFormat::kGo119, TraceFormat::kLegacy, TraceFormat::kGo15}) {
    tracegen::GenOptions o;
    o.format = format;
    o.size_bytes = 2u << 20;
    o.midline_rate = 0.05;
    o.app_ratio = 0.3;
    o.seed = 11;
    std::string text;
    (void)tracegen::generate_trace(o, text);
    std::vector<std::string> failures;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      const std::string_view line = std::string_view(text).substr(pos, nl - pos);
      const std::string d = check_line(line);
      if (!d.empty()) failures.push_back(d);
      if (looks_like_runtime_tail(line) != tail_by_find(line)) failures.push_back("runtime tail: " + std::string(line));
      pos = nl + 1;
    }
    for (size_t i = 0; i < failures.size() && i < 20; ++i) ADD_FAILURE() << failures[i];
  }
}
#endif

}  // namespace
}  // namespace gcsight
