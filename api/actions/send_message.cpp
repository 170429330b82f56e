#include "api/actions/message_input.h"
#include "common/random.h"

namespace spool {

void send_message_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  PreparedMessage prepared;
  Status st = read_outgoing_message(ctx, **queue, queue_settings((*queue)->attributes, (*queue)->is_fifo), request,
                                    prepared);
  if (!st.ok()) return done(st);
  digest_bodies(std::span(&prepared, 1));
  Json out = Json::object();
  out.set("MD5OfMessageBody", Json::string(hex_encode(bytes_view(prepared.message.md5_body))));
  if (!prepared.md5_attributes_hex.empty()) {
    out.set("MD5OfMessageAttributes", Json::string(prepared.md5_attributes_hex));
  }
  if (!prepared.md5_system_attributes_hex.empty()) {
    out.set("MD5OfMessageSystemAttributes", Json::string(prepared.md5_system_attributes_hex));
  }
  const bool fifo = (*queue)->is_fifo;
  std::vector<OutgoingMessage> batch;
  batch.push_back(std::move(prepared.message));
  ctx.engine.shard_of(**queue).send((*queue)->queue_id, std::move(batch),
                                    [out, done, fifo](std::vector<Result<SentMessage>> sent) mutable {
                                      if (!sent.front()) return done(sent.front().error());
                                      out.set("MessageId", Json::string(message_id_text(sent.front()->message_id)));
                                      if (fifo) out.set("SequenceNumber", Json::string(sequence_number(sent.front()->seq)));
                                      done(std::move(out));
                                    });
}

}  // namespace spool
