#include "storage/migrations.h"

#include <set>
#include <string>

#include "common/log.h"

namespace spool {
namespace {

// Arbitrary constant naming Spool's migration lock among the database's advisory locks.
constexpr const char* kMigrationLockKey = "7157706f6f6c";  // hex of "spool" + 1

// Times are epoch milliseconds in bigint columns: no time zone conversions, and the API
// needs epoch values anyway. Rows are soft-deleted (deleted_ms) where SQS semantics need
// the memory of a deletion (QueueDeletedRecently) or a task's history.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE cluster (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  shard_count  integer NOT NULL CHECK (shard_count BETWEEN 1 AND 4096),
  created_ms   bigint  NOT NULL
);

CREATE TABLE shards (
  shard_id          integer PRIMARY KEY,
  message_id_key    bytea   NOT NULL,   -- secret for MessageId derivation (segments spec 5)
  owner             text,               -- node holding the lease (scale-out)
  lease_expires_ms  bigint
);

CREATE TABLE accounts (
  account_id   char(12) PRIMARY KEY CHECK (account_id ~ '^[0-9]{12}$'),
  name         text     NOT NULL,
  max_queues   integer,                 -- NULL: the server's default quota
  max_requests_per_second integer,      -- NULL: the server's default quota
  created_ms   bigint   NOT NULL,
  deleted_ms   bigint
);
CREATE UNIQUE INDEX accounts_live_name ON accounts (name) WHERE deleted_ms IS NULL;

CREATE TABLE access_keys (
  access_key_id  text     PRIMARY KEY,
  account_id     char(12) NOT NULL REFERENCES accounts (account_id),
  secret_sealed  bytea    NOT NULL,     -- AES-256-GCM under the server key (auth/secret_box.h)
  is_active      boolean  NOT NULL DEFAULT true,
  created_ms     bigint   NOT NULL,
  revoked_ms     bigint
);
CREATE INDEX access_keys_account ON access_keys (account_id);

CREATE TABLE queues (
  queue_id     bigserial PRIMARY KEY,
  account_id   char(12)  NOT NULL REFERENCES accounts (account_id),
  name         text      NOT NULL,
  is_fifo      boolean   NOT NULL,
  shard_id     integer   NOT NULL,
  created_ms   bigint    NOT NULL,
  modified_ms  bigint    NOT NULL,
  deleted_ms   bigint
);
CREATE UNIQUE INDEX queues_live_name ON queues (account_id, name) WHERE deleted_ms IS NULL;
CREATE INDEX queues_by_name ON queues (account_id, name, deleted_ms);

-- Settable attributes with their values exactly as clients sent them (Terraform reads
-- them back and compares byte for byte).
CREATE TABLE queue_attributes (
  queue_id  bigint NOT NULL REFERENCES queues (queue_id),
  name      text   NOT NULL,
  value     text   NOT NULL,
  PRIMARY KEY (queue_id, name)
);

CREATE TABLE queue_tags (
  queue_id  bigint NOT NULL REFERENCES queues (queue_id),
  key       text   NOT NULL,
  value     text   NOT NULL,
  PRIMARY KEY (queue_id, key)
);

CREATE TABLE topics (
  topic_id     bigserial PRIMARY KEY,
  account_id   char(12)  NOT NULL REFERENCES accounts (account_id),
  name         text      NOT NULL,
  partitions   integer   NOT NULL CHECK (partitions >= 1),
  created_ms   bigint    NOT NULL,
  modified_ms  bigint    NOT NULL,
  deleted_ms   bigint
);
CREATE UNIQUE INDEX topics_live_name ON topics (account_id, name) WHERE deleted_ms IS NULL;

CREATE TABLE topic_configs (  -- retention.ms, retention.bytes, ...
  topic_id  bigint NOT NULL REFERENCES topics (topic_id),
  name      text   NOT NULL,
  value     text   NOT NULL,
  PRIMARY KEY (topic_id, name)
);

CREATE TABLE topic_partitions (
  topic_id   bigint  NOT NULL REFERENCES topics (topic_id),
  partition  integer NOT NULL,
  shard_id   integer NOT NULL,
  PRIMARY KEY (topic_id, partition)
);

CREATE TABLE message_move_tasks (
  task_handle                text     PRIMARY KEY,
  account_id                 char(12) NOT NULL REFERENCES accounts (account_id),
  source_queue_id            bigint   NOT NULL REFERENCES queues (queue_id),
  destination_queue_id       bigint   REFERENCES queues (queue_id),  -- NULL: original sources
  max_messages_per_second    integer,
  status                     text     NOT NULL
    CHECK (status IN ('RUNNING', 'COMPLETED', 'CANCELLING', 'CANCELLED', 'FAILED')),
  messages_moved             bigint   NOT NULL DEFAULT 0,
  messages_to_move           bigint   NOT NULL DEFAULT 0,
  failure_reason             text,
  started_ms                 bigint   NOT NULL,
  updated_ms                 bigint   NOT NULL
);
CREATE INDEX message_move_tasks_source ON message_move_tasks (source_queue_id, started_ms);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial catalog", kV1},
};

}  // namespace

std::span<const Migration> catalog_migrations() { return kMigrations; }

Result<int> apply_migrations(PgConnection& conn) {
  // The lock is taken in a transaction of its own that stays open until every migration
  // is applied; the table holding the versions is created under the same lock so two
  // first starts can't race on CREATE TABLE.
  Status st = conn.exec_script("BEGIN");
  if (!st.ok()) return st;
  auto abort = [&conn](Status failure) -> Result<int> {
    conn.exec_script("ROLLBACK").ignore();
    return failure;
  };
  auto locked = conn.exec(std::string("SELECT pg_advisory_xact_lock(x'") + kMigrationLockKey +
                          "'::bigint)");
  if (!locked) return abort(locked.error());
  st = conn.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY, name text NOT NULL, applied_ms bigint NOT NULL)");
  if (!st.ok()) return abort(st);
  auto rows = conn.exec("SELECT version FROM schema_migrations");
  if (!rows) return abort(rows.error());
  std::set<int> applied;
  for (int i = 0; i < rows->size(); ++i) applied.insert(static_cast<int>(rows->int64(i, 0)));

  int count = 0;
  for (const Migration& m : kMigrations) {
    if (applied.contains(m.version)) continue;
    // All pending migrations share the one transaction: a failure names the migration
    // and rolls back every one, leaving the database as it was before this start.
    st = conn.exec_script(std::string(m.sql));
    if (!st.ok()) {
      return abort(Status(st.code(), "migration " + std::to_string(m.version) + " (" +
                                         std::string(m.name) + ") failed: " + st.message()));
    }
    auto recorded = conn.exec(
        "INSERT INTO schema_migrations (version, name, applied_ms)"
        " VALUES ($1, $2, (extract(epoch from clock_timestamp()) * 1000)::bigint)",
        {std::to_string(m.version), std::string(m.name)});
    if (!recorded) return abort(recorded.error());
    ++count;
  }
  st = conn.exec_script("COMMIT");
  if (!st.ok()) return st;
  if (count > 0) {
    log_info("catalog", "migrations applied",
             {{"count", count}, {"schema_version", kMigrations[std::size(kMigrations) - 1].version}});
  }
  return count;
}

}  // namespace spool
