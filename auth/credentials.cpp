#include "auth/credentials.h"

#include "common/log.h"

namespace spool {

Result<std::unique_ptr<CredentialStore>> CredentialStore::start(Catalog& catalog, const SecretBox& box,
                                                                std::chrono::milliseconds refresh) {
  std::unique_ptr<CredentialStore> store(new CredentialStore(catalog, box));
  auto first = store->load();
  if (!first) return first.error();
  store->snapshot_.store(*first);
  CredentialStore* self = store.get();
  store->thread_ = std::thread([self, refresh] {
    std::unique_lock lock(self->mutex_);
    while (!self->stop_cv_.wait_for(lock, refresh, [self] { return self->stopping_; })) {
      lock.unlock();
      auto next = self->load();
      lock.lock();
      if (next) {
        self->snapshot_.store(*next);
      } else {
        log_warn("auth", "credential refresh failed; keeping the previous keys",
                 {{"error", next.error().message()}});
      }
    }
  });
  return store;
}

CredentialStore::~CredentialStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Result<std::shared_ptr<const CredentialStore::Snapshot>> CredentialStore::load() const {
  auto keys = catalog_.list_access_keys(std::nullopt);
  if (!keys) return keys.error();
  auto accounts = catalog_.list_accounts();
  if (!accounts) return accounts.error();
  auto snapshot = std::make_shared<Snapshot>();
  for (const Account& a : *accounts) snapshot->quotas[a.account_id] = a.quotas;
  for (const AccessKeyRecord& k : *keys) {
    if (!k.is_active) continue;
    auto secret = box_.open(k.access_key_id, k.secret_sealed);
    if (!secret) {
      log_warn("auth", "skipping an access key whose secret does not open",
               {{"access_key_id", k.access_key_id}});
      continue;
    }
    snapshot->keys[k.access_key_id] = Credential{k.account_id, std::move(*secret)};
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

std::optional<Credential> CredentialStore::lookup(const std::string& access_key_id) const {
  std::shared_ptr<const Snapshot> snapshot = snapshot_.load();
  auto it = snapshot->keys.find(access_key_id);
  if (it == snapshot->keys.end()) return std::nullopt;
  return it->second;
}

AccountQuotas CredentialStore::quotas_of(const std::string& account_id) const {
  std::shared_ptr<const Snapshot> snapshot = snapshot_.load();
  auto it = snapshot->quotas.find(account_id);
  if (it == snapshot->quotas.end()) return AccountQuotas{};
  return it->second;
}

}  // namespace spool
