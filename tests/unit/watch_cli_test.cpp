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

}  // namespace
