// Shard: receiving — long polls, FIFO receive attempts, and moving messages that
// exceeded maxReceiveCount to their dead-letter queue.

#include <algorithm>

#include "common/log.h"
#include "engine/receipt_handle.h"
#include "engine/shard.h"

namespace spool {
namespace {

constexpr int64_t kAttemptWindowMs = 5 * 60 * 1000;
// Rounds of a receive that keeps taking while what it took went to a dead-letter queue.
constexpr int kDeadLetterRounds = 10;
// A message on its way to the dead-letter queue stays hidden this long whatever the
// receive's visibility timeout (0 would hand it to the next receive, moving it twice);
// if the move fails, it is tried again after that.
constexpr int64_t kDeadLetterHoldMs = 60'000;

Status queue_gone() { return Status(Errc::kQueueNotFound, "The specified queue does not exist."); }

}  // namespace

void Shard::receive(uint64_t queue_id, ReceiveOptions options, Delivery done) {
  executor_->post([this, queue_id, options = std::move(options), done = std::move(done)]() mutable {
    Queue* q = find(queue_id);
    if (q == nullptr) {
      done(queue_gone());
      return;
    }
    if (q->settings.fifo && !options.attempt_id.empty() && redeliver_attempt(*q, options, done)) return;
    int64_t now = clock_.now_ms();
    if (options.wait_ms > 0 && !q->state.has_deliverable(now)) {
      uint64_t id = next_waiter_id_++;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.wait_ms);
      uint64_t timer = executor_->post_at(deadline, [this, queue_id, id] {
        Queue* q = find(queue_id);
        if (q == nullptr) return;
        for (auto it = q->waiters.begin(); it != q->waiters.end(); ++it) {
          if (it->id != id) continue;
          auto expired = std::move(it->done);
          q->waiters.erase(it);
          expired(std::vector<DeliveredMessage>());
          return;
        }
      });
      q->waiters.push_back(Waiter{id, std::move(options), timer, std::move(done)});
      return;
    }
    deliver(*q, options, std::move(done));
  });
}

void Shard::deliver(Queue& q, const ReceiveOptions& options, Delivery done) {
  int64_t now = clock_.now_ms();
  if (q.state.counters(now).in_flight >= q.settings.max_in_flight) {
    // SQS: a standard queue answers OverLimit; a FIFO queue just returns nothing.
    if (q.settings.fifo) return done(std::vector<DeliveredMessage>());
    return done(Status(Errc::kResourceExhausted,
                       "Too many messages in flight (" + std::to_string(q.settings.max_in_flight) + ")."));
  }
  const bool redrive = options_.dead_letter && !q.settings.dead_letter_queue.empty();
  const uint32_t max_receives = redrive ? q.settings.max_receive_count : 0;
  const int64_t visibility = options.visibility_timeout_ms.value_or(q.settings.visibility_timeout_ms);
  std::vector<FramePosition> expired;
  std::vector<PickedMessage> picked;
  picked.reserve(static_cast<size_t>(std::max(options.max_messages, 0)));
  for (int round = 0; round < kDeadLetterRounds && static_cast<int>(picked.size()) < options.max_messages;
       ++round) {
    std::vector<PickedMessage> taken = q.state.receive(options.max_messages - static_cast<int>(picked.size()), now,
                                                       visibility, q.settings.retention_ms, &expired, max_receives);
    bool any_dead = false;
    for (const PickedMessage& p : taken) {
      if (p.dead_letter) {
        q.state.set_visible_at(p.seq, now + kDeadLetterHoldMs, now);
        move_to_dead_letter(q, p);
        any_dead = true;
      } else {
        picked.push_back(p);
      }
    }
    if (!any_dead) break;  // else take again: the receive shouldn't come back empty for them
  }
  mark_dead(expired);
  EngineMetrics::count(q.series->expired, expired.size());
  if (picked.empty()) {
    done(std::vector<DeliveredMessage>());
    return;
  }
  EngineMetrics::count(q.series->received, picked.size());
  std::vector<ReceiveItem> items;
  std::vector<DeliveredMessage> delivered;
  std::vector<FramePosition> positions;
  items.reserve(picked.size());
  delivered.reserve(picked.size());
  positions.reserve(picked.size());
  for (const PickedMessage& p : picked) {
    items.push_back(ReceiveItem{p.seq, p.state.receive_count, p.state.visible_at_ms, p.state.first_receive_ms()});
    DeliveredMessage d;
    d.receipt_handle = encode_receipt_handle({q.state.queue_id(), p.seq, p.state.receive_count}, receipt_key_);
    d.receive_count = p.state.receive_count;
    d.first_receive_ms = p.state.first_receive_ms();
    d.seq = p.seq;
    delivered.push_back(std::move(d));
    positions.push_back(p.state.position);
  }
  if (q.settings.fifo && !options.attempt_id.empty()) {
    Attempt& a = q.attempts[options.attempt_id];
    a.expires_ms = now + kAttemptWindowMs;
    a.messages.clear();
    for (const PickedMessage& p : picked) a.messages.emplace_back(p.seq, p.state.receive_count);
  }
  answer_after(record_type::kReceive, encode_receive(q.state.queue_id(), items), std::move(delivered),
               std::move(positions), std::move(done));
}

bool Shard::redeliver_attempt(Queue& q, const ReceiveOptions& options, Delivery& done) {
  auto it = q.attempts.find(options.attempt_id);
  if (it == q.attempts.end()) return false;
  int64_t now = clock_.now_ms();
  bool same = it->second.expires_ms > now;
  for (const auto& [seq, count] : it->second.messages) {
    const StoredMessage* m = same ? q.state.find(seq) : nullptr;
    // Deleted, received again, or visible again: the batch is gone; a new receive runs.
    if (m == nullptr || m->receive_count != count || m->visible_at_ms <= now) same = false;
  }
  if (!same) {
    q.attempts.erase(it);
    return false;
  }
  // The same messages and receipt handles; their visibility timeout starts again.
  int64_t deadline = now + options.visibility_timeout_ms.value_or(q.settings.visibility_timeout_ms);
  std::vector<VisibilityItem> items;
  std::vector<DeliveredMessage> delivered;
  std::vector<FramePosition> positions;
  for (const auto& [seq, count] : it->second.messages) {
    const StoredMessage* m = q.state.find(seq);
    DeliveredMessage d;
    d.receipt_handle = encode_receipt_handle({q.state.queue_id(), seq, count}, receipt_key_);
    d.receive_count = count;
    d.first_receive_ms = m->first_receive_ms();
    d.seq = seq;
    delivered.push_back(std::move(d));
    positions.push_back(m->position);
    items.push_back(VisibilityItem{seq, deadline});
    q.state.set_visible_at(seq, deadline, now);
  }
  answer_after(record_type::kVisibility, encode_visibility(q.state.queue_id(), items), std::move(delivered),
               std::move(positions), std::move(done));
  return true;
}

void Shard::answer_after(uint8_t type, std::string payload, std::vector<DeliveredMessage> delivered,
                         std::vector<FramePosition> positions, Delivery done) {
  auto state = std::make_shared<std::pair<std::vector<DeliveredMessage>, std::vector<FramePosition>>>(
      std::move(delivered), std::move(positions));
  auto answer = std::make_shared<Delivery>(std::move(done));
  // Bodies are read on the log's completion thread once the record is durable: the
  // executor never waits on a disk read.
  auto appended = log_->append(type, payload, [this, state, answer](Status st) {
    if (!st.ok()) {
      (*answer)(st);
      return;
    }
    // Decoded in place, straight from the bytes read, and compacted: a DeliveredMessage
    // is a dozen strings to move. Frames come in order, so `kept` never passes `i`.
    std::vector<DeliveredMessage>& out = state->first;
    size_t kept = 0;
    log_->visit_many(state->second, [&](size_t i, Result<LogRecordView> frame) {
      if (!frame) return;  // deleted (and collected) meanwhile through an older handle
      if (!decode_enqueue_into(frame->payload, out[i].record).ok()) {
        log_error("engine", "unreadable ENQUEUE record", {{"shard", options_.shard_id}});
        return;
      }
      if (kept != i) out[kept] = std::move(out[i]);
      ++kept;
    });
    out.resize(kept);
    (*answer)(std::move(out));
  });
  if (!appended) (*answer)(appended.error());
}

void Shard::serve_waiters(Queue& q) {
  int64_t now = clock_.now_ms();
  while (!q.waiters.empty() && q.state.has_deliverable(now)) {
    Waiter w = std::move(q.waiters.front());
    q.waiters.pop_front();
    executor_->cancel(w.timer_id);
    deliver(q, w.options, std::move(w.done));
  }
}

void Shard::move_to_dead_letter(Queue& q, const PickedMessage& picked) {
  // A rare event, so the body is read here on the executor (from the page cache, as a
  // rule) rather than through a hop to the completion thread.
  auto frame = log_->read(picked.state.position);
  auto record = frame ? decode_enqueue(frame->payload) : Result<EnqueueRecord>(frame.error());
  if (!record) {
    // It stays hidden in its queue and is tried again after its visibility timeout.
    log_error("engine", "dead-letter move: message unreadable",
              {{"shard", options_.shard_id}, {"error", record.error().message()}});
    return;
  }
  record->origin_queue_id = q.state.queue_id();
  uint64_t queue_id = q.state.queue_id();
  uint64_t seq = picked.seq;
  uint32_t count = picked.state.receive_count;
  options_.dead_letter(q.settings.account_id, q.settings.dead_letter_queue, std::move(*record),
                       [this, queue_id, seq, count](Status st) {
                         executor_->post([this, queue_id, seq, count, st] {
                           finish_dead_letter(queue_id, seq, count, st);
                         });
                       });
}

void Shard::finish_dead_letter(uint64_t queue_id, uint64_t seq, uint32_t receive_count, const Status& moved) {
  Queue* q = find(queue_id);
  if (q == nullptr) return;
  if (!moved.ok()) {
    log_warn("engine", "dead-letter move failed; the message stays in its queue",
             {{"queue", q->settings.name}, {"dead_letter_queue", q->settings.dead_letter_queue},
              {"error", moved.message()}});
    return;
  }
  const StoredMessage* m = q->state.find(seq);
  // Deleted, or received again after its visibility timeout ran out during the move:
  // then the copy in the dead-letter queue is a duplicate, which redrive allows.
  if (m == nullptr || m->receive_count != receive_count) return;
  std::optional<FramePosition> position = q->state.remove(seq);
  if (options_.metrics != nullptr) {
    options_.metrics->count_dead_lettered(q->settings.account_id, q->settings.name, q->settings.dead_letter_queue);
  }
  auto appended = log_->append(record_type::kDelete, encode_delete(queue_id, {seq}), [this, position](Status st) {
    if (st.ok() && position) log_->mark_dead(*position).ignore();
  });
  if (!appended) {
    log_warn("engine", "dead-letter move: delete from the source not written",
             {{"queue", q->settings.name}, {"error", appended.error().message()}});
  }
  serve_waiters(*q);  // a FIFO group may deliver again
}

}  // namespace spool
