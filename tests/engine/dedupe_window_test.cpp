#include "engine/dedupe_window.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace spool {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

FramePosition at(uint32_t offset) { return FramePosition{SegmentOrdinal{1}, offset, 10}; }
DedupeWindow::Key id(std::string_view dedupe_id) { return DedupeWindow::key(false, "", dedupe_id); }
Bytes16 message(uint8_t n) {
  Bytes16 b{};
  b.fill(n);
  return b;
}

TEST(DedupeWindow, RemembersAnIdForFiveMinutes) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  w.insert(id("d1"), message(1), 7, at(100), kNow, /*durable=*/true, &released);
  DedupeWindow::Entry* e = w.find(id("d1"), kNow + DedupeWindow::kWindowMs - 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message(1));
  EXPECT_EQ(e->seq, 7u);
  EXPECT_EQ(w.find(id("d1"), kNow + DedupeWindow::kWindowMs), nullptr);
  EXPECT_EQ(w.find(id("d2"), kNow), nullptr);
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

TEST(DedupeWindow, KeysAreStableDigestsOfTheIds) {
  // Replay rebuilds the window from the ids on disk, so a key must not change between
  // runs: pinned to its value.
  const DedupeWindow::Key k = id("order-42");
  EXPECT_EQ(k, id("order-42"));
  EXPECT_NE(k, id("order-43"));
  EXPECT_NE(k, DedupeWindow::key(true, "", "order-42"));  // the scope's NUL counts
  // HMAC-SHA256("spool dedupe window key, v1", "order-42"), first 16 bytes, from Python's hmac.
  const std::array<uint8_t, 16> pinned = {0xfc, 0x94, 0xa3, 0x1d, 0xdb, 0xaa, 0xc5, 0x50,
                                          0x68, 0x8a, 0xb8, 0xc4, 0xfe, 0x45, 0xbf, 0x0a};
  EXPECT_EQ(k.bytes, pinned);
  // Ids of the longest kind, in both scopes.
  const std::string longest(128, 'x');
  EXPECT_NE(DedupeWindow::key(true, longest, longest), DedupeWindow::key(true, longest, longest + "y"));
}

TEST(DedupeWindow, DuplicatesOfAPendingSendWaitForItsOutcome) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  DedupeWindow::Entry& e = w.insert(id("d"), message(3), 3, at(1), kNow, /*durable=*/false, &released);
  std::vector<Errc> answers;
  e.wait([&](Status st) { answers.push_back(st.code()); });
  // A pending entry is not expired even past its window: its send decides.
  w.expire(kNow + DedupeWindow::kWindowMs + 1, &released);
  EXPECT_EQ(w.size(), 1u);
  w.settle(id("d"), 3, Status(), &released);
  EXPECT_EQ(answers, std::vector<Errc>{Errc::kOk});
  EXPECT_TRUE(w.find(id("d"), kNow)->durable);
  EXPECT_TRUE(released.empty());
}

TEST(DedupeWindow, AFailedSendIsForgottenAndItsWaitersFail) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  DedupeWindow::Entry& e = w.insert(id("d"), message(3), 3, at(1), kNow, false, &released);
  std::vector<Errc> answers;
  e.wait([&](Status st) { answers.push_back(st.code()); });
  w.settle(id("d"), 3, Status(Errc::kIoError, "disk"), &released);
  EXPECT_EQ(answers, std::vector<Errc>{Errc::kIoError});
  EXPECT_EQ(w.find(id("d"), kNow), nullptr);
  ASSERT_EQ(released.size(), 1u);
}

TEST(DedupeWindow, ReusingAnExpiredIdReleasesTheOldPinOnce) {
  DedupeWindow w;
  std::vector<FramePosition> released;
  w.insert(id("d"), message(1), 1, at(1), kNow, true, &released);
  int64_t later = kNow + DedupeWindow::kWindowMs;
  ASSERT_EQ(w.find(id("d"), later), nullptr);
  w.insert(id("d"), message(2), 2, at(2), later, true, &released);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].offset, 1u);
  released.clear();
  w.expire(later, &released);  // the old node finds seq 2 and leaves it
  EXPECT_TRUE(released.empty());
  EXPECT_EQ(w.find(id("d"), later)->message_id, message(2));
}

}  // namespace
}  // namespace spool
