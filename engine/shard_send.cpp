// Shard: sending — SendMessage(Batch), FIFO deduplication, and enqueueing messages moved
// from other queues. A batch costs one executor hop after its frames are durable, not
// one per message.
//
// A message is filed in the queue as soon as its ENQUEUE is appended, before it is
// durable, so a waiting receive takes it at once and its RECEIVE lands in the same or
// the next group commit. That is safe because the log is one sequence: a receive
// answers only once its RECEIVE is durable, which makes every earlier frame durable,
// the ENQUEUE included. Nothing a crash could erase is handed out, and send-to-receive
// latency costs one sync round instead of two. Should the ENQUEUE fail, the message is
// taken out again (and the receive, written after it, fails too).

#include <atomic>

#include "common/random.h"
#include "engine/shard.h"

namespace spool {
namespace {

Bytes16 new_message_id() {
  Bytes16 b;
  random_fill(b.data(), b.size());
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return b;
}

Status queue_gone() { return Status(Errc::kQueueNotFound, "The specified queue does not exist."); }

}  // namespace

struct Shard::SendBatch {
  struct Frame {
    size_t index = 0;  // into results
    uint64_t seq = 0;
    FramePosition position;
    StoredMessage stored;
    Bytes16 id{};            // the MessageId
    std::string group;
    std::optional<DedupeWindow::Key> dedupe_key;  // absent: not remembered
    Status outcome;          // written by the log's completion thread
  };

  // Every result is written before the answer when the queue exists; the placeholder has
  // no message so that filling it costs no allocation per message (see queue_missing).
  SendBatch(size_t n, std::function<void(std::vector<Result<SentMessage>>)> d)
      : results(n, Result<SentMessage>(Status(Errc::kQueueNotFound, std::string()))), done(std::move(d)) {
    frames.reserve(n);  // completions index into it while it fills: no reallocation
  }
  void queue_missing() {
    for (auto& r : results) r = queue_gone();
    answer_one();
  }
  void answer_one() {
    if (--answers_pending == 0) done(std::move(results));
  }

  std::vector<Result<SentMessage>> results;
  std::function<void(std::vector<Result<SentMessage>>)> done;
  std::vector<Frame> frames;
  // Frames not yet durable, plus one while the batch is still being appended, so the
  // count can't reach zero early.
  std::atomic<size_t> unsettled{1};
  // Executor only: one for the frames, one per duplicate waiting on a pending original.
  size_t answers_pending = 1;
};

void Shard::send(uint64_t queue_id, std::vector<OutgoingMessage> messages,
                 std::function<void(std::vector<Result<SentMessage>>)> done) {
  executor_->post([this, queue_id, messages = std::move(messages), done = std::move(done)]() mutable {
    auto batch = std::make_shared<SendBatch>(messages.size(), std::move(done));
    Queue* q = find(queue_id);
    if (q == nullptr || messages.empty()) {
      batch->queue_missing();
      return;
    }
    int64_t now = clock_.now_ms();
    // A standard queue's messages are appended together after the loop; a FIFO queue's
    // one by one, since each may deduplicate against those before it.
    std::vector<EnqueueRecord> standard;
    if (!q->settings.fifo) standard.reserve(messages.size());
    for (size_t i = 0; i < messages.size(); ++i) {
      OutgoingMessage& m = messages[i];
      std::optional<DedupeWindow::Key> key;
      if (q->settings.fifo) {
        key = DedupeWindow::key(q->settings.dedupe_per_group, m.group_id, m.dedupe_id);
        if (DedupeWindow::Entry* e = q->dedupe.find(*key, now)) {
          // Accepted, not enqueued: the answer names the original message.
          EngineMetrics::count(q->series->deduplicated, 1);
          SentMessage original{e->message_id, e->seq};
          if (e->durable) {
            batch->results[i] = original;
            continue;
          }
          ++batch->answers_pending;
          e->wait([batch, i, original](Status st) {
            batch->results[i] = st.ok() ? Result<SentMessage>(original) : Result<SentMessage>(st);
            batch->answer_one();
          });
          continue;
        }
      }
      EnqueueRecord fifo_record;
      EnqueueRecord& r = q->settings.fifo ? fifo_record : standard.emplace_back();
      r.queue_id = queue_id;
      r.message_id = new_message_id();
      r.sent_ms = now;
      r.visible_at_ms = now + m.delay_ms.value_or(q->settings.delay_ms);
      r.md5_body = m.md5_body;
      r.md5_attributes = std::move(m.md5_attributes);
      r.group_id = std::move(m.group_id);
      r.dedupe_id = std::move(m.dedupe_id);
      r.trace_header = std::move(m.trace_header);
      r.sender_id = std::move(m.sender_id);
      r.attributes = std::move(m.attributes);
      r.body = std::move(m.body);
      if (q->settings.fifo) append_enqueue(*q, batch, i, r, key);
    }
    if (!standard.empty()) append_enqueues(*q, batch, standard, 0);
    if (!batch->frames.empty()) serve_waiters(*q);
    seal(queue_id, batch);
  });
}

void Shard::enqueue_moved(uint64_t queue_id, EnqueueRecord record,
                          std::function<void(Result<SentMessage>)> done) {
  executor_->post([this, queue_id, record = std::move(record), done = std::move(done)]() mutable {
    auto batch = std::make_shared<SendBatch>(
        1, [done = std::move(done)](std::vector<Result<SentMessage>> r) { done(std::move(r.front())); });
    Queue* q = find(queue_id);
    if (q == nullptr) {
      batch->queue_missing();
      return;
    }
    record.queue_id = queue_id;
    record.visible_at_ms = clock_.now_ms();
    record.first_receive_ms = 0;
    record.receive_count = 0;
    append_enqueue(*q, batch, 0, record, std::nullopt);
    if (!batch->frames.empty()) serve_waiters(*q);
    seal(queue_id, batch);
  });
}

void Shard::append_enqueue(Queue& q, const std::shared_ptr<SendBatch>& batch, size_t index,
                           const EnqueueRecord& r, std::optional<DedupeWindow::Key> dedupe_key) {
  if (!append_enqueues(q, batch, std::span<const EnqueueRecord>(&r, 1), index) || !dedupe_key) return;
  SendBatch::Frame& f = batch->frames.back();
  std::vector<FramePosition> released;
  q.dedupe.insert(*dedupe_key, r.message_id, f.seq, f.position, r.sent_ms, /*durable=*/false, &released);
  log_->add_live(f.position).ignore();  // the window's pin (DedupeWindow's header)
  mark_dead(released);
  f.dedupe_key = dedupe_key;
}

bool Shard::append_enqueues(Queue& q, const std::shared_ptr<SendBatch>& batch,
                            std::span<const EnqueueRecord> records, size_t first_index) {
  // The records are encoded into one buffer the shard reuses: one allocation (none once
  // it has grown) instead of one per message.
  std::string& buffer = encode_buffer_;
  buffer.clear();
  std::vector<size_t> ends;
  ends.reserve(records.size());
  const size_t first = batch->frames.size();
  for (size_t i = 0; i < records.size(); ++i) {
    const EnqueueRecord& r = records[i];
    append_enqueue_record(buffer, r);
    ends.push_back(buffer.size());
    SendBatch::Frame& f = batch->frames.emplace_back();
    f.index = first_index + i;
    f.id = r.message_id;
    f.group = r.group_id;
    f.stored = StoredMessage::make(FramePosition{}, r.sent_ms, r.visible_at_ms, 0, 0);
  }
  std::vector<std::string_view> views;
  views.reserve(records.size());
  for (size_t i = 0, start = 0; i < ends.size(); start = ends[i], ++i) {
    views.emplace_back(buffer.data() + start, ends[i] - start);
  }
  const size_t count = records.size();
  batch->unsettled.fetch_add(1);
  const uint64_t queue_id = q.state.queue_id();
  auto appended = log_->append_all(record_type::kEnqueue, views, [this, batch, first, count, queue_id](Status st) {
    for (size_t k = first; k < first + count; ++k) batch->frames[k].outcome = st;
    if (batch->unsettled.fetch_sub(1) == 1) {
      executor_->post([this, batch, queue_id] { finish_enqueues(queue_id, batch); });
    }
  });
  if (!appended) {
    for (size_t k = first; k < first + count; ++k) batch->results[batch->frames[k].index] = appended.error();
    batch->frames.resize(first);    // no completion will come for them
    batch->unsettled.fetch_sub(1);  // can't reach zero: the batch still holds one
    return false;
  }
  const int64_t now = clock_.now_ms();
  for (size_t i = 0; i < count; ++i) {
    SendBatch::Frame& f = batch->frames[first + i];
    f.seq = (*appended)[i].seq.value;
    f.position = (*appended)[i].position;
    f.stored.position = f.position;
    log_->add_live(f.position).ignore();
    q.state.add(f.seq, f.stored, now, f.group);  // see the top of this file
  }
  return true;
}

void Shard::seal(uint64_t queue_id, const std::shared_ptr<SendBatch>& batch) {
  if (batch->unsettled.fetch_sub(1) == 1) finish_enqueues(queue_id, batch);
}

void Shard::finish_enqueues(uint64_t queue_id, const std::shared_ptr<SendBatch>& batch) {
  Queue* q = find(queue_id);
  std::vector<FramePosition> released;
  uint64_t sent = 0;
  for (SendBatch::Frame& f : batch->frames) {
    if (f.outcome.ok()) {
      batch->results[f.index] = SentMessage{f.id, f.seq};  // frames are done with
      ++sent;
    } else {
      batch->results[f.index] = f.outcome;
      // Take the message out again. If it is gone already, whoever removed it (a purge,
      // the queue's drop) accounted for its frame.
      if (q != nullptr) {
        if (auto position = q->state.remove(f.seq)) log_->mark_dead(*position).ignore();
      }
    }
    if (q != nullptr && f.dedupe_key) q->dedupe.settle(*f.dedupe_key, f.seq, f.outcome, &released);
  }
  mark_dead(released);
  if (q != nullptr) EngineMetrics::count(q->series->sent, sent);
  batch->answer_one();
}

}  // namespace spool
