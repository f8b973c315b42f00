// Replays every input the parser fuzzer kept (fuzz/regressions/, filled by
// fuzz/run.sh) and its seed corpus (fuzz/corpus/) through the fuzzer's own
// checks (tests/support/parser_checks): the fast parser against the reference
// parser on every line, and the stitcher losing no line. Passes trivially while
// fuzz/regressions/ holds only its .gitkeep.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/parser_checks.h"
#include "support/e2e.h"

namespace gcsight {
namespace {

namespace fs = std::filesystem;

// tests/data -> the repository root.
fs::path repo_root() { return fs::path(GCSIGHT_TEST_DATA).parent_path().parent_path(); }

std::vector<fs::path> inputs_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != ".gitkeep") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

using gcsight::testing_support::slurp;

void replay(const fs::path& dir) {
  for (const fs::path& p : inputs_in(dir)) {
    const std::string input = slurp(p);
    EXPECT_EQ(ref::check_input(input), "") << p << " (" << input.size() << " bytes): \""
                                           << ref::escape(input.substr(0, 600)) << "\"";
  }
}

TEST(FuzzRegressions, KeptInputsPassTheChecks) { replay(repo_root() / "fuzz" / "regressions"); }

TEST(FuzzRegressions, SeedCorpusPassesTheChecks) {
  ASSERT_FALSE(inputs_in(repo_root() / "fuzz" / "corpus").empty());
  replay(repo_root() / "fuzz" / "corpus");
}

}  // namespace
}  // namespace gcsight
