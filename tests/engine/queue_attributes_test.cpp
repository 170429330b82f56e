#include "engine/queue_attributes.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace spool {
namespace {

using Attributes = std::map<std::string, std::string>;

Status check(const std::string& name, const std::string& value, bool is_fifo = false,
             AttributeUse use = AttributeUse::kCreate) {
  return validate_queue_attributes({{name, value}}, is_fifo, use);
}

const std::string kDlq = "arn:aws:sqs:us-east-1:123456789012:dlq";
const std::string kFifoDlq = "arn:aws:sqs:us-east-1:123456789012:dlq.fifo";

TEST(QueueAttributes, IntegerBoundsBelowAtAndAbove) {
  struct Bound {
    const char* name;
    long min, max;
  };
  for (const Bound& b : {Bound{"DelaySeconds", 0, 900}, Bound{"MaximumMessageSize", 1024, 1048576},
                         Bound{"MessageRetentionPeriod", 60, 1209600}, Bound{"ReceiveMessageWaitTimeSeconds", 0, 20},
                         Bound{"VisibilityTimeout", 0, 43200}, Bound{"KmsDataKeyReusePeriodSeconds", 60, 86400}}) {
    for (AttributeUse use : {AttributeUse::kCreate, AttributeUse::kSet}) {
      EXPECT_TRUE(check(b.name, std::to_string(b.min), false, use).ok()) << b.name;
      EXPECT_TRUE(check(b.name, std::to_string(b.max), false, use).ok()) << b.name;
      EXPECT_EQ(check(b.name, std::to_string(b.max + 1), false, use).code(), Errc::kInvalidAttributeValue) << b.name;
      EXPECT_EQ(check(b.name, std::to_string(b.min - 1), false, use).code(), Errc::kInvalidAttributeValue) << b.name;
    }
  }
}

TEST(QueueAttributes, ValueErrorsNameTheAttributeTheValueAndTheRange) {
  const Status s = check("DelaySeconds", "901");
  EXPECT_EQ(s.message(), "Invalid value for the parameter DelaySeconds. Reason: '901' is not an integer from 0 to 900.");
}

TEST(QueueAttributes, IntegersAreDigitsOnly) {
  for (const char* bad : {"", " 6", "6 ", "+6", "6.0", "544.43", "true", "1e2", "0x10", "99999999999"}) {
    EXPECT_EQ(check("VisibilityTimeout", bad).code(), Errc::kInvalidAttributeValue) << bad;
  }
  EXPECT_TRUE(check("VisibilityTimeout", "030").ok());
}

TEST(QueueAttributes, UnknownAndReadOnlyNamesAreInvalidNames) {
  for (const char* name : {"Bogus", "All", "visibilitytimeout", "QueueArn", "CreatedTimestamp", "LastModifiedTimestamp",
                           "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                           "ApproximateNumberOfMessagesDelayed"}) {
    const Status s = check(name, "1");
    EXPECT_EQ(s.code(), Errc::kInvalidAttributeName) << name;
    EXPECT_EQ(s.message(), "Unknown Attribute " + std::string(name) + ".");
  }
}

TEST(QueueAttributes, FifoOnlyAttributesAreUnknownOnStandardQueues) {
  const std::vector<std::pair<std::string, std::string>> fifo_only = {
      {"FifoQueue", "true"}, {"FifoQueue", "false"}, {"ContentBasedDeduplication", "true"},
      {"DeduplicationScope", "queue"}, {"FifoThroughputLimit", "perQueue"}};
  for (const auto& [name, value] : fifo_only) {
    for (AttributeUse use : {AttributeUse::kCreate, AttributeUse::kSet}) {
      const Status s = check(name, value, false, use);
      EXPECT_EQ(s.code(), Errc::kInvalidAttributeName) << name;
      EXPECT_EQ(s.message(), "Unknown Attribute " + name + ".");
    }
    EXPECT_TRUE(check(name, value == "false" ? "true" : value, true).ok()) << name;
  }
}

TEST(QueueAttributes, FifoQueueIsTrueAndCannotChange) {
  EXPECT_TRUE(check("FifoQueue", "true", true, AttributeUse::kCreate).ok());
  EXPECT_TRUE(check("FifoQueue", "true", true, AttributeUse::kSet).ok());  // a no-op
  const Status s = check("FifoQueue", "false", true, AttributeUse::kSet);
  EXPECT_EQ(s.code(), Errc::kInvalidAttributeValue);
  EXPECT_EQ(s.message(), "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
}

TEST(QueueAttributes, BooleansAndChoices) {
  for (const char* good : {"true", "false", "TRUE", "False"}) {
    EXPECT_TRUE(check("SqsManagedSseEnabled", good).ok()) << good;
    EXPECT_TRUE(check("ContentBasedDeduplication", good, true).ok()) << good;
  }
  for (const char* bad : {"", "yes", "1", "t"}) {
    EXPECT_EQ(check("SqsManagedSseEnabled", bad).code(), Errc::kInvalidAttributeValue) << bad;
  }
  EXPECT_TRUE(check("DeduplicationScope", "messageGroup", true).ok());
  EXPECT_EQ(check("DeduplicationScope", "MessageGroup", true).code(), Errc::kInvalidAttributeValue);
  // Alone it is judged with the scope the queue will have: at create the default
  // (queue) refuses it; at set the engine judges the merged attributes.
  EXPECT_EQ(check("FifoThroughputLimit", "perMessageGroupId", true).code(), Errc::kInvalidAttributeValue);
  EXPECT_TRUE(check("FifoThroughputLimit", "perMessageGroupId", true, AttributeUse::kSet).ok());
  EXPECT_EQ(check_fifo_throughput_limit({{"FifoThroughputLimit", "perMessageGroupId"}}).code(),
            Errc::kInvalidAttributeValue);
  EXPECT_TRUE(check_fifo_throughput_limit({{"DeduplicationScope", "messageGroup"},
                                           {"FifoThroughputLimit", "perMessageGroupId"}})
                  .ok());
  EXPECT_EQ(check("FifoThroughputLimit", "perGroup", true).code(), Errc::kInvalidAttributeValue);
  EXPECT_EQ(validate_queue_attributes({{"DeduplicationScope", "queue"}, {"FifoThroughputLimit", "perMessageGroupId"}},
                                      true, AttributeUse::kCreate)
                .code(),
            Errc::kInvalidAttributeValue);
  EXPECT_TRUE(validate_queue_attributes({{"DeduplicationScope", "messageGroup"}, {"FifoThroughputLimit", "perMessageGroupId"}},
                                        true, AttributeUse::kCreate)
                  .ok());
}

TEST(QueueAttributes, OneKindOfServerSideEncryptionAtATime) {
  EXPECT_TRUE(check("KmsMasterKeyId", "alias/aws/sqs").ok());
  EXPECT_TRUE(validate_queue_attributes({{"SqsManagedSseEnabled", "false"}, {"KmsMasterKeyId", "alias/aws/sqs"}}, false,
                                        AttributeUse::kCreate)
                  .ok());
  EXPECT_EQ(validate_queue_attributes({{"SqsManagedSseEnabled", "true"}, {"KmsMasterKeyId", "alias/aws/sqs"}}, false,
                                      AttributeUse::kCreate)
                .code(),
            Errc::kInvalidAttributeValue);
}

TEST(QueueAttributes, PolicyMustBeAJsonObject) {
  EXPECT_TRUE(check("Policy", R"({"Version":"2012-10-17","Statement":[]})").ok());
  EXPECT_TRUE(check("Policy", "").ok());  // removes it
  for (const char* bad : {"{", "[]", "\"x\"", "42", "not json", "{\"a\":1} trailing"}) {
    EXPECT_EQ(check("Policy", bad).code(), Errc::kInvalidAttributeValue) << bad;
  }
}

TEST(RedrivePolicy, WellFormedPoliciesParse) {
  for (const std::string& text : {R"({"deadLetterTargetArn":")" + kDlq + R"(","maxReceiveCount":5})",
                                  R"({"maxReceiveCount":"5","deadLetterTargetArn":")" + kDlq + R"("})"}) {
    auto policy = parse_redrive_policy(text);
    ASSERT_TRUE(policy.has_value()) << policy.status().to_string();
    ASSERT_TRUE(policy->has_value());
    EXPECT_EQ(**policy, (RedrivePolicy{kDlq, 5}));
    EXPECT_TRUE(check("RedrivePolicy", text).ok());
  }
}

TEST(RedrivePolicy, MaxReceiveCountBounds) {
  const auto with_count = [](const std::string& count) {
    return R"({"deadLetterTargetArn":")" + kDlq + R"(","maxReceiveCount":)" + count + "}";
  };
  EXPECT_TRUE(check("RedrivePolicy", with_count("1")).ok());
  EXPECT_TRUE(check("RedrivePolicy", with_count("1000")).ok());
  EXPECT_TRUE(check("RedrivePolicy", with_count("\"1000\"")).ok());
  for (const char* bad : {"0", "1001", "-36", "\"1001\"", "1.5", "\"x\"", "true", "null"}) {
    const Status s = check("RedrivePolicy", with_count(bad));
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("valid values are from 1 to 1000 both inclusive."), std::string::npos) << s.message();
  }
  EXPECT_EQ(check("RedrivePolicy", with_count("4023")).message(),
            "Value " + with_count("4023") +
                " for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: 4023, valid values "
                "are from 1 to 1000 both inclusive.");
}

TEST(RedrivePolicy, MalformedPolicies) {
  for (const char* not_a_map : {" ", "4", "[]", "{", "\"{}\""}) {
    const Status s = check("RedrivePolicy", not_a_map);
    EXPECT_EQ(s.code(), Errc::kInvalidAttributeValue) << not_a_map;
    EXPECT_EQ(s.message(), "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.");
  }
  EXPECT_EQ(check("RedrivePolicy", "{}").message(),
            "Value {} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory "
            "attribute: maxReceiveCount.");
  EXPECT_EQ(check("RedrivePolicy", R"({"maxReceiveCount":5})").message(),
            R"(Value {"maxReceiveCount":5} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.)");
  const std::string extra = R"({"deadLetterTargetArn":")" + kDlq + R"(","maxReceiveCount":5,"dummy":1})";
  EXPECT_EQ(check("RedrivePolicy", extra).code(), Errc::kInvalidArgument);
  for (const std::string& arn : {std::string("arn:aws:sns:us-east-1:123456789012:topic"), std::string("dlq"),
                                 std::string("")}) {
    const Status s = check("RedrivePolicy", R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":5})");
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << arn;
    EXPECT_NE(s.message().find("Only SQS queues are valid resources for deadLetterTargetArn."), std::string::npos);
  }
}

TEST(RedrivePolicy, DeadLetterQueueMustBeOfTheSameType) {
  const std::string to_fifo = R"({"deadLetterTargetArn":")" + kFifoDlq + R"(","maxReceiveCount":5})";
  const std::string to_standard = R"({"deadLetterTargetArn":")" + kDlq + R"(","maxReceiveCount":5})";
  EXPECT_TRUE(check("RedrivePolicy", to_fifo, true).ok());
  EXPECT_NE(check("RedrivePolicy", to_fifo, false).message().find("Dead-letter queue must be same type of queue as the source"),
            std::string::npos);
  EXPECT_EQ(check("RedrivePolicy", to_standard, true).code(), Errc::kInvalidArgument);
}

TEST(RedrivePolicy, EmptyStringRemovesIt) {
  EXPECT_TRUE(check("RedrivePolicy", "", false, AttributeUse::kSet).ok());
  auto policy = parse_redrive_policy("");
  ASSERT_TRUE(policy.has_value());
  EXPECT_FALSE(policy->has_value());
  EXPECT_FALSE(queue_settings({{"RedrivePolicy", ""}}, false).redrive.has_value());
}

TEST(RedriveAllowPolicy, WellFormedPolicies) {
  EXPECT_TRUE(check("RedriveAllowPolicy", R"({"redrivePermission":"allowAll"})").ok());
  EXPECT_TRUE(check("RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})").ok());
  EXPECT_TRUE(check("RedriveAllowPolicy", "").ok());
  auto policy = parse_redrive_allow_policy(R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + kDlq + R"("]})");
  ASSERT_TRUE(policy.has_value());
  ASSERT_TRUE(policy->has_value());
  EXPECT_EQ((*policy)->permission, RedrivePermission::kByQueue);
  EXPECT_EQ((*policy)->source_queue_arns, std::vector<std::string>{kDlq});
}

TEST(RedriveAllowPolicy, UnsupportedFormats) {
  for (const char* bad : {"badjson", "444", "[]", "{}", R"({"redrivePermission":"dummy"})",
                          R"({"redrivePermission":"allowAll","dummy":"value"})",
                          R"({"redrivePermission":"byQueue","sourceQueueArns":"arn:aws:sqs"})",
                          R"({"redrivePermission":"byQueue","sourceQueueArns":[{"dummy":"value"}]})"}) {
    const Status s = check("RedriveAllowPolicy", bad);
    EXPECT_EQ(s.code(), Errc::kInvalidAttributeValue) << bad;
    EXPECT_EQ(s.message().rfind("Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create", 0),
              0u);
  }
}

TEST(RedriveAllowPolicy, SourceQueueArnsGoOnlyWithByQueueAndAtMostTen) {
  EXPECT_EQ(check("RedriveAllowPolicy", R"({"redrivePermission":"byQueue"})").code(), Errc::kInvalidArgument);
  EXPECT_EQ(check("RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":[]})").code(),
            Errc::kInvalidArgument);
  EXPECT_EQ(check("RedriveAllowPolicy", R"({"redrivePermission":"allowAll","sourceQueueArns":["a"]})").code(),
            Errc::kInvalidArgument);
  std::string arns;
  for (int i = 1; i <= 11; ++i) {
    if (i == 11) {
      EXPECT_TRUE(check("RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":[)" + arns + "]}").ok());
    }
    arns += std::string(i > 1 ? "," : "") + "\"arn:aws:sqs:us-east-1:123456789012:x" + std::to_string(i) + "\"";
  }
  const Status s = check("RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":[)" + arns + "]}");
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);
  EXPECT_NE(s.message().find("The maximum number of source queue ARNs you can specify is 10."), std::string::npos);
}

TEST(QueueSettings, DefaultsWhenNothingIsSet) {
  const QueueSettings s = queue_settings({}, false);
  EXPECT_EQ(s.delay_seconds, 0);
  EXPECT_EQ(s.max_message_bytes, 1048576);
  EXPECT_EQ(s.retention_seconds, 345600);
  EXPECT_EQ(s.receive_wait_seconds, 0);
  EXPECT_EQ(s.visibility_timeout_seconds, 30);
  EXPECT_FALSE(s.content_based_dedup);
  EXPECT_FALSE(s.redrive.has_value());
  EXPECT_FALSE(s.redrive_allow.has_value());
}

TEST(QueueSettings, ParsesEverySetting) {
  const QueueSettings s = queue_settings(
      {{"DelaySeconds", "5"}, {"MaximumMessageSize", "2048"}, {"MessageRetentionPeriod", "60"},
       {"ReceiveMessageWaitTimeSeconds", "20"}, {"VisibilityTimeout", "0"}, {"ContentBasedDeduplication", "True"},
       {"DeduplicationScope", "messageGroup"}, {"FifoThroughputLimit", "perMessageGroupId"},
       {"RedrivePolicy", R"({"deadLetterTargetArn":")" + kFifoDlq + R"(","maxReceiveCount":"7"})"},
       {"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}},
      true);
  EXPECT_EQ(s.delay_seconds, 5);
  EXPECT_EQ(s.max_message_bytes, 2048);
  EXPECT_EQ(s.retention_seconds, 60);
  EXPECT_EQ(s.receive_wait_seconds, 20);
  EXPECT_EQ(s.visibility_timeout_seconds, 0);
  EXPECT_TRUE(s.content_based_dedup);
  EXPECT_TRUE(s.dedup_scope_message_group);
  EXPECT_TRUE(s.throughput_per_message_group);
  ASSERT_TRUE(s.redrive.has_value());
  EXPECT_EQ(*s.redrive, (RedrivePolicy{kFifoDlq, 7}));
  ASSERT_TRUE(s.redrive_allow.has_value());
  EXPECT_EQ(s.redrive_allow->permission, RedrivePermission::kDenyAll);
}

TEST(SameQueueAttributes, ComparesRequestedAttributesAfterDefaults) {
  EXPECT_TRUE(same_queue_attributes({}, {{"VisibilityTimeout", "60"}}, false));
  EXPECT_TRUE(same_queue_attributes({{"VisibilityTimeout", "30"}}, {}, false));  // the default
  EXPECT_TRUE(same_queue_attributes({{"VisibilityTimeout", "60"}}, {{"VisibilityTimeout", "060"}}, false));
  EXPECT_FALSE(same_queue_attributes({{"VisibilityTimeout", "31"}}, {}, false));
  EXPECT_EQ(first_different_queue_attribute({{"DelaySeconds", "0"}, {"VisibilityTimeout", "31"}}, {}, false),
            "VisibilityTimeout");
  EXPECT_TRUE(same_queue_attributes({{"FifoQueue", "true"}, {"ContentBasedDeduplication", "false"}}, {{"FifoQueue", "true"}}, true));
  EXPECT_TRUE(same_queue_attributes({{"SqsManagedSseEnabled", "TRUE"}}, {}, false));
  EXPECT_TRUE(same_queue_attributes({{"RedrivePolicy", ""}}, {}, false));
  EXPECT_FALSE(same_queue_attributes({{"KmsMasterKeyId", "alias/a"}}, {{"KmsMasterKeyId", "alias/b"}}, false));
}

TEST(SameQueueAttributes, ComparesPoliciesByMeaning) {
  const std::string a = R"({"deadLetterTargetArn":")" + kDlq + R"(","maxReceiveCount":5})";
  const std::string b = R"({ "maxReceiveCount" : "5", "deadLetterTargetArn" : ")" + kDlq + R"(" })";
  EXPECT_TRUE(same_queue_attributes({{"RedrivePolicy", a}}, {{"RedrivePolicy", b}}, false));
  EXPECT_FALSE(same_queue_attributes({{"RedrivePolicy", a}}, {}, false));
  EXPECT_TRUE(same_queue_attributes({{"Policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Sid":"1"}]})"}},
                                    {{"Policy", R"({"Statement":[{"Sid":"1","Effect":"Allow"}],"Version":"2012-10-17"})"}},
                                    false));
  EXPECT_FALSE(same_queue_attributes({{"Policy", R"({"Statement":[1,2]})"}}, {{"Policy", R"({"Statement":[2,1]})"}}, false));
}

TEST(AttributeNames, KnowsEveryNameAndWhichApplyToEachType) {
  EXPECT_TRUE(is_queue_attribute_name("All"));
  EXPECT_TRUE(is_queue_attribute_name("SqsManagedSseEnabled"));
  EXPECT_FALSE(is_queue_attribute_name("Nope"));
  EXPECT_EQ(queue_attribute_names(true).size(), 21u);
  EXPECT_EQ(queue_attribute_names(false).size(), 17u);
  EXPECT_FALSE(applies_to_queue_type("FifoQueue", false));
  EXPECT_TRUE(applies_to_queue_type("FifoQueue", true));
  EXPECT_TRUE(validate_attribute_names_for_get({"All", "QueueArn", "VisibilityTimeout"}, false).ok());
  EXPECT_EQ(validate_attribute_names_for_get({"ContentBasedDeduplication"}, false).message(),
            "Unknown Attribute ContentBasedDeduplication.");
  EXPECT_EQ(validate_attribute_names_for_get({"Bogus"}, true).code(), Errc::kInvalidAttributeName);
}

TEST(AttributeNames, Defaults) {
  EXPECT_EQ(default_queue_attribute_value("MaximumMessageSize", false), "1048576");
  EXPECT_EQ(default_queue_attribute_value("SqsManagedSseEnabled", false), "true");
  EXPECT_EQ(default_queue_attribute_value("DeduplicationScope", true), "queue");
  EXPECT_EQ(default_queue_attribute_value("DeduplicationScope", false), std::nullopt);
  EXPECT_EQ(default_queue_attribute_value("Policy", false), std::nullopt);
  EXPECT_EQ(default_queue_attribute_value("QueueArn", false), std::nullopt);
}

}  // namespace
}  // namespace spool
