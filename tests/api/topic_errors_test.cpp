#include "api/topics/topic_errors.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(TopicErrors, GroupMembershipFailuresHaveTheSpecsCodes) {
  struct Case {
    Errc code;
    int http_status;
    std::string_view error_code;
  };
  for (const Case& c : {Case{Errc::kInvalidSessionTimeout, 400, "invalid_session_timeout"},
                        Case{Errc::kGroupNotFound, 404, "group_not_found"},
                        Case{Errc::kUnknownMember, 404, "unknown_member"},
                        Case{Errc::kGroupNotEmpty, 409, "group_not_empty"},
                        Case{Errc::kPartitionNotAssigned, 409, "partition_not_assigned"}}) {
    TopicError e = topic_error_for(c.code);
    EXPECT_EQ(e.http_status, c.http_status) << errc_name(c.code);
    EXPECT_EQ(e.code, c.error_code) << errc_name(c.code);
  }
}

TEST(TopicErrors, DetailsJoinTheErrorBody) {
  Json details = Json::object();
  details.set("partition", Json::number(2));
  HttpResponse r = topic_error_response(Status(Errc::kPartitionNotAssigned, "partition 2 of orders is not yours"),
                                        "req-1", details);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body,
            "{\"error_code\":\"partition_not_assigned\",\"message\":\"partition 2 of orders is not yours\","
            "\"request_id\":\"req-1\",\"partition\":2}");
}

}  // namespace
}  // namespace spool
