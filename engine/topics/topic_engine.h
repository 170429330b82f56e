#pragma once

// TopicEngine: the engine's front door for retained topics (spec/topics-api.md). It
// owns the directory of topics (a cache of the TopicCatalog, so produce and fetch never
// wait on PostgreSQL), every partition's log, the consumer-group offsets, retention and
// the topic metrics.
//
// Placement: partition p of a topic lives on shard (hash(account, name) + p) mod S, so
// a topic's partitions spread over the shards the way Kafka spreads them over brokers;
// the shard is recorded in the catalog. Its log is <data>/topics/<topic id>-<p>.
// Partition work runs on the caller's thread under the partition's own short lock
// (encode, append) and on the log's completion thread (acknowledge, wake long polls);
// no shard executor is involved yet, so the queue engine is untouched (README of
// engine/topics has the plan to move it onto shard executors).
//
// Threading: every method is safe from any thread and never blocks; callbacks run on a
// log's completion thread, the timer thread or the catalog thread and must not block.
// The catalog must outlive the engine.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/executor.h"
#include "engine/topics/group_members.h"
#include "engine/topics/group_offsets.h"
#include "engine/topics/topic_config.h"
#include "engine/topics/topic_metrics.h"
#include "engine/topics/topic_partition.h"
#include "storage/record_batch.h"
#include "storage/storage_config.h"
#include "storage/topic_catalog.h"

namespace spool::topics {

struct TopicEngineOptions {
  std::string data_dir;  // partitions live in <data_dir>/topics/<id>-<p>
  FsyncMode fsync;
  uint32_t shard_count = 1;
  const Clock* clock = nullptr;     // must outlive the engine
  TopicMetrics* metrics = nullptr;  // optional; must outlive the engine
  std::chrono::milliseconds retention_interval{30'000};  // spec/segments.md section 13
  std::chrono::milliseconds metrics_interval{2'000};
  size_t max_topics_per_account = 1000;
  // Partitions per account and in all (EngineConfig says why they are limited).
  size_t max_partitions_per_account = 2048;
  size_t max_partitions = 8192;
};

// A live topic as of one moment; replaced whole when it changes.
struct Topic {
  uint64_t id = 0;
  std::string account;
  std::string name;
  std::map<std::string, std::string> config_set;  // keys the client set
  TopicConfig config;                             // with defaults
  int64_t created_ms = 0;
  std::vector<std::shared_ptr<TopicPartition>> partitions;
  std::shared_ptr<std::atomic<uint32_t>> sticky;  // next partition for null-key requests
  int32_t partition_count() const { return static_cast<int32_t>(partitions.size()); }
};
using TopicPtr = std::shared_ptr<const Topic>;

struct ProduceRecord {
  std::optional<int32_t> partition;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<int64_t> timestamp_ms;
};

struct ProduceResult {
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = 0;
  Status error;  // per-record failure of its partition's batch (partial failure)
};

inline constexpr int64_t kEarliest = -2;  // Kafka's ListOffsets sentinels
inline constexpr int64_t kLatest = -1;

struct FetchRequest {
  int64_t offset = 0;  // >= 0, kEarliest or kLatest
  uint32_t max_records = 500;
  size_t max_bytes = 1 << 20;
  std::chrono::milliseconds wait{0};
};

struct FetchReply {
  std::vector<std::string> batches;                // the records' bytes: whole batches, one buffer
  std::vector<record_batch::RecordView> records;   // views into `batches`
  int64_t next_offset = 0;
  PartitionBounds bounds;
};

// POST /v1/fetch (spec section 5): many partitions, limits shared by all of them.
struct PartitionFetch {
  std::string topic;  // a name of the caller's account
  int32_t partition = 0;
  int64_t offset = 0;                // >= 0, kEarliest or kLatest
  std::optional<size_t> max_bytes;   // this partition's own cap, within the call's
};

struct MultiFetchRequest {
  std::vector<PartitionFetch> partitions;  // 1..kMaxFetchPartitions
  uint32_t max_records = 500;              // over all partitions
  size_t max_bytes = 1 << 20;              // over all partitions
  std::chrono::milliseconds wait{0};
};

// One element per requested partition, in request order.
struct PartitionFetchResult {
  TopicPtr topic;    // null when the topic does not exist (then `error` says so)
  Status error;      // this partition's problem; the others stand
  std::optional<PartitionBounds> error_bounds;  // with `error` when the partition exists
  FetchReply reply;  // when error is OK
};

inline constexpr size_t kMaxFetchPartitions = 1000;
// What one produce call may carry, JSON or raw batches (spec section 5's limits): records,
// and body bytes (spoold's default HTTP cap is the same 8 MiB).
inline constexpr size_t kMaxRecordsPerProduce = 10'000;
inline constexpr size_t kMaxProduceBodyBytes = 8u << 20;
// kRequestTooLarge when `records` passes kMaxRecordsPerProduce.
Status check_produce_record_count(size_t records);

// The /batches fast path (spec section 5): Kafka v2 batches in and out, no JSON per record.
struct BatchProduceResult {
  int64_t base_offset = 0;   // of the first record stored
  int32_t record_count = 0;  // over every batch of the call
  int64_t timestamp_ms = 0;  // largest record timestamp (the append time under LogAppendTime)
};

struct BatchFetchRequest {
  int64_t offset = 0;  // >= 0, kEarliest or kLatest
  size_t max_bytes = 1 << 20;
  std::chrono::milliseconds wait{0};
};

struct BatchFetchReply {
  std::string bytes;  // whole stored batches back to back; the first holds the offset
  int64_t next_offset = 0;  // after the last batch; the asked offset when empty
  PartitionBounds bounds;
};

struct OffsetLookup {
  std::optional<int64_t> offset;        // nullopt: no record that new
  std::optional<int64_t> timestamp_ms;  // the found record's; nullopt for earliest/latest
  PartitionBounds bounds;
};

struct GroupPartitionOffset {
  uint32_t partition = 0;
  std::optional<CommittedOffset> committed;
  int64_t high_watermark = 0;
  std::optional<int64_t> lag;  // high watermark - committed, at least 0
};

// Where an assigned partition starts: the committed offset, else the member's
// auto_offset_reset position (log start, high watermark, or nullopt for "none").
struct AssignedPartition {
  int32_t partition = 0;
  std::optional<int64_t> offset;
};

// Join and heartbeat replies: the member's view with start positions.
struct MemberReply {
  MemberView view;
  std::map<std::string, std::vector<AssignedPartition>> assignment;  // view.assignment, positioned
};

// Where resetOffsets moves a group's committed offsets (spec section 7).
struct OffsetResetTarget {
  enum class Kind { kEarliest, kLatest, kTimestamp, kOffset };
  Kind kind = Kind::kEarliest;
  int64_t value = 0;  // kTimestamp: epoch ms; kOffset: the offset
};

// A group as describe and list show it: its members (group_members.h) and the live
// topics it subscribes to or has offsets for.
struct GroupSummary {
  GroupDescription membership;
  std::vector<std::string> topics;  // sorted
};

class TopicEngine {
 public:
  // Loads every live topic and opens (recovers) its partitions and the group offsets.
  static Result<std::unique_ptr<TopicEngine>> open(TopicEngineOptions options, TopicCatalog& catalog);
  ~TopicEngine();

  // Topics (metadata calls go through the catalog thread).
  void create_topic(const std::string& account, const std::string& name, int partitions,
                    std::map<std::string, std::string> config, std::function<void(Result<TopicPtr>)> done);
  // Merges `config` into the keys set before and/or grows the partition count; then runs
  // retention for the topic at once.
  void alter_topic(TopicPtr topic, std::optional<std::map<std::string, std::string>> config,
                   std::optional<int> partitions, std::function<void(Result<TopicPtr>)> done);
  void delete_topic(TopicPtr topic, std::function<void(Status)> done);
  // kTopicNotFound when the account has no such live topic.
  Result<TopicPtr> find_topic(const std::string& account, const std::string& name) const;
  // The account's live topics whose names start with `prefix`, sorted by name.
  std::vector<TopicPtr> list_topics(const std::string& account, const std::string& prefix) const;

  // Data. Partitions are checked against the topic (kPartitionNotFound).
  // Validates every record first (4xx: nothing stored), then appends one batch per
  // partition; `done` gets one result per record in request order once every batch is
  // durable, or the error when every batch failed.
  void produce(TopicPtr topic, std::vector<ProduceRecord> records, std::optional<int32_t> only_partition,
               std::function<void(Result<std::vector<ProduceResult>>)> done);
  void fetch(TopicPtr topic, int32_t partition, FetchRequest request,
             std::function<void(Result<FetchReply>)> done);
  // Every partition's result in request order (errors inline), at once when any
  // partition has records or an error, else when one gets a record or `wait` ends.
  // max_records and max_bytes are shared; the partition read first rotates from call to
  // call (multi_fetch.cpp), so small limits starve none. Only a malformed request
  // (kInvalidArgument) fails the whole call.
  void fetch_many(const std::string& account, MultiFetchRequest request,
                  std::function<void(Result<std::vector<PartitionFetchResult>>)> done);
  // Stores one or more client-encoded v2 batches (record_batch::split_incoming) to one
  // partition with contiguous offsets, once durable. Each batch is checked whole first
  // (a 4xx stores nothing); baseOffset is rewritten, and under LogAppendTime so are the
  // attributes, maxTimestamp and CRC.
  void produce_batches(TopicPtr topic, int32_t partition, std::string body,
                       std::function<void(Result<BatchProduceResult>)> done);
  // Stored batches from the one holding `offset`, at least one, within max_bytes; long
  // polls like fetch().
  void fetch_batches(TopicPtr topic, int32_t partition, BatchFetchRequest request,
                     std::function<void(Result<BatchFetchReply>)> done);
  // `timestamp_ms`: kEarliest, kLatest or a time (first offset with timestamp >= it).
  Result<OffsetLookup> list_offset(const TopicPtr& topic, int32_t partition, int64_t timestamp_ms) const;
  Result<PartitionStats> partition_stats(const TopicPtr& topic, int32_t partition) const;

  // Consumer groups (spec/topics-api.md section 7). Without `member_id` a commit needs
  // a group with no live members (kGroupNotEmpty); with it, the member must own every
  // partition (kUnknownMember, kPartitionNotAssigned).
  void commit_offsets(const std::string& account, const std::string& group,
                      const std::optional<std::string>& member_id, TopicPtr topic,
                      std::vector<OffsetCommit> commits, std::function<void(Status)> done);
  std::vector<GroupPartitionOffset> committed_offsets(const std::string& account, const std::string& group,
                                                      const TopicPtr& topic) const;
  // Live topics the group has offsets for, sorted by name.
  std::vector<TopicPtr> group_topics(const std::string& account, const std::string& group) const;
  // Every group of the account with committed offsets -> the live topics it has them for.
  std::map<std::string, std::vector<std::string>> groups(const std::string& account) const;
  // kGroupNotEmpty while a live member holds a partition of the topic.
  void delete_group_offsets(const std::string& account, const std::string& group, TopicPtr topic,
                            std::function<void(Status)> done);

  // Managed membership (topic_groups.cpp; RAM only, see group_members.h). Join checks
  // the group name and that every topic exists (kTopicNotFound).
  Result<MemberReply> join_group(const std::string& account, const std::string& group, JoinRequest request);
  Result<MemberReply> heartbeat(const std::string& account, const std::string& group, const std::string& member_id,
                                const std::optional<TopicPartitions>& owned);
  Status leave_group(const std::string& account, const std::string& group, const std::string& member_id);
  // For a fetch (or any call) naming a member: it must own the partitions; refreshes its
  // session. `*unowned` gets the first partition it lacks (kPartitionNotAssigned).
  Status check_member(const std::string& account, const std::string& group, const std::string& member_id,
                      const Topic& topic, const std::vector<int32_t>& partitions, int32_t* unowned = nullptr);
  // kGroupNotFound when the group has no live members and no committed offsets.
  Result<GroupSummary> describe_group(const std::string& account, const std::string& group);
  // Every group with members or committed offsets, by name.
  std::map<std::string, GroupSummary> list_groups(const std::string& account);
  // Forgets every committed offset of the group. kGroupNotFound (no members, no
  // offsets), kGroupNotEmpty (live members).
  void delete_group(const std::string& account, const std::string& group, std::function<void(Status)> done);
  // Commits `to` for `partitions` of the topic (every partition when empty) and answers
  // the new offsets, by partition; with `dry_run` only answers. A time with no record that
  // new, or an offset outside the log, lands on the nearest end (Kafka's reset tool).
  // kGroupNotEmpty while the group has live members, dry run or not.
  void reset_offsets(const std::string& account, const std::string& group, TopicPtr topic,
                     std::vector<int32_t> partitions, OffsetResetTarget to, bool dry_run,
                     std::function<void(Result<std::vector<std::pair<int32_t, int64_t>>>)> done);

  // One retention pass over every topic, now (tests; normally on a timer).
  void run_retention_for_test();

 private:
  TopicEngine(TopicEngineOptions options, TopicCatalog& catalog);
  Result<std::shared_ptr<TopicPartition>> open_partition(uint64_t topic_id, uint32_t number, int shard,
                                                         const TopicConfig& config);
  void publish(TopicPtr topic);
  void unpublish(const Topic& topic);
  // kResourceExhausted when `adding` more partitions would pass the account's or the
  // node's limit. On the catalog thread, so no create or alter races the count.
  Status check_partition_quota(const std::string& account, size_t adding) const;
  void retain(const Topic& topic);
  void schedule_retention();
  void schedule_metrics();
  void refresh_metrics();
  // `at_least_one`: the first record comes even when larger than max_bytes (Kafka's
  // rule; false for the later partitions of a multi-partition fetch).
  Result<FetchReply> read(const Topic& topic, const TopicPartition& partition, const FetchRequest& request,
                          bool at_least_one = true) const;
  Status out_of_range(const Topic& topic, const TopicPartition& partition, int64_t offset,
                      const PartitionBounds& bounds) const;
  // One pass of fetch_many over resolved partitions; true when something is to report.
  bool read_many(const MultiFetchRequest& request, size_t start, std::vector<PartitionFetchResult>* results) const;
  MemberReply positioned(const std::string& account, const std::string& group, MemberView view) const;
  void schedule_member_expiry();

  TopicEngineOptions options_;
  TopicCatalog& catalog_;
  std::unique_ptr<GroupOffsets> groups_;
  std::unique_ptr<GroupMembers> members_;  // calls find_topic under its lock
  mutable std::mutex directory_mutex_;
  std::map<std::pair<std::string, std::string>, TopicPtr> directory_;  // (account, name)
  // Blocking work, one at a time: catalog calls, file removal, retention.
  std::unique_ptr<Executor> catalog_thread_;
  // Long-poll deadlines and the metrics refresh; never blocks.
  std::unique_ptr<Executor> timers_;
  // Which partition of a POST /v1/fetch is read first: this counter mod the count.
  std::atomic<uint64_t> fetch_rotation_{0};
};

}  // namespace spool::topics
