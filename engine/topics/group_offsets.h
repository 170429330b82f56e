#pragma once

// GroupOffsets: consumer-group committed offsets, durable in a segment log of their own
// (<data>/topics/_groups), as Kafka keeps them in __consumer_offsets, with the current
// value of every (account, group, topic id, partition) in RAM.
//
// Why a log and not PostgreSQL (spec/segments.md section 16): HTTP consumers commit
// after every fetch; a commit here is one ~60-byte frame riding a group commit, with no
// database round trip on the consume path. Why its own log rather than the coordinator
// shard's log of the spec: shard logs belong to the queue engine (being reworked for
// FIFO); one small log keeps topics out of shard.cpp. Moving the frames into the shard
// log later changes where they are written, not their format.
//
// Frames (payload little-endian, storage/coding.h; docs/format.md "Group offsets"):
//   0x20 OFFSET_COMMIT  account u16+bytes | group u16+bytes | topic_id u64 | n u32 |
//                       n x { partition u32 | offset i64 | commit_ms u64 | metadata u16+bytes }
//   0x21 OFFSET_DELETE  account u16+bytes | group u16+bytes (empty: every group) |
//                       topic_id u64
// Replay applies them in order; the last commit of a partition wins.
//
// Not yet: compaction of the log (it grows with every commit; a rewrite of live entries
// when it passes a size is TODO(#7)); expiry of idle groups after 7 days.
//
// Safe from any thread. Commits are visible to committed() only once durable; `done`
// runs on the log's completion thread and must not block.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/segment_log.h"
#include "storage/storage_config.h"

namespace spool::topics {

struct OffsetCommit {
  uint32_t partition = 0;
  int64_t offset = 0;
  std::string metadata;
};

struct CommittedOffset {
  int64_t offset = 0;
  std::string metadata;
  int64_t commit_ms = 0;
};

class GroupOffsets {
 public:
  static Result<std::unique_ptr<GroupOffsets>> open(const std::string& dir, FsyncMode fsync,
                                                    const Clock& clock);

  // Durably records the commits (one frame); `done` gets OK once durable. Immediate
  // failures return without calling `done`.
  Status commit(const std::string& account, const std::string& group, uint64_t topic_id,
                std::vector<OffsetCommit> commits, std::function<void(Status)> done);
  // Forgets every group's offsets for a topic (topic deleted). Asynchronous.
  Status drop_topic(const std::string& account, uint64_t topic_id);
  // Forgets one group's offsets for a topic; `done` once durable.
  Status drop(const std::string& account, const std::string& group, uint64_t topic_id,
              std::function<void(Status)> done);

  // Committed offsets of the group for the topic, by partition.
  std::map<uint32_t, CommittedOffset> committed(const std::string& account, const std::string& group,
                                                uint64_t topic_id) const;
  // Topic ids the group has offsets for.
  std::vector<uint64_t> topics_of(const std::string& account, const std::string& group) const;
  // Every (group, topic id) pair of the account; for metrics and listing.
  std::vector<std::pair<std::string, uint64_t>> groups_of(const std::string& account) const;
  // Every (account, group, topic id, partition) -> offset; for metrics.
  void for_each(const std::function<void(const std::string& account, const std::string& group,
                                         uint64_t topic_id, uint32_t partition,
                                         const CommittedOffset&)>& fn) const;

 private:
  using Key = std::tuple<std::string, std::string, uint64_t>;  // account, group, topic id
  GroupOffsets(const Clock& clock) : clock_(clock) {}
  Status apply(const LogRecordView& frame);

  const Clock& clock_;
  std::unique_ptr<SegmentLog> log_;
  mutable std::mutex mu_;
  std::map<Key, std::map<uint32_t, CommittedOffset>> offsets_;
};

}  // namespace spool::topics
