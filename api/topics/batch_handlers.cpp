// produceBatches and fetchBatches: the raw Kafka v2 batch fast path
// (spec/topics-api.md section 5, "Fast path"). Bodies are
// application/vnd.spool.kafka-batch: one or more record batches back to back, exactly
// as on the Kafka wire. The engine checks and stores them (batch_path.cpp); here are
// only the media type, the body limit and the reply headers.

#include <algorithm>
#include <cctype>

#include "api/topics/fetch_json.h"
#include "api/topics/topic_errors.h"
#include "api/topics/topic_handlers.h"

namespace spool::topic_handlers {
namespace {

constexpr std::string_view kBatchMediaType = "application/vnd.spool.kafka-batch";

// The media type without parameters, lower-cased: "Application/X; a=b" -> "application/x".
std::string media_type(const std::string& content_type) {
  std::string out = content_type.substr(0, content_type.find(';'));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

void produce_batches(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto partition = partition_at(*call, 3);
  if (!partition) return;
  const std::string type = media_type(call->request.header("content-type"));
  if (type != kBatchMediaType) {
    return call->reply(
        topic_error_response(415, "unsupported_media_type",
                             "Content-Type is '" + call->request.header("content-type") + "'; this route takes " +
                                 std::string(kBatchMediaType),
                             call->request_id),
        "unsupported_media_type");
  }
  if (call->refuse_oversized_produce_body()) return;
  // The body moves to the engine, which rewrites offsets (and, if needed, timestamps) in it.
  call->engine.produce_batches(topic, *partition, std::move(call->request.body),
                               [call](Result<topics::BatchProduceResult> result) {
                                 if (!result) return call->fail(result.error());
                                 call->ok(200, "{\"base_offset\":" + std::to_string(result->base_offset) +
                                                   ",\"record_count\":" + std::to_string(result->record_count) +
                                                   ",\"timestamp\":" + std::to_string(result->timestamp_ms) + "}");
                               });
}

void fetch_batches(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto partition = partition_at(*call, 3);
  if (!partition) return;
  topics::BatchFetchRequest request;
  auto offset = offset_param(*call, "offset", true);
  if (!offset) return call->fail(offset.error());
  auto max_bytes = call->int_param("max_bytes", 1 << 20, 1, 16 << 20);
  if (!max_bytes) return call->fail(max_bytes.error());
  auto wait_ms = call->int_param("wait_ms", 0, 0, 30'000);
  if (!wait_ms) return call->fail(wait_ms.error());
  request.offset = *offset;
  request.max_bytes = static_cast<size_t>(*max_bytes);
  request.wait = std::chrono::milliseconds(*wait_ms);
  const int32_t p = *partition;
  call->engine.fetch_batches(topic, p, request, [call, topic, p](Result<topics::BatchFetchReply> reply) {
    if (!reply) return call->fail(reply.error(), fetch_error_details(*call, topic, p, reply.error()));
    HttpResponse r;
    r.status = 200;
    r.content_type = std::string(kBatchMediaType);
    r.headers.emplace_back("x-amzn-RequestId", call->request_id);
    r.headers.emplace_back("Spool-Next-Offset", std::to_string(reply->next_offset));
    r.headers.emplace_back("Spool-High-Watermark", std::to_string(reply->bounds.high_watermark));
    r.headers.emplace_back("Spool-Log-Start-Offset", std::to_string(reply->bounds.log_start_offset));
    r.body = std::move(reply->bytes);
    call->reply(std::move(r), "ok");
  });
}

}  // namespace spool::topic_handlers
