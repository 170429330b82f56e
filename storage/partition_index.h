#pragma once

// Sparse indexes of one partition segment (spec/segments.md section 8), kept in RAM.
//
//   offset index: {relative_offset u32, position u32} for a batch frame, one entry after
//                 every >= interval bytes (4096 by default, Kafka's index.interval.bytes);
//   time index:   {max_timestamp_before i64, relative_offset u32, position u32}: the
//                 largest record timestamp of every batch *before* the indexed one, so a
//                 lookup for T may start at the greatest entry whose value is < T.
//
// Why RAM only, and not the .index/.timeindex files of the spec: SegmentLog::open
// CRC-checks every frame of every segment anyway (its recovery contract), and the
// indexes are rebuilt from that same pass for free. Files pay off once open() trusts a
// recovery point and skips sealed segments; they belong to that change (TODO(#7)).
// Cost: 8 + 16 bytes per entry, <= 1 entry per 4 KiB of log (~6 KiB per MiB).
//
// One caller at a time (the PartitionLog's mutex).

#include <cstdint>
#include <optional>
#include <vector>

namespace spool {

class PartitionIndex {
 public:
  explicit PartitionIndex(int64_t base_offset, uint32_t interval_bytes = 4096)
      : base_offset_(base_offset), interval_bytes_(interval_bytes) {}

  // Records a batch frame placed at `position` (bytes) holding offsets from
  // `batch_base`, with `frame_bytes` bytes and records up to `max_timestamp_ms`.
  void add_batch(int64_t batch_base, uint32_t position, uint32_t frame_bytes,
                 int64_t max_timestamp_ms);
  // Drops entries for batches at or after `offset` (rollback of a failed append).
  void truncate(int64_t offset);

  // File position to start scanning for `offset`: the greatest indexed batch whose base
  // is <= offset, or `first_position` when none is.
  uint32_t position_for_offset(int64_t offset, uint32_t first_position) const;
  // File position to start scanning for the first record with timestamp >= ts.
  uint32_t position_for_time(int64_t timestamp_ms, uint32_t first_position) const;

  int64_t max_timestamp_ms() const { return max_timestamp_ms_; }
  size_t entries() const { return offsets_.size(); }

 private:
  struct OffsetEntry {
    uint32_t relative_offset;
    uint32_t position;
  };
  struct TimeEntry {
    int64_t max_timestamp_before;
    uint32_t relative_offset;
    uint32_t position;
  };

  int64_t base_offset_;
  uint32_t interval_bytes_;
  uint64_t bytes_since_entry_ = 0;
  bool has_batches_ = false;
  int64_t max_timestamp_ms_ = -1;
  std::vector<OffsetEntry> offsets_;
  std::vector<TimeEntry> times_;
};

}  // namespace spool
