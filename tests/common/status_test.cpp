#include "common/status.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(Status, DefaultIsOkAndPrintsOk) {
  Status st;
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.code(), Errc::kOk);
  EXPECT_EQ(st.to_string(), "OK");
}

TEST(Status, CarriesCodeAndMessage) {
  Status st(Errc::kQueueNotFound, "no queue named orders");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Errc::kQueueNotFound);
  EXPECT_EQ(st.to_string(), "QueueNotFound: no queue named orders");
}

TEST(Result, HoldsAValue) {
  Result<int> r(42);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
  EXPECT_TRUE(r.status().ok());
}

TEST(Result, HoldsAnError) {
  Result<std::string> r(Errc::kNoSpace, "disk full");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kNoSpace);
  EXPECT_EQ(r.error().message(), "disk full");
  EXPECT_EQ(r.status().code(), Errc::kNoSpace);
}

TEST(Result, MovesItsValueOut) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 7);
}

}  // namespace
}  // namespace spool
