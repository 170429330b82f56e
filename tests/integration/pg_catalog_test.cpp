// The catalog against a real PostgreSQL: migrations, the cluster layout, tenants, keys.

#include "storage/pg_catalog.h"

#include <gtest/gtest.h>

#include <thread>

#include "storage/migrations.h"
#include "tests/integration/spool_cluster.h"

namespace spool::testing_support {
namespace {

std::unique_ptr<PgCatalog> open_catalog(const std::string& db) {
  auto catalog = PgCatalog::open(db);
  if (!catalog) ADD_FAILURE() << catalog.error().to_string();
  return catalog ? std::move(*catalog) : nullptr;
}

TEST(Migrations, ConcurrentStartsApplyEachMigrationOnce) {
  std::string db = TestPostgres::instance().fresh_database();
  constexpr int kStarts = 4;
  std::vector<Result<int>> results(kStarts, Result<int>(Errc::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kStarts; ++i) {
    threads.emplace_back([&, i] {
      auto conn = PgConnection::connect(db);
      if (!conn) {
        results[i] = conn.error();
        return;
      }
      results[i] = apply_migrations(**conn);
    });
  }
  for (auto& t : threads) t.join();
  int applied_total = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r) << r.error().to_string();
    applied_total += *r;
  }
  EXPECT_EQ(applied_total, static_cast<int>(catalog_migrations().size()));
  auto conn = PgConnection::connect(db);
  ASSERT_TRUE(conn);
  auto rows = (*conn)->exec("SELECT count(*), max(version) FROM schema_migrations");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->int64(0, 0), static_cast<int64_t>(catalog_migrations().size()));
  EXPECT_EQ(rows->int64(0, 1), catalog_migrations().back().version);
}

TEST(PgCatalog, ClusterLayoutIsFixedByTheFirstStart) {
  auto catalog = open_catalog(TestPostgres::instance().fresh_database());
  ASSERT_TRUE(catalog);
  auto first = catalog->ensure_cluster(4);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->shard_count, 4);
  ASSERT_EQ(first->shard_keys.size(), 4u);
  EXPECT_EQ(first->shard_keys[0].size(), 32u);
  EXPECT_NE(first->shard_keys[0], first->shard_keys[1]);
  auto second = catalog->ensure_cluster(9);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->shard_count, 4);
  EXPECT_EQ(second->shard_keys, first->shard_keys);
}

TEST(PgCatalog, AccountsAreUniqueAndSoftDeleted) {
  auto catalog = open_catalog(TestPostgres::instance().fresh_database());
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(catalog->create_account({"111111111111", "acme", 1000, {}}).ok());
  EXPECT_EQ(catalog->create_account({"111111111111", "other", 1000, {}}).code(), Errc::kAlreadyExists);
  EXPECT_EQ(catalog->create_account({"222222222222", "acme", 1000, {}}).code(), Errc::kAlreadyExists);
  auto found = catalog->find_account("111111111111");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "acme");
  EXPECT_EQ((*found)->created_ms, 1000);

  ASSERT_TRUE(catalog->create_access_key({"AK1", "111111111111", "sealed", true, 1000}).ok());
  ASSERT_TRUE(catalog->delete_account("111111111111", 2000).ok());
  EXPECT_EQ(catalog->delete_account("111111111111", 2000).code(), Errc::kNotFound);
  auto gone = catalog->find_account("111111111111");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  auto keys = catalog->list_access_keys(std::nullopt);
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->empty());
  // The name is free again once its account is deleted.
  EXPECT_TRUE(catalog->create_account({"333333333333", "acme", 3000, {}}).ok());
}

TEST(PgCatalog, AccountQuotasRoundTripAndClear) {
  auto catalog = open_catalog(TestPostgres::instance().fresh_database());
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(catalog->create_account({"111111111111", "acme", 1000, {}}).ok());
  auto fresh = catalog->find_account("111111111111");
  ASSERT_TRUE(fresh && fresh->has_value());
  EXPECT_EQ((*fresh)->quotas, AccountQuotas{});

  ASSERT_TRUE(catalog->set_account_quotas("111111111111", {7, std::nullopt}).ok());
  auto listed = catalog->list_accounts();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].quotas.max_queues, 7);
  EXPECT_EQ((*listed)[0].quotas.max_requests_per_second, std::nullopt);

  ASSERT_TRUE(catalog->set_account_quotas("111111111111", {std::nullopt, 250}).ok());
  auto found = catalog->find_account("111111111111");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->quotas, (AccountQuotas{std::nullopt, 250}));
  EXPECT_EQ(catalog->set_account_quotas("999999999999", {1, 1}).code(), Errc::kNotFound);
}

TEST(PgCatalog, AccessKeysRoundTripBytesAndRevoke) {
  auto catalog = open_catalog(TestPostgres::instance().fresh_database());
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(catalog->create_account({"111111111111", "acme", 1, {}}).ok());
  std::string sealed("\x01\x00\xff\x80secret", 10);
  ASSERT_TRUE(catalog->create_access_key({"AK1", "111111111111", sealed, true, 5}).ok());
  EXPECT_EQ(catalog->create_access_key({"AK1", "111111111111", sealed, true, 5}).code(), Errc::kAlreadyExists);
  EXPECT_EQ(catalog->create_access_key({"AK2", "999999999999", sealed, true, 5}).code(), Errc::kNotFound);

  auto keys = catalog->list_access_keys(std::string("111111111111"));
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].secret_sealed, sealed);
  EXPECT_TRUE((*keys)[0].is_active);
  EXPECT_EQ((*keys)[0].created_ms, 5);

  ASSERT_TRUE(catalog->revoke_access_key("AK1", 9).ok());
  EXPECT_EQ(catalog->revoke_access_key("AK9", 9).code(), Errc::kNotFound);
  keys = catalog->list_access_keys(std::nullopt);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_FALSE((*keys)[0].is_active);
}

TEST(PgCatalog, PingAnswers) {
  auto catalog = open_catalog(TestPostgres::instance().fresh_database());
  ASSERT_TRUE(catalog);
  EXPECT_TRUE(catalog->ping());
}

}  // namespace
}  // namespace spool::testing_support

namespace spool::testing_support {
namespace {

QueueRecord sample_queue(const std::string& name) {
  QueueRecord q;
  q.account_id = "111111111111";
  q.name = name;
  q.shard_id = 1;
  q.attributes = {{"VisibilityTimeout", "40"}, {"Policy", "{\"Version\": \"2012-10-17\"}"}};
  q.tags = {{"team", "payments"}, {"Env", ""}};
  q.created_ms = 1000;
  q.modified_ms = 1000;
  return q;
}

TEST(PgCatalogQueues, CreateListUpdateDelete) {
  auto catalog = open_catalog(TestPostgres::instance().fresh_database());
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(catalog->create_account({"111111111111", "acme", 1, {}}).ok());
  auto created = catalog->create_queue(sample_queue("orders"));
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_GT(created->queue_id, 0u);
  EXPECT_EQ(catalog->create_queue(sample_queue("orders")).status().code(), Errc::kAlreadyExists);
  auto fifo = sample_queue("orders.fifo");
  fifo.is_fifo = true;
  ASSERT_TRUE(catalog->create_queue(fifo));

  auto live = catalog->list_live_queues();
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 2u);
  const QueueRecord orders = (*live)[0];
  EXPECT_EQ(orders.name, "orders");
  EXPECT_FALSE(orders.is_fifo);
  EXPECT_TRUE((*live)[1].is_fifo);
  EXPECT_EQ(orders.shard_id, 1);
  EXPECT_EQ(orders.attributes, sample_queue("orders").attributes);
  EXPECT_EQ(orders.tags, sample_queue("orders").tags);

  ASSERT_TRUE(catalog->set_queue_attributes(orders.queue_id, {{"DelaySeconds", "5"}}, 2000).ok());
  ASSERT_TRUE(catalog->set_queue_tags(orders.queue_id, {{"a", "b"}}).ok());
  live = catalog->list_live_queues();
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)[0].attributes, (std::map<std::string, std::string>{{"DelaySeconds", "5"}}));
  EXPECT_EQ((*live)[0].tags, (std::map<std::string, std::string>{{"a", "b"}}));
  EXPECT_EQ((*live)[0].modified_ms, 2000);

  auto never = catalog->last_queue_deletion_ms("111111111111", "orders");
  ASSERT_TRUE(never);
  EXPECT_FALSE(never->has_value());
  ASSERT_TRUE(catalog->delete_queue(orders.queue_id, 3000).ok());
  EXPECT_EQ(catalog->delete_queue(orders.queue_id, 3000).code(), Errc::kQueueNotFound);
  EXPECT_EQ(catalog->set_queue_tags(orders.queue_id, {}).code(), Errc::kQueueNotFound);
  auto deleted = catalog->last_queue_deletion_ms("111111111111", "orders");
  ASSERT_TRUE(deleted);
  ASSERT_TRUE(deleted->has_value());
  EXPECT_EQ(**deleted, 3000);
  live = catalog->list_live_queues();
  ASSERT_TRUE(live);
  EXPECT_EQ(live->size(), 1u);
  // The name is free again once deleted.
  EXPECT_TRUE(catalog->create_queue(sample_queue("orders")));
}

}  // namespace
}  // namespace spool::testing_support
