// Display width of UTF-8 text as a terminal draws it: wide East Asian
// characters and emoji take two columns, combining marks none, and bytes that
// are not UTF-8 one each; fitting a line never splits a character or lets a
// wide one overflow.
#include <gtest/gtest.h>

#include <string>

#include "render/display_width.h"
#include "render/output_pane.h"
#include "render/render_live.h"

namespace gcsight {
namespace {

TEST(DisplayWidth, CodePoints) {
  EXPECT_EQ(codepoint_columns(U'a'), 1);
  EXPECT_EQ(codepoint_columns(U'\u00e9'), 1);    // é
  EXPECT_EQ(codepoint_columns(U'\u2500'), 1);    // ─ (box drawing: narrow)
  EXPECT_EQ(codepoint_columns(U'\u0301'), 0);    // combining acute accent
  EXPECT_EQ(codepoint_columns(U'\u200b'), 0);    // zero width space
  EXPECT_EQ(codepoint_columns(U'\ufe0f'), 0);    // variation selector 16
  EXPECT_EQ(codepoint_columns(U'\u4e2d'), 2);    // 中
  EXPECT_EQ(codepoint_columns(U'\u3042'), 2);    // あ
  EXPECT_EQ(codepoint_columns(U'\uac00'), 2);    // 가
  EXPECT_EQ(codepoint_columns(U'\uff21'), 2);    // Ａ fullwidth
  EXPECT_EQ(codepoint_columns(U'\U0001F600'), 2);  // 😀
  EXPECT_EQ(codepoint_columns(U'\U0001F680'), 2);  // 🚀
  EXPECT_EQ(codepoint_columns(U'\U00020000'), 2);  // CJK extension B
  EXPECT_EQ(codepoint_columns(U'\uff61'), 1);    // halfwidth katakana punctuation
}

TEST(DisplayWidth, StringsWideCombiningAndInvalid) {
  EXPECT_EQ(display_columns("abc"), 3u);
  EXPECT_EQ(display_columns("\xe4\xb8\xad\xe6\x96\x87"), 4u);             // 中文
  EXPECT_EQ(display_columns("ok \xf0\x9f\x98\x80!"), 6u);                  // ok 😀!
  EXPECT_EQ(display_columns("e\xcc\x81"), 1u);                             // e + combining acute
  EXPECT_EQ(display_columns("\xff\xfe"), 2u);                              // not UTF-8: one column a byte
  EXPECT_EQ(display_columns("\xe4\xb8"), 2u);                              // cut short
  EXPECT_EQ(display_columns("\xc0\xaf"), 2u);                              // overlong '/'
  EXPECT_EQ(display_columns("\xed\xa0\x80"), 3u);                          // a surrogate
  EXPECT_EQ(display_columns("\xf4\x90\x80\x80"), 4u);                      // beyond U+10FFFF
}

TEST(DisplayWidth, FitNeverSplitsOrOverflows) {
  const std::string cjk = "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97";  // 中文字: 6 columns
  EXPECT_EQ(fit_columns(cjk, 6), cjk);
  EXPECT_EQ(fit_columns(cjk, 5), cjk.substr(0, 6));  // 中文: the third would need columns 5-6
  EXPECT_EQ(fit_columns(cjk, 1), "");
  EXPECT_EQ(fit_columns("e\xcc\x81x", 1), "e\xcc\x81");  // the mark stays with its letter
  EXPECT_EQ(fit_columns("a\xffz", 2), "a\xff");
  for (const std::string& s : {cjk, std::string("\xf0\x9f\x98\x80 emoji \xf0\x9f\x9a\x80"), std::string("a\xe4\xb8\xad\xff\xe4")}) {
    for (size_t c = 0; c <= 12; ++c) EXPECT_LE(display_columns(fit_columns(s, c)), c) << s << " " << c;
  }
}

TEST(DisplayWidth, OutputPaneTabsCountWideCharactersAsTwo) {
  OutputPane pane;
  pane.feed("\xe4\xb8\xad\xe6\x96\x87\tx\n");  // 中文 is 4 columns: the tab fills 4 more
  pane.feed("\xe0\x80\x80|\xed\xa0\x80|\n");     // overlong and surrogate sequences are not UTF-8
  const auto lines = pane.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "\xe4\xb8\xad\xe6\x96\x87    x");
  EXPECT_EQ(lines[1], "?|?|");
  EXPECT_EQ(terminal_safe("prog \x1b[2Jarg\xff"), "prog arg?");
}

TEST(DisplayWidth, DashboardLinesWithWideOutputFitTheTerminal) {
  OutputPane pane;
  std::string wide;
  for (int i = 0; i < 100; ++i) wide += "\xe4\xb8\xad\xf0\x9f\x98\x80";  // 中😀, 4 columns each
  pane.feed(wide + "\n");
  pane.feed("x" + wide + "\n");  // odd: a wide character would end one column past the edge
  pane.feed("e\xcc\x81\xe4\xb8\xad\xff done\n");
  LiveFrame f;
  f.title = "\xe7\x9b\xa3\xe8\xa6\x96 " + wide;  // a wide title
  f.output = pane.lines();
  for (size_t cols : {40u, 41u, 77u, 80u, 121u}) {
    const auto lines = render_live(f, cols, 20, ChartGlyphs::kUnicode);
    for (const auto& l : lines) EXPECT_LE(display_columns(l), cols) << cols << ": " << l;
    // The pane's wide lines fill the width to within one column.
    bool found = false;
    for (const auto& l : lines) {
      if (l.rfind("\xe4\xb8\xad", 0) == 0) {
        found = true;
        EXPECT_GE(display_columns(l) + 3, cols) << l;
      }
    }
    EXPECT_TRUE(found);
  }
}

}  // namespace
}  // namespace gcsight
