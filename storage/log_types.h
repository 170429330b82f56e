#pragma once

// Strong types for positions in a segment log, so the compiler catches a swapped
// sequence number and offset (docs/STYLE.md section 2).

#include <compare>
#include <cstdint>

namespace spool {

// A frame's sequence number: +1 per frame in a log, never reused (spec section 2).
struct SeqNo {
  uint64_t value = 0;
  auto operator<=>(const SeqNo&) const = default;
  SeqNo next() const { return SeqNo{value + 1}; }
};

// A segment's ordinal inside one open SegmentLog: 0 for the oldest segment found at open,
// +1 per roll. Stable for the life of the SegmentLog object only; recovery hands out
// fresh positions, so owners rebuild theirs from the replay.
struct SegmentOrdinal {
  uint32_t value = 0;
  auto operator<=>(const SegmentOrdinal&) const = default;
};

// Where a frame lives: its segment, the byte offset of its header in that file, and the
// whole frame length (header + payload), so a read is one pread.
struct FramePosition {
  SegmentOrdinal segment;
  uint32_t offset = 0;
  uint32_t length = 0;
  auto operator<=>(const FramePosition&) const = default;
};

// What an append returns once the frame is placed (not yet durable).
struct AppendedFrame {
  SeqNo seq;
  FramePosition position;
};

}  // namespace spool
