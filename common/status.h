#pragma once

// Status and Result<T>: how every layer below api/ reports failure.
//
// A Status is cheap when OK (no allocation) and carries an Errc plus a message for
// people otherwise. Errc names what went wrong in Spool's words; api/sqs_errors.cpp maps
// each value to exactly one SQS error. Add a value only when a failure needs a
// different answer on the wire.
//
// Result<T> holds a T or a non-OK Status. Its member names follow std::expected so that
// moving to it (C++23) is a one-line alias.
//
// Thread safety: plain values; distinct objects may be used from distinct threads.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace spool {

enum class Errc {
  kOk,
  kInvalidArgument,     // a request value out of range or malformed
  kMissingParameter,    // a required request value is absent
  kInvalidAction,       // the request names no action we know
  kUnsupported,         // a known action or feature Spool does not offer (yet)
  kNotFound,            // a named resource does not exist (non-queue)
  kQueueNotFound,
  kAlreadyExists,
  kUnauthenticated,     // credentials missing or wrong
  kPermissionDenied,
  kResourceExhausted,   // a quota or limit was reached
  kNoSpace,             // the disk is full; writes are refused until space returns
  kCorruption,          // stored bytes fail their checks
  kIoError,             // the operating system refused a file operation
  kUnavailable,         // a dependency (PostgreSQL, a shard) cannot be reached now
  kInternal,            // a bug or an unexpected library failure

  // Failures SQS reports with a code of their own (api/sqs_errors.cpp).
  kInvalidAttributeName,      // unknown or read-only queue attribute name
  kInvalidAttributeValue,     // queue attribute value out of range or malformed
  kInvalidMessageContents,    // a character SQS does not allow in a body or attribute
  kQueueDeletedRecently,      // same name within 60 s of a deletion
  kPurgeInProgress,           // a second purge within 60 s
  kReceiptHandleInvalid,      // malformed, forged or from another queue
  kMessageNotInflight,        // ChangeMessageVisibility on a message not in flight
  kEmptyBatchRequest,
  kTooManyEntriesInBatch,
  kBatchEntryIdsNotDistinct,
  kInvalidBatchEntryId,
  kBatchRequestTooLong,
  kThrottled,                 // request rate over the tenant's quota; SDKs retry
  kInvalidAddress,            // a queue URL that is not one

  // SigV4 verification (auth/sigv4.h); kUnauthenticated is the unknown or revoked key.
  kSignatureMismatch,         // signature, date window, credential scope or signed `host` wrong
  kIncompleteSignature,       // Authorization header or presigned parameters malformed
  kMissingAuthentication,     // neither an Authorization header nor presigned parameters
  // Retained topics (spec/topics-api.md section 8; api/topics/topic_errors.cpp).
  kTopicNotFound,
  kPartitionNotFound,
  kOffsetOutOfRange,          // below the log start or above the high watermark
  kInvalidTopicName,
  kInvalidPartitions,         // count outside 1..1024, or not an increase
  kInvalidConfig,             // unknown topic config key or bad value
  kUnsupportedConfig,         // a Kafka setting Spool does not implement yet
  kInvalidRecord,             // bad data form, base64 or header in a produced record
  kInvalidTimestamp,          // record timestamp outside 0 .. now + 1 h
  kRecordTooLarge,            // record over max.message.bytes
  kRequestTooLarge,           // produce call over 10,000 records or 8 MiB
  kInvalidGroupId,
  // Consumer-group membership (spec/topics-api.md section 7).
  kGroupNotFound,             // no live members and no committed offsets
  kGroupNotEmpty,             // a stateless commit, offset delete or reset while members are live
  kUnknownMember,             // member left, expired, or the node restarted: rejoin
  kPartitionNotAssigned,      // a member commits or fetches a partition it does not own
  kInvalidSessionTimeout,     // outside 6,000..1,800,000 ms
};

// The enumerator's name without the leading k, for logs and tests ("QueueNotFound").
std::string_view errc_name(Errc code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == Errc::kOk; }
  Errc code() const { return code_; }
  const std::string& message() const { return message_; }

  // "QueueNotFound: no queue named x" or "OK".
  std::string to_string() const;

  // Marks a status as deliberately ignored.
  void ignore() const {}

 private:
  Errc code_ = Errc::kOk;
  std::string message_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}  // NOLINT: must not be OK
  Result(Errc code, std::string message) : state_(Status(code, std::move(message))) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Requires: !has_value().
  const Status& error() const { return std::get<1>(state_); }
  // The error, or OK when a value is held; handy to forward a Result's failure.
  Status status() const { return has_value() ? Status() : error(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace spool
