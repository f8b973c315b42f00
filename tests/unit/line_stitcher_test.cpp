// The stitcher's wait for a runtime line's late newline, bounded in lines; the
// program's bytes come back as written.
#include "core/line_stitcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gcsight {
namespace {

constexpr std::string_view kGc =
    "gc 7 @1.000s 2%: 0.010+1.0+0.010 ms clock, 0.020+0.10/0.50/0.20+0.020 ms cpu, 4->4->1 MB, 5 MB goal, "
    "0 MB stacks, 0 MB globals, 2 P";

struct Out {
  std::string program;  // the program's bytes, as a run passes them on
  int gc = 0;
};

Out stitch(const std::vector<InputLine>& lines) {
  Out out;
  LineStitcher st([&](const TraceEvent& e) {
    if (e.kind == EventKind::kGc) ++out.gc;
    if (e.kind == EventKind::kProgram || e.kind == EventKind::kMalformed) {
      out.program.append(e.text);
      const bool newline = e.role == TextRole::kPrefix ? false : e.terminated;
      if (newline) out.program.push_back('\n');
    }
  });
  for (const InputLine& l : lines) st.push(l);
  st.finish();
  return out;
}

TEST(LineStitcher, ALateRuntimeNewlineIsTheRuntimes) {
  const std::string first = std::string(kGc) + "log A";
  // `...2 P` + `log A\n` + `log B\n` + `log C\n` + the runtime's `\n`, 3 ms later.
  const Out o = stitch({{first, 1, 1'000'000'000, true},
                        {"log B", 2, 1'001'000'000, true},
                        {"log C", 3, 1'002'000'000, true},
                        {"", 4, 1'003'000'000, true},
                        {"log D", 5, 1'004'000'000, true}});
  EXPECT_EQ(o.gc, 1);
  EXPECT_EQ(o.program, "log A\nlog B\nlog C\nlog D\n");
}

TEST(LineStitcher, AProgramLineWithGcInsideItMayComeBeforeTheLateNewline) {
  const std::string first = std::string(kGc) + "log A";
  // `gc31.x` inside log B reads as the weak start of a legacy line: it is
  // still a whole program line, and the empty line after it the runtime's newline.
  const Out o = stitch({{first, 1, 0, true},
                        {"log B nf.mDVoAgc31.xflQzQbq9iKAp4", 2, 0, true},
                        {"", 3, 0, true},
                        {"log C", 4, 0, true}});
  EXPECT_EQ(o.gc, 1);
  EXPECT_EQ(o.program, "log A\nlog B nf.mDVoAgc31.xflQzQbq9iKAp4\nlog C\n");
}

TEST(LineStitcher, TheWaitIsBoundedInLines) {
  const std::string first = std::string(kGc) + "x";
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back("line " + std::to_string(i));
  std::vector<InputLine> lines{{first, 1, 0, true}};  // views: the strings above outlive them
  for (size_t i = 0; i < texts.size(); ++i) lines.push_back({texts[i], i + 2, 0, true});
  lines.push_back({"", 302, 0, true});
  const Out o = stitch(lines);
  EXPECT_EQ(o.gc, 1);
  // 256 lines waited for a newline that did not come: `x` had none of its own,
  // and the blank line at the end is the program's.
  std::string want = "x";
  for (const std::string& t : texts) want += t + "\n";
  want += "\n";
  EXPECT_EQ(o.program, want);
}

}  // namespace
}  // namespace gcsight
