#pragma once

// Tenants: creating accounts and their access keys, with secrets sealed by SecretBox.
// The one place that decides what ids and secrets look like.
//
// Blocking (catalog calls): use from start-up code and the admin command. Safe from any
// thread.

#include <optional>
#include <string>

#include "auth/secret_box.h"
#include "common/clock.h"
#include "storage/catalog.h"

namespace spool {

struct NewCredentials {
  std::string account_id;
  std::string access_key_id;
  std::string secret_access_key;  // shown once; only the sealed form is stored
};

// The tenant the embedded default creates on its first start, so the README's commands
// work at once. Documented credentials, so never created when --database-url is given.
inline constexpr const char* kDefaultAccountId = "000000000000";
inline constexpr const char* kDefaultAccessKeyId = "test";
inline constexpr const char* kDefaultSecret = "test";

class Tenants {
 public:
  // Catalog, box and clock must outlive this object.
  Tenants(Catalog& catalog, const SecretBox& box, const Clock& clock)
      : catalog_(catalog), box_(box), clock_(clock) {}

  // A new account with a random 12-digit id (or `account_id` if given) and one key.
  Result<NewCredentials> create_tenant(const std::string& name,
                                       const std::optional<std::string>& account_id = {});
  // A new random key for an existing account.
  Result<NewCredentials> create_key(const std::string& account_id);

  // Creates the default tenant (kDefault*) unless any account exists. Returns whether it
  // was created now.
  Result<bool> ensure_default_tenant();

 private:
  Status add_key(const std::string& account_id, const std::string& key_id,
                 const std::string& secret);

  Catalog& catalog_;
  const SecretBox& box_;
  const Clock& clock_;
};

// Deletes the account and deactivates its keys. kAlreadyExists (Errc's conflict) while
// it still owns queues, whose messages would be stranded: the tenant deletes them first.
// kNotFound when there is no such account. Blocking.
Status delete_tenant(Catalog& catalog, const std::string& account_id, int64_t now_ms);

// True for exactly 12 decimal digits.
bool is_valid_account_id(const std::string& id);

}  // namespace spool
