// TopicEngine's data path: produce, fetch, offsets and consumer-group commits
// (spec/topics-api.md sections 4-7). The metadata half is in topic_engine.cpp.

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include "engine/topics/fetch_wait.h"
#include "engine/topics/partitioner.h"
#include "engine/topics/topic_engine.h"

namespace spool::topics {
namespace {

constexpr size_t kMaxHeaders = 64;
constexpr size_t kMaxHeaderName = 256;
constexpr int64_t kFutureSlackMs = 3'600'000;  // record timestamps up to now + 1 h
constexpr size_t kMaxMetadata = 4096;

Status partition_missing(const Topic& topic, int64_t partition) {
  return Status(Errc::kPartitionNotFound, "partition " + std::to_string(partition) + " of topic " +
                                              topic.name + " does not exist; it has " +
                                              std::to_string(topic.partition_count()) + " partitions");
}

size_t input_bytes(const ProduceRecord& r) {
  size_t n = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  for (const auto& [name, value] : r.headers) n += name.size() + (value ? value->size() : 0);
  return n;
}

// What one request sends to one partition: the record indexes, in request order.
struct PartitionBatch {
  int32_t partition = 0;
  std::vector<size_t> records;
};

// Collects the per-partition outcomes of one produce call and answers once all are in.
struct ProduceCall {
  std::mutex mu;
  std::vector<ProduceResult> results;
  size_t pending = 0;
  size_t failed_batches = 0;
  size_t batches = 0;
  Status first_error;
  std::function<void(Result<std::vector<ProduceResult>>)> done;
};

}  // namespace

void TopicEngine::produce(TopicPtr topic, std::vector<ProduceRecord> records,
                          std::optional<int32_t> only_partition,
                          std::function<void(Result<std::vector<ProduceResult>>)> done) {
  const int64_t now = options_.clock->now_ms();
  const int32_t count = topic->partition_count();
  if (records.empty()) return done(Status(Errc::kInvalidRecord, "records must hold at least one record"));
  if (Status s = check_produce_record_count(records.size()); !s.ok()) return done(s);
  if (only_partition && (*only_partition < 0 || *only_partition >= count)) {
    return done(partition_missing(*topic, *only_partition));
  }
  // Validate everything before anything is written: a 4xx means nothing was stored.
  std::vector<int32_t> target(records.size(), -1);
  const int32_t sticky = static_cast<int32_t>(topic->sticky->fetch_add(1) % static_cast<uint32_t>(count));
  for (size_t i = 0; i < records.size(); ++i) {
    ProduceRecord& r = records[i];
    const std::string at = "record " + std::to_string(i) + ": ";
    if (r.partition) {
      if (*r.partition < 0 || *r.partition >= count) {
        Status s = partition_missing(*topic, *r.partition);
        return done(Status(s.code(), at + s.message()));
      }
      if (only_partition && *r.partition != *only_partition) {
        return done(Status(Errc::kInvalidRecord, at + "partition " + std::to_string(*r.partition) +
                                                     " differs from the path's " +
                                                     std::to_string(*only_partition)));
      }
    }
    size_t bytes = input_bytes(r);
    if (bytes > static_cast<size_t>(topic->config.max_message_bytes)) {
      return done(Status(Errc::kRecordTooLarge, at + std::to_string(bytes) + " bytes is over max.message.bytes " +
                                                    std::to_string(topic->config.max_message_bytes)));
    }
    if (r.headers.size() > kMaxHeaders) {
      return done(Status(Errc::kInvalidRecord, at + "more than 64 headers"));
    }
    for (const auto& h : r.headers) {
      if (h.first.size() > kMaxHeaderName) return done(Status(Errc::kInvalidRecord, at + "header name over 256 bytes"));
    }
    if (r.timestamp_ms && (*r.timestamp_ms < 0 || *r.timestamp_ms > now + kFutureSlackMs)) {
      return done(Status(Errc::kInvalidTimestamp, at + "timestamp " + std::to_string(*r.timestamp_ms) +
                                                      " is outside 0 .. now + 1 h"));
    }
    if (topic->config.log_append_time || !r.timestamp_ms) r.timestamp_ms = now;
    if (only_partition) {
      target[i] = *only_partition;
    } else if (r.partition) {
      target[i] = *r.partition;
    } else if (r.key) {
      target[i] = partition_for_key(*r.key, count);
    } else {
      target[i] = sticky;
    }
  }

  // One batch per partition, partitions in order of first appearance.
  std::vector<PartitionBatch> batches;
  std::map<int32_t, size_t> batch_of;
  for (size_t i = 0; i < records.size(); ++i) {
    auto [it, inserted] = batch_of.emplace(target[i], batches.size());
    if (inserted) batches.push_back({target[i], {}});
    batches[it->second].records.push_back(i);
  }
  auto call = std::make_shared<ProduceCall>();
  call->results.resize(records.size());
  call->pending = batches.size();
  call->batches = batches.size();
  call->done = std::move(done);
  auto finish = [call](size_t failed, const Status& error) {
    std::unique_lock lock(call->mu);
    if (failed > 0) {
      ++call->failed_batches;
      if (call->first_error.ok()) call->first_error = error;
    }
    if (--call->pending > 0) return;
    lock.unlock();
    if (call->failed_batches == call->batches) return call->done(call->first_error);
    call->done(std::move(call->results));
  };
  uint64_t total_bytes = 0;
  for (const ProduceRecord& r : records) total_bytes += input_bytes(r);
  if (options_.metrics) options_.metrics->produced(topic->account, topic->name, records.size(), total_bytes);

  for (const PartitionBatch& b : batches) {
    std::vector<record_batch::RecordInput> inputs;
    inputs.reserve(b.records.size());
    int64_t max_ts = 0;
    for (size_t i : b.records) {
      const ProduceRecord& r = records[i];
      record_batch::RecordInput in;
      if (r.key) in.key = std::string_view(*r.key);
      if (r.value) in.value = std::string_view(*r.value);
      for (const auto& [name, value] : r.headers) {
        in.headers.push_back({name, value ? std::optional<std::string_view>(*value) : std::nullopt});
      }
      in.timestamp_ms = *r.timestamp_ms;
      max_ts = std::max(max_ts, in.timestamp_ms);
      inputs.push_back(std::move(in));
      call->results[i].partition = b.partition;
      call->results[i].timestamp_ms = in.timestamp_ms;
    }
    std::string encoded = record_batch::encode(inputs, topic->config.log_append_time);
    std::vector<size_t> indexes = b.records;
    auto on_durable = [call, indexes, finish](Result<int64_t> base) {
      {
        std::lock_guard lock(call->mu);
        for (size_t k = 0; k < indexes.size(); ++k) {
          ProduceResult& r = call->results[indexes[k]];
          if (base) {
            r.offset = *base + static_cast<int64_t>(k);
          } else {
            r.error = base.error();
          }
        }
      }
      finish(base ? 0 : indexes.size(), base.status());
    };
    TopicPartition& partition = *topic->partitions[static_cast<size_t>(b.partition)];
    Status placed = partition.log().append(std::move(encoded), static_cast<int32_t>(b.records.size()), max_ts,
                                           on_durable);
    if (!placed.ok()) on_durable(placed);
  }
}

Status TopicEngine::out_of_range(const Topic& topic, const TopicPartition& partition, int64_t offset,
                                 const PartitionBounds& bounds) const {
  return Status(Errc::kOffsetOutOfRange, "offset " + std::to_string(offset) + " is out of range for " + topic.name +
                                             "/" + std::to_string(partition.number()) + ": valid offsets are " +
                                             std::to_string(bounds.log_start_offset) + " to " +
                                             std::to_string(bounds.high_watermark) + " (the high watermark)");
}

Result<FetchReply> TopicEngine::read(const Topic& topic, const TopicPartition& partition,
                                     const FetchRequest& request, bool at_least_one) const {
  int64_t offset = request.offset;
  PartitionBounds bounds = partition.log().bounds();
  if (offset == kEarliest) offset = bounds.log_start_offset;
  if (offset == kLatest) offset = bounds.high_watermark;
  FetchReply reply;
  reply.next_offset = offset;
  // One buffer for every batch read: its heap block stays put when the reply moves, so
  // the record views into it stay valid.
  std::string& bytes = reply.batches.emplace_back();
  auto fetched = partition.log().read_into(offset, request.max_bytes, request.max_records, &bytes);
  if (!fetched) {
    if (fetched.error().code() != Errc::kOffsetOutOfRange) return fetched.error();
    return out_of_range(topic, partition, offset, bounds);
  }
  reply.bounds = fetched->bounds;
  // Records are decoded straight into the reply, then cut at the limits.
  std::vector<record_batch::RecordView>& records = reply.records;
  records.reserve(std::min<size_t>(request.max_records, 4096));
  size_t used = 0;
  for (size_t at = 0; at < bytes.size();) {
    const size_t size = record_batch::batch_size(std::string_view(bytes).substr(at));
    std::string_view batch(bytes.data() + at, size);
    at += size;
    const size_t first = records.size();
    if (Status s = record_batch::decode_records(batch, offset, &records); !s.ok()) return s;
    for (size_t k = first; k < records.size(); ++k) {
      size_t n = record_batch::record_bytes(records[k]);
      // The first record always goes out, even when larger than max_bytes (Kafka's rule).
      if (k >= request.max_records || ((k > 0 || !at_least_one) && used + n > request.max_bytes)) {
        records.resize(k);
        return reply;
      }
      used += n;
      reply.next_offset = records[k].offset + 1;
    }
  }
  return reply;
}

void TopicEngine::fetch(TopicPtr topic, int32_t partition, FetchRequest request,
                        std::function<void(Result<FetchReply>)> done) {
  if (partition < 0 || partition >= topic->partition_count()) return done(partition_missing(*topic, partition));
  auto part = topic->partitions[static_cast<size_t>(partition)];
  auto first = read(*topic, *part, request);
  if (!first || !first->records.empty() || request.wait.count() <= 0) {
    if (first && options_.metrics) options_.metrics->fetched(topic->account, topic->name, first->records.size());
    return done(std::move(first));
  }
  // Long poll: nothing at the offset yet.
  const auto wait = request.wait;
  request.offset = first->next_offset;
  request.wait = std::chrono::milliseconds(0);
  wait_for_any(*timers_, {{part, request.offset}}, wait, [this, topic, part, request, done] {
    auto again = read(*topic, *part, request);
    if (again && options_.metrics) options_.metrics->fetched(topic->account, topic->name, again->records.size());
    done(std::move(again));
  });
}

Result<OffsetLookup> TopicEngine::list_offset(const TopicPtr& topic, int32_t partition,
                                              int64_t timestamp_ms) const {
  if (partition < 0 || partition >= topic->partition_count()) return partition_missing(*topic, partition);
  const PartitionLog& log = topic->partitions[static_cast<size_t>(partition)]->log();
  OffsetLookup out;
  out.bounds = log.bounds();
  if (timestamp_ms == kEarliest) {
    out.offset = out.bounds.log_start_offset;
  } else if (timestamp_ms == kLatest) {
    out.offset = out.bounds.high_watermark;
  } else {
    auto found = log.offset_for_time(timestamp_ms);
    if (!found) return found.error();
    if (*found) {
      out.offset = (*found)->first;
      out.timestamp_ms = (*found)->second;
    }
  }
  return out;
}

Result<PartitionStats> TopicEngine::partition_stats(const TopicPtr& topic, int32_t partition) const {
  if (partition < 0 || partition >= topic->partition_count()) return partition_missing(*topic, partition);
  return topic->partitions[static_cast<size_t>(partition)]->log().stats();
}

void TopicEngine::commit_offsets(const std::string& account, const std::string& group,
                                 const std::optional<std::string>& member_id, TopicPtr topic,
                                 std::vector<OffsetCommit> commits, std::function<void(Status)> done) {
  if (Status s = validate_group_name(group); !s.ok()) return done(s);
  if (commits.empty()) return done(Status(Errc::kInvalidArgument, "offsets must hold at least one partition"));
  for (const OffsetCommit& c : commits) {
    if (c.partition >= static_cast<uint32_t>(topic->partition_count())) {
      return done(partition_missing(*topic, c.partition));
    }
    if (c.offset < 0) {
      return done(Status(Errc::kInvalidArgument, "offset " + std::to_string(c.offset) + " of partition " +
                                                     std::to_string(c.partition) + " is negative"));
    }
    if (c.metadata.size() > kMaxMetadata) {
      return done(Status(Errc::kInvalidArgument, "metadata of partition " + std::to_string(c.partition) +
                                                     " is over 4096 bytes"));
    }
  }
  // Ownership is checked before the write, not when it lands: a member that loses a
  // partition meanwhile was revoked first and is committing what it finished (rule 2).
  if (member_id) {
    std::vector<int32_t> partitions;
    for (const OffsetCommit& c : commits) partitions.push_back(static_cast<int32_t>(c.partition));
    if (Status s = members_->check_owner(account, group, *member_id, topic->name, partitions); !s.ok()) {
      return done(s);
    }
  } else if (members_->has_members(account, group)) {
    return done(Status(Errc::kGroupNotEmpty, "group " + group +
                                                 " has live members; commit with their member_id"));
  }
  Status placed = groups_->commit(account, group, topic->id, std::move(commits), done);
  if (!placed.ok()) done(placed);
}

std::vector<GroupPartitionOffset> TopicEngine::committed_offsets(const std::string& account,
                                                                 const std::string& group,
                                                                 const TopicPtr& topic) const {
  auto committed = groups_->committed(account, group, topic->id);
  std::vector<GroupPartitionOffset> out;
  for (const auto& p : topic->partitions) {
    GroupPartitionOffset g;
    g.partition = p->number();
    g.high_watermark = p->log().bounds().high_watermark;
    auto it = committed.find(p->number());
    if (it != committed.end()) {
      g.committed = it->second;
      g.lag = std::max<int64_t>(0, g.high_watermark - it->second.offset);
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<TopicPtr> TopicEngine::group_topics(const std::string& account, const std::string& group) const {
  std::vector<uint64_t> ids = groups_->topics_of(account, group);
  std::vector<TopicPtr> out;
  for (const TopicPtr& t : list_topics(account, "")) {
    if (std::find(ids.begin(), ids.end(), t->id) != ids.end()) out.push_back(t);
  }
  return out;
}

std::map<std::string, std::vector<std::string>> TopicEngine::groups(const std::string& account) const {
  std::map<uint64_t, std::string> names;
  for (const TopicPtr& t : list_topics(account, "")) names[t->id] = t->name;
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [group, topic_id] : groups_->groups_of(account)) {
    auto it = names.find(topic_id);
    if (it != names.end()) out[group].push_back(it->second);
  }
  for (auto& [group, topics] : out) std::sort(topics.begin(), topics.end());
  return out;
}

void TopicEngine::delete_group_offsets(const std::string& account, const std::string& group, TopicPtr topic,
                                       std::function<void(Status)> done) {
  if (members_->topic_is_owned(account, group, topic->name)) {
    return done(Status(Errc::kGroupNotEmpty, "a live member of group " + group + " owns partitions of " +
                                                 topic->name));
  }
  Status placed = groups_->drop(account, group, topic->id, done);
  if (!placed.ok()) done(placed);
}

Status check_produce_record_count(size_t records) {
  if (records <= kMaxRecordsPerProduce) return Status();
  return Status(Errc::kRequestTooLarge, "a produce call holds at most " + std::to_string(kMaxRecordsPerProduce) +
                                            " records; this one has " + std::to_string(records));
}

}  // namespace spool::topics
