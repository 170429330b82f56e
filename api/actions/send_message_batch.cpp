#include "api/actions/batch_entries.h"
#include "api/actions/message_input.h"
#include "common/json_writer.h"
#include "common/random.h"

namespace spool {

// AWS caps the whole batch at the same size as one message (1 MiB since 2025).
constexpr size_t kMaxBatchBytes = 1048576;

void send_message_batch_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto entries = read_batch_entries(request, "SendMessageBatchRequestEntry");
  if (!entries) return done(entries.error());

  size_t total = 0;
  for (Json* e : *entries) {
    if (const Json* body = e->find("MessageBody"); body && body->is_string()) total += body->text().size();
  }
  if (total > kMaxBatchBytes) {
    return done(Status(Errc::kBatchRequestTooLong, "Batch requests cannot be longer than " +
                                                       std::to_string(kMaxBatchBytes) + " bytes. You have sent " +
                                                       std::to_string(total) + " bytes."));
  }
  Json failed = Json::array();
  std::vector<std::string> accepted_ids;
  std::vector<PreparedMessage> prepared;
  accepted_ids.reserve(entries->size());
  prepared.reserve(entries->size());
  const QueueSettings settings = queue_settings((*queue)->attributes, (*queue)->is_fifo);
  for (Json* e : *entries) {
    std::string id = e->find("Id")->text();
    Status st = read_outgoing_message(ctx, **queue, settings, *e, prepared.emplace_back());
    if (!st.ok()) {
      prepared.pop_back();
      failed.push(failed_entry(id, st));
      continue;
    }
    accepted_ids.push_back(std::move(id));
  }
  digest_bodies(prepared);
  // What each success entry reports besides the MessageId the engine assigns.
  struct Accepted {
    std::string id;
    Bytes16 md5_body;
    std::string md5_attributes_hex;
    std::string md5_system_attributes_hex;
  };
  std::vector<Accepted> accepted;
  std::vector<OutgoingMessage> messages;
  accepted.reserve(prepared.size());
  messages.reserve(prepared.size());
  for (size_t i = 0; i < prepared.size(); ++i) {
    PreparedMessage& p = prepared[i];
    accepted.push_back(Accepted{std::move(accepted_ids[i]), p.message.md5_body, std::move(p.md5_attributes_hex),
                                std::move(p.md5_system_attributes_hex)});
    messages.push_back(std::move(p.message));
  }
  const bool fifo = (*queue)->is_fifo;
  // Written as text, not built as a tree: building and encoding the tree cost about 8% of
  // a batch's instructions (callgrind).
  auto respond = [done, fifo](const std::vector<Accepted>& accepted, std::span<Result<SentMessage>> sent,
                              Json failed) {
    std::string text;
    text.reserve(32 + accepted.size() * 192);
    JsonWriter w(text);
    w.begin_object();
    w.key("Successful");
    w.begin_array();
    for (size_t i = 0; i < sent.size(); ++i) {
      if (!sent[i]) {
        failed.push(failed_entry(accepted[i].id, sent[i].error()));
        continue;
      }
      const Accepted& a = accepted[i];
      w.begin_object();
      w.plain_member("Id", a.id);  // [A-Za-z0-9_-], checked by read_batch_entries
      char md5[32];
      hex_encode_to(bytes_view(a.md5_body), md5);
      w.plain_member("MD5OfMessageBody", std::string_view(md5, sizeof md5));
      if (!a.md5_attributes_hex.empty()) w.plain_member("MD5OfMessageAttributes", a.md5_attributes_hex);
      if (!a.md5_system_attributes_hex.empty()) {
        w.plain_member("MD5OfMessageSystemAttributes", a.md5_system_attributes_hex);
      }
      const std::array<char, 36> message_id = message_id_chars(sent[i]->message_id);
      w.plain_member("MessageId", std::string_view(message_id.data(), message_id.size()));
      if (fifo) w.plain_member("SequenceNumber", sequence_number(sent[i]->seq));
      w.end_object();
    }
    w.end_array();
    w.key("Failed");
    w.value(failed);
    w.end_object();
    done(Json::raw(std::move(text)));
  };
  if (messages.empty()) return respond({}, {}, std::move(failed));
  ctx.engine.shard_of(**queue).send(
      (*queue)->queue_id, std::move(messages),
      [accepted = std::move(accepted), failed = std::move(failed), respond](std::vector<Result<SentMessage>> sent) mutable {
        respond(accepted, sent, std::move(failed));
      });
}

}  // namespace spool
