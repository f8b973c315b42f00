#include "core/godebug.h"

#include <gtest/gtest.h>

namespace gcsight {
namespace {

TEST(Godebug, AddsTheTraceKeys) {
  EXPECT_EQ(merge_godebug(""), "gctrace=1,scavtrace=1");
  EXPECT_EQ(merge_godebug("madvdontneed=1"), "madvdontneed=1,gctrace=1,scavtrace=1");
  EXPECT_EQ(merge_godebug("madvdontneed=1,"), "madvdontneed=1,gctrace=1,scavtrace=1");
}

TEST(Godebug, UserValuesWin) {
  EXPECT_EQ(merge_godebug("gctrace=2"), "gctrace=2,scavtrace=1");
  EXPECT_EQ(merge_godebug("scavtrace=0,x=1"), "scavtrace=0,x=1,gctrace=1");
  EXPECT_EQ(merge_godebug("gctrace=1,scavtrace=1"), "gctrace=1,scavtrace=1");
}

TEST(Godebug, ValueLookupLastWins) {
  EXPECT_EQ(godebug_value("a=1,gctrace=2,gctrace=0", "gctrace"), "0");
  EXPECT_EQ(godebug_value("a=1", "gctrace"), "");
}

}  // namespace
}  // namespace gcsight
