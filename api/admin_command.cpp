#include "api/admin_command.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>

#include "api/admin_catalog.h"
#include "auth/secret_box.h"
#include "auth/tenants.h"
#include "common/clock.h"
#include "common/log.h"

namespace spool {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNotFound = 3;
constexpr int kExitConflict = 4;

// Options of the admin commands themselves; every other flag is the server's.
constexpr const char* kAdminOptions[] = {"name", "account", "access-key-id", "max-queues",
                                         "max-requests-per-second"};

struct AdminArgs {
  std::vector<std::string> words;             // e.g. {"tenant", "create"}
  std::map<std::string, std::string> options;  // admin options by name, without "--"
  SpooldConfig config;
};

bool is_admin_option(const std::string& name) {
  for (const char* option : kAdminOptions) {
    if (name == option) return true;
  }
  return false;
}

Result<AdminArgs> parse_admin_args(const std::vector<std::string>& args, const EnvLookup& env) {
  AdminArgs out;
  std::vector<std::string> server_args;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string name = arg.rfind("--", 0) == 0 ? arg.substr(2) : "";
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (!is_admin_option(name)) {
      server_args.push_back(arg);
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) return Status(Errc::kInvalidArgument, "--" + name + " needs a value");
      value = args[++i];
    }
    out.options[name] = *value;
  }
  auto parsed = parse_spoold_flags(server_args, env);
  if (!parsed) return parsed.error();
  if (parsed->help) out.words = {"help"};
  else out.words = parsed->positional;
  out.config = parsed->config;
  return out;
}

int exit_code_for(const Status& st) {
  switch (st.code()) {
    case Errc::kInvalidArgument:
    case Errc::kMissingParameter:
      return kExitUsage;
    case Errc::kNotFound:
      return kExitNotFound;
    case Errc::kAlreadyExists:
      return kExitConflict;
    default:
      return kExitFailed;
  }
}

int fail(const Status& st) {
  std::fprintf(stderr, "spoold admin: %s\n", st.message().c_str());
  return exit_code_for(st);
}

Result<std::string> required(const AdminArgs& a, const char* option) {
  auto it = a.options.find(option);
  if (it == a.options.end() || it->second.empty()) {
    return Status(Errc::kMissingParameter, std::string("--") + option + " is required; see spoold admin help");
  }
  return it->second;
}

Result<std::string> account_option(const AdminArgs& a) {
  auto id = required(a, "account");
  if (!id) return id;
  if (!is_valid_account_id(*id)) return Status(Errc::kInvalidArgument, "--account '" + *id + "' is not 12 digits");
  return id;
}

// "default" clears the account's own value; otherwise 0..1000000, 0 meaning no limit.
Status apply_quota_option(const AdminArgs& a, const char* option, std::optional<int64_t>* field) {
  auto it = a.options.find(option);
  if (it == a.options.end()) return Status();
  if (it->second == "default") {
    field->reset();
    return Status();
  }
  int64_t n = 0;
  const std::string& v = it->second;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty() || n < 0 || n > 1000000) {
    return Status(Errc::kInvalidArgument, std::string("--") + option + " is '" + v +
                                              "'; must be 0..1000000 (0: no limit) or 'default'");
  }
  *field = n;
  return Status();
}

std::string iso_time(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string quota_text(const std::optional<int64_t>& value) {
  return value ? std::to_string(*value) : "default";
}

void print_credentials(const NewCredentials& creds) {
  // Shown once: only the sealed form is stored, and nothing logs it.
  std::printf("account_id: %s\naccess_key_id: %s\nsecret_access_key: %s\n", creds.account_id.c_str(),
              creds.access_key_id.c_str(), creds.secret_access_key.c_str());
}

// One admin command against an open catalog; the server key is opened only by the
// commands that seal secrets.
using CatalogCommand = std::function<Status(Catalog&, const AdminArgs&, const SpooldConfig&)>;

struct CommandSpec {
  CatalogCommand run;
  std::vector<const char*> required;  // options checked before the catalog is opened
};

// Usage mistakes are reported before anything starts a PostgreSQL.
Status check_options(const AdminArgs& a, const CommandSpec& spec) {
  for (const char* option : spec.required) {
    auto value = required(a, option);
    if (!value) return value.error();
  }
  if (a.options.contains("account")) {
    auto id = account_option(a);
    if (!id) return id.error();
  }
  AccountQuotas scratch;
  Status st = apply_quota_option(a, "max-queues", &scratch.max_queues);
  if (st.ok()) st = apply_quota_option(a, "max-requests-per-second", &scratch.max_requests_per_second);
  return st;
}

Status tenant_create(Catalog& catalog, const AdminArgs& a, const SpooldConfig& config) {
  auto name = required(a, "name");
  if (!name) return name.error();
  std::optional<std::string> id;
  if (a.options.contains("account")) {
    auto given = account_option(a);
    if (!given) return given.error();
    id = *given;
  }
  auto box = SecretBox::load_or_create(config.storage.data_dir);
  if (!box) return box.error();
  SystemClock clock;
  auto creds = Tenants(catalog, *box, clock).create_tenant(*name, id);
  if (!creds) return creds.error();
  print_credentials(*creds);
  return Status();
}

Status tenant_list(Catalog& catalog, const AdminArgs&, const SpooldConfig&) {
  auto accounts = catalog.list_accounts();
  if (!accounts) return accounts.error();
  std::printf("account_id\tname\tmax_queues\tmax_requests_per_second\tcreated\n");
  for (const Account& a : *accounts) {
    std::printf("%s\t%s\t%s\t%s\t%s\n", a.account_id.c_str(), a.name.c_str(), quota_text(a.quotas.max_queues).c_str(),
                quota_text(a.quotas.max_requests_per_second).c_str(), iso_time(a.created_ms).c_str());
  }
  return Status();
}

Status tenant_delete(Catalog& catalog, const AdminArgs& a, const SpooldConfig&) {
  auto id = account_option(a);
  if (!id) return id.error();
  SystemClock clock;
  Status st = delete_tenant(catalog, *id, clock.now_ms());
  if (!st.ok()) return st;
  std::printf("account_id: %s\nstatus: deleted\n", id->c_str());
  return Status();
}

Status tenant_set_quota(Catalog& catalog, const AdminArgs& a, const SpooldConfig&) {
  auto id = account_option(a);
  if (!id) return id.error();
  if (!a.options.contains("max-queues") && !a.options.contains("max-requests-per-second")) {
    return Status(Errc::kMissingParameter, "give --max-queues and/or --max-requests-per-second");
  }
  auto account = catalog.find_account(*id);
  if (!account) return account.error();
  if (!account->has_value()) return Status(Errc::kNotFound, "no account " + *id);
  AccountQuotas quotas = (*account)->quotas;
  Status st = apply_quota_option(a, "max-queues", &quotas.max_queues);
  if (st.ok()) st = apply_quota_option(a, "max-requests-per-second", &quotas.max_requests_per_second);
  if (st.ok()) st = catalog.set_account_quotas(*id, quotas);
  if (!st.ok()) return st;
  std::printf("account_id: %s\nmax_queues: %s\nmax_requests_per_second: %s\n", id->c_str(),
              quota_text(quotas.max_queues).c_str(), quota_text(quotas.max_requests_per_second).c_str());
  return Status();
}

Status key_create(Catalog& catalog, const AdminArgs& a, const SpooldConfig& config) {
  auto id = account_option(a);
  if (!id) return id.error();
  auto box = SecretBox::load_or_create(config.storage.data_dir);
  if (!box) return box.error();
  SystemClock clock;
  auto creds = Tenants(catalog, *box, clock).create_key(*id);
  if (!creds) return creds.error();
  print_credentials(*creds);
  return Status();
}

Status key_list(Catalog& catalog, const AdminArgs& a, const SpooldConfig&) {
  std::optional<std::string> account;
  if (a.options.contains("account")) {
    auto id = account_option(a);
    if (!id) return id.error();
    account = *id;
  }
  auto keys = catalog.list_access_keys(account);
  if (!keys) return keys.error();
  std::printf("access_key_id\taccount_id\tstatus\tcreated\n");
  for (const AccessKeyRecord& k : *keys) {
    std::printf("%s\t%s\t%s\t%s\n", k.access_key_id.c_str(), k.account_id.c_str(), k.is_active ? "active" : "revoked",
                iso_time(k.created_ms).c_str());
  }
  return Status();
}

Status key_revoke(Catalog& catalog, const AdminArgs& a, const SpooldConfig&) {
  auto key = required(a, "access-key-id");
  if (!key) return key.error();
  SystemClock clock;
  Status st = catalog.revoke_access_key(*key, clock.now_ms());
  if (!st.ok()) return st;
  // Every node drops the key at its next credentials refresh (2 s).
  std::printf("access_key_id: %s\nstatus: revoked\n", key->c_str());
  return Status();
}

const std::map<std::string, CommandSpec>& commands() {
  static const std::map<std::string, CommandSpec> kCommands = {
      {"tenant create", {tenant_create, {"name"}}},
      {"tenant list", {tenant_list, {}}},
      {"tenant delete", {tenant_delete, {"account"}}},
      {"tenant set-quota", {tenant_set_quota, {"account"}}},
      {"key create", {key_create, {"account"}}},
      {"key list", {key_list, {}}},
      {"key revoke", {key_revoke, {"access-key-id"}}},
  };
  return kCommands;
}

}  // namespace

std::string admin_help() {
  return "Usage: spoold admin COMMAND [options] [server flags]\n\n"
         "  tenant create --name NAME [--account ID]   prints account_id, access_key_id, secret_access_key\n"
         "  tenant list\n"
         "  tenant delete --account ID                 refused while the tenant owns queues\n"
         "  tenant set-quota --account ID [--max-queues N|default] [--max-requests-per-second N|default]\n"
         "                                             0: no limit; default: the server's --default-max-*\n"
         "  key create --account ID                    prints account_id, access_key_id, secret_access_key\n"
         "  key list [--account ID]\n"
         "  key revoke --access-key-id ID              every node refuses the key within 2 s\n\n"
         "The catalog is found from the server's flags (--data-dir, --database-url or their SPOOL_*\n"
         "variables): a running spoold's embedded PostgreSQL is reached over its unix socket; with\n"
         "none running, the embedded PostgreSQL is started for the command's duration.\n"
         "A secret is printed once and never stored in the clear.\n\n"
         "Exit codes: 0 done, 1 catalog failure, 2 bad command line, 3 no such account or key,\n"
         "4 conflict (name or id taken, tenant still owns queues).\n";
}

int run_admin_command(const std::vector<std::string>& args, const EnvLookup& env) {
  auto parsed = parse_admin_args(args, env);
  if (!parsed) {
    std::fprintf(stderr, "spoold admin: %s\n", parsed.error().message().c_str());
    return kExitUsage;
  }
  std::string verb;
  for (const std::string& w : parsed->words) verb += (verb.empty() ? "" : " ") + w;
  if (verb.empty() || verb == "help") {
    std::fputs(admin_help().c_str(), verb.empty() ? stderr : stdout);
    return verb.empty() ? kExitUsage : kExitOk;
  }
  auto command = commands().find(verb);
  if (command == commands().end()) {
    std::fprintf(stderr, "spoold admin: unknown command '%s'; see spoold admin help\n", verb.c_str());
    return kExitUsage;
  }
  if (Status st = check_options(*parsed, command->second); !st.ok()) return fail(st);
  // Lifecycle lines of the embedded PostgreSQL would only clutter an operator's terminal.
  set_log_level(parsed->config.log_level < LogLevel::kWarn ? LogLevel::kWarn : parsed->config.log_level);
  auto admin = AdminCatalog::open(parsed->config.storage);
  if (!admin) return fail(admin.error());
  Status st = command->second.run((*admin)->catalog(), *parsed, parsed->config);
  if (!st.ok()) return fail(st);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace spool
