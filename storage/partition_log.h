#pragma once

// PartitionLog: one topic partition stored as its own SegmentLog (spec/segments.md
// sections 6-8, 13; docs/format.md "Partition logs"), with Kafka offsets on top.
//
// Frames: one BATCH frame (type 0x40) per produce batch; its payload is an 8-byte
// broker append time followed by one Kafka v2 record batch (storage/record_batch.h).
// A batch of N records takes offsets [base, base + N): offsets are contiguous across
// batches, checked again on every open, and a torn tail frame is dropped whole by
// SegmentLog recovery, so its offsets are simply handed out again.
//
// Visibility: the high watermark moves only when a batch is durable (per fsync mode),
// and reads never go past it, so an offset a consumer saw can never be reused.
//
// Retention deletes whole sealed segments from the oldest (by broker append time or by
// partition size); the log start offset becomes the next segment's base. The segment
// holding the newest batch is never deleted, so the next offset survives a restart
// without a separate checkpoint.
//
// Threading: every method is safe from any thread. append() and reads take a short
// internal mutex; reads pread outside it. `done` callbacks and the durable listener
// run on the log's completion thread and must not block. retain() and roll_if_older()
// block on file work: call them from a thread that may block.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/partition_index.h"
#include "storage/record_batch.h"
#include "storage/segment_log.h"
#include "storage/storage_config.h"

namespace spool {

namespace partition_format {
inline constexpr uint8_t kTypeBatch = 0x40;
inline constexpr size_t kAppendTimeSize = 8;  // u64 LE broker append time before the batch
}  // namespace partition_format

class PartitionReadFile;  // partition_log.cpp

struct PartitionLogOptions {
  std::string dir;  // created if missing
  FsyncMode fsync;
  uint64_t topic_id = 0;
  uint32_t partition = 0;
  uint64_t segment_bytes = 128ull << 20;  // topic's segment.bytes
  uint32_t index_interval_bytes = 4096;
  const Clock* clock = nullptr;  // required; must outlive the log
};

struct PartitionBounds {
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;  // next offset to be made durable; all below are durable
};

struct PartitionStats {
  PartitionBounds bounds;
  uint64_t size_bytes = 0;  // bytes of the segments holding batches
  uint32_t segments = 0;
};

// Whole stored batches, the first one holding the wanted offset.
struct FetchedBatches {
  std::vector<std::string> batches;  // Kafka v2 record batches
  PartitionBounds bounds;
};

// One encoded batch to append; its baseOffset is overwritten at append.
struct BatchToAppend {
  std::string_view bytes;
  int32_t count = 0;
  int64_t max_timestamp_ms = 0;
};

// Whole stored batches copied back to back into one buffer (the /batches fast path and
// the JSON fetch decode from it without a copy per batch).
struct FetchedRange {
  PartitionBounds bounds;
  int64_t next_offset = 0;  // after the last batch copied; the asked offset when none
  size_t batches = 0;
};

class PartitionLog {
 public:
  using AppendDone = std::function<void(Result<int64_t> base_offset)>;

  static Result<std::unique_ptr<PartitionLog>> open(PartitionLogOptions options);
  ~PartitionLog();

  // Appends one encoded batch (record_batch::encode) of `count` records; its baseOffset
  // is assigned here. `done` gets the base offset once the batch is durable, or the
  // failure (then no offset of it was consumed). Immediate failures (disk full, backlog,
  // failed log) come back as the Status and `done` is not called.
  Status append(std::string batch, int32_t count, int64_t max_timestamp_ms, AppendDone done);
  // Appends several batches as consecutive frames placed together
  // (SegmentLog::append_all): their offsets are contiguous, nothing of another append
  // lies between them, and either all are placed or none (the Status). `done` gets the
  // first batch's base offset once every one is durable. A crash before that may keep a
  // prefix of whole batches, as Kafka's log may.
  Status append_batches(const std::vector<BatchToAppend>& batches, AppendDone done);

  // Batches from the one holding `offset` while their bytes stay within max_bytes (at
  // least one batch, Kafka's rule) and until they hold max_records records from `offset`
  // on. kOffsetOutOfRange when offset < log start or > high watermark; empty at the high
  // watermark.
  Result<FetchedBatches> read(int64_t offset, size_t max_bytes, uint64_t max_records = UINT64_MAX) const;
  // The same batches as read(), appended to `out` back to back (the batch bytes only,
  // no frame headers).
  Result<FetchedRange> read_into(int64_t offset, size_t max_bytes, uint64_t max_records, std::string* out) const;
  // The first offset whose record timestamp is >= timestamp_ms, with that timestamp;
  // nullopt when no record is that new.
  Result<std::optional<std::pair<int64_t, int64_t>>> offset_for_time(int64_t timestamp_ms) const;

  PartitionBounds bounds() const;
  PartitionStats stats() const;

  // Called (on the completion thread) after the high watermark moved; at most one.
  void set_durable_listener(std::function<void()> listener);

  // Deletes old sealed segments per retention (-1 = no limit). Returns segments deleted.
  Result<uint32_t> retain(int64_t retention_ms, int64_t retention_bytes);
  // Seals the active segment when its first batch is older than segment_ms, so time
  // retention can reach it.
  Status roll_if_older(int64_t segment_ms);

 private:
  struct SegmentInfo;
  // A durable byte range of one segment file to walk.
  struct Span {
    std::shared_ptr<const PartitionReadFile> file;
    std::string path;
    uint64_t from = 0, to = 0;
  };
  struct Cursor {
    std::vector<Span> spans;
    PartitionBounds bounds;
  };
  // An appended batch waiting for its durable completion, in offset order.
  struct Pending {
    int64_t end_offset;
    std::shared_ptr<SegmentInfo> segment;
    uint64_t end_bytes;
  };
  using BatchVisitor = std::function<bool(std::string_view batch, const record_batch::BatchInfo&)>;

  explicit PartitionLog(PartitionLogOptions options);
  Status replay(const LogRecordView& frame);
  void on_appended(int64_t base, int32_t count, Status status);
  // Where to start reading for `offset`, or (timestamp set, offset ignored) for the first
  // record at or after the timestamp; spans cover durable bytes only.
  Result<Cursor> cursor(int64_t offset, std::optional<int64_t> timestamp_ms) const;
  // Visits durable batches in order until `visit` returns false.
  Status walk(const Cursor& cursor, const BatchVisitor& visit) const;
  // Requires mu_ held.
  std::shared_ptr<SegmentInfo> segment_for_locked(SegmentOrdinal ordinal, SeqNo first_seq,
                                                  int64_t base_offset);

  const PartitionLogOptions options_;
  std::unique_ptr<SegmentLog> log_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<SegmentInfo>> segments_;  // holding batches, oldest first
  int64_t next_offset_ = 0;
  int64_t high_watermark_ = 0;
  int64_t log_start_ = 0;
  std::deque<Pending> pending_;
  std::function<void()> listener_;
  Status replay_status_;
};

}  // namespace spool
