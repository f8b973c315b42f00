// Sparklines for the terminal report: a quantity over time drawn as one row
// of block glyphs (or ASCII), one column per slice of time. A column shows
// the largest value that fell in it, so a peak never disappears however many
// cycles share a column.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gcsight {

/// Which glyphs the charts use; kOff draws none.
enum class ChartGlyphs : uint8_t { kOff, kUnicode, kAscii };

/// A quantity over time: (t_ns, value) in time order.
struct ChartSeries {
  std::vector<std::pair<int64_t, uint64_t>> points;
  /// A level holds until the next point, or the end of the chart (heap, RSS);
  /// otherwise each point is an event (a pause) and a column without one stays blank.
  bool holds = true;
};

/// The row of `columns` glyphs (each one display column wide) for `series`
/// over [from_ns, to_ns], scaled so that `scale_max` fills a cell. A column
/// before the first point is blank; a value of 0 draws the lowest glyph.
std::string sparkline(const ChartSeries& series, int64_t from_ns, int64_t to_ns, size_t columns,
                      uint64_t scale_max, ChartGlyphs glyphs);

/// The largest value of `series` within [from_ns, to_ns].
uint64_t series_max(const ChartSeries& series, int64_t from_ns, int64_t to_ns);

}  // namespace gcsight
