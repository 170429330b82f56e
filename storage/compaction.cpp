#include "storage/compaction.h"

#include <future>
#include <memory>
#include <vector>

#include "common/log.h"

namespace spool {
namespace {

struct Copy {
  FramePosition old_position;
  AppendedFrame placed;
};

// Appends, waiting for room when the log applies backpressure.
Result<AppendedFrame> append_relocated(SegmentLog& log, uint8_t type, std::string_view payload,
                                       SegmentLog::Completion done) {
  for (;;) {
    auto placed = log.append(type, payload, done, log_format::kFlagRelocated);
    if (placed || placed.error().code() != Errc::kUnavailable) return placed;
    if (Status s = log.flush(); !s.ok()) return s;
  }
}

// Copies one batch and waits until every copy is durable; then tells the owner.
Status finish_batch(SegmentLog& log, const CompactionHooks& hooks, std::vector<Copy>& copies,
                    std::vector<std::future<Status>>& pending, CompactionResult* result) {
  Status first_error;
  for (auto& f : pending) {
    Status s = f.get();
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  pending.clear();
  if (!first_error.ok()) {
    copies.clear();
    return first_error;
  }
  for (const Copy& c : copies) {
    if (!hooks.relocated(c.old_position, c.placed)) continue;
    if (Status s = log.add_live(c.placed.position); !s.ok()) return s;
    if (Status s = log.mark_dead(c.old_position); !s.ok()) return s;
    ++result->frames_copied;
    result->bytes_copied += c.placed.position.length;
  }
  copies.clear();
  return Status();
}

Status compact_segment(SegmentLog& log, const CompactionOptions& options,
                       const CompactionHooks& hooks, SegmentOrdinal ordinal,
                       CompactionResult* result) {
  std::vector<FramePosition> live;
  Status scanned = log.scan_segment(ordinal, [&](const LogRecordView& v) {
    if (hooks.is_live(v.position)) live.push_back(v.position);
    return true;
  });
  if (!scanned.ok()) return scanned;

  std::vector<Copy> copies;
  std::vector<std::future<Status>> pending;
  uint64_t batch_bytes = 0;
  for (FramePosition pos : live) {
    auto frame = log.read(pos);
    if (!frame) return frame.error();
    std::string payload = hooks.rewrite ? hooks.rewrite(*frame) : std::move(frame->payload);
    auto promise = std::make_shared<std::promise<Status>>();
    pending.push_back(promise->get_future());
    auto placed = append_relocated(log, frame->type, payload,
                                   [promise](Status s) { promise->set_value(std::move(s)); });
    if (!placed) {
      pending.pop_back();
      Status drained = finish_batch(log, hooks, copies, pending, result);
      return drained.ok() ? placed.error() : drained;
    }
    copies.push_back(Copy{pos, *placed});
    batch_bytes += payload.size();
    if (batch_bytes >= options.max_batch_bytes) {
      if (Status s = finish_batch(log, hooks, copies, pending, result); !s.ok()) return s;
      batch_bytes = 0;
    }
  }
  return finish_batch(log, hooks, copies, pending, result);
}

}  // namespace

Result<CompactionResult> compact(SegmentLog& log, const CompactionOptions& options,
                                 const CompactionHooks& hooks) {
  CompactionResult result;
  std::vector<SegmentOrdinal> candidates;
  for (const SegmentStats& s : log.segments()) {
    if (!s.is_sealed || s.live_frames == 0) continue;
    uint64_t frame_bytes = s.durable_bytes - log_format::kSegmentHeaderSize;
    double live = frame_bytes == 0 ? 0.0 : static_cast<double>(s.live_bytes) /
                                                static_cast<double>(frame_bytes);
    if (live < options.max_live_fraction) candidates.push_back(s.ordinal);
    if (candidates.size() >= options.max_segments) break;
  }
  for (SegmentOrdinal ordinal : candidates) {
    if (Status s = compact_segment(log, options, hooks, ordinal, &result); !s.ok()) return s;
    ++result.segments_compacted;
  }
  auto deleted = log.collect_garbage();
  if (!deleted) return deleted.error();
  result.segments_deleted = *deleted;
  if (result.segments_compacted > 0) {
    log_info("storage", "compacted segments",
             {{"dir", log.options().dir}, {"segments", result.segments_compacted},
              {"frames_copied", result.frames_copied}, {"bytes_copied", result.bytes_copied},
              {"segments_deleted", result.segments_deleted}});
  }
  return result;
}

}  // namespace spool
