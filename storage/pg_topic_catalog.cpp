#include "storage/pg_topic_catalog.h"

#include <functional>

namespace spool {

Result<std::unique_ptr<PgTopicCatalog>> PgTopicCatalog::open(const std::string& conninfo,
                                                             int connect_timeout_s) {
  auto conn = PgConnection::connect(conninfo, connect_timeout_s);
  if (!conn) return conn.error();
  return std::unique_ptr<PgTopicCatalog>(new PgTopicCatalog(std::move(*conn)));
}

Status PgTopicCatalog::in_transaction(const std::function<Status()>& body) {
  if (Status st = conn_->exec_script("BEGIN"); !st.ok()) return st;
  Status st = body();
  if (!st.ok()) {
    conn_->exec_script("ROLLBACK").ignore();
    return st;
  }
  return conn_->exec_script("COMMIT");
}

Status PgTopicCatalog::touch(uint64_t topic_id, int64_t modified_ms, int partitions) {
  auto rows = conn_->exec(
      "UPDATE topics SET modified_ms = $2, partitions = GREATEST(partitions, $3)"
      " WHERE topic_id = $1 AND deleted_ms IS NULL",
      {std::to_string(topic_id), std::to_string(modified_ms), std::to_string(partitions)});
  if (!rows) return rows.error();
  if (rows->affected() == 0) return Status(Errc::kTopicNotFound, "the topic does not exist");
  return Status();
}

Result<TopicRecord> PgTopicCatalog::create_topic(const TopicRecord& topic) {
  std::lock_guard lock(mutex_);
  TopicRecord stored = topic;
  Status st = in_transaction([&]() -> Status {
    auto rows = conn_->exec(
        "INSERT INTO topics (account_id, name, partitions, created_ms, modified_ms)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING topic_id",
        {topic.account_id, topic.name, std::to_string(topic.partition_shards.size()),
         std::to_string(topic.created_ms), std::to_string(topic.modified_ms)});
    if (!rows) {
      if (is_unique_violation(rows.error())) {
        return Status(Errc::kAlreadyExists, "a topic named " + topic.name + " exists");
      }
      return rows.error();
    }
    stored.topic_id = static_cast<uint64_t>(rows->int64(0, 0));
    const std::string id = std::to_string(stored.topic_id);
    for (const auto& [name, value] : topic.config) {
      auto r = conn_->exec("INSERT INTO topic_configs (topic_id, name, value) VALUES ($1, $2, $3)",
                           {id, name, value});
      if (!r) return r.error();
    }
    for (size_t p = 0; p < topic.partition_shards.size(); ++p) {
      auto r = conn_->exec(
          "INSERT INTO topic_partitions (topic_id, partition, shard_id) VALUES ($1, $2, $3)",
          {id, std::to_string(p), std::to_string(topic.partition_shards[p])});
      if (!r) return r.error();
    }
    return Status();
  });
  if (!st.ok()) return st;
  return stored;
}

Result<std::vector<TopicRecord>> PgTopicCatalog::list_live_topics() {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "SELECT topic_id, account_id, name, created_ms, modified_ms FROM topics"
      " WHERE deleted_ms IS NULL ORDER BY topic_id");
  if (!rows) return rows.error();
  std::vector<TopicRecord> topics;
  std::map<uint64_t, size_t> index;
  for (int i = 0; i < rows->size(); ++i) {
    TopicRecord t;
    t.topic_id = static_cast<uint64_t>(rows->int64(i, 0));
    t.account_id = rows->text(i, 1);
    t.name = rows->text(i, 2);
    t.created_ms = rows->int64(i, 3);
    t.modified_ms = rows->int64(i, 4);
    index[t.topic_id] = topics.size();
    topics.push_back(std::move(t));
  }
  auto configs = conn_->exec(
      "SELECT c.topic_id, c.name, c.value FROM topic_configs c JOIN topics t USING (topic_id)"
      " WHERE t.deleted_ms IS NULL");
  if (!configs) return configs.error();
  for (int i = 0; i < configs->size(); ++i) {
    auto it = index.find(static_cast<uint64_t>(configs->int64(i, 0)));
    if (it != index.end()) topics[it->second].config[configs->text(i, 1)] = configs->text(i, 2);
  }
  auto parts = conn_->exec(
      "SELECT p.topic_id, p.shard_id FROM topic_partitions p JOIN topics t USING (topic_id)"
      " WHERE t.deleted_ms IS NULL ORDER BY p.topic_id, p.partition");
  if (!parts) return parts.error();
  for (int i = 0; i < parts->size(); ++i) {
    auto it = index.find(static_cast<uint64_t>(parts->int64(i, 0)));
    if (it != index.end()) topics[it->second].partition_shards.push_back(static_cast<int>(parts->int64(i, 1)));
  }
  return topics;
}

Status PgTopicCatalog::set_topic_config(uint64_t topic_id,
                                        const std::map<std::string, std::string>& config,
                                        int64_t modified_ms) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> Status {
    if (Status st = touch(topic_id, modified_ms, 0); !st.ok()) return st;
    const std::string id = std::to_string(topic_id);
    auto del = conn_->exec("DELETE FROM topic_configs WHERE topic_id = $1", {id});
    if (!del) return del.error();
    for (const auto& [name, value] : config) {
      auto r = conn_->exec("INSERT INTO topic_configs (topic_id, name, value) VALUES ($1, $2, $3)",
                           {id, name, value});
      if (!r) return r.error();
    }
    return Status();
  });
}

Status PgTopicCatalog::add_partitions(uint64_t topic_id, const std::vector<int>& partition_shards,
                                      int64_t modified_ms) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> Status {
    int count = static_cast<int>(partition_shards.size());
    if (Status st = touch(topic_id, modified_ms, count); !st.ok()) return st;
    for (int p = 0; p < count; ++p) {
      auto r = conn_->exec(
          "INSERT INTO topic_partitions (topic_id, partition, shard_id) VALUES ($1, $2, $3)"
          " ON CONFLICT DO NOTHING",
          {std::to_string(topic_id), std::to_string(p), std::to_string(partition_shards[p])});
      if (!r) return r.error();
    }
    return Status();
  });
}

Status PgTopicCatalog::delete_topic(uint64_t topic_id, int64_t deleted_ms) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "UPDATE topics SET deleted_ms = $2 WHERE topic_id = $1 AND deleted_ms IS NULL",
      {std::to_string(topic_id), std::to_string(deleted_ms)});
  if (!rows) return rows.error();
  if (rows->affected() == 0) return Status(Errc::kTopicNotFound, "the topic does not exist");
  return Status();
}

}  // namespace spool
