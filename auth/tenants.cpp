#include "auth/tenants.h"

#include "common/random.h"

namespace spool {
namespace {

constexpr std::string_view kDigits = "0123456789";
// AWS-like shapes: clients and tools treat both as opaque, but some log-scrubbers and
// humans recognise them.
constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string new_access_key_id() { return "SPKI" + random_string(16, kKeyIdAlphabet); }
std::string new_secret() { return random_string(40, kSecretAlphabet); }

}  // namespace

bool is_valid_account_id(const std::string& id) {
  if (id.size() != 12) return false;
  for (char c : id) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status Tenants::add_key(const std::string& account_id, const std::string& key_id,
                        const std::string& secret) {
  AccessKeyRecord record{key_id, account_id, box_.seal(key_id, secret), true, clock_.now_ms()};
  return catalog_.create_access_key(record);
}

Result<NewCredentials> Tenants::create_tenant(const std::string& name,
                                              const std::optional<std::string>& account_id) {
  if (name.empty() || name.size() > 256) {
    return Status(Errc::kInvalidArgument, "tenant name must be 1 to 256 characters");
  }
  if (account_id && !is_valid_account_id(*account_id)) {
    return Status(Errc::kInvalidArgument, "account id '" + *account_id + "' is not 12 digits");
  }
  // A random id collides with probability ~n/10^12; retry the rare collision.
  Status created;
  std::string id;
  for (int attempt = 0; attempt < 5; ++attempt) {
    id = account_id ? *account_id : random_string(12, kDigits);
    created = catalog_.create_account(Account{id, name, clock_.now_ms(), {}});
    if (created.code() != Errc::kAlreadyExists || account_id) break;
  }
  if (!created.ok()) return created;
  return create_key(id);
}

Result<NewCredentials> Tenants::create_key(const std::string& account_id) {
  std::string key_id = new_access_key_id();
  std::string secret = new_secret();
  Status st = add_key(account_id, key_id, secret);
  if (!st.ok()) return st;
  return NewCredentials{account_id, key_id, secret};
}

Status delete_tenant(Catalog& catalog, const std::string& account_id, int64_t now_ms) {
  auto queues = catalog.list_live_queues();
  if (!queues) return queues.error();
  size_t owned = 0;
  for (const QueueRecord& q : *queues) owned += q.account_id == account_id ? 1 : 0;
  if (owned > 0) {
    return Status(Errc::kAlreadyExists, "account " + account_id + " still owns " + std::to_string(owned) +
                                            " queue(s); delete them first");
  }
  return catalog.delete_account(account_id, now_ms);
}

Result<bool> Tenants::ensure_default_tenant() {
  auto accounts = catalog_.list_accounts();
  if (!accounts) return accounts.error();
  if (!accounts->empty()) return false;
  Status st = catalog_.create_account(Account{kDefaultAccountId, "default", clock_.now_ms(), {}});
  // Another node may have won the race; then its key exists as well, or will.
  if (st.code() == Errc::kAlreadyExists) return false;
  if (!st.ok()) return st;
  st = add_key(kDefaultAccountId, kDefaultAccessKeyId, kDefaultSecret);
  if (!st.ok() && st.code() != Errc::kAlreadyExists) return st;
  return true;
}

}  // namespace spool
