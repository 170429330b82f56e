#include "common/status.h"

namespace spool {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::kOk: return "OK";
    case Errc::kInvalidArgument: return "InvalidArgument";
    case Errc::kMissingParameter: return "MissingParameter";
    case Errc::kInvalidAction: return "InvalidAction";
    case Errc::kUnsupported: return "Unsupported";
    case Errc::kNotFound: return "NotFound";
    case Errc::kQueueNotFound: return "QueueNotFound";
    case Errc::kAlreadyExists: return "AlreadyExists";
    case Errc::kUnauthenticated: return "Unauthenticated";
    case Errc::kPermissionDenied: return "PermissionDenied";
    case Errc::kResourceExhausted: return "ResourceExhausted";
    case Errc::kNoSpace: return "NoSpace";
    case Errc::kCorruption: return "Corruption";
    case Errc::kIoError: return "IoError";
    case Errc::kUnavailable: return "Unavailable";
    case Errc::kInternal: return "Internal";
    case Errc::kInvalidAttributeName: return "InvalidAttributeName";
    case Errc::kInvalidAttributeValue: return "InvalidAttributeValue";
    case Errc::kInvalidMessageContents: return "InvalidMessageContents";
    case Errc::kQueueDeletedRecently: return "QueueDeletedRecently";
    case Errc::kPurgeInProgress: return "PurgeInProgress";
    case Errc::kReceiptHandleInvalid: return "ReceiptHandleInvalid";
    case Errc::kMessageNotInflight: return "MessageNotInflight";
    case Errc::kEmptyBatchRequest: return "EmptyBatchRequest";
    case Errc::kTooManyEntriesInBatch: return "TooManyEntriesInBatch";
    case Errc::kBatchEntryIdsNotDistinct: return "BatchEntryIdsNotDistinct";
    case Errc::kInvalidBatchEntryId: return "InvalidBatchEntryId";
    case Errc::kBatchRequestTooLong: return "BatchRequestTooLong";
    case Errc::kThrottled: return "Throttled";
    case Errc::kInvalidAddress: return "InvalidAddress";
    case Errc::kSignatureMismatch: return "SignatureMismatch";
    case Errc::kIncompleteSignature: return "IncompleteSignature";
    case Errc::kMissingAuthentication: return "MissingAuthentication";
    case Errc::kTopicNotFound: return "TopicNotFound";
    case Errc::kPartitionNotFound: return "PartitionNotFound";
    case Errc::kOffsetOutOfRange: return "OffsetOutOfRange";
    case Errc::kInvalidTopicName: return "InvalidTopicName";
    case Errc::kInvalidPartitions: return "InvalidPartitions";
    case Errc::kInvalidConfig: return "InvalidConfig";
    case Errc::kUnsupportedConfig: return "UnsupportedConfig";
    case Errc::kInvalidRecord: return "InvalidRecord";
    case Errc::kInvalidTimestamp: return "InvalidTimestamp";
    case Errc::kRecordTooLarge: return "RecordTooLarge";
    case Errc::kRequestTooLarge: return "RequestTooLarge";
    case Errc::kInvalidGroupId: return "InvalidGroupId";
    case Errc::kGroupNotFound: return "GroupNotFound";
    case Errc::kGroupNotEmpty: return "GroupNotEmpty";
    case Errc::kUnknownMember: return "UnknownMember";
    case Errc::kPartitionNotAssigned: return "PartitionNotAssigned";
    case Errc::kInvalidSessionTimeout: return "InvalidSessionTimeout";
  }
  return "Unknown";
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string out(errc_name(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace spool
