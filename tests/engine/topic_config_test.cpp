#include "engine/topics/topic_config.h"

#include <gtest/gtest.h>

namespace spool::topics {
namespace {

TEST(TopicConfig, DefaultsFollowTheSpec) {
  auto c = parse_topic_config({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->retention_ms, 604800000);
  EXPECT_EQ(c->retention_bytes, -1);
  EXPECT_EQ(c->segment_bytes, 134217728);
  EXPECT_EQ(c->segment_ms, 86400000);
  EXPECT_EQ(c->max_message_bytes, 1048576);
  EXPECT_FALSE(c->log_append_time);
}

TEST(TopicConfig, AcceptsBoundsAndSpecialValues) {
  auto c = parse_topic_config({{"retention.ms", "-1"}, {"retention.bytes", "1048576"},
                               {"message.timestamp.type", "LogAppendTime"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->retention_ms, -1);
  EXPECT_EQ(c->retention_bytes, 1048576);
  EXPECT_TRUE(c->log_append_time);
}

TEST(TopicConfig, RejectsWithTheKeyNamed) {
  auto low = parse_topic_config({{"retention.ms", "59999"}});
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code(), Errc::kInvalidConfig);
  EXPECT_EQ(low.error().message(), "retention.ms: 59999 is out of range; must be -1 or 60000..9223372036854775807");
  auto unknown = parse_topic_config({{"colour", "blue"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "colour: unknown config key");
  auto text = parse_topic_config({{"segment.bytes", "12x"}});
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message(), "segment.bytes: '12x' is not an integer");
  auto compact = parse_topic_config({{"cleanup.policy", "compact"}});
  ASSERT_FALSE(compact);
  EXPECT_EQ(compact.error().code(), Errc::kUnsupportedConfig);
}

TEST(TopicConfig, TopicNamesFollowKafkasRule) {
  EXPECT_TRUE(validate_topic_name("orders.v2_eu-1").ok());
  EXPECT_TRUE(validate_topic_name(std::string(249, 'a')).ok());
  EXPECT_EQ(validate_topic_name(std::string(250, 'a')).code(), Errc::kInvalidTopicName);
  EXPECT_EQ(validate_topic_name("").code(), Errc::kInvalidTopicName);
  EXPECT_EQ(validate_topic_name(".").code(), Errc::kInvalidTopicName);
  EXPECT_EQ(validate_topic_name("..").code(), Errc::kInvalidTopicName);
  EXPECT_EQ(validate_topic_name("a/b").code(), Errc::kInvalidTopicName);
  EXPECT_TRUE(validate_group_name("billing:eu").ok());
  EXPECT_EQ(validate_group_name("bill ing").code(), Errc::kInvalidGroupId);
}

}  // namespace
}  // namespace spool::topics
