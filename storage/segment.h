#pragma once

// Segment: the in-memory record of one <base>.log file of a SegmentLog.
//
// Fields are split by who touches them (the SegmentLog holds these rules):
//   - const after construction: ordinal, base, path, created_ms;
//   - under SegmentLog's mutex: the appenders' view (assigned_size, frames, append times,
//     seal_assigned) and the last durable state used for rollback (durable_frames);
//   - only the sync thread: file creation, allocated_end, written_size, zeroed_end;
//   - atomics, readable anywhere: durable_size (bytes known durable; a reader may pread
//     below it), is_sealed (its SEAL frame is durable), live counters (owner-reported).
// `file` is set once by the sync thread before durable_size first grows (release), so a
// reader that saw durable_size > 0 (acquire) may use it. Shared ownership lets a reader
// keep a deleted segment's descriptor open until its pread returns.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "storage/file.h"
#include "storage/log_types.h"

namespace spool {

struct Segment {
  Segment(SegmentOrdinal ordinal_in, SeqNo base_in, std::string path_in, uint64_t created)
      : ordinal(ordinal_in), base(base_in), path(std::move(path_in)), created_ms(created) {}

  const SegmentOrdinal ordinal;
  const SeqNo base;
  const std::string path;
  const uint64_t created_ms;

  // Appenders' view, under the log's mutex.
  uint64_t assigned_size = 0;  // bytes placed so far, including not yet written ones
  uint32_t frames = 0;         // frames placed, SEAL excluded
  uint64_t first_append_ms = 0;
  uint64_t last_append_ms = 0;
  bool seal_assigned = false;  // a SEAL frame is placed; no more frames go here
  uint32_t durable_frames = 0;
  bool file_durable = false;   // header written and synced (false: created by a pending roll)

  // Sync thread only.
  std::unique_ptr<File> file;
  uint64_t allocated_end = 0;
  uint64_t written_size = 0;
  uint64_t zeroed_end = 0;     // bytes [written_size, zeroed_end) are zeros already in the file

  std::atomic<uint64_t> durable_size{0};
  std::atomic<bool> is_sealed{false};
  std::atomic<int64_t> live_frames{0};
  std::atomic<int64_t> live_bytes{0};
};

}  // namespace spool
