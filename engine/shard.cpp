#include "engine/shard.h"

#include "common/log.h"
#include "common/random.h"
#include "engine/receipt_handle.h"

namespace spool {
namespace {

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr uint64_t kSweepEveryTicks = 100;       // retention and GC: every 5 s
// A retention pass looks at this many hash buckets per queue and tick (330k a second: a
// pass over a million messages spreads over about 3 s, with no slice long enough to show
// in a receive's latency).
constexpr size_t kExpiryBucketsPerTick = 16384;
constexpr uint64_t kGaugesEveryTicks = 20;       // queue depth gauges: every second
constexpr int64_t kPurgeCooldownMs = 60'000;
constexpr int64_t kMaxVisibilityWindowMs = 12 * 3600 * 1000;  // since the first receive

// Entries that passed their own checks take the outcome of the record carrying them.
void settle(std::vector<Status>& statuses, const Status& record_outcome) {
  for (Status& s : statuses) {
    if (s.ok()) s = record_outcome;
  }
}

Status queue_gone() { return Status(Errc::kQueueNotFound, "The specified queue does not exist."); }

}  // namespace

Shard::Shard(ShardOptions options, std::unique_ptr<SegmentLog> log)
    : options_(std::move(options)), receipt_key_(options_.key), clock_(*options_.clock), log_(std::move(log)) {}

Result<std::unique_ptr<Shard>> Shard::open(ShardOptions options,
                                           const std::map<uint64_t, ShardQueueSettings>& queues) {
  std::unique_ptr<Shard> shard(new Shard(options, nullptr));
  std::map<uint64_t, std::unique_ptr<Queue>> state;
  for (const auto& [id, settings] : queues) state[id] = shard->make_queue(id, settings);
  if (options.metrics != nullptr) shard->shard_series_ = options.metrics->add_shard(options.shard_id);

  SegmentLogOptions log_options;
  log_options.dir = options.dir;
  log_options.thread_tag = std::to_string(options.shard_id);
  log_options.fsync = options.fsync;
  log_options.repair = options.repair;
  log_options.segment_bytes = options.segment_bytes;
  log_options.owner = options.shard_id;
  log_options.clock = options.clock;
  ShardSeries series = shard->shard_series_;
  log_options.on_sync = [series](double seconds) { EngineMetrics::observe(series.fsync, seconds); };
  log_options.on_round = [series](uint64_t frames) {
    EngineMetrics::observe(series.group_commit, static_cast<double>(frames));
  };
  // Replay runs before the log is attached; it only needs the clock and the queues.
  Shard* shard_for_replay = shard.get();
  auto log = SegmentLog::open(log_options, [&](const LogRecordView& record) {
    shard_for_replay->replay(record, state);
  });
  if (!log) return log.error();
  shard->log_ = std::move(*log);
  int64_t now = shard->clock_.now_ms();
  uint64_t live = 0;
  for (auto& [id, q] : state) {
    std::vector<FramePosition> expired;
    q->state.expire(now, q->settings.retention_ms, &expired);
    shard->mark_dead(expired);
  }
  // Liveness counts start at zero after open; report every message we still hold.
  shard->queues_ = std::move(state);
  for (auto& [id, q] : shard->queues_) {
    q->state.for_each_position([&](FramePosition p) {
      shard->log_->add_live(p).ignore();
      ++live;
    });
    q->dedupe.for_each_position([&](FramePosition p) { shard->log_->add_live(p).ignore(); });
  }
  const RecoveryReport& report = shard->log_->recovery_report();
  log_info("engine", "shard recovered",
           {{"shard", options.shard_id}, {"queues", shard->queues_.size()}, {"messages", live},
            {"frames", report.frames}, {"bytes_cut", report.bytes_cut}});
  shard->executor_ = std::make_unique<Executor>("shard-" + std::to_string(options.shard_id));
  Shard* self = shard.get();
  self->executor_->post_at(std::chrono::steady_clock::now() + kTick, [self] { self->tick(); });
  return shard;
}

Shard::~Shard() {
  stop();
  close_log();
  executor_.reset();
}

void Shard::stop() {
  if (executor_) executor_->stop();
}

void Shard::close_log() {
  // The last completions may still use log_ and post to an executor (ignored once
  // stopped): close while log_ is set, then free.
  if (log_) log_->close();
  log_.reset();
}

void Shard::replay(const LogRecordView& record, std::map<uint64_t, std::unique_ptr<Queue>>& queues) {
  int64_t now = clock_.now_ms();
  auto find_queue = [&](uint64_t id) -> Queue* {
    auto it = queues.find(id);
    return it == queues.end() ? nullptr : it->second.get();
  };
  uint64_t queue_id = 0;
  switch (record.type) {
    case record_type::kEnqueue: {
      auto h = decode_enqueue_header(record.payload);
      if (!h) break;
      Queue* q = find_queue(h->queue_id);
      if (q == nullptr) break;
      if (q->settings.fifo && !h->dedupe_id.empty() && h->origin_queue_id == 0 &&
          h->sent_ms + DedupeWindow::kWindowMs > now) {
        // The window outlives purges and deletions, so it is rebuilt from every recent
        // send. Nothing is pinned yet during replay: `released` is dropped.
        std::vector<FramePosition> released;
        q->dedupe.insert(DedupeWindow::key(q->settings.dedupe_per_group, h->group_id, h->dedupe_id),
                         to_bytes16(h->message_id), record.seq.value, record.position, h->sent_ms,
                         /*durable=*/true, &released);
      }
      if (record.seq.value < q->purged_below) break;
      q->state.add(record.seq.value,
                   StoredMessage::make(record.position, h->sent_ms, h->visible_at_ms, h->first_receive_ms,
                                       h->receive_count),
                   now, h->group_id);
      break;
    }
    case record_type::kReceive: {
      std::vector<ReceiveItem> items;
      if (!decode_receive(record.payload, &queue_id, &items).ok()) break;
      if (Queue* q = find_queue(queue_id)) {
        for (const auto& i : items) {
          q->state.set_received(i.seq, i.receive_count, i.visible_at_ms, i.first_receive_ms, now);
        }
      }
      break;
    }
    case record_type::kVisibility: {
      std::vector<VisibilityItem> items;
      if (!decode_visibility(record.payload, &queue_id, &items).ok()) break;
      if (Queue* q = find_queue(queue_id)) {
        for (const auto& i : items) q->state.set_visible_at(i.seq, i.visible_at_ms, now);
      }
      break;
    }
    case record_type::kDelete: {
      std::vector<uint64_t> seqs;
      if (!decode_delete(record.payload, &queue_id, &seqs).ok()) break;
      if (Queue* q = find_queue(queue_id)) {
        for (uint64_t s : seqs) q->state.remove(s);
      }
      break;
    }
    case record_type::kPurge: {
      uint64_t up_to = 0;
      if (!decode_purge(record.payload, &queue_id, &up_to).ok()) break;
      if (Queue* q = find_queue(queue_id)) {
        std::vector<FramePosition> removed;
        q->state.purge(up_to, &removed);
        q->purged_below = std::max(q->purged_below, up_to + 1);
      }
      break;
    }
    case record_type::kQueueDrop:
      if (decode_queue_drop(record.payload, &queue_id).ok()) {
        if (Queue* q = find_queue(queue_id)) {
          std::vector<FramePosition> removed;
          q->state.purge(UINT64_MAX, &removed);
          q->purged_below = record.seq.value + 1;
        }
      }
      break;
    default:
      log_warn("engine", "unknown record type in shard log",
               {{"shard", options_.shard_id}, {"type", static_cast<int>(record.type)}});
  }
}

std::unique_ptr<Shard::Queue> Shard::make_queue(uint64_t id, ShardQueueSettings settings) {
  auto series = options_.metrics != nullptr ? options_.metrics->add_queue(settings.account_id, settings.name)
                                            : std::make_shared<QueueSeries>();
  return std::make_unique<Queue>(id, std::move(settings), std::move(series));
}

Shard::Queue* Shard::find(uint64_t queue_id) {
  auto it = queues_.find(queue_id);
  return it == queues_.end() ? nullptr : it->second.get();
}

void Shard::mark_dead(const std::vector<FramePosition>& positions) {
  for (const FramePosition& p : positions) log_->mark_dead(p).ignore();
}

uint64_t Shard::segment_bytes() const {
  uint64_t total = 0;
  for (const SegmentStats& s : log_->segments()) total += s.durable_bytes;
  return total;
}

void Shard::add_queue(uint64_t queue_id, ShardQueueSettings settings) {
  executor_->post([this, queue_id, settings] {
    if (!find(queue_id)) queues_[queue_id] = make_queue(queue_id, settings);
  });
}

void Shard::update_queue(uint64_t queue_id, ShardQueueSettings settings) {
  executor_->post([this, queue_id, settings] {
    if (Queue* q = find(queue_id)) q->settings = settings;
  });
}

void Shard::drop_queue(uint64_t queue_id, std::function<void(Status)> done) {
  executor_->post([this, queue_id, done = std::move(done)] {
    auto it = queues_.find(queue_id);
    if (it == queues_.end()) {
      done(Status());
      return;
    }
    std::unique_ptr<Queue> q = std::move(it->second);
    queues_.erase(it);
    if (options_.metrics != nullptr) options_.metrics->drop_queue(q->series);
    for (Waiter& w : q->waiters) {
      executor_->cancel(w.timer_id);
      w.done(std::vector<DeliveredMessage>());
    }
    auto dead = std::make_shared<std::vector<FramePosition>>();
    q->state.purge(UINT64_MAX, dead.get());
    q->dedupe.clear(dead.get());
    auto appended = log_->append(record_type::kQueueDrop, encode_queue_drop(queue_id),
                                 [this, dead, done](Status st) {
                                   if (st.ok()) mark_dead(*dead);
                                   done(st);
                                 });
    if (!appended) done(appended.error());
  });
}

void Shard::tick() {
  ++ticks_;
  bool sweep_now = ticks_ % kSweepEveryTicks == 0;
  int64_t now = clock_.now_ms();
  for (auto& [id, q] : queues_) {
    if (!q->waiters.empty()) serve_waiters(*q);
    if (sweep_now) sweep(*q, now);
    if (q->state.expiring()) expire_slice(*q, now);
  }
  if (ticks_ % kGaugesEveryTicks == 0) publish_gauges();
  if (sweep_now) {
    auto collected = log_->collect_garbage();
    if (!collected) log_warn("engine", "garbage collection failed", {{"error", collected.error().message()}});
  }
  executor_->post_at(std::chrono::steady_clock::now() + kTick, [this] { tick(); });
}

void Shard::expire_slice(Queue& q, int64_t now_ms) {
  std::vector<FramePosition> expired;
  q.state.expire_some(now_ms, q.settings.retention_ms, kExpiryBucketsPerTick, &expired);
  EngineMetrics::count(q.series->expired, expired.size());
  mark_dead(expired);
}

void Shard::sweep(Queue& q, int64_t now_ms) {
  if (!q.state.expiring()) q.state.begin_expiry();  // tick() runs its slices
  std::vector<FramePosition> released;
  q.dedupe.expire(now_ms, &released);
  mark_dead(released);
  std::erase_if(q.attempts, [now_ms](const auto& a) { return a.second.expires_ms <= now_ms; });
}

void Shard::publish_gauges() {
  int64_t now = clock_.now_ms();
  for (auto& [id, q] : queues_) {
    QueueCounters c = q->state.counters(now);
    EngineMetrics::set(q->series->visible, static_cast<double>(c.visible));
    EngineMetrics::set(q->series->in_flight, static_cast<double>(c.in_flight));
    EngineMetrics::set(q->series->delayed, static_cast<double>(c.delayed));
    if (q->settings.fifo) EngineMetrics::set(q->series->groups_in_flight, static_cast<double>(c.groups_in_flight));
    EngineMetrics::set(q->series->oldest_age,
                       c.oldest_sent_ms == 0 ? 0.0 : static_cast<double>(now - c.oldest_sent_ms) / 1000.0);
  }
  EngineMetrics::set(shard_series_.segment_bytes, static_cast<double>(segment_bytes()));
}

void Shard::delete_messages(uint64_t queue_id, std::vector<std::string> receipt_handles,
                            std::function<void(std::vector<Status>)> done) {
  executor_->post([this, queue_id, handles = std::move(receipt_handles), done = std::move(done)] {
    auto statuses = std::make_shared<std::vector<Status>>(handles.size());
    Queue* q = find(queue_id);
    if (q == nullptr) {
      for (auto& s : *statuses) s = queue_gone();
      done(std::move(*statuses));
      return;
    }
    std::vector<uint64_t> seqs;
    auto dead = std::make_shared<std::vector<FramePosition>>();
    seqs.reserve(handles.size());
    dead->reserve(handles.size());
    for (size_t i = 0; i < handles.size(); ++i) {
      auto handle = decode_receipt_handle(handles[i], receipt_key_);
      if (!handle || handle->queue_id != queue_id) {
        (*statuses)[i] = Status(Errc::kReceiptHandleInvalid,
                                "The input receipt handle \"" + handles[i] + "\" is not a valid receipt handle.");
        continue;
      }
      auto position = q->state.remove(handle->seq);
      if (position) {
        dead->push_back(*position);
        EngineMetrics::count(q->series->deleted, 1);
      }
      // A message already gone is still written: an earlier delete of it may not be
      // durable yet, and this answer must not come before it. Replay ignores repeats.
      seqs.push_back(handle->seq);
    }
    if (seqs.empty()) {
      done(std::move(*statuses));
      return;
    }
    // A FIFO delete may release its group: waiting receives get the next messages now,
    // not at the next tick. (Should the DELETE be lost in a crash, the group's messages
    // come back in order after the visibility timeouts.)
    if (q->settings.fifo && !dead->empty()) serve_waiters(*q);
    auto appended = log_->append(record_type::kDelete, encode_delete(queue_id, seqs),
                                 [this, statuses, dead, done](Status st) {
                                   if (st.ok()) mark_dead(*dead);
                                   settle(*statuses, st);
                                   done(std::move(*statuses));
                                 });
    if (!appended) {
      settle(*statuses, appended.error());
      done(std::move(*statuses));
    }
  });
}

void Shard::change_visibility(uint64_t queue_id, std::vector<VisibilityChange> changes,
                              std::function<void(std::vector<Status>)> done) {
  executor_->post([this, queue_id, changes = std::move(changes), done = std::move(done)] {
    auto statuses = std::make_shared<std::vector<Status>>(changes.size());
    Queue* q = find(queue_id);
    if (q == nullptr) {
      for (auto& s : *statuses) s = queue_gone();
      done(std::move(*statuses));
      return;
    }
    int64_t now = clock_.now_ms();
    std::vector<VisibilityItem> items;
    for (size_t i = 0; i < changes.size(); ++i) {
      const VisibilityChange& c = changes[i];
      auto handle = decode_receipt_handle(c.receipt_handle, receipt_key_);
      if (!handle || handle->queue_id != queue_id) {
        (*statuses)[i] = Status(Errc::kReceiptHandleInvalid,
                                "The input receipt handle \"" + c.receipt_handle + "\" is not a valid receipt handle.");
        continue;
      }
      const StoredMessage* m = q->state.find(handle->seq);
      if (m == nullptr) {
        (*statuses)[i] = Status(Errc::kInvalidArgument,
                                "Value " + c.receipt_handle +
                                    " for parameter ReceiptHandle is invalid. Reason: Message does not exist "
                                    "or is not available for visibility timeout change.");
        continue;
      }
      if (m->receive_count != handle->receive_count || m->visible_at_ms <= now) {
        (*statuses)[i] = Status(Errc::kMessageNotInflight, "The message referred to isn't in flight.");
        continue;
      }
      int64_t deadline = now + c.timeout_ms;
      if (deadline - m->first_receive_ms() > kMaxVisibilityWindowMs) {
        (*statuses)[i] = Status(Errc::kInvalidArgument,
                                "Value " + std::to_string(c.timeout_ms / 1000) +
                                    " for parameter VisibilityTimeout is invalid. Reason: Total "
                                    "VisibilityTimeout for the message is beyond the limit [43200 seconds]");
        continue;
      }
      q->state.set_visible_at(handle->seq, deadline, now);
      items.push_back(VisibilityItem{handle->seq, deadline});
    }
    if (items.empty()) {
      done(std::move(*statuses));
      return;
    }
    serve_waiters(*q);  // a timeout of 0 makes the message visible at once
    auto appended = log_->append(record_type::kVisibility, encode_visibility(queue_id, items),
                                 [statuses, done](Status st) {
                                   settle(*statuses, st);
                                   done(std::move(*statuses));
                                 });
    if (!appended) {
      settle(*statuses, appended.error());
      done(std::move(*statuses));
    }
  });
}

void Shard::purge(uint64_t queue_id, std::function<void(Status)> done) {
  executor_->post([this, queue_id, done = std::move(done)] {
    Queue* q = find(queue_id);
    if (q == nullptr) {
      done(queue_gone());
      return;
    }
    int64_t now = clock_.now_ms();
    if (q->last_purge_ms != 0 && now - q->last_purge_ms < kPurgeCooldownMs) {
      done(Status(Errc::kPurgeInProgress,
                  "Only one PurgeQueue operation on the queue is allowed every 60 seconds."));
      return;
    }
    // Everything appended so far, including sends whose ENQUEUE is not durable yet.
    uint64_t next = log_->next_seq().value;
    uint64_t up_to = next == 0 ? 0 : next - 1;
    auto dead = std::make_shared<std::vector<FramePosition>>();
    q->state.purge(up_to, dead.get());
    q->purged_below = next;
    q->last_purge_ms = now;
    auto appended = log_->append(record_type::kPurge, encode_purge(queue_id, up_to),
                                 [this, dead, done](Status st) {
                                   if (st.ok()) mark_dead(*dead);
                                   done(st);
                                 });
    if (!appended) done(appended.error());
  });
}

void Shard::counters(uint64_t queue_id, std::function<void(Result<QueueCounters>)> done) {
  executor_->post([this, queue_id, done = std::move(done)] {
    Queue* q = find(queue_id);
    if (q == nullptr) {
      done(queue_gone());
      return;
    }
    done(q->state.counters(clock_.now_ms()));
  });
}

}  // namespace spool
