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
  struct Accepted {
    std::string id;
    Json entry;  // the success entry, MessageId added once sent
  };
  std::vector<Accepted> accepted;
  std::vector<OutgoingMessage> messages;
  const QueueSettings settings = queue_settings((*queue)->attributes, (*queue)->is_fifo);
  for (const Json* e : *entries) {
    std::string id = e->find("Id")->text();
    auto prepared = read_outgoing_message(ctx, **queue, settings, *e);
    if (!prepared) {
      failed.push(failed_entry(id, prepared.error()));
      continue;
    }
    Json ok = Json::object();
    ok.set("Id", Json::string(id));
    ok.set("MD5OfMessageBody", Json::string(prepared->md5_body_hex));
    if (!prepared->md5_attributes_hex.empty()) {
      ok.set("MD5OfMessageAttributes", Json::string(prepared->md5_attributes_hex));
    }
    if (!prepared->md5_system_attributes_hex.empty()) {
      ok.set("MD5OfMessageSystemAttributes", Json::string(prepared->md5_system_attributes_hex));
    }
    accepted.push_back(Accepted{id, std::move(ok)});
    messages.push_back(std::move(prepared->message));
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
          entry.set("MessageId", Json::string(sent[i]->message_id));
          if (fifo) entry.set("SequenceNumber", Json::string(sequence_number(sent[i]->seq)));
          successful.push(std::move(entry));
        }
        finish(std::move(successful), std::move(failed));
      });
}

}  // namespace spool
