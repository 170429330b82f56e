// JSON results -> AWS Query XML responses (api/query_response.cpp), pinned per action
// and dumped for tests/api/query_xml_check.py's botocore round trip. Requests:
// query_request_test.cpp.

#include "api/query_codec.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "api/sqs_protocol.h"
#include "common/json.h"

namespace spool {
namespace {

Json json(std::string_view text) {
  auto parsed = parse_json(text);
  EXPECT_TRUE(parsed) << parsed.error().to_string() << " in " << text;
  return parsed ? *parsed : Json();
}

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
