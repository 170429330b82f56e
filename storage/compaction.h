#pragma once

// Compaction of mostly-dead sealed segments (docs/format.md "Garbage collection").
//
// A segment is deleted only once it is sealed, holds no live frame and every older
// segment is gone (the prefix rule, SegmentLog::collect_garbage). A long-lived frame in an
// old segment would pin every newer segment behind it, so compaction copies the live
// frames of sealed segments whose live fraction (live bytes / frame bytes) is below
// max_live_fraction to the head of the log, through the normal group commit, with flag
// kFlagRelocated. Once a copy is durable the owner is told the new position; if the owner
// adopts it, the old frame is counted dead and the prefix rule can delete its segment.
//
// Threading: one compact() at a time per log, from any thread; appends may continue
// meanwhile. The hooks run on the calling thread. The log must outlive the call.
// Crash safety: a kill during compaction leaves both copies; replay sees the old frame
// first and the relocated copy later, so the later one must win in the owner's replay.

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "storage/segment_log.h"

namespace spool {

struct CompactionOptions {
  double max_live_fraction = 0.25;           // compact sealed segments below this
  uint32_t max_segments = 8;                 // per call, oldest first
  uint64_t max_batch_bytes = 4ull << 20;     // payload bytes appended before waiting
};

struct CompactionHooks {
  // Whether the owner still needs the frame at `position`.
  std::function<bool(FramePosition position)> is_live;
  // The owner now finds the frame at `new_position`. Returns false if the frame died
  // since is_live said yes; the copy is then dead and nothing else changes. When it
  // returns true compaction calls add_live(new_position) and mark_dead(old_position).
  std::function<bool(FramePosition old_position, AppendedFrame copy)> relocated;
  // Optional: the payload to write for a live frame (default: the same bytes). The shard
  // log will use this to write a RELOCATE carrying the message's current state.
  std::function<std::string(const LogRecord& frame)> rewrite;
};

struct CompactionResult {
  uint32_t segments_compacted = 0;
  uint64_t frames_copied = 0;
  uint64_t bytes_copied = 0;
  uint32_t segments_deleted = 0;
};

Result<CompactionResult> compact(SegmentLog& log, const CompactionOptions& options,
                                 const CompactionHooks& hooks);

}  // namespace spool
