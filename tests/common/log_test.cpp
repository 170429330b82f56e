#include "common/log.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(LogLevel, ParsesTheFourNames) {
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(parse_log_level("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(parse_log_level("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(parse_log_level("verbose", &level));
  EXPECT_EQ(level, LogLevel::kError);
}

TEST(LogLevel, FiltersBelowTheThreshold) {
  set_log_level(LogLevel::kWarn);
  EXPECT_FALSE(log_enabled(LogLevel::kInfo));
  EXPECT_TRUE(log_enabled(LogLevel::kWarn));
  EXPECT_TRUE(log_enabled(LogLevel::kError));
  set_log_level(LogLevel::kInfo);
  EXPECT_TRUE(log_enabled(LogLevel::kInfo));
}

TEST(Log, LineHasModuleMessageAndQuotedFields) {
  testing::internal::CaptureStderr();
  log_info("storage", "recovered", {{"segments", 3}, {"file", "a b"}});
  std::string line = testing::internal::GetCapturedStderr();
  EXPECT_NE(line.find(" info storage recovered segments=3 file=\"a b\"\n"), std::string::npos) << line;
}

}  // namespace
}  // namespace spool
