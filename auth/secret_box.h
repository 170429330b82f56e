#pragma once

// SecretBox: seals access-key secrets before they reach the catalog, so a database dump
// alone does not yield working credentials. AES-256-GCM under the server key.
//
// Sealed layout: version u8 (1) | nonce 12 bytes | ciphertext | GCM tag 16 bytes.
// The access key id is bound as associated data, so a sealed secret copied onto another
// key's row does not open.
//
// Safe from any thread (immutable after construction).

#include <string>

#include "common/status.h"

namespace spool {

class SecretBox {
 public:
  // `key` is 32 raw bytes.
  explicit SecretBox(std::string key);

  // The server key: $SPOOL_SERVER_KEY (64 hex digits) if set, else <data_dir>/server.key,
  // created with 32 random bytes (mode 0600) on first use. Every node of a cluster that
  // shares one database must be given the same key.
  static Result<SecretBox> load_or_create(const std::string& data_dir);

  std::string seal(const std::string& access_key_id, const std::string& secret) const;
  // kCorruption when the bytes were not sealed by this key for this access key id.
  Result<std::string> open(const std::string& access_key_id, const std::string& sealed) const;

 private:
  std::string key_;
};

}  // namespace spool
