#pragma once

// Topic record batches: a Kafka v2 record batch (magic 2), byte for byte as on the Kafka
// wire, so a future Kafka listener can serve stored bytes unchanged (spec/segments.md
// section 6; docs/format.md "Partition logs").
//
// Batch header, 61 bytes, big-endian (Kafka's byte order, not ours):
//   +------------+-------------+-------------+-------+-------+------------+-----------------+
//   | baseOffset | batchLength | leaderEpoch | magic | crc   | attributes | lastOffsetDelta |
//   |    i64     |     i32     |     i32     |  i8   |  u32  |    i16     |       i32       |
//   +------------+-------------+-------------+-------+-------+------------+-----------------+
//     0            8             12            16      17      21           23
//   +---------------+--------------+------------+---------------+--------------+-------------+
//   | baseTimestamp | maxTimestamp | producerId | producerEpoch | baseSequence | recordCount |
//   |      i64      |     i64      |    i64     |      i16      |     i32      |     i32     |
//   +---------------+--------------+------------+---------------+--------------+-------------+
//     27              35             43           51              53             57
//   batchLength = bytes after that field; crc = CRC32C (unmasked) of attributes .. end;
//   attributes bit 3 = LogAppendTime; producer fields -1 (no idempotent producers yet).
// Each record (varints are zig-zag, as Kafka's):
//   length varint | attributes i8 (0) | timestampDelta varlong | offsetDelta varint |
//   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
//   headerCount varint | { nameLength varint | name | valueLength varint | value }*
//
// baseOffset lies outside the CRC: the batch is encoded before its offset is known and
// the offset is patched in at append (set_base_offset).
//
// Pure functions and plain values; safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace spool::record_batch {

inline constexpr size_t kHeaderSize = 61;
inline constexpr int8_t kMagic = 2;
inline constexpr int16_t kAttrLogAppendTime = 0x08;
// Attribute bits a client-sent batch may not carry (yet): compression codec (bits 0-2),
// transactional (bit 4), control batch (bit 5).
inline constexpr int16_t kAttrCompressionMask = 0x07;
inline constexpr int16_t kAttrTransactional = 0x10;
inline constexpr int16_t kAttrControl = 0x20;

struct Header {
  std::string_view name;
  std::optional<std::string_view> value;  // nullopt: null
};

// One record to encode; views must outlive encode().
struct RecordInput {
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<Header> headers;
  int64_t timestamp_ms = 0;
};

// One decoded record; views point into the batch bytes.
struct RecordView {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  bool log_append_time = false;  // timestamp is the broker's (LogAppendTime)
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<Header> headers;
};

struct BatchInfo {
  int64_t base_offset = 0;
  int32_t record_count = 0;
  int64_t base_timestamp_ms = 0;
  int64_t max_timestamp_ms = 0;
  bool log_append_time = false;
  size_t size = 0;  // whole batch, header included
  int64_t next_offset() const { return base_offset + record_count; }
};

// One client-sent batch found by split_incoming, with what the broker checks of its records.
struct IncomingBatch {
  size_t at = 0;  // byte position of the batch in the body
  BatchInfo info;
  int16_t attributes = 0;
  int64_t first_timestamp_ms = 0;  // smallest record timestamp (baseTimestamp + delta)
  int64_t last_timestamp_ms = 0;   // largest record timestamp
  size_t max_record_bytes = 0;     // largest key + value + headers of one record
  size_t max_headers = 0;          // most headers on one record
};

// Splits a body of one or more concatenated v2 batches (the /batches fast path, spec
// topics-api.md section 5) and checks each one whole: header lengths, magic 2, CRC32C,
// attributes (no compression, transactions or control batches), and every record
// (lengths, varints, offset deltas 0..n-1). baseOffset is not looked at. kInvalidRecord
// naming the batch ("batch 1 at byte 4096: CRC mismatch"); an empty body is one too.
Result<std::vector<IncomingBatch>> split_incoming(std::string_view body);
// Sets maxTimestamp, and the LogAppendTime attribute when `log_append_time`, then
// recomputes the CRC (both lie inside it). Requires: `batch` points at a whole batch
// of `size` bytes.
void set_max_timestamp(char* batch, size_t size, int64_t max_timestamp_ms, bool log_append_time);
// Rewrites baseOffset in place (outside the CRC). Requires: >= 8 writable bytes.
void set_base_offset(char* batch, int64_t base_offset);

// Encodes `records` (at least one) as one batch with baseOffset 0.
std::string encode(const std::vector<RecordInput>& records, bool log_append_time);
// Rewrites baseOffset in place (it is outside the CRC). Requires: batch.size() >= 61.
void set_base_offset(std::string& batch, int64_t base_offset);
// The size of the batch at the front of `bytes` by its batchLength (header included),
// not checked. Requires: bytes.size() >= 12.
size_t batch_size(std::string_view bytes);
// Checks the header (magic, lengths, counts, lastOffsetDelta) and the CRC.
Result<BatchInfo> decode_header(std::string_view batch);
// decode_header without the CRC, for bytes whose integrity is checked already (a stored
// batch inside a CRC-checked frame): the CRC pass was a tenth of a fetch's CPU.
Result<BatchInfo> parse_header(std::string_view batch);
// Every record with offset >= from_offset, appended to `out`; kCorruption when the
// records do not parse. Requires: `batch` passed decode_header (its CRC is not checked
// again here).
Status decode_records(std::string_view batch, int64_t from_offset, std::vector<RecordView>* out);
// Bytes counted against a fetch's max_bytes and max.message.bytes: key + value + headers.
size_t record_bytes(const RecordView& record);
size_t record_bytes(const RecordInput& record);

}  // namespace spool::record_batch
