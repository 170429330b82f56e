#pragma once

// spoold's command line: one table of flags, each with its SPOOL_* environment variable,
// default and help line; --help is printed from the same table. Part of the composition
// root (it fills every module's config struct), so like main.cpp it may name them all.
//
// Precedence: flag, then environment variable, then default. Every value is validated
// once here, with a one-line message naming the flag, the value and the bounds.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/api_config.h"
#include "auth/quota_config.h"
#include "common/log.h"
#include "common/status.h"
#include "engine/engine_config.h"
#include "storage/storage_config.h"

namespace spool {

struct SpooldConfig {
  ApiConfig api;
  StorageConfig storage;
  EngineConfig engine;
  QuotaConfig quotas;
  LogLevel log_level = LogLevel::kInfo;
  bool shards_given = false;  // --shards or SPOOL_SHARDS was set explicitly
};

struct SpooldCommand {
  bool help = false;
  std::vector<std::string> positional;  // e.g. {"admin", "tenant", "create"}
  SpooldConfig config;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses argv (without argv[0]). kInvalidArgument with a one-line message on any bad
// flag or value.
Result<SpooldCommand> parse_spoold_flags(const std::vector<std::string>& args, const EnvLookup& env);

// The process environment, for parse_spoold_flags.
std::optional<std::string> process_env(const std::string& name);

std::string spoold_help();

}  // namespace spool
