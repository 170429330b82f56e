#pragma once

// CredentialStore: the access keys of every tenant, and each account's quota overrides,
// in RAM, so that resolving a request's caller never waits on PostgreSQL. A background
// thread reloads keys and accounts from the catalog every `refresh` (revocations and
// quota changes take effect within that period) and swaps the snapshot whole.
//
// lookup() and quotas_of() are safe from any thread and never block: one atomic
// shared-pointer load of the snapshot.

#include <chrono>
#include <atomic>
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
  // The live account's quota overrides; none for an unknown account.
  AccountQuotas quotas_of(const std::string& account_id) const;

 private:
  struct Snapshot {
    std::map<std::string, Credential> keys;        // by access key id; active keys only
    std::map<std::string, AccountQuotas> quotas;  // by account id; live accounts only
  };
  CredentialStore(Catalog& catalog, const SecretBox& box) : catalog_(catalog), box_(box) {}
  Result<std::shared_ptr<const Snapshot>> load() const;

  Catalog& catalog_;
  const SecretBox& box_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::mutex mutex_;  // guards stopping_
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spool
