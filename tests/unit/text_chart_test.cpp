// Sparklines: one glyph per column, the largest value of the column's time
// slice, levels holding between points, blanks where nothing is known.
#include "render/text_chart.h"

#include <gtest/gtest.h>

namespace gcsight {
namespace {

TEST(Sparkline, OneColumnPerSliceScaledToTheMaximum) {
  ChartSeries s;
  for (int i = 0; i < 8; ++i) s.points.emplace_back(i * 10, static_cast<uint64_t>(i + 1) * 100);
  EXPECT_EQ(sparkline(s, 0, 79, 8, 800, ChartGlyphs::kUnicode), "▂▃▄▅▆▇██");
  EXPECT_EQ(sparkline(s, 0, 79, 8, 800, ChartGlyphs::kAscii), ".-:=+*##");
  EXPECT_EQ(sparkline(s, 0, 79, 8, 800, ChartGlyphs::kOff), "");
}

TEST(Sparkline, APeakSurvivesWhenManyPointsShareAColumn) {
  ChartSeries s{.points = {}, .holds = false};
  for (int i = 0; i < 10'000; ++i) s.points.emplace_back(i, i == 4321 ? 1000u : 1u);
  const std::string line = sparkline(s, 0, 9999, 10, 1000, ChartGlyphs::kAscii);
  EXPECT_EQ(line, "____#_____");
}

TEST(Sparkline, LevelsHoldBetweenPointsAndEventsDoNot) {
  ChartSeries level;
  level.points = {{0, 800}, {95, 0}};
  EXPECT_EQ(sparkline(level, 0, 99, 10, 800, ChartGlyphs::kAscii), "#########_");
  ChartSeries events{.points = {{0, 800}, {95, 800}}, .holds = false};
  EXPECT_EQ(sparkline(events, 0, 99, 10, 800, ChartGlyphs::kAscii), "#        #");
}

TEST(Sparkline, BlankBeforeTheFirstPointALevelHoldsToTheEnd) {
  ChartSeries s;
  s.points = {{30, 400}, {60, 400}};
  EXPECT_EQ(sparkline(s, 0, 99, 10, 800, ChartGlyphs::kAscii), "   =======");
  EXPECT_EQ(series_max(s, 0, 99), 400u);
  EXPECT_EQ(series_max(s, 0, 20), 0u);
}

}  // namespace
}  // namespace gcsight
