#pragma once

// CredentialStore: the access keys of every tenant, in RAM, so that resolving a request's
// caller never waits on PostgreSQL. A background thread reloads the catalog's keys every
// `refresh` (revocations take effect within that period) and swaps the snapshot whole.
//
// lookup() is safe from any thread and never blocks on the database.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "auth/secret_box.h"
#include "common/status.h"
#include "storage/catalog.h"

namespace spool {

struct Credential {
  std::string account_id;
  std::string secret;  // the plain secret, for SigV4; never logged
};

class CredentialStore {
 public:
  // Loads once before returning (a failure is returned), then refreshes in the background.
  // Catalog and box must outlive the store.
  static Result<std::unique_ptr<CredentialStore>> start(Catalog& catalog, const SecretBox& box,
                                                        std::chrono::milliseconds refresh);
  ~CredentialStore();

  // The active key's credential, or nullopt for an unknown or revoked key.
  std::optional<Credential> lookup(const std::string& access_key_id) const;

 private:
  using Snapshot = std::map<std::string, Credential>;
  CredentialStore(Catalog& catalog, const SecretBox& box) : catalog_(catalog), box_(box) {}
  Result<std::shared_ptr<const Snapshot>> load() const;

  Catalog& catalog_;
  const SecretBox& box_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spool
