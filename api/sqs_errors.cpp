#include "api/sqs_errors.h"

#include "common/check.h"

namespace spool {

// No default: -Wall (-Wswitch) flags any Errc nobody has mapped yet.
SqsError sqs_error_for(Errc code) {
  switch (code) {
    case Errc::kOk:
      break;
    case Errc::kInvalidArgument:
      return {"InvalidParameterValue", "InvalidParameterValue", 400, true};
    case Errc::kMissingParameter:
      return {"MissingParameter", "MissingParameter", 400, true};
    case Errc::kInvalidAction:
      return kInvalidActionError;
    case Errc::kUnsupported:
      return {"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400, true};
    case Errc::kNotFound:
      return {"ResourceNotFoundException", "ResourceNotFoundException", 404, true};
    case Errc::kQueueNotFound:
      return {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400, true};
    case Errc::kAlreadyExists:
      return {"QueueNameExists", "QueueAlreadyExists", 400, true};
    case Errc::kUnauthenticated:
      return {"InvalidClientTokenId", "InvalidClientTokenId", 403, true};
    case Errc::kPermissionDenied:
      return {"AccessDenied", "AccessDenied", 403, true};
    case Errc::kResourceExhausted:
      return {"OverLimit", "OverLimit", 403, true};
    case Errc::kNoSpace:
    case Errc::kUnavailable:
      return {"ServiceUnavailable", "ServiceUnavailable", 503, false};
    case Errc::kCorruption:
    case Errc::kIoError:
    case Errc::kInternal:
      return {"InternalFailure", "InternalFailure", 500, false};
    case Errc::kInvalidAttributeName:
      return {"InvalidAttributeName", "InvalidAttributeName", 400, true};
    case Errc::kInvalidAttributeValue:
      return {"InvalidAttributeValue", "InvalidAttributeValue", 400, true};
    case Errc::kInvalidMessageContents:
      return {"InvalidMessageContents", "InvalidMessageContents", 400, true};
    case Errc::kQueueDeletedRecently:
      return {"QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400, true};
    case Errc::kPurgeInProgress:
      return {"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403, true};
    case Errc::kReceiptHandleInvalid:
      return {"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404, true};
    case Errc::kMessageNotInflight:
      return {"MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400, true};
    case Errc::kEmptyBatchRequest:
      return {"EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400, true};
    case Errc::kTooManyEntriesInBatch:
      return {"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
              400, true};
    case Errc::kBatchEntryIdsNotDistinct:
      return {"BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, true};
    case Errc::kInvalidBatchEntryId:
      return {"InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400, true};
    case Errc::kBatchRequestTooLong:
      return {"BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400, true};
    // 403, not the 400 of the JSON-era reference: botocore's legacy retry mode (the
    // default) retries SQS throttling only as RequestThrottled with 403 (its
    // data/_retry.json); standard mode and the JS SDK go by the code alone.
    case Errc::kThrottled:
      return {"RequestThrottled", "RequestThrottled", 403, true};
    case Errc::kInvalidAddress:
      return kInvalidAddressError;
    // SQS answers an expired date ("Signature expired: ...") with SignatureDoesNotMatch
    // 403, not the RequestExpired of AWS's common-errors page (responses quoted in
    // aws/aws-sdk-php#642, celery/kombu#1937, aws/aws-sdk-go#487).
    case Errc::kSignatureMismatch:
      return {"SignatureDoesNotMatch", "SignatureDoesNotMatch", 403, true};
    case Errc::kIncompleteSignature:
      return {"IncompleteSignature", "IncompleteSignature", 403, true};
    case Errc::kMissingAuthentication:
      return {"MissingAuthenticationToken", "MissingAuthenticationToken", 403, true};
    // Topic failures have their own table (api/topics/topic_errors.cpp); no SQS action
    // produces them, so reaching this is a bug.
    case Errc::kTopicNotFound:
    case Errc::kPartitionNotFound:
    case Errc::kOffsetOutOfRange:
    case Errc::kInvalidTopicName:
    case Errc::kInvalidPartitions:
    case Errc::kInvalidConfig:
    case Errc::kUnsupportedConfig:
    case Errc::kInvalidRecord:
    case Errc::kInvalidTimestamp:
    case Errc::kRecordTooLarge:
    case Errc::kRequestTooLarge:
    case Errc::kInvalidGroupId:
    case Errc::kGroupNotFound:
    case Errc::kGroupNotEmpty:
    case Errc::kUnknownMember:
    case Errc::kPartitionNotAssigned:
    case Errc::kInvalidSessionTimeout:
      return {"InternalFailure", "InternalFailure", 500, false};
  }
  SPOOL_CHECK(code != Errc::kOk);
  return {"InternalFailure", "InternalFailure", 500, false};
}

}  // namespace spool
