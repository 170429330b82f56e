#include "storage/record_batch.h"

#include <algorithm>

#include "storage/crc32c.h"

namespace spool::record_batch {
namespace {

// Offsets of the header fields (see the table in the header).
constexpr size_t kBatchLengthAt = 8;
constexpr size_t kMagicAt = 16;
constexpr size_t kCrcAt = 17;
constexpr size_t kAttributesAt = 21;
constexpr size_t kLastOffsetDeltaAt = 23;
constexpr size_t kBaseTimestampAt = 27;
constexpr size_t kMaxTimestampAt = 35;
constexpr size_t kRecordCountAt = 57;
// A record's smallest encoding: 6 one-byte fields (attributes, two deltas, null key,
// null value, no headers).
constexpr size_t kMinRecordSize = 6;

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void write_be(std::string& out, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
}

uint64_t get_be(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[at + i]);
  return v;
}

void put_varlong(std::string& out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out.push_back(static_cast<char>(z | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<char>(z));
}

size_t varlong_size(int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  size_t n = 1;
  while (z >= 0x80) {
    z >>= 7;
    ++n;
  }
  return n;
}

void put_bytes(std::string& out, const std::optional<std::string_view>& bytes) {
  if (!bytes) {
    put_varlong(out, -1);
    return;
  }
  put_varlong(out, static_cast<int64_t>(bytes->size()));
  out.append(bytes->data(), bytes->size());
}

size_t bytes_size(const std::optional<std::string_view>& bytes) {
  return bytes ? varlong_size(static_cast<int64_t>(bytes->size())) + bytes->size() : 1;
}

// Reads zig-zag varints and length-prefixed byte strings from a record body.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool varlong(int64_t* v) {
    uint64_t z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= in_.size()) return false;
      uint8_t b = static_cast<uint8_t>(in_[at_++]);
      z |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
        return true;
      }
    }
    return false;
  }
  bool bytes(std::optional<std::string_view>* out) {
    int64_t n = 0;
    if (!varlong(&n) || n < -1) return false;
    if (n == -1) {
      out->reset();
      return true;
    }
    if (static_cast<uint64_t>(n) > in_.size() - at_) return false;
    *out = in_.substr(at_, static_cast<size_t>(n));
    at_ += static_cast<size_t>(n);
    return true;
  }
  bool skip(size_t n) {
    if (n > in_.size() - at_) return false;
    at_ += n;
    return true;
  }
  size_t at() const { return at_; }

 private:
  std::string_view in_;
  size_t at_ = 0;
};

Status corrupt(const std::string& why) { return Status(Errc::kCorruption, "record batch: " + why); }

}  // namespace

std::string encode(const std::vector<RecordInput>& records, bool log_append_time) {
  int64_t base_ts = records.front().timestamp_ms;
  int64_t max_ts = base_ts;
  for (const RecordInput& r : records) max_ts = std::max(max_ts, r.timestamp_ms);

  std::string out;
  size_t estimate = kHeaderSize;
  for (const RecordInput& r : records) estimate += record_bytes(r) + 16 + 4 * r.headers.size();
  out.reserve(estimate);
  put_be(out, 0, 8);                    // baseOffset, set at append
  put_be(out, 0, 4);                    // batchLength, below
  put_be(out, 0, 4);                    // partitionLeaderEpoch
  out.push_back(static_cast<char>(kMagic));
  put_be(out, 0, 4);                    // crc, below
  put_be(out, log_append_time ? kAttrLogAppendTime : 0, 2);
  put_be(out, records.size() - 1, 4);   // lastOffsetDelta
  put_be(out, static_cast<uint64_t>(base_ts), 8);
  put_be(out, static_cast<uint64_t>(max_ts), 8);
  put_be(out, static_cast<uint64_t>(-1), 8);  // producerId
  put_be(out, static_cast<uint16_t>(-1), 2);  // producerEpoch
  put_be(out, static_cast<uint32_t>(-1), 4);  // baseSequence
  put_be(out, records.size(), 4);

  for (size_t i = 0; i < records.size(); ++i) {
    const RecordInput& r = records[i];
    int64_t ts_delta = r.timestamp_ms - base_ts;
    size_t body = 1 + varlong_size(ts_delta) + varlong_size(static_cast<int64_t>(i)) +
                  bytes_size(r.key) + bytes_size(r.value) +
                  varlong_size(static_cast<int64_t>(r.headers.size()));
    for (const Header& h : r.headers) {
      body += bytes_size(h.name) + bytes_size(h.value);
    }
    put_varlong(out, static_cast<int64_t>(body));
    out.push_back(0);  // attributes
    put_varlong(out, ts_delta);
    put_varlong(out, static_cast<int64_t>(i));
    put_bytes(out, r.key);
    put_bytes(out, r.value);
    put_varlong(out, static_cast<int64_t>(r.headers.size()));
    for (const Header& h : r.headers) {
      put_bytes(out, h.name);
      put_bytes(out, h.value);
    }
  }
  write_be(out, kBatchLengthAt, out.size() - 12, 4);
  uint32_t crc = crc32c::value(out.data() + kAttributesAt, out.size() - kAttributesAt);
  write_be(out, kCrcAt, crc, 4);
  return out;
}

void set_base_offset(std::string& batch, int64_t base_offset) {
  write_be(batch, 0, static_cast<uint64_t>(base_offset), 8);
}

void set_base_offset(char* batch, int64_t base_offset) {
  for (int i = 0; i < 8; ++i) batch[i] = static_cast<char>(static_cast<uint64_t>(base_offset) >> (8 * (7 - i)));
}

void set_max_timestamp(char* batch, size_t size, int64_t max_timestamp_ms, bool log_append_time) {
  auto put = [batch](size_t at, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) batch[at + i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
  };
  if (log_append_time) {
    uint16_t attributes = static_cast<uint16_t>(get_be(std::string_view(batch, size), kAttributesAt, 2));
    put(kAttributesAt, attributes | static_cast<uint16_t>(kAttrLogAppendTime), 2);
  }
  put(kMaxTimestampAt, static_cast<uint64_t>(max_timestamp_ms), 8);
  put(kCrcAt, crc32c::value(batch + kAttributesAt, size - kAttributesAt), 4);
}

Result<std::vector<IncomingBatch>> split_incoming(std::string_view body) {
  std::vector<IncomingBatch> out;
  if (body.empty()) return Status(Errc::kInvalidRecord, "the body holds no record batch");
  size_t at = 0;
  while (at < body.size()) {
    const std::string where = "batch " + std::to_string(out.size()) + " at byte " + std::to_string(at) + ": ";
    auto bad = [&where](const std::string& why) { return Status(Errc::kInvalidRecord, where + why); };
    std::string_view rest = body.substr(at);
    if (rest.size() < kHeaderSize) return bad("shorter than the 61-byte batch header");
    if (static_cast<int8_t>(rest[kMagicAt]) != kMagic) {
      return bad("magic is " + std::to_string(static_cast<int8_t>(rest[kMagicAt])) + "; only 2 is accepted");
    }
    uint64_t length = get_be(rest, kBatchLengthAt, 4);
    if (length + 12 < kHeaderSize || length + 12 > rest.size()) {
      return bad("batchLength " + std::to_string(length) + " does not fit the body");
    }
    std::string_view batch = rest.substr(0, static_cast<size_t>(length + 12));
    auto info = decode_header(batch);
    if (!info) return bad(info.error().message().substr(std::string_view("record batch: ").size()));
    IncomingBatch in;
    in.at = at;
    in.info = *info;
    in.attributes = static_cast<int16_t>(get_be(batch, kAttributesAt, 2));
    if (in.attributes & kAttrCompressionMask) return bad("compressed batches are not supported yet");
    if (in.attributes & (kAttrTransactional | kAttrControl)) {
      return bad("transactional and control batches are not supported");
    }
    // A record takes at least a length byte and its 6 smallest fields: a larger count
    // cannot be true (and must not size an allocation).
    if (static_cast<uint64_t>(info->record_count) > (batch.size() - kHeaderSize) / (kMinRecordSize + 1)) {
      return bad("recordCount " + std::to_string(info->record_count) + " does not fit the batch");
    }
    std::vector<RecordView> records;
    records.reserve(static_cast<size_t>(info->record_count));
    if (Status s = decode_records(batch, info->base_offset, &records); !s.ok()) {
      return bad(s.message().substr(std::string_view("record batch: ").size()));
    }
    // Stored bytes must be exactly the records: nothing may trail the last one.
    Reader walk(batch.substr(kHeaderSize));
    for (int32_t i = 0; i < info->record_count; ++i) {
      int64_t length = 0;
      if (!walk.varlong(&length) || !walk.skip(static_cast<size_t>(length))) return bad("bad record length");
    }
    if (walk.at() != batch.size() - kHeaderSize) return bad("bytes after the last record");
    in.first_timestamp_ms = in.last_timestamp_ms = info->base_timestamp_ms;
    bool first = true;
    for (const RecordView& r : records) {
      int64_t ts = r.timestamp_ms;
      if (first || ts < in.first_timestamp_ms) in.first_timestamp_ms = ts;
      if (first || ts > in.last_timestamp_ms) in.last_timestamp_ms = ts;
      first = false;
      in.max_record_bytes = std::max(in.max_record_bytes, record_bytes(r));
      in.max_headers = std::max(in.max_headers, r.headers.size());
    }
    out.push_back(in);
    at += batch.size();
  }
  return out;
}

size_t batch_size(std::string_view bytes) { return static_cast<size_t>(get_be(bytes, kBatchLengthAt, 4)) + 12; }

Result<BatchInfo> decode_header(std::string_view batch) {
  auto info = parse_header(batch);
  if (!info) return info;
  uint32_t crc = static_cast<uint32_t>(get_be(batch, kCrcAt, 4));
  if (crc != crc32c::value(batch.data() + kAttributesAt, batch.size() - kAttributesAt)) {
    return corrupt("CRC mismatch");
  }
  return info;
}

Result<BatchInfo> parse_header(std::string_view batch) {
  if (batch.size() < kHeaderSize) return corrupt("shorter than its 61-byte header");
  if (static_cast<int8_t>(batch[kMagicAt]) != kMagic) return corrupt("magic is not 2");
  uint64_t length = get_be(batch, kBatchLengthAt, 4);
  if (length + 12 != batch.size()) return corrupt("batchLength does not match its bytes");
  BatchInfo info;
  info.base_offset = static_cast<int64_t>(get_be(batch, 0, 8));
  info.record_count = static_cast<int32_t>(get_be(batch, kRecordCountAt, 4));
  int32_t last_delta = static_cast<int32_t>(get_be(batch, kLastOffsetDeltaAt, 4));
  if (info.record_count < 1 || last_delta != info.record_count - 1) {
    return corrupt("recordCount and lastOffsetDelta disagree");
  }
  info.base_timestamp_ms = static_cast<int64_t>(get_be(batch, kBaseTimestampAt, 8));
  info.max_timestamp_ms = static_cast<int64_t>(get_be(batch, kMaxTimestampAt, 8));
  info.log_append_time = (get_be(batch, kAttributesAt, 2) & kAttrLogAppendTime) != 0;
  info.size = batch.size();
  return info;
}

Status decode_records(std::string_view batch, int64_t from_offset, std::vector<RecordView>* out) {
  auto info = parse_header(batch);
  if (!info) return info.error();
  Reader in(batch.substr(kHeaderSize));
  for (int32_t i = 0; i < info->record_count; ++i) {
    int64_t length = 0;
    if (!in.varlong(&length) || length < static_cast<int64_t>(kMinRecordSize)) {
      return corrupt("bad record length");
    }
    size_t record_end = in.at() + static_cast<size_t>(length);
    int64_t offset = info->base_offset + i;
    if (offset < from_offset) {
      if (!in.skip(static_cast<size_t>(length))) return corrupt("record past the batch end");
      continue;
    }
    RecordView r;
    int64_t ts_delta = 0, offset_delta = 0, header_count = 0;
    if (!in.skip(1) || !in.varlong(&ts_delta) || !in.varlong(&offset_delta) ||
        !in.bytes(&r.key) || !in.bytes(&r.value) || !in.varlong(&header_count) ||
        header_count < 0 || offset_delta != i) {
      return corrupt("bad record fields");
    }
    for (int64_t h = 0; h < header_count; ++h) {
      std::optional<std::string_view> name;
      Header header;
      if (!in.bytes(&name) || !name || !in.bytes(&header.value)) return corrupt("bad header");
      header.name = *name;
      r.headers.push_back(header);
    }
    if (in.at() != record_end) return corrupt("record length does not match its fields");
    r.offset = offset;
    r.log_append_time = info->log_append_time;
    r.timestamp_ms = info->log_append_time ? info->max_timestamp_ms
                                           : info->base_timestamp_ms + ts_delta;
    out->push_back(std::move(r));
  }
  return Status();
}

size_t record_bytes(const RecordView& record) {
  size_t n = (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  for (const Header& h : record.headers) n += h.name.size() + (h.value ? h.value->size() : 0);
  return n;
}

size_t record_bytes(const RecordInput& record) {
  size_t n = (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  for (const Header& h : record.headers) n += h.name.size() + (h.value ? h.value->size() : 0);
  return n;
}

}  // namespace spool::record_batch
