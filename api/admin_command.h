#pragma once

// `spoold admin ...`: operators manage tenants, their access keys and their quotas with
// the same --data-dir / --database-url flags (and SPOOL_* variables) as the server; how
// the catalog is reached is AdminCatalog's business (api/admin_catalog.h).
//
//   spoold admin tenant create --name NAME [--account ID]
//   spoold admin tenant list
//   spoold admin tenant delete --account ID
//   spoold admin tenant set-quota --account ID [--max-queues N|default]
//                                              [--max-requests-per-second N|default]
//   spoold admin key create --account ID
//   spoold admin key list [--account ID]
//   spoold admin key revoke --access-key-id ID
//
// Results go to stdout in `name: value` lines (creates) or a tab-separated table with a
// header (lists); scripts depend on the exact form. A new secret is printed once, there
// only, and never logged. Errors go to stderr as one line.
//
// Exit codes: 0 done; 1 the catalog could not be reached or failed; 2 bad command line;
// 3 no such account or key; 4 conflict (name or id taken, tenant still owns queues).

#include <string>
#include <vector>

#include "api/spoold_flags.h"

namespace spool {

// `args` are the words after "admin". Returns the process exit code.
int run_admin_command(const std::vector<std::string>& args, const EnvLookup& env);

std::string admin_help();

}  // namespace spool
