#include "storage/log_format.h"

#include <cstring>

#include "storage/coding.h"
#include "storage/crc32c.h"

namespace spool::log_format {

using coding::decode_fixed16;
using coding::decode_fixed32;
using coding::decode_fixed64;
using coding::encode_fixed16;
using coding::encode_fixed32;
using coding::encode_fixed64;

void encode_segment_header(const SegmentHeader& h, uint8_t* dst) {
  std::memcpy(dst, kMagic, sizeof kMagic);
  encode_fixed16(dst + 8, h.version);
  encode_fixed16(dst + 10, h.kind);
  encode_fixed32(dst + 12, h.owner);
  encode_fixed64(dst + 16, h.topic_id);
  encode_fixed64(dst + 24, h.base.value);
  encode_fixed64(dst + 32, h.created_ms);
  encode_fixed32(dst + 40, 0);
  encode_fixed32(dst + kSegmentHeaderCrcOffset,
                 crc32c::mask(crc32c::value(dst, kSegmentHeaderCrcOffset)));
}

std::optional<SegmentHeader> decode_segment_header(const uint8_t* src, const char** why) {
  if (std::memcmp(src, kMagic, sizeof kMagic) != 0) {
    *why = "bad magic";
    return std::nullopt;
  }
  uint32_t stored = crc32c::unmask(decode_fixed32(src + kSegmentHeaderCrcOffset));
  if (stored != crc32c::value(src, kSegmentHeaderCrcOffset)) {
    *why = "header crc mismatch";
    return std::nullopt;
  }
  SegmentHeader h;
  h.version = decode_fixed16(src + 8);
  if (h.version != kVersion) {
    *why = "unsupported segment version";
    return std::nullopt;
  }
  h.kind = decode_fixed16(src + 10);
  h.owner = decode_fixed32(src + 12);
  h.topic_id = decode_fixed64(src + 16);
  h.base = SeqNo{decode_fixed64(src + 24)};
  h.created_ms = decode_fixed64(src + 32);
  return h;
}

void encode_frame_header(SeqNo seq, uint8_t type, uint8_t flags, std::string_view payload,
                         uint8_t* dst) {
  encode_fixed32(dst + 4, static_cast<uint32_t>(payload.size()));
  encode_fixed64(dst + 8, seq.value);
  dst[16] = type;
  dst[17] = flags;
  encode_fixed16(dst + 18, 0);
  uint32_t crc = crc32c::value(dst + 4, kFrameHeaderSize - 4);
  crc = crc32c::extend(crc, payload.data(), payload.size());
  encode_fixed32(dst, crc32c::mask(crc));
}

FrameHeader decode_frame_header(const uint8_t* src) {
  FrameHeader h;
  h.masked_crc = decode_fixed32(src);
  h.length = decode_fixed32(src + 4);
  h.seq = SeqNo{decode_fixed64(src + 8)};
  h.type = src[16];
  h.flags = src[17];
  h.reserved = decode_fixed16(src + 18);
  return h;
}

bool frame_crc_matches(const FrameHeader& header, const uint8_t* frame) {
  uint32_t crc = crc32c::value(frame + 4, kFrameHeaderSize - 4 + header.length);
  return crc32c::unmask(header.masked_crc) == crc;
}

void encode_seal_payload(const SealPayload& s, uint8_t* dst) {
  encode_fixed64(dst, s.next_seq.value);
  encode_fixed32(dst + 8, s.frames);
  encode_fixed64(dst + 12, s.bytes);
  encode_fixed64(dst + 20, s.first_append_ms);
  encode_fixed64(dst + 28, s.last_append_ms);
  encode_fixed64(dst + 36, static_cast<uint64_t>(s.max_timestamp_ms));
}

SealPayload decode_seal_payload(const uint8_t* src) {
  SealPayload s;
  s.next_seq = SeqNo{decode_fixed64(src)};
  s.frames = decode_fixed32(src + 8);
  s.bytes = decode_fixed64(src + 12);
  s.first_append_ms = decode_fixed64(src + 20);
  s.last_append_ms = decode_fixed64(src + 28);
  s.max_timestamp_ms = static_cast<int64_t>(decode_fixed64(src + 36));
  return s;
}

}  // namespace spool::log_format
