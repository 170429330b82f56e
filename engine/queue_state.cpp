#include "engine/queue_state.h"

#include <algorithm>

namespace spool {

StoredMessage StoredMessage::make(FramePosition position, int64_t sent_ms, int64_t visible_at_ms,
                                  int64_t first_receive_ms, uint32_t receive_count) {
  StoredMessage m;
  m.position = position;
  m.sent_s = static_cast<uint32_t>(std::max<int64_t>(sent_ms, 0) / 1000);
  m.visible_at_ms = visible_at_ms;
  m.set_first_receive_ms(first_receive_ms);
  m.set_receive_count(receive_count);
  return m;
}

int64_t StoredMessage::first_receive_ms() const {
  return first_receive_delta_ms == 0 ? 0 : sent_ms() + first_receive_delta_ms - 1;
}

void StoredMessage::set_first_receive_ms(int64_t ms) {
  if (ms == 0) {
    first_receive_delta_ms = 0;
    return;
  }
  int64_t delta = std::clamp<int64_t>(ms - sent_ms(), 0, int64_t{UINT32_MAX} - 1);
  first_receive_delta_ms = static_cast<uint32_t>(delta + 1);
}

void QueueState::make_ready(uint64_t seq, StoredMessage& m) {
  if (m.queued_ready) return;
  m.queued_ready = true;
  ready_.push_back(seq);
  ++ready_count_;
}

void QueueState::hide(uint64_t seq, StoredMessage& m, int64_t visible_at_ms) {
  if (m.queued_ready) {
    // Its seq stays in the FIFO as a stale node; receive() skips it.
    m.queued_ready = false;
    --ready_count_;
  }
  m.visible_at_ms = visible_at_ms;
  timers_.emplace(visible_at_ms, seq);
}

void QueueState::add(uint64_t seq, StoredMessage message, int64_t now_ms) {
  remove(seq);
  message.queued_ready = false;
  StoredMessage& m = messages_[seq] = message;
  if (oldest_sent_ms_ == 0 || m.sent_ms() < oldest_sent_ms_) oldest_sent_ms_ = m.sent_ms();
  if (m.visible_at_ms <= now_ms) {
    make_ready(seq, m);
  } else {
    if (m.receive_count == 0) ++delayed_count_;
    hide(seq, m, m.visible_at_ms);
  }
}

std::optional<FramePosition> QueueState::remove(uint64_t seq) {
  auto it = messages_.find(seq);
  if (it == messages_.end()) return std::nullopt;
  const StoredMessage& m = it->second;
  if (m.queued_ready) {
    --ready_count_;
  } else if (m.receive_count == 0) {
    --delayed_count_;
  }
  FramePosition position = m.position;
  messages_.erase(it);
  return position;
}

const StoredMessage* QueueState::find(uint64_t seq) const {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

void QueueState::promote(int64_t now_ms) {
  while (!timers_.empty() && timers_.top().first <= now_ms) {
    auto [deadline, seq] = timers_.top();
    timers_.pop();
    auto it = messages_.find(seq);
    // A stale node: the message is gone, or its deadline moved since this node was pushed.
    if (it == messages_.end() || it->second.visible_at_ms != deadline || it->second.queued_ready) continue;
    if (it->second.receive_count == 0) --delayed_count_;
    make_ready(seq, it->second);
  }
}

std::vector<PickedMessage> QueueState::receive(int max, int64_t now_ms, int64_t visibility_ms,
                                               int64_t retention_ms,
                                               std::vector<FramePosition>* expired) {
  promote(now_ms);
  std::vector<PickedMessage> picked;
  while (static_cast<int>(picked.size()) < max && !ready_.empty()) {
    uint64_t seq = ready_.front();
    ready_.pop_front();
    auto it = messages_.find(seq);
    if (it == messages_.end() || !it->second.queued_ready) continue;  // stale
    StoredMessage& m = it->second;
    m.queued_ready = false;
    --ready_count_;
    if (m.sent_ms() + retention_ms <= now_ms) {
      expired->push_back(m.position);
      messages_.erase(it);
      continue;
    }
    m.set_receive_count(uint32_t{m.receive_count} + 1);
    if (m.first_receive_delta_ms == 0) m.set_first_receive_ms(now_ms);
    hide(seq, m, now_ms + visibility_ms);
    picked.push_back(PickedMessage{seq, m});
  }
  return picked;
}

void QueueState::set_received(uint64_t seq, uint32_t receive_count, int64_t visible_at_ms,
                              int64_t first_receive_ms, int64_t now_ms) {
  auto it = messages_.find(seq);
  if (it == messages_.end()) return;
  StoredMessage m = it->second;
  m.set_receive_count(receive_count);
  m.set_first_receive_ms(first_receive_ms);
  m.visible_at_ms = visible_at_ms;
  add(seq, m, now_ms);
}

void QueueState::set_visible_at(uint64_t seq, int64_t visible_at_ms, int64_t now_ms) {
  auto it = messages_.find(seq);
  if (it == messages_.end()) return;
  StoredMessage m = it->second;
  m.visible_at_ms = visible_at_ms;
  add(seq, m, now_ms);
}

bool QueueState::has_visible(int64_t now_ms) {
  promote(now_ms);
  return ready_count_ > 0;
}

void QueueState::purge(uint64_t up_to_seq, std::vector<FramePosition>* removed) {
  std::vector<uint64_t> doomed;
  for (const auto& [seq, m] : messages_) {
    if (seq <= up_to_seq) doomed.push_back(seq);
  }
  for (uint64_t seq : doomed) {
    if (auto position = remove(seq)) removed->push_back(*position);
  }
}

void QueueState::expire(int64_t now_ms, int64_t retention_ms, std::vector<FramePosition>* expired) {
  std::vector<uint64_t> doomed;
  oldest_sent_ms_ = 0;
  for (const auto& [seq, m] : messages_) {
    if (m.sent_ms() + retention_ms <= now_ms) {
      doomed.push_back(seq);
    } else if (oldest_sent_ms_ == 0 || m.sent_ms() < oldest_sent_ms_) {
      oldest_sent_ms_ = m.sent_ms();
    }
  }
  for (uint64_t seq : doomed) {
    if (auto position = remove(seq)) expired->push_back(*position);
  }
}

QueueCounters QueueState::counters(int64_t now_ms) {
  promote(now_ms);
  QueueCounters c;
  c.visible = ready_count_;
  c.delayed = delayed_count_;
  c.in_flight = messages_.size() - ready_count_ - delayed_count_;
  c.oldest_sent_ms = messages_.empty() ? 0 : oldest_sent_ms_;
  return c;
}

}  // namespace spool
