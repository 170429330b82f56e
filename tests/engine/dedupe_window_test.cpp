#include "engine/dedupe_window.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

FramePosition at(uint32_t offset) { return FramePosition{SegmentOrdinal{1}, offset, 10}; }

TEST(DedupeWindow, RemembersAnIdForFiveMinutes) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  w.insert("d1", "ID-1", 7, at(100), kNow, /*durable=*/true, &released);
  DedupeWindow::Entry* e = w.find("d1", kNow + DedupeWindow::kWindowMs - 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, "ID-1");
  EXPECT_EQ(e->seq, 7u);
  EXPECT_EQ(w.find("d1", kNow + DedupeWindow::kWindowMs), nullptr);
  EXPECT_EQ(w.find("d2", kNow), nullptr);
  w.expire(kNow + DedupeWindow::kWindowMs - 1, &released);
  EXPECT_TRUE(released.empty());
  w.expire(kNow + DedupeWindow::kWindowMs, &released);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].offset, 100u);
  EXPECT_EQ(w.size(), 0u);
}

TEST(DedupeWindow, GroupScopeSeparatesGroups) {
  EXPECT_NE(DedupeWindow::key(true, "a", "x"), DedupeWindow::key(true, "b", "x"));
  EXPECT_EQ(DedupeWindow::key(false, "a", "x"), DedupeWindow::key(false, "b", "x"));
  EXPECT_NE(DedupeWindow::key(true, "ab", "c"), DedupeWindow::key(true, "a", "bc"));
}

TEST(DedupeWindow, DuplicatesOfAPendingSendWaitForItsOutcome) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  DedupeWindow::Entry& e = w.insert("d", "ID", 3, at(1), kNow, /*durable=*/false, &released);
  std::vector<Errc> answers;
  e.waiters.push_back([&](Status st) { answers.push_back(st.code()); });
  // A pending entry is not expired even past its window: its send decides.
  w.expire(kNow + DedupeWindow::kWindowMs + 1, &released);
  EXPECT_EQ(w.size(), 1u);
  w.settle("d", 3, Status(), &released);
  EXPECT_EQ(answers, std::vector<Errc>{Errc::kOk});
  EXPECT_TRUE(w.find("d", kNow)->durable);
  EXPECT_TRUE(released.empty());
}

TEST(DedupeWindow, AFailedSendIsForgottenAndItsWaitersFail) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  DedupeWindow::Entry& e = w.insert("d", "ID", 3, at(1), kNow, false, &released);
  std::vector<Errc> answers;
  e.waiters.push_back([&](Status st) { answers.push_back(st.code()); });
  w.settle("d", 3, Status(Errc::kIoError, "disk"), &released);
  EXPECT_EQ(answers, std::vector<Errc>{Errc::kIoError});
  EXPECT_EQ(w.find("d", kNow), nullptr);
  ASSERT_EQ(released.size(), 1u);
}

TEST(DedupeWindow, ReusingAnExpiredIdReleasesTheOldPinOnce) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  w.insert("d", "OLD", 1, at(1), kNow, true, &released);
  int64_t later = kNow + DedupeWindow::kWindowMs;
  ASSERT_EQ(w.find("d", later), nullptr);
  w.insert("d", "NEW", 2, at(2), later, true, &released);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].offset, 1u);
  released.clear();
  w.expire(later, &released);  // the old node finds seq 2 and leaves it
  EXPECT_TRUE(released.empty());
  EXPECT_EQ(w.find("d", later)->message_id, "NEW");
}

}  // namespace
}  // namespace spool
