#include "engine/queue_state.h"

#include <algorithm>
#include <functional>

#include "common/check.h"

namespace spool {
namespace {
// Stale nodes tolerated beyond the live count before a compaction pass: small queues
// never pay for one.
constexpr size_t kCompactSlack = 1024;
}  // namespace

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

// --- FIFO groups -------------------------------------------------------------------

uint32_t QueueState::group_slot(std::string_view id) {
  auto it = group_slots_.find(std::string(id));
  if (it != group_slots_.end()) return it->second;
  uint32_t slot;
  if (!free_groups_.empty()) {
    slot = free_groups_.back();
    free_groups_.pop_back();
  } else {
    slot = static_cast<uint32_t>(groups_.size());
    groups_.emplace_back();
  }
  groups_[slot].id = std::string(id);
  group_slots_.emplace(groups_[slot].id, slot);
  return slot;
}

uint32_t QueueState::group_of(uint64_t seq) const {
  const uint32_t* slot = group_of_.find(seq);
  SPOOL_CHECK(slot != nullptr);
  return *slot;
}

bool QueueState::can_deliver(const Group& g) const {
  if (g.in_flight > 0 || g.seqs.empty()) return false;
  const StoredMessage* m = messages_.find(g.seqs.front());
  return m != nullptr && m->visible;
}

void QueueState::offer(uint32_t slot) {
  Group& g = groups_[slot];
  if (g.queued || !can_deliver(g)) return;
  g.queued = true;
  ready_groups_.push_back(slot);
}

void QueueState::release_if_idle(uint32_t slot) {
  Group& g = groups_[slot];
  if (g.queued || g.in_flight > 0 || !g.seqs.empty()) return;
  group_slots_.erase(g.id);
  g.id.clear();
  g.id.shrink_to_fit();
  free_groups_.push_back(slot);
}

void QueueState::adjust_in_flight(uint32_t slot, int delta) {
  Group& g = groups_[slot];
  if (delta > 0) {
    if (g.in_flight++ == 0) ++groups_in_flight_;
  } else if (g.in_flight > 0) {
    if (--g.in_flight == 0) --groups_in_flight_;
  }
}

// --- both orders ---------------------------------------------------------------------

void QueueState::make_visible(uint64_t seq, StoredMessage& m) {
  if (m.visible) return;
  bool was_in_flight = m.in_flight();
  m.visible = true;
  ++ready_count_;
  if (!fifo_) {
    ready_.push_back(seq);
    return;
  }
  uint32_t slot = group_of(seq);
  if (was_in_flight) adjust_in_flight(slot, -1);
  offer(slot);
}

void QueueState::hide(uint64_t seq, StoredMessage& m, int64_t visible_at_ms) {
  if (m.visible) {
    // Standard: its seq stays in the FIFO as a stale node; receive() skips it.
    m.visible = false;
    --ready_count_;
  }
  m.visible_at_ms = visible_at_ms;
  push_timer(visible_at_ms, seq);
}

void QueueState::push_timer(int64_t visible_at_ms, uint64_t seq) {
  timers_.emplace_back(visible_at_ms, seq);
  std::push_heap(timers_.begin(), timers_.end(), std::greater<TimerNode>());
}

void QueueState::pop_timer() {
  std::pop_heap(timers_.begin(), timers_.end(), std::greater<TimerNode>());
  timers_.pop_back();
}

void QueueState::compact_if_sparse() {
  if (ready_.size() > 2 * ready_count_ + kCompactSlack) compact_ready();
  const size_t hidden = messages_.size() - ready_count_;
  if (timers_.size() > 2 * hidden + kCompactSlack) compact_timers();
}

void QueueState::compact_ready() {
  // A visible message may have more than one node (it was hidden and shown again while
  // an old node waited): the first keeps its place. `visible` is cleared on the nodes
  // kept so that later ones are skipped, then set again.
  std::deque<uint64_t> live;
  for (uint64_t seq : ready_) {
    StoredMessage* m = messages_.find(seq);
    if (m == nullptr || !m->visible) continue;
    m->visible = false;
    live.push_back(seq);
  }
  for (uint64_t seq : live) messages_.find(seq)->visible = true;
  ready_.swap(live);  // the old blocks are freed with `live`
}

void QueueState::compact_timers() {
  // Live: the message is hidden and this node holds its deadline. Equal nodes (the same
  // deadline set twice) keep one; a sorted vector is already a valid min-heap.
  std::erase_if(timers_, [this](const TimerNode& node) {
    const StoredMessage* m = messages_.find(node.second);
    return m == nullptr || m->visible || m->visible_at_ms != node.first;
  });
  std::sort(timers_.begin(), timers_.end());
  timers_.erase(std::unique(timers_.begin(), timers_.end()), timers_.end());
  if (timers_.capacity() > 4 * timers_.size() + kCompactSlack) timers_.shrink_to_fit();
}

void QueueState::add(uint64_t seq, StoredMessage message, int64_t now_ms, std::string_view group) {
  remove(seq);
  message.visible = false;
  StoredMessage& m = *messages_.try_emplace(seq).first = message;
  if (oldest_sent_ms_ == 0 || m.sent_ms() < oldest_sent_ms_) oldest_sent_ms_ = m.sent_ms();
  // A pass under way may have looked at this message's bucket already; its oldest must
  // still count it.
  if (expiring() && (expiry_oldest_ms_ == 0 || m.sent_ms() < expiry_oldest_ms_)) expiry_oldest_ms_ = m.sent_ms();
  if (fifo_) {
    uint32_t slot = group_slot(group);
    std::deque<uint64_t>& seqs = groups_[slot].seqs;
    // Sends complete in seq order, so this is nearly always an append; replay of a
    // RECEIVE re-files a head message, an insert near the front.
    seqs.insert(std::upper_bound(seqs.begin(), seqs.end(), seq), seq);
    *group_of_.try_emplace(seq).first = slot;
    if (m.in_flight()) adjust_in_flight(slot, +1);
  }
  if (m.visible_at_ms <= now_ms) {
    make_visible(seq, m);
  } else {
    if (m.receive_count == 0) ++delayed_count_;
    hide(seq, m, m.visible_at_ms);
  }
  compact_if_sparse();
}

FramePosition QueueState::erase(uint64_t seq, const StoredMessage& m) {
  if (m.visible) {
    --ready_count_;
  } else if (m.receive_count == 0) {
    --delayed_count_;
  }
  if (fifo_) {
    uint32_t slot = group_of(seq);
    group_of_.erase(seq);
    std::deque<uint64_t>& seqs = groups_[slot].seqs;
    auto at = std::lower_bound(seqs.begin(), seqs.end(), seq);
    if (at != seqs.end() && *at == seq) seqs.erase(at);
    if (m.in_flight()) adjust_in_flight(slot, -1);
  }
  FramePosition position = m.position;
  messages_.erase(seq);  // `m` dies here
  return position;
}

std::optional<FramePosition> QueueState::remove(uint64_t seq) {
  const StoredMessage* m = messages_.find(seq);
  if (m == nullptr) return std::nullopt;
  uint32_t slot = fifo_ ? group_of(seq) : 0;
  FramePosition position = erase(seq, *m);
  if (fifo_) {
    offer(slot);  // the next message may now lead the group
    release_if_idle(slot);
  }
  compact_if_sparse();
  return position;
}

const StoredMessage* QueueState::find(uint64_t seq) const {
  return messages_.find(seq);
}

void QueueState::promote(int64_t now_ms) {
  while (!timers_.empty() && timers_.front().first <= now_ms) {
    auto [deadline, seq] = timers_.front();
    pop_timer();
    StoredMessage* m = messages_.find(seq);
    // A stale node: the message is gone, or its deadline moved since this node was pushed.
    if (m == nullptr || m->visible_at_ms != deadline || m->visible) continue;
    if (m->receive_count == 0) --delayed_count_;
    make_visible(seq, *m);
  }
}

void QueueState::count_receive(uint64_t seq, StoredMessage& m, int64_t now_ms, int64_t visibility_ms) {
  m.set_receive_count(uint32_t{m.receive_count} + 1);
  if (m.first_receive_delta_ms == 0) m.set_first_receive_ms(now_ms);
  hide(seq, m, now_ms + visibility_ms);
  if (fifo_) adjust_in_flight(group_of(seq), +1);
}

std::vector<PickedMessage> QueueState::receive(int max, int64_t now_ms, int64_t visibility_ms,
                                               int64_t retention_ms, std::vector<FramePosition>* expired,
                                               uint32_t max_receive_count) {
  promote(now_ms);
  std::vector<PickedMessage> picked =
      fifo_ ? receive_fifo(max, now_ms, visibility_ms, retention_ms, expired, max_receive_count)
            : receive_standard(max, now_ms, visibility_ms, retention_ms, expired, max_receive_count);
  compact_if_sparse();
  return picked;
}

std::vector<PickedMessage> QueueState::receive_standard(int max, int64_t now_ms, int64_t visibility_ms,
                                                        int64_t retention_ms, std::vector<FramePosition>* expired,
                                                        uint32_t max_receive_count) {
  std::vector<PickedMessage> picked;
  picked.reserve(static_cast<size_t>(std::max(max, 0)));
  while (static_cast<int>(picked.size()) < max && !ready_.empty()) {
    uint64_t seq = ready_.front();
    ready_.pop_front();
    StoredMessage* found = messages_.find(seq);
    if (found == nullptr || !found->visible) continue;  // stale
    StoredMessage& m = *found;
    if (m.sent_ms() + retention_ms <= now_ms) {
      expired->push_back(erase(seq, m));
      continue;
    }
    count_receive(seq, m, now_ms, visibility_ms);
    picked.push_back(PickedMessage{seq, m, max_receive_count > 0 && m.receive_count > max_receive_count});
  }
  return picked;
}

std::vector<PickedMessage> QueueState::receive_fifo(int max, int64_t now_ms, int64_t visibility_ms,
                                                    int64_t retention_ms, std::vector<FramePosition>* expired,
                                                    uint32_t max_receive_count) {
  std::vector<PickedMessage> picked;
  while (static_cast<int>(picked.size()) < max && !ready_groups_.empty()) {
    uint32_t slot = ready_groups_.front();
    ready_groups_.pop_front();
    groups_[slot].queued = false;
    if (groups_[slot].in_flight == 0) {
      // Consecutive visible messages from the head, in order.
      size_t i = 0;
      while (static_cast<int>(picked.size()) < max && i < groups_[slot].seqs.size()) {
        uint64_t seq = groups_[slot].seqs[i];
        StoredMessage* found = messages_.find(seq);
        if (found == nullptr || !found->visible) break;
        StoredMessage& m = *found;
        if (m.sent_ms() + retention_ms <= now_ms) {
          expired->push_back(erase(seq, m));  // the next message moves up to index i
          continue;
        }
        count_receive(seq, m, now_ms, visibility_ms);
        bool dead = max_receive_count > 0 && m.receive_count > max_receive_count;
        picked.push_back(PickedMessage{seq, m, dead});
        ++i;
        // A message on its way to the dead-letter queue still holds the group; what
        // follows it is delivered by a later receive, in order.
        if (dead) break;
      }
    }
    offer(slot);  // only when nothing of it is in flight now (all expired, say)
    release_if_idle(slot);
  }
  return picked;
}

void QueueState::refile(uint64_t seq, const StoredMessage& m, int64_t now_ms) {
  std::string group;
  if (fifo_) group = groups_[group_of(seq)].id;
  add(seq, m, now_ms, group);
}

void QueueState::set_received(uint64_t seq, uint32_t receive_count, int64_t visible_at_ms,
                              int64_t first_receive_ms, int64_t now_ms) {
  const StoredMessage* found = messages_.find(seq);
  if (found == nullptr) return;
  StoredMessage m = *found;
  m.set_receive_count(receive_count);
  m.set_first_receive_ms(first_receive_ms);
  m.visible_at_ms = visible_at_ms;
  refile(seq, m, now_ms);
}

void QueueState::set_visible_at(uint64_t seq, int64_t visible_at_ms, int64_t now_ms) {
  const StoredMessage* found = messages_.find(seq);
  if (found == nullptr) return;
  StoredMessage m = *found;
  m.visible_at_ms = visible_at_ms;
  refile(seq, m, now_ms);
}

bool QueueState::has_deliverable(int64_t now_ms) {
  promote(now_ms);
  if (!fifo_) return ready_count_ > 0;
  while (!ready_groups_.empty()) {
    uint32_t slot = ready_groups_.front();
    if (can_deliver(groups_[slot])) return true;
    ready_groups_.pop_front();
    groups_[slot].queued = false;
    release_if_idle(slot);
  }
  return false;
}

void QueueState::purge(uint64_t up_to_seq, std::vector<FramePosition>* removed) {
  std::vector<uint64_t> doomed;
  messages_.for_each([&](uint64_t seq, const StoredMessage&) {
    if (seq <= up_to_seq) doomed.push_back(seq);
  });
  for (uint64_t seq : doomed) {
    if (auto position = remove(seq)) removed->push_back(*position);
  }
}

void QueueState::expire(int64_t now_ms, int64_t retention_ms, std::vector<FramePosition>* expired) {
  begin_expiry();
  expire_some(now_ms, retention_ms, kNoExpiryPass, expired);
}

void QueueState::begin_expiry() {
  expiry_next_bucket_ = 0;
  expiry_oldest_ms_ = 0;
  expiry_layout_ = messages_.layout();
}

bool QueueState::expire_some(int64_t now_ms, int64_t retention_ms, size_t budget,
                             std::vector<FramePosition>* expired) {
  if (!expiring()) return true;
  // The pass walks buckets of one table. While the maps grow, the slice moves entries
  // instead (a whole pass at once finishes the move first); a pass that began before the
  // buckets were renumbered starts again.
  bool moved = budget == kNoExpiryPass ? grow_now() : step_growth(budget);
  if (!moved) return false;
  if (expiry_layout_ != messages_.layout()) begin_expiry();
  std::vector<uint64_t> doomed;
  const auto& table = messages_.table();
  const size_t buckets = table.bucket_count();
  size_t b = expiry_next_bucket_;
  for (size_t looked = 0; b < buckets && looked < budget; ++b, ++looked) {
    for (auto it = table.begin(b); it != table.end(b); ++it) {
      const int64_t sent = it->second.sent_ms();
      if (sent + retention_ms <= now_ms) {
        doomed.push_back(it->first);
      } else if (expiry_oldest_ms_ == 0 || sent < expiry_oldest_ms_) {
        expiry_oldest_ms_ = sent;
      }
    }
  }
  // Removing never starts a move (only adding does), so the bucket index stays
  // meaningful for the next slice.
  for (uint64_t seq : doomed) {
    if (auto position = remove(seq)) expired->push_back(*position);
  }
  if (b < buckets) {
    expiry_next_bucket_ = b;
    return false;
  }
  oldest_sent_ms_ = expiry_oldest_ms_;
  expiry_next_bucket_ = kNoExpiryPass;
  return true;
}

bool QueueState::step_growth(size_t budget) {
  bool done = messages_.step(budget);
  return group_of_.step(budget) && done;
}

bool QueueState::grow_now() { return step_growth(messages_.size() + group_of_.size()); }

QueueCounters QueueState::counters(int64_t now_ms) {
  promote(now_ms);
  QueueCounters c;
  c.visible = ready_count_;
  c.delayed = delayed_count_;
  c.in_flight = messages_.size() - ready_count_ - delayed_count_;
  c.oldest_sent_ms = messages_.empty() ? 0 : oldest_sent_ms_;
  c.groups_in_flight = groups_in_flight_;
  return c;
}

}  // namespace spool
