#include "api/query_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/form_codec.h"
#include "common/json.h"
#include "api/sqs_protocol.h"
#include "api/text_escape.h"

namespace spool {
namespace {

// Objects compared regardless of member order: handlers look members up by name.
Json with_sorted_members(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value.items()) out.push(with_sorted_members(item));
    return out;
  }
  if (!value.is_object()) return value;
  std::vector<Json::Member> members = value.members();
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Json out = Json::object();
  for (const auto& [name, item] : members) out.set(name, with_sorted_members(item));
  return out;
}

Json json(std::string_view text) {
  auto parsed = parse_json(text);
  EXPECT_TRUE(parsed) << parsed.error().to_string() << " in " << text;
  return parsed ? *parsed : Json();
}

// The decoded request as compact JSON with sorted members, or the error.
std::string decode(std::string_view action, std::string_view form) {
  auto request = query_to_json_request(action, parse_form(form));
  if (!request) return request.error().to_string();
  return to_json(with_sorted_members(*request));
}

std::string canonical(std::string_view json_text) { return to_json(with_sorted_members(json(json_text))); }

// ---- Requests: what old SDKs really send ----

struct RequestCase {
  std::string_view action;
  std::string_view form;
  std::string_view expected_json;
};

// Forms produced by old botocore's own Query serializer (Debian's botocore 1.29, the last
// SQS model with protocol "query"), URL-encoded as it sends them:
//   /usr/bin/python3 tests/api/query_xml_check.py requests
// The move-task actions and ReceiveMessage's MessageSystemAttributeNames are added to
// that model by analogy (see the script). Expected Json written by hand from the current
// model (botocore 2012-11-05 service-2.json.gz, protocol json).
constexpr RequestCase kBotocoreRequests[] = {
    {"AddPermission",
     "Action=AddPermission&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "Label=grant-1&AWSAccountId.1=111122223333&AWSAccountId.2=444455556666&"
     "ActionName.1=SendMessage&ActionName.2=ReceiveMessage",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders", "Label": "grant-1",
             "AWSAccountIds": ["111122223333", "444455556666"],
             "Actions": ["SendMessage", "ReceiveMessage"]})json"},
    {"CancelMessageMoveTask",
     "Action=CancelMessageMoveTask&Version=2012-11-05&"
     "TaskHandle=eyJ0YXNrSWQiOiIxIn0%3D",
     R"json({"TaskHandle": "eyJ0YXNrSWQiOiIxIn0="})json"},
    {"ChangeMessageVisibility",
     "Action=ChangeMessageVisibility&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "ReceiptHandle=AQEB%2Bx%2Fy%3D%3D&VisibilityTimeout=40",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "ReceiptHandle": "AQEB+x/y==", "VisibilityTimeout": 40})json"},
    {"ChangeMessageVisibilityBatch",
     "Action=ChangeMessageVisibilityBatch&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "ChangeMessageVisibilityBatchRequestEntry.1.Id=a&"
     "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=h1&"
     "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=0&"
     "ChangeMessageVisibilityBatchRequestEntry.2.Id=b&"
     "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle=h2&"
     "ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout=43200",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "Entries": [{"Id": "a", "ReceiptHandle": "h1", "VisibilityTimeout": 0},
                         {"Id": "b", "ReceiptHandle": "h2", "VisibilityTimeout": 43200}]})json"},
    {"CreateQueue",
     "Action=CreateQueue&Version=2012-11-05&QueueName=orders.fifo&"
     "Attribute.1.Name=FifoQueue&Attribute.1.Value=true&"
     "Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=40&"
     "Attribute.3.Name=RedrivePolicy&"
     "Attribute.3.Value=%7B%22deadLetterTargetArn%22%3A%22arn%3Aaws%3Asqs%3Aus-east-1%3A123456789012%"
     "3Aorders-dlq%22%2C%22maxReceiveCount%22%3A5%7D&"
     "Tag.1.Key=team&Tag.1.Value=payments&Tag.2.Key=cost+center&Tag.2.Value=42",
     R"json({"QueueName": "orders.fifo",
             "Attributes": {"FifoQueue": "true", "VisibilityTimeout": "40",
                            "RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:orders-dlq\",\"maxReceiveCount\":5}"},
             "tags": {"team": "payments", "cost center": "42"}})json"},
    {"DeleteMessage",
     "Action=DeleteMessage&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "ReceiptHandle=AQEB%2Bx%2Fy%3D%3D",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "ReceiptHandle": "AQEB+x/y=="})json"},
    {"DeleteMessageBatch",
     "Action=DeleteMessageBatch&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "DeleteMessageBatchRequestEntry.1.Id=m1&"
     "DeleteMessageBatchRequestEntry.1.ReceiptHandle=h1&"
     "DeleteMessageBatchRequestEntry.2.Id=m2&"
     "DeleteMessageBatchRequestEntry.2.ReceiptHandle=h2",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "Entries": [{"Id": "m1", "ReceiptHandle": "h1"}, {"Id": "m2", "ReceiptHandle": "h2"}]})json"},
    {"DeleteQueue",
     "Action=DeleteQueue&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"})json"},
    {"GetQueueAttributes",
     "Action=GetQueueAttributes&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "AttributeName.1=VisibilityTimeout&AttributeName.2=QueueArn",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "AttributeNames": ["VisibilityTimeout", "QueueArn"]})json"},
    {"GetQueueUrl",
     "Action=GetQueueUrl&Version=2012-11-05&QueueName=orders&"
     "QueueOwnerAWSAccountId=123456789012",
     R"json({"QueueName": "orders", "QueueOwnerAWSAccountId": "123456789012"})json"},
    {"ListDeadLetterSourceQueues",
     "Action=ListDeadLetterSourceQueues&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "NextToken=tok%2F1%3D&MaxResults=10",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "NextToken": "tok/1=", "MaxResults": 10})json"},
    {"ListMessageMoveTasks",
     "Action=ListMessageMoveTasks&Version=2012-11-05&"
     "SourceArn=arn%3Aaws%3Asqs%3Aus-east-1%3A123456789012%3Aorders-dlq&MaxResults=5",
     R"json({"SourceArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq", "MaxResults": 5})json"},
    {"ListQueueTags",
     "Action=ListQueueTags&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"})json"},
    {"ListQueues",
     "Action=ListQueues&Version=2012-11-05&QueueNamePrefix=ord&NextToken=tok&"
     "MaxResults=1000",
     R"json({"QueueNamePrefix": "ord", "NextToken": "tok", "MaxResults": 1000})json"},
    {"PurgeQueue",
     "Action=PurgeQueue&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"})json"},
    {"ReceiveMessage",
     "Action=ReceiveMessage&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "AttributeName.1=All&MessageSystemAttributeName.1=SentTimestamp&"
     "MessageSystemAttributeName.2=AWSTraceHeader&MessageAttributeName.1=color&"
     "MessageAttributeName.2=size.%2A&MaxNumberOfMessages=10&VisibilityTimeout=60&"
     "WaitTimeSeconds=20&ReceiveRequestAttemptId=attempt-1",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "AttributeNames": ["All"],
             "MessageSystemAttributeNames": ["SentTimestamp", "AWSTraceHeader"],
             "MessageAttributeNames": ["color", "size.*"],
             "MaxNumberOfMessages": 10, "VisibilityTimeout": 60, "WaitTimeSeconds": 20,
             "ReceiveRequestAttemptId": "attempt-1"})json"},
    {"RemovePermission",
     "Action=RemovePermission&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "Label=grant-1",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders", "Label": "grant-1"})json"},
    {"SendMessage",
     "Action=SendMessage&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "MessageBody=h%C3%A9llo+%26+%3Cw%C3%B6rld%3E+100%25+%2B+%E2%9C%93%0D%0A&"
     "DelaySeconds=5&MessageAttribute.1.Name=color&"
     "MessageAttribute.1.Value.DataType=String&"
     "MessageAttribute.1.Value.StringValue=bl%C3%BC&MessageAttribute.2.Name=size&"
     "MessageAttribute.2.Value.DataType=Number.int&"
     "MessageAttribute.2.Value.StringValue=12&MessageAttribute.3.Name=blob&"
     "MessageAttribute.3.Value.DataType=Binary&"
     "MessageAttribute.3.Value.BinaryValue=AP8Q&MessageAttribute.4.Name=lists&"
     "MessageAttribute.4.Value.DataType=String&"
     "MessageAttribute.4.Value.StringListValue.1=x&"
     "MessageAttribute.4.Value.StringListValue.2=y&"
     "MessageAttribute.4.Value.BinaryListValue.1=AQ%3D%3D&"
     "MessageAttribute.4.Value.BinaryListValue.2=AgM%3D&"
     "MessageSystemAttribute.1.Name=AWSTraceHeader&"
     "MessageSystemAttribute.1.Value.DataType=String&"
     "MessageSystemAttribute.1.Value.StringValue=Root%3D1-5759e988-bd862e3fe1be46a994272793&"
     "MessageDeduplicationId=dedupe-1&MessageGroupId=group-1",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "MessageBody": "héllo & <wörld> 100% + ✓\r\n", "DelaySeconds": 5,
             "MessageAttributes": {"color": {"DataType": "String", "StringValue": "blü"},
                                   "size": {"DataType": "Number.int", "StringValue": "12"},
                                   "blob": {"DataType": "Binary", "BinaryValue": "AP8Q"},
                                   "lists": {"DataType": "String", "StringListValues": ["x", "y"],
                                             "BinaryListValues": ["AQ==", "AgM="]}},
             "MessageSystemAttributes": {
                 "AWSTraceHeader": {"DataType": "String",
                                    "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}},
             "MessageDeduplicationId": "dedupe-1", "MessageGroupId": "group-1"})json"},
    {"SendMessageBatch",
     "Action=SendMessageBatch&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "SendMessageBatchRequestEntry.1.Id=first&"
     "SendMessageBatchRequestEntry.1.MessageBody=one&"
     "SendMessageBatchRequestEntry.1.DelaySeconds=1&"
     "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k&"
     "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String&"
     "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v&"
     "SendMessageBatchRequestEntry.2.Id=second&"
     "SendMessageBatchRequestEntry.2.MessageBody=two&"
     "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=b&"
     "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Binary&"
     "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.BinaryValue=%2Fg%3D%3D&"
     "SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Name=AWSTraceHeader&"
     "SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.DataType=String&"
     "SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.StringValue=Root%3D1-2&"
     "SendMessageBatchRequestEntry.2.MessageDeduplicationId=d2&"
     "SendMessageBatchRequestEntry.2.MessageGroupId=g2",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "Entries": [{"Id": "first", "MessageBody": "one", "DelaySeconds": 1,
                          "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
                         {"Id": "second", "MessageBody": "two",
                          "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": "/g=="}},
                          "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String",
                                                                         "StringValue": "Root=1-2"}},
                          "MessageDeduplicationId": "d2", "MessageGroupId": "g2"}]})json"},
    {"SetQueueAttributes",
     "Action=SetQueueAttributes&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "Attribute.1.Name=DelaySeconds&Attribute.1.Value=0&Attribute.2.Name=Policy&"
     "Attribute.2.Value=",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "Attributes": {"DelaySeconds": "0", "Policy": ""}})json"},
    {"StartMessageMoveTask",
     "Action=StartMessageMoveTask&Version=2012-11-05&"
     "SourceArn=arn%3Aaws%3Asqs%3Aus-east-1%3A123456789012%3Aorders-dlq&"
     "DestinationArn=arn%3Aaws%3Asqs%3Aus-east-1%3A123456789012%3Aorders&"
     "MaxNumberOfMessagesPerSecond=50",
     R"json({"SourceArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
             "DestinationArn": "arn:aws:sqs:us-east-1:123456789012:orders",
             "MaxNumberOfMessagesPerSecond": 50})json"},
    {"TagQueue",
     "Action=TagQueue&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "Tag.1.Key=env&Tag.1.Value=prod&Tag.2.Key=owner&Tag.2.Value=a%26b",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "Tags": {"env": "prod", "owner": "a&b"}})json"},
    {"UntagQueue",
     "Action=UntagQueue&Version=2012-11-05&"
     "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders&"
     "TagKey.1=env&TagKey.2=owner",
     R"json({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
             "TagKeys": ["env", "owner"]})json"},
};

TEST(QueryRequest, DecodesWhatOldBotocoreSendsForEveryAction) {
  for (const RequestCase& c : kBotocoreRequests) {
    SCOPED_TRACE(c.action);
    EXPECT_EQ(decode(c.action, c.form), canonical(c.expected_json));
  }
}

TEST(QueryRequest, EverySqsActionHasATableEntryAndABotocoreCase) {
  for (std::string_view action : sqs_action_names()) {
    SCOPED_TRACE(action);
    auto request = query_to_json_request(action, {});
    ASSERT_TRUE(request) << request.error().to_string();
    EXPECT_EQ(to_json(*request), "{}");
    EXPECT_TRUE(std::any_of(std::begin(kBotocoreRequests), std::end(kBotocoreRequests),
                            [&](const RequestCase& c) { return c.action == action; }));
  }
}

TEST(QueryRequest, UnknownActionIsInvalidAction) {
  auto request = query_to_json_request("SendMessages", {});
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code(), Errc::kInvalidAction);
  EXPECT_NE(request.error().message().find("SendMessages"), std::string::npos);
}

TEST(QueryRequest, OrdersListsByIndexWithGapsAndOutOfOrder) {
  EXPECT_EQ(decode("GetQueueAttributes", "AttributeName.7=g&AttributeName.1=a&AttributeName.3=c"),
            canonical(R"({"AttributeNames": ["a", "c", "g"]})"));
  EXPECT_EQ(decode("SetQueueAttributes",
                   "Attribute.5.Value=2&Attribute.2.Name=B&Attribute.5.Name=E&Attribute.2.Value=1"),
            canonical(R"({"Attributes": {"B": "1", "E": "2"}})"));
}

TEST(QueryRequest, TenSortsAfterNineNotAfterOne) {
  std::string form;
  for (int n : {1, 10, 11, 12, 2, 3, 4, 5, 6, 7, 8, 9}) {
    form += "TagKey." + std::to_string(n) + "=k" + std::to_string(n) + "&";
  }
  EXPECT_EQ(decode("UntagQueue", form),
            canonical(R"({"TagKeys": ["k1","k2","k3","k4","k5","k6","k7","k8","k9","k10","k11","k12"]})"));

  // Batch entries listed 11 down to 1: Entries still come out 1..11, in order.
  form.clear();
  for (int n = 11; n >= 1; --n) {
    form += "SendMessageBatchRequestEntry." + std::to_string(n) + ".Id=e" + std::to_string(n) + "&";
  }
  auto request = query_to_json_request("SendMessageBatch", parse_form(form));
  ASSERT_TRUE(request) << request.error().to_string();
  const Json* entries = request->find("Entries");
  ASSERT_NE(entries, nullptr);
  ASSERT_EQ(entries->items().size(), 11u);
  for (size_t i = 0; i < 11; ++i) {
    const Json* id = entries->items()[i].find("Id");
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->text(), "e" + std::to_string(i + 1));
  }
}

TEST(QueryRequest, KeepsNonIntegerIntegerMembersAsStringsForTheHandler) {
  EXPECT_EQ(
      decode("ReceiveMessage", "MaxNumberOfMessages=ten&VisibilityTimeout=1.5&WaitTimeSeconds="),
      canonical(R"({"MaxNumberOfMessages": "ten", "VisibilityTimeout": "1.5", "WaitTimeSeconds": ""})"));
  EXPECT_EQ(decode("SendMessage", "DelaySeconds=99999999999999999999"),
            canonical(R"({"DelaySeconds": "99999999999999999999"})"));
  EXPECT_EQ(decode("SendMessage", "DelaySeconds=%2B5"), canonical(R"({"DelaySeconds": "+5"})"));
  EXPECT_EQ(decode("SendMessage", "DelaySeconds=-5"), canonical(R"({"DelaySeconds": -5})"));
  EXPECT_EQ(decode("ListQueues", "MaxResults=0010"), canonical(R"({"MaxResults": 10})"));
  EXPECT_EQ(decode("SendMessageBatch", "SendMessageBatchRequestEntry.1.DelaySeconds=soon"),
            canonical(R"({"Entries": [{"DelaySeconds": "soon"}]})"));
}

TEST(QueryRequest, EmptyRequestIsAnEmptyObject) {
  EXPECT_EQ(decode("ReceiveMessage", ""), "{}");
  EXPECT_EQ(decode("ReceiveMessage", "Action=ReceiveMessage&Version=2012-11-05"), "{}");
}

TEST(QueryRequest, IgnoresSignatureAndUnknownParameters) {
  EXPECT_EQ(decode("GetQueueUrl",
                   "Action=GetQueueUrl&Version=2012-11-05&QueueName=q&"
                   "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fsqs%"
                   "2Faws4_request&"
                   "X-Amz-Date=20240101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc&"
                   "X-Amz-Security-Token=t&AWSAccessKeyId=AKID&SignatureVersion=2&"
                   "SignatureMethod=HmacSHA256&Signature=xyz&Timestamp=2024-01-01T00%3A00%3A00Z&"
                   "Expires=2024-01-02T00%3A00%3A00Z&Bogus=1&Foo.x.Bar=2&QueueName.1=ignored"),
            canonical(R"({"QueueName": "q"})"));
  // A name the action does not have is ignored even when another action has it.
  EXPECT_EQ(decode("DeleteQueue", "QueueUrl=u&Attribute.x.Name=A&MessageBody=b"),
            canonical(R"({"QueueUrl": "u"})"));
  // A list name without an index carries no entries.
  EXPECT_EQ(decode("GetQueueAttributes", "AttributeName=All"), "{}");
}

// Old botocore's Query serializer, given an empty list, sends the bare member name:
//   AttributeNames=[] → "AttributeNames=", Entries=[] → "Entries=".
TEST(QueryRequest, BareEmptyListMemberNameIsAnEmptyList) {
  EXPECT_EQ(
      decode("GetQueueAttributes", "Action=GetQueueAttributes&Version=2012-11-05&QueueUrl=u&AttributeNames="),
      canonical(R"({"QueueUrl": "u", "AttributeNames": []})"));
  EXPECT_EQ(decode("SendMessageBatch", "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=u&Entries="),
            canonical(R"({"QueueUrl": "u", "Entries": []})"));
  // With a value it is not the empty-list form; ignored like other unknown names.
  EXPECT_EQ(decode("UntagQueue", "TagKeys=env"), "{}");
  // Indexed entries win over the marker.
  EXPECT_EQ(decode("UntagQueue", "TagKeys=&TagKey.1=env"), canonical(R"({"TagKeys": ["env"]})"));
}

TEST(QueryRequest, FirstOccurrenceOfARepeatedNameWins) {
  EXPECT_EQ(decode("GetQueueUrl", "QueueName=first&QueueName=second"),
            canonical(R"({"QueueName": "first"})"));
}

TEST(QueryRequest, DecodesUnicodePlusAndPercentThroughParseForm) {
  EXPECT_EQ(
      decode(
          "SendMessage",
          "MessageBody=a+b%2Bc%25d%20%F0%9F%98%80&MessageAttribute.1.Name=%E5%90%8D&"
          "MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=%C3%A9+%E2%82%AC"),
      canonical(R"({"MessageBody": "a b+c%d 😀",
                          "MessageAttributes": {"名": {"DataType": "String", "StringValue": "é €"}}})"));
}

TEST(QueryRequest, MessageAttributeValuesKeepBase64AndListValues) {
  EXPECT_EQ(
      decode("SendMessage",
             "MessageAttribute.1.Name=b&MessageAttribute.1.Value.DataType=Binary&"
             "MessageAttribute.1.Value.BinaryValue=AAEC%2F%2B8%3D&"
             "MessageAttribute.2.Name=l&MessageAttribute.2.Value.DataType=String&"
             "MessageAttribute.2.Value.StringListValue.2=y&MessageAttribute.2.Value.StringListValue.1=x"),
      canonical(R"({"MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": "AAEC/+8="},
                                                "l": {"DataType": "String", "StringListValues": ["x", "y"]}}})"));
}

TEST(QueryRequest, MessageAttributeWithoutValueIsLeftForTheHandler) {
  // The handler reports the missing DataType, as it does for a JSON request.
  EXPECT_EQ(decode("SendMessage", "MessageAttribute.1.Name=x"),
            canonical(R"({"MessageAttributes": {"x": {}}})"));
}

void expect_invalid(std::string_view action, std::string_view form, std::vector<std::string_view> mentions) {
  auto request = query_to_json_request(action, parse_form(form));
  ASSERT_FALSE(request) << form << " decoded to " << to_json(*request);
  EXPECT_EQ(request.error().code(), Errc::kInvalidArgument) << request.error().to_string();
  for (std::string_view text : mentions) {
    EXPECT_NE(request.error().message().find(text), std::string::npos)
        << "'" << request.error().message() << "' does not mention " << text;
  }
}

TEST(QueryRequest, RejectsMalformedIndicesNamingTheParameter) {
  expect_invalid("SetQueueAttributes", "Attribute.x.Name=A&Attribute.x.Value=1", {"Attribute.x.Name", "'x'"});
  expect_invalid("SetQueueAttributes", "Attribute.0.Name=A&Attribute.0.Value=1", {"Attribute.0.Name"});
  expect_invalid("SetQueueAttributes", "Attribute.01.Name=A&Attribute.01.Value=1", {"Attribute.01.Name"});
  expect_invalid("SetQueueAttributes", "Attribute..Name=A", {"Attribute..Name"});
  expect_invalid("GetQueueAttributes", "AttributeName.-1=All", {"AttributeName.-1"});
  expect_invalid("DeleteMessageBatch", "DeleteMessageBatchRequestEntry.first.Id=a",
                 {"DeleteMessageBatchRequestEntry.first.Id"});
  expect_invalid(
      "SendMessageBatch",
      "SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.2.MessageAttribute.y.Name=n",
      {"SendMessageBatchRequestEntry.2.MessageAttribute.y.Name"});
}

TEST(QueryRequest, RejectsMapEntriesMissingTheirKeyOrValue) {
  expect_invalid("SetQueueAttributes", "Attribute.1.Value=40", {"Attribute.1.Value", "Attribute.1.Name"});
  expect_invalid("SetQueueAttributes", "Attribute.1.Name=VisibilityTimeout",
                 {"Attribute.1.Name", "Attribute.1.Value"});
  expect_invalid("TagQueue", "Tag.1.Value=prod", {"Tag.1.Value", "Tag.1.Key"});
  expect_invalid("CreateQueue", "QueueName=q&Tag.2.Key=a&Tag.2.Value=b&Tag.3.Name=c&Tag.3.Value=d",
                 {"Tag.3.Key"});
  expect_invalid("SendMessage", "MessageAttribute.1.Value.DataType=String", {"MessageAttribute.1.Name"});
  expect_invalid("SendMessageBatch",
                 "SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.DataType=String",
                 {"SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Name"});
}

// ---- Responses ----

struct ResponseCase {
  std::string_view action;
  std::string_view result_json;
  // Exact expected XML; empty where only the botocore round trip checks the case.
  std::string_view pinned_xml;
};

constexpr std::string_view kRequestId = "5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60";

// Every case's XML (pinned or not) is parsed by old botocore's Query response parser back
// into the values of its result_json:
//   SPOOL_QUERY_XML_DUMP=/tmp/cases.json spool_api_tests --gtest_filter='QueryXml*'
//   /usr/bin/python3 tests/api/query_xml_check.py check /tmp/cases.json
// (Empty lists leave no trace in XML, so botocore reads them back as absent.)
constexpr ResponseCase kResponses[] = {
    {"AddPermission", "{}", ""},
    {"CancelMessageMoveTask", R"({"ApproximateNumberOfMessagesMoved": 42})", ""},
    {"ChangeMessageVisibility", "{}", ""},
    {"ChangeMessageVisibilityBatch",
     R"({"Successful": [{"Id": "a"}],
         "Failed": [{"Id": "b", "SenderFault": true, "Code": "ReceiptHandleIsInvalid",
                     "Message": "The input receipt handle \"x\" is not a valid receipt handle."}]})",
     ""},
    {"CreateQueue", R"({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"})", ""},
    {"DeleteMessage", "{}", ""},
    {"DeleteMessageBatch",
     R"({"Successful": [{"Id": "m1"}],
         "Failed": [{"Id": "m2", "SenderFault": false, "Code": "InternalError", "Message": "try again"}]})",
     ""},
    {"DeleteMessageBatch", R"({"Successful": [{"Id": "m1"}, {"Id": "m2"}], "Failed": []})", ""},
    {"DeleteQueue", "{}",
     "<?xml version=\"1.0\"?>"
     "<DeleteQueueResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</DeleteQueueResponse>"},
    {"GetQueueAttributes",
     R"({"Attributes": {"VisibilityTimeout": "30",
                        "QueueArn": "arn:aws:sqs:us-east-1:123456789012:orders",
                        "RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":5}"}})",
     "<?xml version=\"1.0\"?>"
     "<GetQueueAttributesResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<GetQueueAttributesResult>"
     "<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>"
     "<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:us-east-1:123456789012:orders"
     "</Value></Attribute>"
     "<Attribute><Name>RedrivePolicy</Name><Value>"
     "{&quot;deadLetterTargetArn&quot;:&quot;arn:aws:sqs:us-east-1:123456789012:dlq&quot;,&quot;"
     "maxReceiveCount&quot;:5}"
     "</Value></Attribute>"
     "</GetQueueAttributesResult>"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</GetQueueAttributesResponse>"},
    {"GetQueueUrl", R"({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"})", ""},
    {"ListDeadLetterSourceQueues",
     R"({"queueUrls": ["https://sqs.us-east-1.amazonaws.com/123456789012/a",
                       "https://sqs.us-east-1.amazonaws.com/123456789012/b"],
         "NextToken": "next/1="})",
     ""},
    {"ListMessageMoveTasks",
     R"({"Results": [{"TaskHandle": "eyJ0YXNrSWQiOiIxIn0=", "Status": "RUNNING",
                      "SourceArn": "arn:aws:sqs:us-east-1:123456789012:dlq",
                      "DestinationArn": "arn:aws:sqs:us-east-1:123456789012:orders",
                      "MaxNumberOfMessagesPerSecond": 50, "ApproximateNumberOfMessagesMoved": 3,
                      "ApproximateNumberOfMessagesToMove": 10, "StartedTimestamp": 1700000000000},
                     {"Status": "FAILED", "SourceArn": "arn:aws:sqs:us-east-1:123456789012:dlq",
                      "ApproximateNumberOfMessagesMoved": 0, "FailureReason": "AccessDenied",
                      "StartedTimestamp": 1690000000000}]})",
     ""},
    {"ListQueueTags", R"({"Tags": {"env": "prod", "owner": "a&b <ops>"}})",
     "<?xml version=\"1.0\"?>"
     "<ListQueueTagsResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<ListQueueTagsResult>"
     "<Tag><Key>env</Key><Value>prod</Value></Tag>"
     "<Tag><Key>owner</Key><Value>a&amp;b &lt;ops&gt;</Value></Tag>"
     "</ListQueueTagsResult>"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</ListQueueTagsResponse>"},
    {"ListQueues",
     R"({"QueueUrls": ["https://sqs.us-east-1.amazonaws.com/123456789012/a",
                       "https://sqs.us-east-1.amazonaws.com/123456789012/b"]})",
     "<?xml version=\"1.0\"?>"
     "<ListQueuesResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<ListQueuesResult>"
     "<QueueUrl>https://sqs.us-east-1.amazonaws.com/123456789012/a</QueueUrl>"
     "<QueueUrl>https://sqs.us-east-1.amazonaws.com/123456789012/b</QueueUrl>"
     "</ListQueuesResult>"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</ListQueuesResponse>"},
    {"ListQueues",
     R"({"QueueUrls": ["https://sqs.us-east-1.amazonaws.com/123456789012/a"], "NextToken": "bmV4dA=="})", ""},
    {"ListQueues", "{}", ""},
    {"PurgeQueue", "{}", ""},
    {"ReceiveMessage",
     R"({"Messages": [
          {"MessageId": "0f3a2c1e-1111-4222-8333-944455556666", "ReceiptHandle": "AQEB+x/y==",
           "MD5OfBody": "3e8f4ce1bbbf5b5a3c6ba1a3ad4d7bbd", "Body": "héllo & <wörld>\r\n",
           "Attributes": {"SenderId": "AIDAEXAMPLE", "SentTimestamp": "1700000000000",
                          "ApproximateReceiveCount": "1"},
           "MD5OfMessageAttributes": "d25a6aea97eb8f585bfa92d314504a92",
           "MessageAttributes": {"color": {"StringValue": "blü", "DataType": "String"},
                                 "blob": {"BinaryValue": "AP8Q", "DataType": "Binary"}}},
          {"MessageId": "1a2b3c4d-0000-4000-8000-000000000000", "ReceiptHandle": "h2",
           "MD5OfBody": "9dd4e461268c8034f5c8564e155c67a6", "Body": "x",
           "MessageAttributes": {"lists": {"StringListValues": ["p", "q"], "BinaryListValues": ["AQ=="],
                                           "DataType": "String"}}}]})",
     "<?xml version=\"1.0\"?>"
     "<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<ReceiveMessageResult>"
     "<Message><MessageId>0f3a2c1e-1111-4222-8333-944455556666</MessageId><ReceiptHandle>"
     "AQEB+x/y==</ReceiptHandle><MD5OfBody>3e8f4ce1bbbf5b5a3c6ba1a3ad4d7bbd</MD5OfBody>"
     "<Body>héllo &amp; &lt;wörld&gt;&#xD;\n</Body>"
     "<Attribute><Name>SenderId</Name><Value>AIDAEXAMPLE</Value></Attribute>"
     "<Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute>"
     "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"
     "<MD5OfMessageAttributes>d25a6aea97eb8f585bfa92d314504a92</MD5OfMessageAttributes>"
     "<MessageAttribute><Name>color</Name><Value><StringValue>blü</StringValue><DataType>"
     "String</DataType></Value></MessageAttribute>"
     "<MessageAttribute><Name>blob</Name><Value><BinaryValue>AP8Q</BinaryValue><DataType>"
     "Binary</DataType></Value></MessageAttribute></Message>"
     "<Message><MessageId>1a2b3c4d-0000-4000-8000-000000000000</MessageId><ReceiptHandle>h2"
     "</ReceiptHandle><MD5OfBody>9dd4e461268c8034f5c8564e155c67a6</MD5OfBody>"
     "<Body>x</Body>"
     "<MessageAttribute><Name>lists</Name><Value><StringListValue>p</StringListValue>"
     "<StringListValue>q</StringListValue><BinaryListValue>AQ==</BinaryListValue><DataType>"
     "String</DataType></Value></MessageAttribute></Message>"
     "</ReceiveMessageResult>"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</ReceiveMessageResponse>"},
    {"ReceiveMessage", "{}",
     "<?xml version=\"1.0\"?>"
     "<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<ReceiveMessageResult>"
     "</ReceiveMessageResult>"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</ReceiveMessageResponse>"},
    {"RemovePermission", "{}", ""},
    {"SendMessage",
     R"({"MD5OfMessageBody": "fafb00f5732ab283681e124bf8747ed1",
         "MD5OfMessageAttributes": "3ae8f24a165a8cedc005670c81a27295",
         "MD5OfMessageSystemAttributes": "5ae4d5d7636402d80f4eb6d213245a88",
         "MessageId": "219f8380-5770-4cc2-8c3e-5c715e145f5e", "SequenceNumber": "18849496460467696128"})",
     ""},
    {"SendMessageBatch",
     R"({"Successful": [{"Id": "first", "MessageId": "b7f2e1a0-0000-4000-8000-000000000001",
                         "MD5OfMessageBody": "f97c5d29941bfb1b2fdab0874906ab82"},
                        {"Id": "second", "MessageId": "b7f2e1a0-0000-4000-8000-000000000002",
                         "MD5OfMessageBody": "b8a9f715dbb64fd5c56e7783c6820a61",
                         "MD5OfMessageAttributes": "3ae8f24a165a8cedc005670c81a27295",
                         "MD5OfMessageSystemAttributes": "5ae4d5d7636402d80f4eb6d213245a88",
                         "SequenceNumber": "18849496460467696129"}],
         "Failed": [{"Id": "third", "SenderFault": true, "Code": "InvalidMessageContents",
                     "Message": "Invalid binary character '#x0' was found in the message body."}]})",
     "<?xml version=\"1.0\"?>"
     "<SendMessageBatchResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
     "<SendMessageBatchResult>"
     "<SendMessageBatchResultEntry><Id>first</Id><MessageId>"
     "b7f2e1a0-0000-4000-8000-000000000001</MessageId><MD5OfMessageBody>"
     "f97c5d29941bfb1b2fdab0874906ab82</MD5OfMessageBody></SendMessageBatchResultEntry>"
     "<SendMessageBatchResultEntry><Id>second</Id><MessageId>"
     "b7f2e1a0-0000-4000-8000-000000000002</MessageId><MD5OfMessageBody>"
     "b8a9f715dbb64fd5c56e7783c6820a61</MD5OfMessageBody>"
     "<MD5OfMessageAttributes>3ae8f24a165a8cedc005670c81a27295</MD5OfMessageAttributes>"
     "<MD5OfMessageSystemAttributes>5ae4d5d7636402d80f4eb6d213245a88"
     "</MD5OfMessageSystemAttributes><SequenceNumber>18849496460467696129</SequenceNumber>"
     "</SendMessageBatchResultEntry>"
     "<BatchResultErrorEntry><Id>third</Id><SenderFault>true</SenderFault><Code>"
     "InvalidMessageContents</Code>"
     "<Message>Invalid binary character &apos;#x0&apos; was found in the message body."
     "</Message></BatchResultErrorEntry>"
     "</SendMessageBatchResult>"
     "<ResponseMetadata><RequestId>5b0f8d3e-6c0b-4c1f-9a7e-1d2c3b4a5f60</RequestId>"
     "</ResponseMetadata>"
     "</SendMessageBatchResponse>"},
    {"SetQueueAttributes", "{}", ""},
    {"StartMessageMoveTask", R"({"TaskHandle": "eyJ0YXNrSWQiOiIxIn0="})", ""},
    {"TagQueue", "{}", ""},
    {"UntagQueue", "{}", ""},
};

TEST(QueryXml, RendersEveryResponseCaseAsPinned) {
  for (const ResponseCase& c : kResponses) {
    SCOPED_TRACE(c.action);
    std::string xml = json_response_to_xml(c.action, json(c.result_json), std::string(kRequestId));
    if (!c.pinned_xml.empty()) {
      EXPECT_EQ(xml, c.pinned_xml);
    }
  }
}

TEST(QueryXml, EverySqsActionHasAResponseCase) {
  for (std::string_view action : sqs_action_names()) {
    EXPECT_TRUE(std::any_of(std::begin(kResponses), std::end(kResponses), [&](const ResponseCase& c) {
      return c.action == action;
    })) << action;
  }
}

// The XML between <{Action}Result> and </{Action}Result>.
std::string result_body(std::string_view action, std::string_view result_json) {
  std::string xml = json_response_to_xml(action, json(result_json), "r");
  std::string open = "<" + std::string(action) + "Result>";
  size_t begin = xml.find(open);
  size_t end = xml.find("</" + std::string(action) + "Result>");
  if (begin == std::string::npos || end == std::string::npos) return "(no result element) " + xml;
  return xml.substr(begin + open.size(), end - begin - open.size());
}

TEST(QueryXml, ActionsWithoutOutputHaveNoResultElement) {
  for (std::string_view action : {"DeleteQueue", "SetQueueAttributes", "TagQueue", "PurgeQueue"}) {
    std::string xml = json_response_to_xml(action, Json::object(), "r");
    EXPECT_EQ(xml.find("Result>"), std::string::npos) << xml;
  }
}

TEST(QueryXml, RendersMembersInModelOrderWhateverTheJsonOrder) {
  EXPECT_EQ(result_body("SendMessage", R"({"MessageId": "m", "MD5OfMessageBody": "5"})"),
            "<MD5OfMessageBody>5</MD5OfMessageBody><MessageId>m</MessageId>");
  EXPECT_EQ(
      result_body("ReceiveMessage",
                  R"({"Messages": [{"MessageAttributes": {"a": {"DataType": "Number", "StringValue": "1"}},
                                          "Body": "b", "MessageId": "m"}]})"),
      "<Message><MessageId>m</MessageId><Body>b</Body><MessageAttribute><Name>a</Name>"
      "<Value><StringValue>1</StringValue><DataType>Number</DataType></Value></MessageAttribute></Message>");
}

TEST(QueryXml, EmptyListsAndMapsLeaveNoElements) {
  EXPECT_EQ(result_body("DeleteMessageBatch", R"({"Successful": [], "Failed": []})"), "");
  EXPECT_EQ(result_body("GetQueueAttributes", R"({"Attributes": {}})"), "");
}

TEST(QueryXml, RendersBooleansNumbersAndListValues) {
  EXPECT_EQ(result_body("ChangeMessageVisibilityBatch",
                        R"({"Failed": [{"Id": "x", "SenderFault": false, "Code": "c", "Message": ""}]})"),
            "<BatchResultErrorEntry><Id>x</Id><SenderFault>false</SenderFault><Code>c</Code>"
            "<Message></Message></BatchResultErrorEntry>");
  EXPECT_EQ(result_body("CancelMessageMoveTask", R"({"ApproximateNumberOfMessagesMoved": 7})"),
            "<ApproximateNumberOfMessagesMoved>7</ApproximateNumberOfMessagesMoved>");
  EXPECT_EQ(
      result_body("ReceiveMessage",
                  R"({"Messages": [{"MessageAttributes": {"l": {"DataType": "String",
                                                                      "StringListValues": ["p", "q"]}}}]})"),
      "<Message><MessageAttribute><Name>l</Name><Value><StringListValue>p</StringListValue>"
      "<StringListValue>q</StringListValue><DataType>String</DataType></Value></MessageAttribute></Message>");
}

TEST(QueryXml, EscapesEveryTextIncludingCarriageReturnAndRequestId) {
  EXPECT_EQ(result_body("GetQueueAttributes", R"({"Attributes": {"Policy": "a<b>&\"'\r\n"}})"),
            "<Attribute><Name>Policy</Name><Value>a&lt;b&gt;&amp;&quot;&apos;&#xD;\n</Value></Attribute>");
  std::string xml = json_response_to_xml("PurgeQueue", Json::object(), "<id&>");
  EXPECT_NE(xml.find("<RequestId>&lt;id&amp;&gt;</RequestId>"), std::string::npos) << xml;
}

TEST(QueryXml, KeepsMembersTheTableDoesNotKnowUnderTheirJsonNames) {
  EXPECT_EQ(result_body("CreateQueue", R"({"Extra": {"A": ["x", "y"]}, "QueueUrl": "u"})"),
            "<QueueUrl>u</QueueUrl><Extra><A>x</A><A>y</A></Extra>");
}

// Writes every case for tests/api/query_xml_check.py when SPOOL_QUERY_XML_DUMP names a
// file: [{"action", "request_id", "result", "xml"}, ...].
TEST(QueryXml, DumpsEveryCaseForTheBotocoreCheck) {
  const char* path = std::getenv("SPOOL_QUERY_XML_DUMP");
  if (path == nullptr) {
    GTEST_SKIP() << "set SPOOL_QUERY_XML_DUMP=<file> to write the cases";
  }
  std::string dump = "[";
  for (const ResponseCase& c : kResponses) {
    if (dump.size() > 1) dump += ",\n";
    std::string xml = json_response_to_xml(c.action, json(c.result_json), std::string(kRequestId));
    dump += "{\"action\":";
    append_json_string(dump, c.action);
    dump += ",\"request_id\":";
    append_json_string(dump, kRequestId);
    dump += ",\"result\":" + to_json(json(c.result_json)) + ",\"xml\":";
    append_json_string(dump, xml);
    dump += "}";
  }
  dump += "]\n";
  std::ofstream out(path, std::ios::binary);
  out << dump;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

}  // namespace
}  // namespace spool
