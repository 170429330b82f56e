#pragma once

// Byte layout of a segment file; docs/format.md has the grammar, a worked example and the
// recovery rules. This header, that page and tests/storage/log_format_test.cpp (golden
// bytes) change together.
//
// Segment header, 48 bytes at offset 0 of every <20-digit first seq>.log (spec section 3):
//   +---------+---------+------+-------+----------+------+------------+----------+-------+
//   | magic   | version | kind | owner | topic_id | base | created_ms | reserved | crc   |
//   | 8 bytes |   u16   | u16  |  u32  |   u64    | u64  |    u64     |   u32    |  u32  |
//   +---------+---------+------+-------+----------+------+------------+----------+-------+
//     0         8         10     12      16         24     32           40         44
//   magic = "SPOOLSEG"; base = seq of the first frame and equals the file name;
//   crc = masked CRC32C of bytes 0..43.
//
// Frame, repeated from offset 48 to the end of the file (spec section 4):
//   +-------+--------+-----+------+-------+----------+-----------------+
//   | crc   | length | seq | type | flags | reserved | payload         |
//   |  u32  |  u32   | u64 |  u8  |  u8   |   u16    | length bytes    |
//   +-------+--------+-----+------+-------+----------+-----------------+
//     0       4        8     16     17      18         20
//   crc = masked CRC32C of bytes 4 .. end of payload, so a damaged length fails it too.
//   seq = previous frame's seq + 1 (the first frame's seq is the segment's base).
//
// All integers little-endian. Encoding lives in storage/coding.h only.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/log_types.h"

namespace spool::log_format {

inline constexpr char kMagic[8] = {'S', 'P', 'O', 'O', 'L', 'S', 'E', 'G'};
inline constexpr uint16_t kVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 48;
inline constexpr size_t kSegmentHeaderCrcOffset = 44;
inline constexpr size_t kFrameHeaderSize = 20;
// Larger lengths are invalid on read: a damaged length must not make recovery allocate
// gigabytes, and one receive must stay one bounded pread.
inline constexpr uint32_t kMaxPayloadSize = 16u << 20;

// Segment kinds (header field `kind`).
inline constexpr uint16_t kKindShardLog = 1;
inline constexpr uint16_t kKindPartitionLog = 2;

// Frame types storage itself writes. Callers' types are any other value except 0x00
// (reserved so that a zero-filled tail can never look like a frame type in use).
// Types with bit 7 set may be skipped by readers that do not know them.
inline constexpr uint8_t kTypeReserved = 0x00;
inline constexpr uint8_t kTypeHole = 0x7E;  // written only by repair (not yet, see docs)
inline constexpr uint8_t kTypeSeal = 0x7F;  // last frame of a sealed segment
inline constexpr uint8_t kSkippableBit = 0x80;

// Frame flags.
inline constexpr uint8_t kFlagRelocated = 0x01;  // a compaction copy of an older frame

// SEAL payload, 44 bytes:
//   +----------+--------+-------+-----------------+----------------+------------------+
//   | next_seq | frames | bytes | first_append_ms | last_append_ms | max_timestamp_ms |
//   |   u64    |  u32   |  u64  |      u64        |      u64       |       i64        |
//   +----------+--------+-------+-----------------+----------------+------------------+
//   frames excludes the SEAL; bytes = file size including the SEAL frame;
//   max_timestamp_ms is -1 when the log carries no record timestamps (shard logs).
inline constexpr size_t kSealPayloadSize = 44;

struct SegmentHeader {
  uint16_t version = kVersion;
  uint16_t kind = kKindShardLog;
  uint32_t owner = 0;
  uint64_t topic_id = 0;
  SeqNo base;
  uint64_t created_ms = 0;
};

struct FrameHeader {
  uint32_t masked_crc = 0;
  uint32_t length = 0;
  SeqNo seq;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint16_t reserved = 0;
};

struct SealPayload {
  SeqNo next_seq;
  uint32_t frames = 0;
  uint64_t bytes = 0;
  uint64_t first_append_ms = 0;
  uint64_t last_append_ms = 0;
  int64_t max_timestamp_ms = -1;
};

// Writes exactly kSegmentHeaderSize bytes, CRC included.
void encode_segment_header(const SegmentHeader& header, uint8_t* dst);
// Checks magic, version and CRC; nullopt with `*why` set when any fails.
std::optional<SegmentHeader> decode_segment_header(const uint8_t* src, const char** why);

// Writes the 20-byte frame header for `payload` into dst, computing the CRC.
void encode_frame_header(SeqNo seq, uint8_t type, uint8_t flags, std::string_view payload,
                         uint8_t* dst);
// Decodes the fixed fields only; the CRC is checked by frame_crc_matches.
FrameHeader decode_frame_header(const uint8_t* src);
// `frame` is header + payload, exactly 20 + length bytes.
bool frame_crc_matches(const FrameHeader& header, const uint8_t* frame);

void encode_seal_payload(const SealPayload& seal, uint8_t* dst);
SealPayload decode_seal_payload(const uint8_t* src);

}  // namespace spool::log_format
