// RunSession on synthetic stderr: the program's Go version against the line
// shapes of the trace, and the bytes handed back for passthrough.
#include "core/run_session.h"

#include <gtest/gtest.h>

#include <string>

namespace gcsight {
namespace {

constexpr std::string_view kGc118 =
    "gc 1 @0.010s 2%: 0.010+1.0+0.010 ms clock, 0.020+0.10/0.50/0.20+0.020 ms cpu, 4->4->1 MB, 5 MB goal, "
    "0 MB stacks, 0 MB globals, 2 P\n";

Report run_with(const std::string& go_version, std::string* passed) {
  ProcessInfo info;
  info.command = {"./prog"};
  info.go_version = go_version;
  info.start_wall_ns = 1'800'000'000'000'000'000;
  RunSession session(info, false, {}, [passed](std::string_view d) { passed->append(d); });
  session.on_stderr("starting\n", 1'000'000);
  session.on_stderr(kGc118, 12'000'000);
  session.on_stderr("done\n", 13'000'000);
  return session.finish(RunExit{});
}

bool has_note(const Run& r, std::string_view part) {
  for (const std::string& n : r.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(RunSession, TheProgramsGoVersionAgreesWithTheLines) {
  std::string passed;
  const Report r = run_with("go1.22.12", &passed);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_TRUE(has_note(r.runs[0], "Read as the trace of go1.22.12"));
  EXPECT_EQ(passed, "starting\ndone\n");  // the runtime's line consumed, the rest as written
  EXPECT_EQ(r.process.go_version, "go1.22.12");
}

TEST(RunSession, LinesAVersionCannotPrintAreAnotherProgramsLines) {
  std::string passed;
  const Report r = run_with("go1.17.13", &passed);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_TRUE(has_note(r.runs[0], "another Go program")) << r.runs[0].notes.size();
  EXPECT_FALSE(has_note(r.runs[0], "Read as the trace"));
}

TEST(RunSession, NoVersionNoNote) {
  std::string passed;
  const Report r = run_with("", &passed);
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_FALSE(has_note(r.runs[0], "Read as the trace"));
  EXPECT_FALSE(has_note(r.runs[0], "another Go program"));
}

}  // namespace
}  // namespace gcsight
