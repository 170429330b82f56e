#pragma once

// QuotaConfig: the server's default limits per tenant. An account's own values in the
// catalog (AccountQuotas, set with `spoold admin tenant set-quota`) override them.
// Filled once at start-up (flags, then SPOOL_* variables).

#include <cstdint>

#include "storage/catalog.h"

namespace spool {

struct QuotaConfig {
  int64_t max_queues = 1000;             // live queues per account; 0..1000000, 0: no limit
  int64_t max_requests_per_second = 0;   // per account and node; 0..1000000, 0: no limit

  // The limit that applies to an account: its own when set, else the default.
  int64_t queues_for(const AccountQuotas& account) const {
    return account.max_queues.value_or(max_queues);
  }
  int64_t requests_per_second_for(const AccountQuotas& account) const {
    return account.max_requests_per_second.value_or(max_requests_per_second);
  }
};

}  // namespace spool
