#include "api/actions/batch_entries.h"
#include "api/actions/message_input.h"

namespace spool {

// AWS caps the whole batch at the same size as one message (1 MiB since 2025).
constexpr size_t kMaxBatchBytes = 1048576;

void send_message_batch_action(const ActionContext& ctx, const Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto entries = read_batch_entries(request, "SendMessageBatchRequestEntry");
  if (!entries) return done(entries.error());

  size_t total = 0;
  for (const Json* e : *entries) {
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
  for (const Json* e : *entries) {
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
  struct Accepted {
    std::string id;
    Json entry;  // the success entry, MessageId added once sent
  };
  std::vector<Accepted> accepted;
  std::vector<OutgoingMessage> messages;
  accepted.reserve(prepared.size());
  messages.reserve(prepared.size());
  for (size_t i = 0; i < prepared.size(); ++i) {
    PreparedMessage& p = prepared[i];
    Json ok = Json::object();
    ok.set("Id", Json::string(accepted_ids[i]));
    ok.set("MD5OfMessageBody", Json::string(std::move(p.md5_body_hex)));
    if (!p.md5_attributes_hex.empty()) ok.set("MD5OfMessageAttributes", Json::string(std::move(p.md5_attributes_hex)));
    if (!p.md5_system_attributes_hex.empty()) {
      ok.set("MD5OfMessageSystemAttributes", Json::string(std::move(p.md5_system_attributes_hex)));
    }
    accepted.push_back(Accepted{std::move(accepted_ids[i]), std::move(ok)});
    messages.push_back(std::move(p.message));
  }
  auto finish = [done](Json successful, Json failed) {
    Json out = Json::object();
    out.set("Successful", std::move(successful));
    out.set("Failed", std::move(failed));
    done(std::move(out));
  };
  if (messages.empty()) return finish(Json::array(), std::move(failed));
  const bool fifo = (*queue)->is_fifo;
  ctx.engine.shard_of(**queue).send(
      (*queue)->queue_id, std::move(messages),
      [accepted = std::move(accepted), failed = std::move(failed), finish, fifo](std::vector<Result<SentMessage>> sent) mutable {
        Json successful = Json::array();
        for (size_t i = 0; i < sent.size(); ++i) {
          if (!sent[i]) {
            failed.push(failed_entry(accepted[i].id, sent[i].error()));
            continue;
          }
          Json entry = std::move(accepted[i].entry);
          entry.set("MessageId", Json::string(std::move(sent[i]->message_id)));
          if (fifo) entry.set("SequenceNumber", Json::string(sequence_number(sent[i]->seq)));
          successful.push(std::move(entry));
        }
        finish(std::move(successful), std::move(failed));
      });
}

}  // namespace spool
