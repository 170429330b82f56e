#pragma once

// The shard log's queue records (spec/segments.md section 5): what each message
// mutation writes, encoded little-endian with storage/coding.h.
//
// Every state record carries absolute values (receive count, visible-at), never deltas,
// so replaying a frame twice is harmless. One ENQUEUE frame per message: a message's
// identity inside its shard is the LSN (seq) of that frame.
//
//   ENQUEUE  0x01  queue u64 | message_id 16 | sent_ms u64 | visible_at_ms u64
//                  | first_receive_ms u64 | receive_count u32 | origin_queue u64
//                  | md5_body 16 | md5_attrs 16 | group u16+ | dedupe u16+ | trace u16+
//                  | sender u16+ | attrs: n u16, n x (name u16+, type u16+, value u32+)
//                  | body u32+
//   RECEIVE  0x02  queue u64 | n u32 | n x (seq u64, receive_count u32, visible_at_ms u64,
//                  first_receive_ms u64)
//   VISIBILITY 0x03 queue u64 | n u32 | n x (seq u64, visible_at_ms u64)
//   DELETE   0x04  queue u64 | n u32 | n x seq u64
//   PURGE    0x05  queue u64 | up_to_seq u64
//   QUEUE_DROP 0x08 queue u64
// ("u16+" is a u16 length followed by that many bytes.)
//
// Pure functions; safe from any thread. Decoders return kCorruption on short or
// inconsistent payloads (a CRC-valid frame that does not parse is a bug or a newer
// format, never silently misread).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/message_attributes.h"

namespace spool {

namespace record_type {
inline constexpr uint8_t kEnqueue = 0x01;
inline constexpr uint8_t kReceive = 0x02;
inline constexpr uint8_t kVisibility = 0x03;
inline constexpr uint8_t kDelete = 0x04;
inline constexpr uint8_t kPurge = 0x05;
inline constexpr uint8_t kQueueDrop = 0x08;
}  // namespace record_type

// 16 raw bytes: a message id (a UUID) or an MD5 digest. Fixed arrays, not strings: 16
// bytes is one past std::string's inline capacity, so each was an allocation, three per
// message sent and two per message received.
using Bytes16 = std::array<uint8_t, 16>;
inline std::string_view bytes_view(const Bytes16& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
// The first 16 bytes of `raw`; a shorter one (from a damaged record) is padded with zeros.
Bytes16 to_bytes16(std::string_view raw);

struct EnqueueRecord {
  uint64_t queue_id = 0;
  Bytes16 message_id{};     // a UUID; message_id_text() spells it
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;  // 0: never received
  uint32_t receive_count = 0;
  uint64_t origin_queue_id = 0;  // a dead-letter move's source; 0 otherwise
  Bytes16 md5_body{};
  std::string md5_attributes;    // 16 raw bytes, or empty without attributes
  std::string group_id;
  std::string dedupe_id;
  std::string trace_header;      // AWSTraceHeader system attribute, or empty
  std::string sender_id;
  MessageAttributes attributes;  // sorted by name
  std::string body;
};

struct ReceiveItem {
  uint64_t seq = 0;
  uint32_t receive_count = 0;
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;
};

struct VisibilityItem {
  uint64_t seq = 0;
  int64_t visible_at_ms = 0;
};

// A MessageId as clients see it: the 16 raw bytes as 8-4-4-4-12 lower-case hex digits
// (`raw` as to_bytes16 reads it).
std::string message_id_text(std::string_view raw);
inline std::string message_id_text(const Bytes16& raw) { return message_id_text(bytes_view(raw)); }
// The same text without a heap string, for responses written straight out.
std::array<char, 36> message_id_chars(const Bytes16& raw);

std::string encode_enqueue(const EnqueueRecord& r);
// The same, appended to `out` (several records in one buffer).
void append_enqueue_record(std::string& out, const EnqueueRecord& r);
std::string encode_receive(uint64_t queue_id, const std::vector<ReceiveItem>& items);
std::string encode_visibility(uint64_t queue_id, const std::vector<VisibilityItem>& items);
std::string encode_delete(uint64_t queue_id, const std::vector<uint64_t>& seqs);
std::string encode_purge(uint64_t queue_id, uint64_t up_to_seq);
std::string encode_queue_drop(uint64_t queue_id);

Result<EnqueueRecord> decode_enqueue(std::string_view payload);
// The same into `r` (a fresh record), for callers that hold the record in place already.
Status decode_enqueue_into(std::string_view payload, EnqueueRecord& r);
// Only the fields replay needs, without copying body and attributes. The views point
// into the payload.
struct EnqueueHeader {
  uint64_t queue_id = 0;
  std::string_view message_id;
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;
  uint32_t receive_count = 0;
  uint64_t origin_queue_id = 0;
  std::string_view group_id;
  std::string_view dedupe_id;
};
Result<EnqueueHeader> decode_enqueue_header(std::string_view payload);
Status decode_receive(std::string_view payload, uint64_t* queue_id, std::vector<ReceiveItem>* items);
Status decode_visibility(std::string_view payload, uint64_t* queue_id,
                         std::vector<VisibilityItem>* items);
Status decode_delete(std::string_view payload, uint64_t* queue_id, std::vector<uint64_t>* seqs);
Status decode_purge(std::string_view payload, uint64_t* queue_id, uint64_t* up_to_seq);
Status decode_queue_drop(std::string_view payload, uint64_t* queue_id);

}  // namespace spool
