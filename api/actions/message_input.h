#pragma once

// Reading a message to send out of a SendMessage request or a SendMessageBatch entry:
// body, message attributes, system attributes and delay, with SQS's validation, into
// the engine's OutgoingMessage. Shared by both send actions so they can't drift apart.

#include "api/actions/action.h"
#include "engine/queue_attributes.h"
#include "engine/shard.h"

namespace spool {

struct PreparedMessage {
  OutgoingMessage message;
  std::string md5_body_hex;
  std::string md5_attributes_hex;         // empty without attributes
  std::string md5_system_attributes_hex;  // empty without AWSTraceHeader
};

// `settings` are the queue's (queue_settings of its attributes), worked out once per
// request rather than once per message of a batch.
Result<PreparedMessage> read_outgoing_message(const ActionContext& ctx, const QueueMeta& queue,
                                              const QueueSettings& settings, const Json& entry);

// A FIFO message's SequenceNumber as clients see it: decimal, 20 digits zero-padded
// (SQS's are 20 digits too; clients treat them as opaque strings that sort).
std::string sequence_number(uint64_t seq);

// Message attributes of a request map {"name": {"DataType", "StringValue" | "BinaryValue"}}.
Result<MessageAttributes> read_message_attributes(const Json& entry, std::string_view member);

// The JSON protocol's form of stored attributes (BinaryValue base64), for receives.
Json message_attributes_json(const MessageAttributes& attributes);

}  // namespace spool
