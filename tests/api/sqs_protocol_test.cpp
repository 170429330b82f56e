#include "api/sqs_protocol.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace spool {
namespace {

HttpRequest json_request(std::string target) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.add_header("x-amz-target", std::move(target));
  r.add_header("content-type", "application/x-amz-json-1.0");
  r.body = "{}";
  return r;
}

TEST(SqsProtocol, ActionListMatchesTheModelAndIsSorted) {
  auto names = sqs_action_names();
  EXPECT_EQ(names.size(), 23u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_TRUE(is_sqs_action("SendMessage"));
  EXPECT_TRUE(is_sqs_action("StartMessageMoveTask"));
  EXPECT_FALSE(is_sqs_action("sendmessage"));
}

TEST(SqsProtocol, JsonCallIsRecognisedByTarget) {
  SqsCall call = classify_sqs_call(json_request("AmazonSQS.ListQueues"));
  EXPECT_EQ(call.protocol, Protocol::kJson);
  EXPECT_EQ(call.action, "ListQueues");
}

TEST(SqsProtocol, JsonCallWithForeignTargetHasNoAction) {
  SqsCall call = classify_sqs_call(json_request("DynamoDB_20120810.ListTables"));
  EXPECT_EQ(call.protocol, Protocol::kJson);
  EXPECT_EQ(call.action, "");
}

TEST(SqsProtocol, QueryCallReadsFormBodyAndQueryString) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/000000000000/orders";
  r.query = "Version=2012-11-05";
  r.add_header("content-type", "application/x-www-form-urlencoded");
  r.body = "Action=SendMessage&MessageBody=hi%21";
  SqsCall call = classify_sqs_call(r);
  EXPECT_EQ(call.protocol, Protocol::kQuery);
  EXPECT_EQ(call.action, "SendMessage");
  ASSERT_NE(find_param(call.params, "Version"), nullptr);
  EXPECT_EQ(*find_param(call.params, "MessageBody"), "hi!");
}

TEST(SqsProtocol, GetQueryCallUsesTheQueryString) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListQueues&Version=2012-11-05";
  SqsCall call = classify_sqs_call(r);
  EXPECT_EQ(call.protocol, Protocol::kQuery);
  EXPECT_EQ(call.action, "ListQueues");
}

TEST(SqsProtocol, SqsPathsAreRootAndQueueUrls) {
  EXPECT_TRUE(is_sqs_path("/"));
  EXPECT_TRUE(is_sqs_path("/000000000000/orders"));
  EXPECT_TRUE(is_sqs_path("/000000000000/orders.fifo/"));
  EXPECT_FALSE(is_sqs_path("/favicon.ico"));
  EXPECT_FALSE(is_sqs_path("/a/b/c"));
  EXPECT_FALSE(is_sqs_path("//b"));
}

TEST(SqsProtocol, JsonErrorHasTypeMessageAndQueryErrorHeader) {
  HttpResponse r = encode_error(Protocol::kJson, sqs_error_for(Errc::kQueueNotFound),
                                "The specified queue does not exist.", "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(r.body,
            "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
            "\"message\":\"The specified queue does not exist.\"}");
  auto has_header = [&](const std::string& name, const std::string& value) {
    return std::find(r.headers.begin(), r.headers.end(), std::make_pair(name, value)) != r.headers.end();
  };
  EXPECT_TRUE(has_header("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"));
  EXPECT_TRUE(has_header("x-amzn-RequestId", "req-1"));
}

TEST(SqsProtocol, XmlErrorIsEscapedAndCarriesTheRequestId) {
  HttpResponse r = encode_error(Protocol::kQuery, sqs_error_for(Errc::kInternal), "a<b & c", "req-2");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>a&lt;b &amp; c</Message>"
            "<Detail/></Error><RequestId>req-2</RequestId></ErrorResponse>");
}

TEST(SqsErrors, EveryErrcMapsToAWireError) {
  for (Errc code : {Errc::kInvalidArgument, Errc::kMissingParameter, Errc::kInvalidAction,
                    Errc::kUnsupported, Errc::kNotFound, Errc::kQueueNotFound, Errc::kAlreadyExists,
                    Errc::kUnauthenticated, Errc::kPermissionDenied, Errc::kResourceExhausted,
                    Errc::kNoSpace, Errc::kCorruption, Errc::kIoError, Errc::kUnavailable,
                    Errc::kInternal, Errc::kInvalidAttributeName, Errc::kInvalidAttributeValue,
                    Errc::kInvalidMessageContents, Errc::kQueueDeletedRecently, Errc::kPurgeInProgress,
                    Errc::kReceiptHandleInvalid, Errc::kMessageNotInflight, Errc::kEmptyBatchRequest,
                    Errc::kTooManyEntriesInBatch, Errc::kBatchEntryIdsNotDistinct,
                    Errc::kInvalidBatchEntryId, Errc::kBatchRequestTooLong, Errc::kThrottled,
                    Errc::kInvalidAddress}) {
    SqsError e = sqs_error_for(code);
    EXPECT_FALSE(e.code.empty());
    EXPECT_GE(e.http_status, 400);
    EXPECT_EQ(e.sender_fault, e.http_status < 500) << errc_name(code);
  }
  EXPECT_EQ(sqs_error_for(Errc::kUnavailable).http_status, 503);
  EXPECT_EQ(sqs_error_for(Errc::kQueueNotFound).code, "AWS.SimpleQueueService.NonExistentQueue");
}

}  // namespace
}  // namespace spool
