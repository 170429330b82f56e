#include "engine/queue_names.h"

#include <gtest/gtest.h>

#include <string>

namespace spool {
namespace {

TEST(QueueName, AcceptsStandardNamesOfOneToEightyChars) {
  EXPECT_TRUE(validate_queue_name("a", false).ok());
  EXPECT_TRUE(validate_queue_name("Orders_2024-eu", false).ok());
  EXPECT_TRUE(validate_queue_name(std::string(80, 'q'), false).ok());
}

TEST(QueueName, RefusesBadStandardNames) {
  for (const std::string& bad : {std::string(81, 'q'), std::string("in.fo"), std::string("a b"),
                                 std::string("\xC3\xA9\xC3\xA9wwa"), std::string("q/1"), std::string("q:1")}) {
    const Status s = validate_queue_name(bad, false);
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().rfind("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length", 0),
              0u)
        << s.message();
  }
}

TEST(QueueName, EmptyNameMustBeSpecified) {
  const Status s = validate_queue_name("", false);
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);
  EXPECT_EQ(s.message(), "Value for parameter QueueName is invalid. Reason: Must specify a queue name.");
  EXPECT_EQ(validate_queue_name("", true).code(), Errc::kInvalidArgument);
}

TEST(QueueName, FifoNamesNeedTheSuffixAndTheAttribute) {
  EXPECT_TRUE(validate_queue_name("orders.fifo", true).ok());
  EXPECT_TRUE(validate_queue_name(std::string(75, 'q') + ".fifo", true).ok());  // suffix counts in the 80
  EXPECT_EQ(validate_queue_name(std::string(76, 'q') + ".fifo", true).code(), Errc::kInvalidArgument);
  // FifoQueue=true without the suffix, or with nothing before it.
  for (const char* bad : {"orders", "orders.ifo", ".fifo", "or.ders.fifo", "orders.FIFO"}) {
    const Status s = validate_queue_name(bad, true);
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().rfind("The name of a FIFO queue can only include alphanumeric characters", 0), 0u);
  }
  // The suffix without FifoQueue=true: AWS answers as for any bad standard name.
  const Status s = validate_queue_name("orders.fifo", false);
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("Can only include alphanumeric characters", 0), 0u);
}

TEST(QueueName, FifoSuffixIsCaseSensitive) {
  EXPECT_TRUE(is_fifo_queue_name("a.fifo"));
  EXPECT_FALSE(is_fifo_queue_name("a.FIFO"));
  EXPECT_FALSE(is_fifo_queue_name("fifo"));
}

TEST(QueueUrl, BuildsFromBaseAccountAndName) {
  EXPECT_EQ(queue_url("http://127.0.0.1:9324", "000000000000", "orders"), "http://127.0.0.1:9324/000000000000/orders");
  EXPECT_EQ(queue_url("https://sqs.local/", "123456789012", "a.fifo"), "https://sqs.local/123456789012/a.fifo");
}

TEST(QueueArn, BuildsFromRegionAccountAndName) {
  EXPECT_EQ(queue_arn("us-east-1", "123456789012", "orders"), "arn:aws:sqs:us-east-1:123456789012:orders");
}

TEST(QueueUrl, ParsesAnyHostAndPort) {
  for (const char* url : {"http://127.0.0.1:9324/123456789012/orders", "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
                          "http://localhost/123456789012/orders/", "HTTP://[::1]:80/123456789012/orders"}) {
    auto ref = parse_queue_url(url);
    ASSERT_TRUE(ref.has_value()) << url;
    EXPECT_EQ(*ref, (QueueRef{"123456789012", "orders"})) << url;
  }
  auto fifo = parse_queue_url("http://h/000000000000/jobs.fifo");
  ASSERT_TRUE(fifo.has_value());
  EXPECT_EQ(fifo->name, "jobs.fifo");
}

TEST(QueueUrl, RefusesWhatIsNotAQueueUrl) {
  for (const char* bad : {"orders", "", "http://h", "http://h/", "http://h/orders", "http://h/12345678901/orders",
                          "http://h/1234567890123/orders", "http://h/12345678901a/orders", "http://h/123456789012/",
                          "http://h/123456789012/a/b", "http://h/123456789012/bad.name", "/123456789012/orders",
                          "http:///123456789012/orders", "http://h/123456789012/orders?x=1",
                          "http://h/queue/us-east-1/123456789012/orders"}) {
    auto ref = parse_queue_url(bad);
    ASSERT_FALSE(ref.has_value()) << bad;
    EXPECT_EQ(ref.error().code(), Errc::kInvalidAddress);
    EXPECT_EQ(ref.error().message(), "The address " + std::string(bad) + " is not valid for this endpoint.");
  }
}

TEST(QueueArn, ParsesSqsArns) {
  auto ref = parse_queue_arn("arn:aws:sqs:eu-west-1:123456789012:dlq.fifo");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(*ref, (QueueRef{"123456789012", "dlq.fifo"}));
  EXPECT_TRUE(parse_queue_arn("arn:aws-cn:sqs:cn-north-1:123456789012:q").has_value());
}

TEST(QueueArn, RefusesOtherArns) {
  for (const char* bad : {"arn:aws:sns:us-east-1:123456789012:topic", "arn:aws:sqs:us-east-1:12345678901:q",
                          "arn:aws:sqs::123456789012:q", "arn:aws:sqs:us-east-1:123456789012:", "arn:aws:sqs:us-east-1:123456789012:a:b",
                          "arn:aws:sqs:us-east-1:123456789012:bad name", "sqs:us-east-1:123456789012:q", ""}) {
    auto ref = parse_queue_arn(bad);
    ASSERT_FALSE(ref.has_value()) << bad;
    EXPECT_EQ(ref.error().code(), Errc::kInvalidArgument);
  }
}

}  // namespace
}  // namespace spool
