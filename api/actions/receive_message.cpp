#include <algorithm>

#include "api/actions/message_input.h"
#include "common/json_writer.h"
#include "common/random.h"
#include "engine/queue_attributes.h"

namespace spool {
namespace {

constexpr std::string_view kSystemAttributes[] = {
    "SenderId",         "SentTimestamp",   "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",   "MessageDeduplicationId", "MessageGroupId",   "AWSTraceHeader",
    "DeadLetterQueueSourceArn"};

bool wanted(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), "All") != names.end() ||
         std::find(names.begin(), names.end(), name) != names.end();
}

// MessageAttributeNames: "All" or ".*" for every attribute, "prefix.*" for a family,
// else exact names.
bool attribute_selected(const std::vector<std::string>& filters, const std::string& name) {
  for (const std::string& f : filters) {
    if (f == "All" || f == ".*" || f == name) return true;
    if (f.size() > 2 && f.compare(f.size() - 2, 2, ".*") == 0 &&
        name.compare(0, f.size() - 1, f, 0, f.size() - 1) == 0) {
      return true;
    }
  }
  return false;
}

// One message of the response, written straight out: building, encoding and freeing a
// tree was about 15% of a receive-and-delete's instructions (callgrind).
void render(JsonWriter& w, const ActionContext& ctx, bool fifo, const DeliveredMessage& m,
            const std::vector<std::string>& system_names, const std::vector<std::string>& attribute_filters) {
  const EnqueueRecord& r = m.record;
  w.begin_object();
  const std::array<char, 36> id = message_id_chars(r.message_id);
  w.plain_member("MessageId", std::string_view(id.data(), id.size()));
  w.plain_member("ReceiptHandle", m.receipt_handle);  // base64url
  char md5[32];
  hex_encode_to(bytes_view(r.md5_body), md5);
  w.plain_member("MD5OfBody", std::string_view(md5, sizeof md5));
  w.member("Body", r.body);
  bool attributes_open = false;
  for (std::string_view name : kSystemAttributes) {
    if (!wanted(system_names, name)) continue;
    std::string value;
    if (name == "SenderId") value = r.sender_id;
    else if (name == "SentTimestamp") value = std::to_string(r.sent_ms);
    else if (name == "ApproximateReceiveCount") value = std::to_string(m.receive_count);
    else if (name == "ApproximateFirstReceiveTimestamp") value = std::to_string(m.first_receive_ms);
    else if (name == "SequenceNumber") {
      if (!fifo) continue;
      value = sequence_number(m.seq);
    } else if (name == "MessageDeduplicationId") {
      if (!fifo) continue;
      value = r.dedupe_id;
    } else if (name == "MessageGroupId") {
      if (r.group_id.empty()) continue;  // standard queues carry one only when sent with it
      value = r.group_id;
    } else if (name == "AWSTraceHeader") {
      if (r.trace_header.empty()) continue;
      value = r.trace_header;
    } else if (name == "DeadLetterQueueSourceArn") {
      QueueMetaPtr source = r.origin_queue_id == 0 ? nullptr : ctx.engine.find_queue_by_id(r.origin_queue_id);
      if (source == nullptr) continue;  // not moved here, or its source was deleted since
      value = queue_arn_of(ctx, *source);
    }
    if (!attributes_open) {
      w.key("Attributes");
      w.begin_object();
      attributes_open = true;
    }
    w.member(name, value);
  }
  if (attributes_open) w.end_object();
  MessageAttributes selected;
  for (const MessageAttribute& a : r.attributes) {
    if (attribute_selected(attribute_filters, a.name)) selected.push_back(a);
  }
  if (!selected.empty()) {
    // The checksum covers exactly the attributes returned, as SQS computes it.
    w.member("MD5OfMessageAttributes", md5_of_message_attributes(selected));
    w.key("MessageAttributes");
    w.value(message_attributes_json(selected));
  }
  w.end_object();
}

}  // namespace

void receive_message_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto max = optional_int(request, "MaxNumberOfMessages", 1, 10);
  if (!max) return done(max.error());
  auto visibility = optional_int(request, "VisibilityTimeout", 0, 43200);
  if (!visibility) return done(visibility.error());
  auto wait = optional_int(request, "WaitTimeSeconds", 0, 20);
  if (!wait) return done(wait.error());
  auto old_names = string_list(request, "AttributeNames");
  if (!old_names) return done(old_names.error());
  auto new_names = string_list(request, "MessageSystemAttributeNames");
  if (!new_names) return done(new_names.error());
  auto filters = string_list(request, "MessageAttributeNames");
  if (!filters) return done(filters.error());
  std::optional<std::string> attempt = optional_string(request, "ReceiveRequestAttemptId");
  if (attempt && (attempt->empty() || attempt->size() > 128 ||
                  !std::all_of(attempt->begin(), attempt->end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))) {
    return done(Status(Errc::kInvalidArgument, "Value " + *attempt +
                                                   " for parameter ReceiveRequestAttemptId is invalid. Reason: "
                                                   "ReceiveRequestAttemptId can only include alphanumeric and "
                                                   "punctuation characters. 1 to 128 in length."));
  }
  std::vector<std::string> system_names = std::move(*old_names);
  system_names.insert(system_names.end(), new_names->begin(), new_names->end());

  ReceiveOptions options;
  options.max_messages = static_cast<int>(max->value_or(1));
  if (*visibility) options.visibility_timeout_ms = **visibility * 1000;
  int64_t wait_s = wait->has_value() ? **wait
                                     : queue_settings((*queue)->attributes, (*queue)->is_fifo).receive_wait_seconds;
  options.wait_ms = wait_s * 1000;
  const bool fifo = (*queue)->is_fifo;
  if (fifo && attempt) options.attempt_id = std::move(*attempt);  // standard queues ignore it
  ctx.engine.shard_of(**queue).receive(
      (*queue)->queue_id, options,
      [&ctx, fifo, system_names = std::move(system_names), filters = std::move(*filters), done](
          Result<std::vector<DeliveredMessage>> delivered) {
        if (!delivered) return done(delivered.error());
        std::string text;
        JsonWriter w(text);
        w.begin_object();
        if (!delivered->empty()) {
          size_t bytes = 16;
          for (const DeliveredMessage& m : *delivered) bytes += 192 + m.record.body.size() + m.receipt_handle.size();
          text.reserve(bytes);
          w.key("Messages");
          w.begin_array();
          for (const DeliveredMessage& m : *delivered) render(w, ctx, fifo, m, system_names, filters);
          w.end_array();
        }
        w.end_object();
        done(Json::raw(std::move(text)));
      });
}

}  // namespace spool
