#include "storage/partition_index.h"

#include <algorithm>

namespace spool {

void PartitionIndex::add_batch(int64_t batch_base, uint32_t position, uint32_t frame_bytes,
                               int64_t max_timestamp_ms) {
  // The first batch of a segment needs no entry: lookups fall back to the first frame.
  if (has_batches_ && bytes_since_entry_ >= interval_bytes_) {
    uint32_t relative = static_cast<uint32_t>(batch_base - base_offset_);
    offsets_.push_back({relative, position});
    // Only when the maximum grew: the entries stay strictly useful and monotonic.
    if (times_.empty() || max_timestamp_ms_ > times_.back().max_timestamp_before) {
      times_.push_back({max_timestamp_ms_, relative, position});
    }
    bytes_since_entry_ = 0;
  }
  has_batches_ = true;
  bytes_since_entry_ += frame_bytes;
  max_timestamp_ms_ = std::max(max_timestamp_ms_, max_timestamp_ms);
}

void PartitionIndex::truncate(int64_t offset) {
  int64_t relative = offset - base_offset_;
  while (!offsets_.empty() && offsets_.back().relative_offset >= relative) offsets_.pop_back();
  while (!times_.empty() && times_.back().relative_offset >= relative) times_.pop_back();
  // Max timestamps and byte counts are not rolled back: both only make a lookup start
  // earlier, never skip a record.
}

uint32_t PartitionIndex::position_for_offset(int64_t offset, uint32_t first_position) const {
  int64_t relative = offset - base_offset_;
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), relative,
                             [](int64_t r, const OffsetEntry& e) { return r < e.relative_offset; });
  return it == offsets_.begin() ? first_position : std::prev(it)->position;
}

uint32_t PartitionIndex::position_for_time(int64_t timestamp_ms, uint32_t first_position) const {
  // Greatest entry whose earlier batches all hold timestamps < T.
  auto it = std::lower_bound(times_.begin(), times_.end(), timestamp_ms,
                             [](const TimeEntry& e, int64_t t) { return e.max_timestamp_before < t; });
  return it == times_.begin() ? first_position : std::prev(it)->position;
}

}  // namespace spool
