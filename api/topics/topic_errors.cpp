#include "api/topics/topic_errors.h"

#include "common/check.h"

namespace spool {

// No default: -Wswitch flags any Errc nobody has mapped yet.
TopicError topic_error_for(Errc code) {
  switch (code) {
    case Errc::kOk:
      break;
    case Errc::kInvalidArgument:
    case Errc::kMissingParameter:
    case Errc::kInvalidAction:
    case Errc::kInvalidAttributeName:
    case Errc::kInvalidAttributeValue:
    case Errc::kInvalidMessageContents:
    case Errc::kEmptyBatchRequest:
    case Errc::kTooManyEntriesInBatch:
    case Errc::kBatchEntryIdsNotDistinct:
    case Errc::kInvalidBatchEntryId:
    case Errc::kBatchRequestTooLong:
    case Errc::kInvalidAddress:
    case Errc::kReceiptHandleInvalid:
    case Errc::kMessageNotInflight:
      return {400, "invalid_request"};
    case Errc::kInvalidTopicName: return {400, "invalid_topic_name"};
    case Errc::kInvalidPartitions: return {400, "invalid_partitions"};
    case Errc::kInvalidConfig: return {400, "invalid_config"};
    case Errc::kUnsupportedConfig: return {400, "unsupported_config"};
    case Errc::kInvalidRecord: return {400, "invalid_record"};
    case Errc::kInvalidTimestamp: return {400, "invalid_timestamp"};
    case Errc::kInvalidGroupId: return {400, "invalid_group_id"};
    case Errc::kInvalidSessionTimeout: return {400, "invalid_session_timeout"};
    case Errc::kGroupNotFound: return {404, "group_not_found"};
    case Errc::kUnknownMember: return {404, "unknown_member"};
    case Errc::kGroupNotEmpty: return {409, "group_not_empty"};
    case Errc::kPartitionNotAssigned: return {409, "partition_not_assigned"};
    case Errc::kUnauthenticated:
    case Errc::kSignatureMismatch:
    case Errc::kIncompleteSignature:
    case Errc::kMissingAuthentication:
      return {401, "unauthenticated"};
    case Errc::kPermissionDenied: return {403, "forbidden"};
    case Errc::kTopicNotFound: return {404, "topic_not_found"};
    case Errc::kPartitionNotFound: return {404, "partition_not_found"};
    case Errc::kNotFound:
    case Errc::kQueueNotFound:
      return {404, "not_found"};
    case Errc::kAlreadyExists: return {409, "topic_exists"};
    case Errc::kPurgeInProgress:
    case Errc::kQueueDeletedRecently:
      return {409, "conflict"};
    case Errc::kRecordTooLarge: return {413, "record_too_large"};
    case Errc::kRequestTooLarge: return {413, "request_too_large"};
    case Errc::kOffsetOutOfRange: return {416, "offset_out_of_range"};
    case Errc::kResourceExhausted:
    case Errc::kThrottled:
      return {429, "throttled"};
    case Errc::kUnsupported: return {400, "unsupported"};
    case Errc::kNoSpace: return {503, "storage_full"};
    case Errc::kUnavailable: return {503, "unavailable"};
    case Errc::kCorruption:
    case Errc::kIoError:
    case Errc::kInternal:
      return {500, "internal"};
  }
  SPOOL_CHECK(code != Errc::kOk);
  return {500, "internal"};
}

HttpResponse topic_error_response(int http_status, std::string_view code, const std::string& message,
                                  const std::string& request_id, const Json& details) {
  Json body = Json::object();
  body.set("error_code", Json::string(std::string(code)));
  body.set("message", Json::string(message));
  body.set("request_id", Json::string(request_id));
  if (details.is_object()) {
    for (const auto& [name, value] : details.members()) body.set(name, value);
  }
  HttpResponse r;
  r.status = http_status;
  r.content_type = "application/json; charset=utf-8";
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.body = to_json(body);
  return r;
}

HttpResponse topic_error_response(const Status& status, const std::string& request_id, const Json& details) {
  TopicError e = topic_error_for(status.code());
  return topic_error_response(e.http_status, e.code, status.message(), request_id, details);
}

}  // namespace spool
