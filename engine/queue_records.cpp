#include "engine/queue_records.h"

#include <algorithm>
#include <cstring>

#include "common/random.h"
#include "storage/coding.h"



namespace spool {
namespace {

using namespace coding;

void put_bytes16(std::string* out, std::string_view s) {
  put_fixed16(out, static_cast<uint16_t>(s.size()));
  out->append(s);
}
void put_bytes32(std::string* out, std::string_view s) {
  put_fixed32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
void put_raw(std::string* out, std::string_view s, size_t width) {
  const size_t n = std::min(s.size(), width);
  out->append(s.data(), n);
  out->append(width - n, '\0');
}

// `from` holds 16 bytes unless the reader failed (then it is empty, with no data pointer
// to copy from, and the record is refused anyway).
void copy_bytes16(std::string_view from, Bytes16& to) {
  to = {};
  if (from.size() == to.size()) std::memcpy(to.data(), from.data(), to.size());
}

// Bounds-checked reader over a payload; after the first short read every call fails.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }

  uint16_t u16() { return take(2) ? decode_fixed16(ptr(2)) : 0; }
  uint32_t u32() { return take(4) ? decode_fixed32(ptr(4)) : 0; }
  uint64_t u64() { return take(8) ? decode_fixed64(ptr(8)) : 0; }
  std::string_view raw(size_t n) { return take(n) ? data_.substr(pos_ - n, n) : std::string_view(); }
  std::string_view bytes16() { return raw(u16()); }
  std::string_view bytes32() { return raw(u32()); }
  void skip(size_t n) { take(n); }

 private:
  bool take(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }
  const uint8_t* ptr(size_t n) const {
    return reinterpret_cast<const uint8_t*>(data_.data() + pos_ - n);
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Status corrupt(const char* what) {
  return Status(Errc::kCorruption, std::string("malformed ") + what + " record");
}

// Counts come from disk: never reserve more than the payload could hold.
bool plausible(uint32_t n, std::string_view payload, size_t item_size) {
  return static_cast<uint64_t>(n) * item_size <= payload.size();
}

}  // namespace

std::array<char, 36> message_id_chars(const Bytes16& raw) {
  std::array<char, 36> out;
  uuid_text_to(bytes_view(raw), out.data());
  return out;
}

Bytes16 to_bytes16(std::string_view raw) {
  Bytes16 out{};
  if (!raw.empty()) std::memcpy(out.data(), raw.data(), std::min(raw.size(), out.size()));
  return out;
}

std::string message_id_text(std::string_view raw) {
  const std::array<char, 36> chars = message_id_chars(to_bytes16(raw));
  return std::string(chars.data(), chars.size());
}

std::string encode_enqueue(const EnqueueRecord& r) {
  std::string out;
  append_enqueue_record(out, r);
  return out;
}

void append_enqueue_record(std::string& out, const EnqueueRecord& r) {
  out.reserve(out.size() + 128 + r.body.size());
  put_fixed64(&out, r.queue_id);
  put_raw(&out, bytes_view(r.message_id), 16);
  put_fixed64(&out, static_cast<uint64_t>(r.sent_ms));
  put_fixed64(&out, static_cast<uint64_t>(r.visible_at_ms));
  put_fixed64(&out, static_cast<uint64_t>(r.first_receive_ms));
  put_fixed32(&out, r.receive_count);
  put_fixed64(&out, r.origin_queue_id);
  put_raw(&out, bytes_view(r.md5_body), 16);
  put_raw(&out, r.md5_attributes, 16);
  put_bytes16(&out, r.group_id);
  put_bytes16(&out, r.dedupe_id);
  put_bytes16(&out, r.trace_header);
  put_bytes16(&out, r.sender_id);
  put_fixed16(&out, static_cast<uint16_t>(r.attributes.size()));
  for (const MessageAttribute& a : r.attributes) {
    put_bytes16(&out, a.name);
    put_bytes16(&out, a.data_type);
    put_bytes32(&out, a.value);
  }
  put_bytes32(&out, r.body);
}

Result<EnqueueHeader> decode_enqueue_header(std::string_view payload) {
  Reader in(payload);
  EnqueueHeader h;
  h.queue_id = in.u64();
  h.message_id = in.raw(16);
  h.sent_ms = static_cast<int64_t>(in.u64());
  h.visible_at_ms = static_cast<int64_t>(in.u64());
  h.first_receive_ms = static_cast<int64_t>(in.u64());
  h.receive_count = in.u32();
  h.origin_queue_id = in.u64();
  in.skip(32);  // the two MD5s
  h.group_id = in.bytes16();
  h.dedupe_id = in.bytes16();
  if (!in.ok()) return corrupt("ENQUEUE");
  return h;
}

Result<EnqueueRecord> decode_enqueue(std::string_view payload) {
  EnqueueRecord r;
  Status st = decode_enqueue_into(payload, r);
  if (!st.ok()) return st;
  return r;
}

Status decode_enqueue_into(std::string_view payload, EnqueueRecord& r) {
  Reader in(payload);
  r.queue_id = in.u64();
  copy_bytes16(in.raw(16), r.message_id);
  r.sent_ms = static_cast<int64_t>(in.u64());
  r.visible_at_ms = static_cast<int64_t>(in.u64());
  r.first_receive_ms = static_cast<int64_t>(in.u64());
  r.receive_count = in.u32();
  r.origin_queue_id = in.u64();
  copy_bytes16(in.raw(16), r.md5_body);
  const std::string_view md5_attributes = in.raw(16);  // kept only with attributes
  r.group_id = std::string(in.bytes16());
  r.dedupe_id = std::string(in.bytes16());
  r.trace_header = std::string(in.bytes16());
  r.sender_id = std::string(in.bytes16());
  uint16_t n = in.u16();
  for (uint16_t i = 0; i < n && in.ok(); ++i) {
    MessageAttribute a;
    a.name = std::string(in.bytes16());
    a.data_type = std::string(in.bytes16());
    a.value = std::string(in.bytes32());
    r.attributes.push_back(std::move(a));
  }
  r.body = std::string(in.bytes32());
  if (!in.ok() || !in.at_end()) return corrupt("ENQUEUE");
  if (!r.attributes.empty()) r.md5_attributes = std::string(md5_attributes);
  return Status();
}

std::string encode_receive(uint64_t queue_id, const std::vector<ReceiveItem>& items) {
  std::string out;
  out.reserve(12 + items.size() * 28);
  put_fixed64(&out, queue_id);
  put_fixed32(&out, static_cast<uint32_t>(items.size()));
  for (const ReceiveItem& i : items) {
    put_fixed64(&out, i.seq);
    put_fixed32(&out, i.receive_count);
    put_fixed64(&out, static_cast<uint64_t>(i.visible_at_ms));
    put_fixed64(&out, static_cast<uint64_t>(i.first_receive_ms));
  }
  return out;
}

Status decode_receive(std::string_view payload, uint64_t* queue_id, std::vector<ReceiveItem>* items) {
  Reader in(payload);
  *queue_id = in.u64();
  uint32_t n = in.u32();
  if (!in.ok() || !plausible(n, payload, 28)) return corrupt("RECEIVE");
  items->clear();
  items->reserve(n);
  for (uint32_t k = 0; k < n; ++k) {
    ReceiveItem i;
    i.seq = in.u64();
    i.receive_count = in.u32();
    i.visible_at_ms = static_cast<int64_t>(in.u64());
    i.first_receive_ms = static_cast<int64_t>(in.u64());
    items->push_back(i);
  }
  if (!in.ok() || !in.at_end()) return corrupt("RECEIVE");
  return Status();
}

std::string encode_visibility(uint64_t queue_id, const std::vector<VisibilityItem>& items) {
  std::string out;
  put_fixed64(&out, queue_id);
  put_fixed32(&out, static_cast<uint32_t>(items.size()));
  for (const VisibilityItem& i : items) {
    put_fixed64(&out, i.seq);
    put_fixed64(&out, static_cast<uint64_t>(i.visible_at_ms));
  }
  return out;
}

Status decode_visibility(std::string_view payload, uint64_t* queue_id,
                         std::vector<VisibilityItem>* items) {
  Reader in(payload);
  *queue_id = in.u64();
  uint32_t n = in.u32();
  if (!in.ok() || !plausible(n, payload, 16)) return corrupt("VISIBILITY");
  items->clear();
  for (uint32_t k = 0; k < n; ++k) {
    VisibilityItem i;
    i.seq = in.u64();
    i.visible_at_ms = static_cast<int64_t>(in.u64());
    items->push_back(i);
  }
  if (!in.ok() || !in.at_end()) return corrupt("VISIBILITY");
  return Status();
}

std::string encode_delete(uint64_t queue_id, const std::vector<uint64_t>& seqs) {
  std::string out;
  put_fixed64(&out, queue_id);
  put_fixed32(&out, static_cast<uint32_t>(seqs.size()));
  for (uint64_t s : seqs) put_fixed64(&out, s);
  return out;
}

Status decode_delete(std::string_view payload, uint64_t* queue_id, std::vector<uint64_t>* seqs) {
  Reader in(payload);
  *queue_id = in.u64();
  uint32_t n = in.u32();
  if (!in.ok() || !plausible(n, payload, 8)) return corrupt("DELETE");
  seqs->clear();
  for (uint32_t k = 0; k < n; ++k) seqs->push_back(in.u64());
  if (!in.ok() || !in.at_end()) return corrupt("DELETE");
  return Status();
}

std::string encode_purge(uint64_t queue_id, uint64_t up_to_seq) {
  std::string out;
  put_fixed64(&out, queue_id);
  put_fixed64(&out, up_to_seq);
  return out;
}

Status decode_purge(std::string_view payload, uint64_t* queue_id, uint64_t* up_to_seq) {
  Reader in(payload);
  *queue_id = in.u64();
  *up_to_seq = in.u64();
  if (!in.ok() || !in.at_end()) return corrupt("PURGE");
  return Status();
}

std::string encode_queue_drop(uint64_t queue_id) {
  std::string out;
  put_fixed64(&out, queue_id);
  return out;
}

Status decode_queue_drop(std::string_view payload, uint64_t* queue_id) {
  Reader in(payload);
  *queue_id = in.u64();
  if (!in.ok() || !in.at_end()) return corrupt("QUEUE_DROP");
  return Status();
}

}  // namespace spool
