#pragma once

// Receipt handles: what a receive hands out so that a later DeleteMessage or
// ChangeMessageVisibility finds the message without any per-handle state.
//
// A handle names (queue id, message seq, receive count) and carries a MAC under the
// shard's key, so a client can't forge one for a message it never received, and a
// handle of another queue is recognised as such. Text form: URL-safe base64 without
// padding of
//   version u8 (1) | queue_id u64 | seq u64 | receive_count u32 | mac 12 bytes
// where mac = first 12 bytes of HMAC-SHA256(shard key, the 21 bytes before it).
//
// Pure functions; safe from any thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/hmac_sha256.h"
#include "common/status.h"

namespace spool {

struct ReceiptHandle {
  uint64_t queue_id = 0;
  uint64_t seq = 0;
  uint32_t receive_count = 0;
};

// `shard_key` is the shard's secret, keyed once (HmacSha256) since every handle uses it.
std::string encode_receipt_handle(const ReceiptHandle& handle, const HmacSha256& shard_key);

// Reads the fields without checking the MAC (to find the queue's shard).
Result<ReceiptHandle> peek_receipt_handle(std::string_view text);

// Full check. kReceiptHandleInvalid for anything malformed or forged.
Result<ReceiptHandle> decode_receipt_handle(std::string_view text, const HmacSha256& shard_key);

}  // namespace spool
