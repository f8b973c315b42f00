// chain_inputs: a rotated set's files in order by content, whatever their
// names and the order given; unrelated files stay apart.
#include "core/input_chains.h"

#include <gtest/gtest.h>

namespace gcsight {
namespace {

InputEnds ends(uint32_t first, uint32_t last, int64_t first_s, int64_t last_s) {
  return InputEnds{true, first, last, first_s * 1'000'000'000, last_s * 1'000'000'000};
}

TEST(InputChains, ARotatedSetGivenNewestFirstIsReadOldestFirst) {
  // app.log (gc 201-300), app.log.1 (101-200), app.log.2.gz (1-100), as a shell lists them.
  const auto chains = chain_inputs({ends(201, 300, 20, 30), ends(101, 200, 10, 20), ends(1, 100, 0, 10)});
  ASSERT_EQ(chains.size(), 1u);
  EXPECT_EQ(chains[0], (std::vector<size_t>{2, 1, 0}));
}

TEST(InputChains, UnrelatedFilesStayApart) {
  // Two processes that both start at gc 1, and a file of another process whose numbers do not follow.
  const auto chains = chain_inputs({ends(1, 50, 0, 5), ends(1, 80, 0, 8), ends(500, 600, 100, 120)});
  ASSERT_EQ(chains.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(chains[i], (std::vector<size_t>{i}));
}

TEST(InputChains, TimeMustNotGoBackAndSlackIsSmall) {
  EXPECT_EQ(chain_inputs({ends(1, 100, 0, 10), ends(101, 200, 5, 20)}).size(), 2u) << "starts before the other ended";
  EXPECT_EQ(chain_inputs({ends(1, 100, 0, 10), ends(103, 200, 11, 20)}).size(), 1u) << "a split line at the cut";
  EXPECT_EQ(chain_inputs({ends(1, 100, 0, 10), ends(110, 200, 11, 20)}).size(), 2u) << "cycles missing: not a rotation";
}

TEST(InputChains, TwoRotatedSetsSideBySide) {
  // a.log.1, b.log.1, a.log, b.log: two services, each rotated once.
  const auto chains = chain_inputs(
      {ends(1, 100, 0, 10), ends(1, 40, 0, 12), ends(101, 150, 10, 15), ends(41, 90, 12, 30), InputEnds{}});
  ASSERT_EQ(chains.size(), 3u);
  EXPECT_EQ(chains[0], (std::vector<size_t>{0, 2}));
  EXPECT_EQ(chains[1], (std::vector<size_t>{1, 3}));
  EXPECT_EQ(chains[2], (std::vector<size_t>{4})) << "no gc lines: on its own";
}

}  // namespace
}  // namespace gcsight
