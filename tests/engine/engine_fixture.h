#pragma once

// A real QueueEngine for engine tests: two shards on segment logs in a temporary
// directory, in-memory catalogs, and a fake clock the test moves. Calls are asynchronous;
// the helpers wait for their answers (30 s at most, then the test aborts rather than hang).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "engine/queue_engine.h"
#include "tests/fakes/memory_catalog.h"
#include "tests/fakes/memory_move_task_catalog.h"
#include "tests/storage/storage_test_util.h"

namespace spool {

class EngineFixture : public ::testing::Test {
 public:
  static constexpr const char* kAccount = "111111111111";

 protected:

  void SetUp() override { open(); }
  void open() {
    QueueEngineOptions o;
    o.data_dir = dir_.path();
    o.clock = &clock_;
    o.move_task_catalog = &tasks_;
    auto layout = catalog_.ensure_cluster(2);
    ASSERT_TRUE(layout);
    auto engine = QueueEngine::open(o, catalog_, *layout);
    ASSERT_TRUE(engine) << engine.error().to_string();
    engine_ = std::move(*engine);
  }
  void reopen() {
    engine_.reset();
    open();
  }

  template <class T>
  static T wait(std::promise<T>& p) {
    auto f = p.get_future();
    if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << "no answer within 30 s";
      std::abort();
    }
    return f.get();
  }

  Result<QueueMetaPtr> try_create(const std::string& name, std::map<std::string, std::string> attributes = {},
                                  const std::string& account = kAccount, int64_t max_queues = 0) {
    std::promise<Result<QueueMetaPtr>> p;
    engine_->create_queue(CreateQueueCommand{account, name, std::move(attributes), {}, max_queues},
                          [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  QueueMetaPtr create(const std::string& name, std::map<std::string, std::string> attributes = {},
                      const std::string& account = kAccount) {
    auto r = try_create(name, std::move(attributes), account);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : nullptr;
  }
  QueueMetaPtr find(const std::string& name) { return engine_->find_queue(kAccount, name).value(); }

  void send(const QueueMetaPtr& q, int n, const std::string& prefix) {
    std::vector<OutgoingMessage> messages;
    for (int i = 0; i < n; ++i) {
      OutgoingMessage m;
      m.body = prefix + std::to_string(i);
      m.md5_body = {};
      m.sender_id = "test";
      messages.push_back(std::move(m));
    }
    std::promise<std::vector<Result<SentMessage>>> p;
    engine_->shard_of(*q).send(q->queue_id, std::move(messages), [&](auto r) { p.set_value(std::move(r)); });
    for (const auto& r : wait(p)) ASSERT_TRUE(r) << r.error().to_string();
  }
  Result<QueueCounters> try_counters(const QueueMetaPtr& q) {
    std::promise<Result<QueueCounters>> p;
    engine_->shard_of(*q).counters(q->queue_id, [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  QueueCounters counters(const QueueMetaPtr& q) {
    auto r = try_counters(q);
    EXPECT_TRUE(r);
    return r ? *r : QueueCounters{};
  }
  // Every visible message's body, each received once (and left in flight).
  std::multiset<std::string> bodies(const QueueMetaPtr& q) {
    std::multiset<std::string> out;
    for (;;) {
      std::promise<Result<std::vector<DeliveredMessage>>> p;
      engine_->shard_of(*q).receive(q->queue_id, ReceiveOptions{10, 600'000, 0, {}},
                                    [&](auto r) { p.set_value(std::move(r)); });
      auto got = wait(p);
      EXPECT_TRUE(got);
      if (!got || got->empty()) return out;
      for (const auto& m : *got) out.insert(m.record.body);
    }
  }

  testing::TempDir dir_;  // declared first: removed after the engine is gone
  FakeClock clock_;
  MemoryCatalog catalog_;
  MemoryMoveTaskCatalog tasks_;
  std::unique_ptr<QueueEngine> engine_;
};

}  // namespace spool
