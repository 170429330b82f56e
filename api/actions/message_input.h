#pragma once

// Reading a message to send out of a SendMessage request or a SendMessageBatch entry:
// body, message attributes, system attributes and delay, with SQS's validation, into
// the engine's OutgoingMessage. Shared by both send actions so they can't drift apart.

#include <span>

#include "api/actions/action.h"
#include "engine/queue_attributes.h"
#include "engine/shard.h"

namespace spool {

struct PreparedMessage {
  OutgoingMessage message;
  std::string md5_attributes_hex;         // empty without attributes
  std::string md5_system_attributes_hex;  // empty without AWSTraceHeader
};

// `settings` are the queue's (queue_settings of its attributes), worked out once per
// request rather than once per message of a batch. The body's MD5 is left to
// digest_bodies, which computes a batch's together. Fills `p` (a fresh one) in place:
// moving a PreparedMessage twice per message was 2% of a batch's instructions. On error
// `p` is partly filled and should be dropped. The body is moved out of `entry`.
Status read_outgoing_message(const ActionContext& ctx, const QueueMeta& queue, const QueueSettings& settings,
                             Json& entry, PreparedMessage& p);

// Sets message.md5_body of each, several digests to a vector register
// (common/md5_lanes.h): a batch's ten bodies cost about what four did one by one.
void digest_bodies(std::span<PreparedMessage> messages);

// A FIFO message's SequenceNumber as clients see it: decimal, 20 digits zero-padded
// (SQS's are 20 digits too; clients treat them as opaque strings that sort).
std::string sequence_number(uint64_t seq);

// Message attributes of a request map {"name": {"DataType", "StringValue" | "BinaryValue"}}.
Result<MessageAttributes> read_message_attributes(const Json& entry, std::string_view member);

// The JSON protocol's form of stored attributes (BinaryValue base64), for receives.
Json message_attributes_json(const MessageAttributes& attributes);

}  // namespace spool
