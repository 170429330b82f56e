#include "storage/storage_config.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(FsyncMode, ParsesEveryModeAndPrintsItBack) {
  for (const char* text : {"batch", "always", "none", "interval:250"}) {
    auto mode = parse_fsync_mode(text);
    ASSERT_TRUE(mode) << text;
    EXPECT_EQ(to_string(*mode), text);
  }
  EXPECT_EQ(parse_fsync_mode("interval:250")->interval.count(), 250);
}

TEST(FsyncMode, RejectsUnknownModesAndBadIntervals) {
  for (const char* text : {"", "Batch", "interval:", "interval:0", "interval:60001", "interval:5ms"}) {
    auto mode = parse_fsync_mode(text);
    ASSERT_FALSE(mode) << text;
    EXPECT_EQ(mode.error().code(), Errc::kInvalidArgument);
  }
}

}  // namespace
}  // namespace spool
