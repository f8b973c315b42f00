// read_input_ends: a large plain file is read at its ends only; the first and
// last gc lines must be those of the whole file whatever lies around them.
#include "io/input_ends.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/e2e.h"

namespace gcsight {
namespace {

namespace fs = std::filesystem;

std::string gc_line(uint32_t n) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "gc %u @%u.%03us 1%%: 0.010+1.0+0.010 ms clock, 0.040+0.10/1.0/2.0+0.040 ms cpu, 4->5->2 MB, "
                "5 MB goal, 0 MB stacks, 0 MB globals, 4 P",
                n, n / 10, (n % 10) * 100);
  return buf;
}

class InputEndsTest : public ::testing::Test {
 protected:
  // `before` bytes of program output, gc lines first..last with program lines
  // between, then `after` bytes of program output.
  std::string write(const std::string& name, size_t before, uint32_t first, uint32_t last, size_t after) {
    const fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    const std::string filler = "2024/03/01 12:00:00 request served path=/api/v1/users status=200 dur=13ms";
    for (size_t n = 0; n < before; n += filler.size() + 1) out << filler << "\n";
    for (uint32_t g = first; g <= last; ++g) out << gc_line(g) << "\n" << filler << "\n";
    for (size_t n = 0; n < after; n += filler.size() + 1) out << filler << "\n";
    return p.string();
  }

  gcsight::testing_support::TempDir dir_{"ends"};
};

TEST_F(InputEndsTest, ALargePlainFileGivesTheWholeFilesEnds) {
  // About 8 MiB of gc lines: the ends come from the first and last MiB.
  const std::string p = write("big.log", 0, 7, 40000, 0);
  ASSERT_GT(fs::file_size(p), 4u << 20);
  const InputEnds e = read_input_ends(p, 2024);
  ASSERT_TRUE(e.has_gc);
  EXPECT_EQ(e.first_gc, 7u);
  EXPECT_EQ(e.last_gc, 40000u);
  EXPECT_EQ(e.first_ns, 700'000'000);
  EXPECT_EQ(e.last_ns, 4'000'000'000'000);
}

TEST_F(InputEndsTest, ProgramOutputAroundTheGcLines) {
  // 3 MiB of output after the last gc line: the tail window grows until it
  // holds it. 1.5 MiB before the first: not in the head window, so the whole
  // file is read.
  for (const auto& [before, after] : {std::pair<size_t, size_t>{0, 3u << 20}, {3u << 19, 0}, {3u << 19, 5u << 20}}) {
    const std::string p = write("around.log", before, 100, 30000, after);
    const InputEnds e = read_input_ends(p, 2024);
    ASSERT_TRUE(e.has_gc) << before << " " << after;
    EXPECT_EQ(e.first_gc, 100u) << before << " " << after;
    EXPECT_EQ(e.last_gc, 30000u) << before << " " << after;
  }
}

TEST_F(InputEndsTest, CompressedAndSmallFilesAreReadWhole) {
  const std::string big = write("big.log", 0, 1, 30000, 0);
  ASSERT_EQ(std::system(("gzip -k -f '" + big + "' && zstd -q -f '" + big + "'").c_str()), 0);
  for (const std::string& p : {big + ".gz", big + ".zst"}) {
    const InputEnds e = read_input_ends(p, 2024);
    ASSERT_TRUE(e.has_gc) << p;
    EXPECT_EQ(e.first_gc, 1u) << p;
    EXPECT_EQ(e.last_gc, 30000u) << p;
  }
  const InputEnds small = read_input_ends(write("small.log", 100, 3, 9, 100), 2024);
  ASSERT_TRUE(small.has_gc);
  EXPECT_EQ(small.first_gc, 3u);
  EXPECT_EQ(small.last_gc, 9u);
  EXPECT_FALSE(read_input_ends(write("none.log", 3u << 20, 1, 0, 0), 2024).has_gc);
  EXPECT_FALSE(read_input_ends((dir_ / "missing.log").string(), 2024).has_gc);
}

}  // namespace
}  // namespace gcsight
