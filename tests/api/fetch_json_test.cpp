#include "api/topics/fetch_json.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

// Offsets and timestamps are written from the previous record's digits when they repeat
// or count up by one; carries, jumps back and new leading digits must come out right.
TEST(FetchJson, OffsetsAndTimestampsAcrossCarriesAndJumps) {
  const std::vector<std::pair<int64_t, int64_t>> at = {{9, 5}, {10, 5}, {11, 6}, {99, 9}, {100, 10},
                                                       {101, 10}, {5, 3}, {999, 1999}, {1000, 2000}};
  topics::FetchReply reply;
  for (auto [offset, ts] : at) {
    record_batch::RecordView r;
    r.offset = offset;
    r.timestamp_ms = ts;
    r.value = std::string_view("v");
    reply.records.push_back(r);
  }
  reply.next_offset = 1001;
  reply.bounds = {0, 1001};
  std::string out;
  ASSERT_TRUE(append_fetch_reply(out, "t", 3, reply, ValueFormat::kAuto).ok());
  std::string want = "{\"topic\":\"t\",\"partition\":3,\"records\":[";
  for (size_t i = 0; i < at.size(); ++i) {
    if (i > 0) want += ',';
    want += "{\"offset\":" + std::to_string(at[i].first) + ",\"timestamp\":" + std::to_string(at[i].second) +
            ",\"timestamp_type\":\"CreateTime\",\"key\":null,\"value\":\"v\",\"headers\":[]}";
  }
  want += "],\"next_offset\":1001,\"high_watermark\":1001,\"log_start_offset\":0}";
  EXPECT_EQ(out, want);
}

TEST(FetchJson, PartitionErrorsCarryTheRangeOnlyWhenKnown) {
  std::string out;
  append_partition_error(out, "orders", 2, Status(Errc::kOffsetOutOfRange, "offset 9 is out"),
                         PartitionBounds{1, 4});
  append_partition_error(out, "nope", 0, Status(Errc::kTopicNotFound, "no topic"), std::nullopt);
  EXPECT_EQ(out,
            "{\"topic\":\"orders\",\"partition\":2,\"error_code\":\"offset_out_of_range\",\"message\":\"offset 9 is "
            "out\",\"log_start_offset\":1,\"high_watermark\":4}"
            "{\"topic\":\"nope\",\"partition\":0,\"error_code\":\"topic_not_found\",\"message\":\"no topic\"}");
}

}  // namespace
}  // namespace spool
