// TopicEngine's raw-batch fast path (spec/topics-api.md section 5, "Fast path"): Kafka v2
// record batches in and out, checked once and stored byte for byte, with no JSON work
// per record.
//
// What the broker rewrites in a client batch, as Kafka's does for uncompressed batches:
// baseOffset (outside the CRC, so the CRC stands) and, only when needed, maxTimestamp
// and the timestamp-type attribute (inside the CRC, which is then recomputed):
// LogAppendTime topics stamp the append time; CreateTime topics fix a maxTimestamp that
// disagrees with the records, so that lookups by time stay right.

#include "engine/topics/fetch_wait.h"
#include "engine/topics/topic_engine.h"

namespace spool::topics {
namespace {

constexpr int64_t kFutureSlackMs = 3'600'000;  // record timestamps up to now + 1 h
constexpr size_t kMaxHeaders = 64;

Status partition_missing(const Topic& topic, int32_t partition) {
  return Status(Errc::kPartitionNotFound, "partition " + std::to_string(partition) + " of topic " + topic.name +
                                              " does not exist; it has " +
                                              std::to_string(topic.partition_count()) + " partitions");
}

// Checks the batches against the topic's rules. kRecordTooLarge, kInvalidRecord,
// kInvalidTimestamp naming the batch.
Status check_against_topic(const Topic& topic, const std::vector<record_batch::IncomingBatch>& batches,
                           int64_t now) {
  for (size_t i = 0; i < batches.size(); ++i) {
    const record_batch::IncomingBatch& b = batches[i];
    const std::string where = "batch " + std::to_string(i) + " at byte " + std::to_string(b.at) + ": ";
    if (b.max_record_bytes > static_cast<size_t>(topic.config.max_message_bytes)) {
      return Status(Errc::kRecordTooLarge, where + "a record of " + std::to_string(b.max_record_bytes) +
                                               " bytes is over max.message.bytes " +
                                               std::to_string(topic.config.max_message_bytes));
    }
    if (b.max_headers > kMaxHeaders) return Status(Errc::kInvalidRecord, where + "a record has more than 64 headers");
    if (topic.config.log_append_time) continue;  // the broker's time replaces the records'
    if (b.attributes & record_batch::kAttrLogAppendTime) {
      return Status(Errc::kInvalidRecord, where + "the batch claims LogAppendTime, but the topic uses CreateTime");
    }
    if (b.first_timestamp_ms < 0 || b.last_timestamp_ms > now + kFutureSlackMs) {
      return Status(Errc::kInvalidTimestamp, where + "record timestamps " + std::to_string(b.first_timestamp_ms) +
                                                 " .. " + std::to_string(b.last_timestamp_ms) +
                                                 " are outside 0 .. now + 1 h");
    }
  }
  return Status();
}

}  // namespace

void TopicEngine::produce_batches(TopicPtr topic, int32_t partition, std::string body,
                                  std::function<void(Result<BatchProduceResult>)> done) {
  if (partition < 0 || partition >= topic->partition_count()) return done(partition_missing(*topic, partition));
  const int64_t now = options_.clock->now_ms();
  auto split = record_batch::split_incoming(body);
  if (!split) return done(split.error());
  if (Status s = check_against_topic(*topic, *split, now); !s.ok()) return done(s);
  size_t records = 0;
  for (const record_batch::IncomingBatch& b : *split) records += static_cast<size_t>(b.info.record_count);
  if (Status s = check_produce_record_count(records); !s.ok()) return done(s);

  BatchProduceResult result;
  std::vector<BatchToAppend> batches;
  batches.reserve(split->size());
  for (const record_batch::IncomingBatch& b : *split) {
    char* bytes = body.data() + b.at;
    int64_t max_ts = b.last_timestamp_ms;
    if (topic->config.log_append_time) {
      max_ts = now;
      record_batch::set_max_timestamp(bytes, b.info.size, now, true);
    } else if (b.info.max_timestamp_ms != b.last_timestamp_ms) {
      record_batch::set_max_timestamp(bytes, b.info.size, b.last_timestamp_ms, false);
    }
    batches.push_back({std::string_view(bytes, b.info.size), b.info.record_count, max_ts});
    result.record_count += b.info.record_count;
    result.timestamp_ms = std::max(result.timestamp_ms, max_ts);
  }
  if (options_.metrics) {
    // Bytes in: the batches as sent (framing included), where JSON produce counts key +
    // value + header bytes; counting those here would mean a second pass over the records.
    options_.metrics->produced(topic->account, topic->name, static_cast<uint64_t>(result.record_count), body.size());
  }
  // `body` is copied into the frames before append_batches returns; the callback owns
  // nothing of it.
  auto on_durable = [result, done](Result<int64_t> base) mutable {
    if (!base) return done(base.error());
    result.base_offset = *base;
    done(result);
  };
  Status placed = topic->partitions[static_cast<size_t>(partition)]->log().append_batches(batches, on_durable);
  if (!placed.ok()) done(placed);
}

void TopicEngine::fetch_batches(TopicPtr topic, int32_t partition, BatchFetchRequest request,
                                std::function<void(Result<BatchFetchReply>)> done) {
  if (partition < 0 || partition >= topic->partition_count()) return done(partition_missing(*topic, partition));
  auto part = topic->partitions[static_cast<size_t>(partition)];
  // Reads from `offset` (resolved here); kOffsetOutOfRange with the range in the message.
  auto read_batches = [this, topic, part](int64_t offset, size_t max_bytes) -> Result<BatchFetchReply> {
    PartitionBounds bounds = part->log().bounds();
    if (offset == kEarliest) offset = bounds.log_start_offset;
    if (offset == kLatest) offset = bounds.high_watermark;
    BatchFetchReply reply;
    auto range = part->log().read_into(offset, max_bytes, UINT64_MAX, &reply.bytes);
    if (!range) {
      if (range.error().code() != Errc::kOffsetOutOfRange) return range.error();
      return out_of_range(*topic, *part, offset, bounds);
    }
    reply.next_offset = range->next_offset;
    reply.bounds = range->bounds;
    if (options_.metrics && range->batches > 0) {
      options_.metrics->fetched(topic->account, topic->name,
                                static_cast<uint64_t>(range->next_offset - std::max(offset, int64_t{0})));
    }
    return reply;
  };
  auto first = read_batches(request.offset, request.max_bytes);
  if (!first || !first->bytes.empty() || request.wait.count() <= 0) return done(std::move(first));
  const int64_t offset = first->next_offset;
  const size_t max_bytes = request.max_bytes;
  wait_for_any(*timers_, {{part, offset}}, request.wait, [read_batches, offset, max_bytes, done] {
    done(read_batches(offset, max_bytes));
  });
}

}  // namespace spool::topics
