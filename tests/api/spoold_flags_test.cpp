#include "api/spoold_flags.h"

#include <gtest/gtest.h>

#include <map>

namespace spool {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  EnvLookup lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

Result<SpooldCommand> parse(std::vector<std::string> args, const FakeEnv& env = {}) {
  return parse_spoold_flags(args, env.lookup());
}

TEST(SpooldFlags, DefaultsMatchTheDocumentedValues) {
  auto cmd = parse({});
  ASSERT_TRUE(cmd) << cmd.error().to_string();
  const SpooldConfig& c = cmd->config;
  EXPECT_EQ(c.api.listen_host, "127.0.0.1");
  EXPECT_EQ(c.api.listen_port, 9324);
  EXPECT_EQ(c.api.base_url(), "http://127.0.0.1:9324");
  EXPECT_EQ(c.api.region, "us-east-1");
  EXPECT_EQ(c.storage.database_url, "");
  EXPECT_EQ(c.storage.fsync.kind, FsyncMode::Kind::kBatch);
  EXPECT_TRUE(c.storage.data_dir.starts_with("/"));
  EXPECT_TRUE(c.storage.data_dir.ends_with("/.spool"));
  EXPECT_GE(c.engine.shards, 1);
  EXPECT_FALSE(c.shards_given);
}

TEST(SpooldFlags, QuotaAndRequestSizeFlags) {
  auto defaults = parse({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->config.api.max_request_bytes, 8 * 1024 * 1024);
  EXPECT_EQ(defaults->config.quotas.max_queues, 1000);
  EXPECT_EQ(defaults->config.quotas.max_requests_per_second, 0);

  FakeEnv env{{{"SPOOL_DEFAULT_MAX_REQUESTS_PER_SECOND", "250"}}};
  auto cmd = parse({"--max-request-bytes", "65536", "--default-max-queues=7"}, env);
  ASSERT_TRUE(cmd) << cmd.error().to_string();
  EXPECT_EQ(cmd->config.api.max_request_bytes, 65536);
  EXPECT_EQ(cmd->config.quotas.max_queues, 7);
  EXPECT_EQ(cmd->config.quotas.max_requests_per_second, 250);
  EXPECT_EQ(cmd->config.quotas.queues_for(AccountQuotas{3, std::nullopt}), 3);
  EXPECT_EQ(cmd->config.quotas.requests_per_second_for(AccountQuotas{3, std::nullopt}), 250);

  auto small = parse({"--max-request-bytes", "100"});
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().message(), "--max-request-bytes is '100'; must be 1024..67108864");
  EXPECT_FALSE(parse({"--default-max-queues", "-1"}));
}

TEST(SpooldFlags, FlagsInBothSpellings) {
  auto cmd = parse({"--listen", "[::1]:7000", "--region=eu-west-1", "--shards", "8",
                    "--fsync=interval:5", "--public-url", "https://sqs.example.test/", "--repair"});
  ASSERT_TRUE(cmd) << cmd.error().to_string();
  const SpooldConfig& c = cmd->config;
  EXPECT_EQ(c.api.listen_host, "::1");
  EXPECT_EQ(c.api.listen_port, 7000);
  EXPECT_EQ(c.api.region, "eu-west-1");
  EXPECT_EQ(c.engine.shards, 8);
  EXPECT_TRUE(c.shards_given);
  EXPECT_EQ(c.storage.fsync.kind, FsyncMode::Kind::kInterval);
  EXPECT_EQ(c.storage.fsync.interval.count(), 5);
  EXPECT_EQ(c.api.base_url(), "https://sqs.example.test");
  EXPECT_TRUE(c.storage.repair);
}

TEST(SpooldFlags, EnvironmentFillsWhatFlagsLeave) {
  FakeEnv env{{{"SPOOL_LISTEN", "0.0.0.0:8080"}, {"SPOOL_REGION", "ap-south-1"},
               {"SPOOL_DATABASE_URL", "postgresql://u@127.0.0.1/db"}}};
  auto cmd = parse({"--region", "us-west-2"}, env);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->config.api.listen_port, 8080);
  EXPECT_EQ(cmd->config.api.region, "us-west-2");  // the flag wins
  EXPECT_EQ(cmd->config.storage.database_url, "postgresql://u@127.0.0.1/db");
}

TEST(SpooldFlags, BadValuesNameTheFlagAndTheBounds) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--listen", "nocolon"}, "--listen is 'nocolon'; must be host:port"},
      {{"--listen", "127.0.0.1:70000"}, "port must be 1..65535"},
      {{"--shards", "0"}, "--shards is '0'; must be 1..4096"},
      {{"--shards", "two"}, "--shards is 'two'"},
      {{"--fsync", "sometimes"}, "must be batch, always, none or interval:<ms>"},
      {{"--fsync", "interval:0"}, "--fsync is 'interval:0'; must be batch, always, none or interval:<ms> with 1..60000 ms"},
      {{"--region", "US EAST"}, "--region is 'US EAST'"},
      {{"--public-url", "ftp://x"}, "must start with http:// or https://"},
      {{"--frobnicate"}, "unknown flag --frobnicate"},
      {{"--listen"}, "--listen needs a value"},
  };
  for (const Case& c : cases) {
    auto cmd = parse(c.args);
    ASSERT_FALSE(cmd) << c.args[0];
    EXPECT_EQ(cmd.error().code(), Errc::kInvalidArgument);
    EXPECT_NE(cmd.error().message().find(c.message), std::string::npos) << cmd.error().message();
  }
}

TEST(SpooldFlags, BadEnvironmentValueNamesTheVariable) {
  FakeEnv env{{{"SPOOL_SHARDS", "-1"}}};
  auto cmd = parse({}, env);
  ASSERT_FALSE(cmd);
  EXPECT_EQ(cmd.error().message().rfind("SPOOL_SHARDS: ", 0), 0u) << cmd.error().message();
}

TEST(SpooldFlags, HelpListsEveryFlagWithItsVariable) {
  std::string help = spoold_help();
  for (const char* name : {"--listen", "--data-dir", "--database-url", "--public-url", "--region",
                           "--shards", "--fsync", "SPOOL_LISTEN", "SPOOL_FSYNC"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
  auto cmd = parse({"--help"});
  ASSERT_TRUE(cmd);
  EXPECT_TRUE(cmd->help);
}

}  // namespace
}  // namespace spool
