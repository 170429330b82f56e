// TopicEngine::fetch_many: POST /v1/fetch across partitions (spec/topics-api.md
// section 5, "Multi-partition fetch").
//
// Limits: max_records and max_bytes are shared by the whole call; a partition's own
// max_bytes caps it further. Partitions are read one after the other, so whichever is
// read first can take the whole budget. To keep any partition from starving, the first
// one read rotates: call k of the engine starts at partition (k mod N) of its request
// and wraps around (TopicEngine::fetch_rotation_). A lone consumer polling N partitions
// thus leads with each of them once every N calls; concurrent consumers share the
// counter, which spreads their starts evenly without any per-connection state. Replies
// keep the request's order whatever the start.
//
// Kafka's "at least one record" rule applies to the first record of the call only:
// later partitions return nothing rather than overshoot the shared max_bytes.

#include <map>

#include "engine/topics/fetch_wait.h"
#include "engine/topics/topic_engine.h"

namespace spool::topics {
namespace {

size_t bytes_of(const FetchReply& reply) {
  size_t n = 0;
  for (const auto& r : reply.records) n += record_batch::record_bytes(r);
  return n;
}

}  // namespace

bool TopicEngine::read_many(const MultiFetchRequest& request, size_t start,
                            std::vector<PartitionFetchResult>* results) const {
  const size_t n = request.partitions.size();
  uint64_t records_left = request.max_records;
  size_t bytes_left = request.max_bytes;
  bool ready = false;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (start + k) % n;
    const PartitionFetch& want = request.partitions[i];
    PartitionFetchResult& out = (*results)[i];
    out.reply = FetchReply();
    out.error_bounds.reset();
    if (!out.topic) {
      ready = true;  // out.error was set when the topic was looked up
      continue;
    }
    if (want.partition < 0 || want.partition >= out.topic->partition_count()) {
      out.error = Status(Errc::kPartitionNotFound,
                         "partition " + std::to_string(want.partition) + " of topic " + out.topic->name +
                             " does not exist; it has " + std::to_string(out.topic->partition_count()) +
                             " partitions");
      ready = true;
      continue;
    }
    const TopicPartition& part = *out.topic->partitions[static_cast<size_t>(want.partition)];
    FetchRequest one;
    one.offset = want.offset;
    if (records_left == 0 || bytes_left == 0) {
      // The call's budget is spent: nothing from here, but a bad offset is still reported.
      one.max_records = 0;
      one.max_bytes = 0;
    } else {
      one.max_records = static_cast<uint32_t>(records_left);
      one.max_bytes = std::min(want.max_bytes.value_or(request.max_bytes), bytes_left);
    }
    const bool nothing_yet = records_left == request.max_records;
    Result<FetchReply> got = FetchReply();
    if (one.max_records == 0) {
      PartitionBounds b = part.log().bounds();
      int64_t offset = want.offset == kEarliest ? b.log_start_offset
                       : want.offset == kLatest ? b.high_watermark
                                                : want.offset;
      if (offset < b.log_start_offset || offset > b.high_watermark) {
        got = out_of_range(*out.topic, part, offset, b);
      } else {
        got->next_offset = offset;
        got->bounds = b;
      }
    } else {
      got = read(*out.topic, part, one, nothing_yet);
    }
    if (!got) {
      out.error = got.error();
      if (out.error.code() == Errc::kOffsetOutOfRange) out.error_bounds = part.log().bounds();
      ready = true;
      continue;
    }
    out.error = Status();
    const size_t used = bytes_of(*got);
    records_left -= std::min<uint64_t>(records_left, got->records.size());
    bytes_left -= std::min(bytes_left, used);
    ready = ready || !got->records.empty();
    out.reply = std::move(*got);
  }
  return ready;
}

void TopicEngine::fetch_many(const std::string& account, MultiFetchRequest request,
                             std::function<void(Result<std::vector<PartitionFetchResult>>)> done) {
  const size_t n = request.partitions.size();
  if (n == 0 || n > kMaxFetchPartitions) {
    return done(Status(Errc::kInvalidArgument, "partitions holds " + std::to_string(n) +
                                                   " partitions; must be 1 to " +
                                                   std::to_string(kMaxFetchPartitions)));
  }
  std::vector<PartitionFetchResult> results(n);
  std::map<std::string, Result<TopicPtr>, std::less<>> topics;
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = request.partitions[i].topic;
    auto it = topics.find(name);
    if (it == topics.end()) it = topics.emplace(name, find_topic(account, name)).first;
    if (it->second) {
      results[i].topic = *it->second;
    } else {
      results[i].error = it->second.error();
    }
  }
  const size_t start = static_cast<size_t>(fetch_rotation_.fetch_add(1, std::memory_order_relaxed) % n);
  auto count = [this](const std::vector<PartitionFetchResult>& rs) {
    if (!options_.metrics) return;
    for (const auto& r : rs) {
      if (r.topic && !r.reply.records.empty()) {
        options_.metrics->fetched(r.topic->account, r.topic->name, r.reply.records.size());
      }
    }
  };
  if (read_many(request, start, &results) || request.wait.count() <= 0) {
    count(results);
    return done(std::move(results));
  }
  // Long poll: nothing anywhere and no error, so every partition exists and is at its
  // end. Park on each at the offset it reads next, and read them all again on a wake.
  std::vector<WaitTarget> targets;
  targets.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    PartitionFetch& p = request.partitions[i];
    p.offset = results[i].reply.next_offset;  // earliest/latest resolved once
    targets.push_back({results[i].topic->partitions[static_cast<size_t>(p.partition)], p.offset});
  }
  const auto wait = request.wait;
  auto state = std::make_shared<std::pair<MultiFetchRequest, std::vector<PartitionFetchResult>>>(
      std::move(request), std::move(results));
  wait_for_any(*timers_, std::move(targets), wait, [this, state, start, count, done] {
    read_many(state->first, start, &state->second);
    count(state->second);
    done(std::move(state->second));
  });
}

}  // namespace spool::topics
