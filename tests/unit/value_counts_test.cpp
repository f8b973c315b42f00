// ValueCounts: exact counts in value order, through the table's growth.
#include "core/value_counts.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace gcsight {
namespace {

TEST(ValueCounts, EmptyHasNothing) {
  const ValueCounts v;
  EXPECT_EQ(v.distinct(), 0u);
  EXPECT_TRUE(v.sorted().empty());
}

TEST(ValueCounts, CountsEveryValueExactlyThroughGrowth) {
  // Durations as the trace gives them (multiples of a microsecond), many more
  // distinct ones than the first table holds, and zero and the largest value.
  ValueCounts v;
  std::map<uint64_t, uint64_t> want;
  uint64_t x = 12345;
  for (int i = 0; i < 200'000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t value = (x >> 40) % 5000 * 1000;
    if (i % 1000 == 0) value = 0;
    if (i % 1001 == 0) value = UINT64_MAX;
    v.add(value);
    ++want[value];
  }
  const std::vector<std::pair<uint64_t, uint64_t>> got = v.sorted();
  EXPECT_EQ(v.distinct(), want.size());
  ASSERT_EQ(got.size(), want.size());
  size_t i = 0;
  for (const auto& [value, count] : want) {
    EXPECT_EQ(got[i].first, value);
    EXPECT_EQ(got[i].second, count) << "value " << value;
    ++i;
  }
}

TEST(ValueCounts, ValuesThatCollideStayApart) {
  // Multiples of a large power of two land on few slots of a multiplicative hash's table.
  ValueCounts v;
  for (uint64_t k = 0; k < 300; ++k) {
    for (uint64_t n = 0; n <= k % 3; ++n) v.add(k << 40);
  }
  const auto got = v.sorted();
  ASSERT_EQ(got.size(), 300u);
  for (uint64_t k = 0; k < 300; ++k) {
    EXPECT_EQ(got[k].first, k << 40);
    EXPECT_EQ(got[k].second, k % 3 + 1);
  }
}

}  // namespace
}  // namespace gcsight
