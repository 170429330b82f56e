#include "engine/dedupe_window.h"

namespace spool {

std::string DedupeWindow::key(bool per_group, std::string_view group_id, std::string_view dedupe_id) {
  if (!per_group) return std::string(dedupe_id);
  // Both ids are printable ASCII, so a NUL cannot occur inside either.
  std::string k;
  k.reserve(group_id.size() + 1 + dedupe_id.size());
  k.append(group_id).push_back('\0');
  k.append(dedupe_id);
  return k;
}

DedupeWindow::Entry* DedupeWindow::find(const std::string& key, int64_t now_ms) {
  Entry* e = entries_.find(key);
  if (e == nullptr || e->expires_ms <= now_ms) return nullptr;
  return e;
}

DedupeWindow::Entry& DedupeWindow::insert(const std::string& key, std::string message_id, uint64_t seq,
                                          FramePosition position, int64_t sent_ms, bool durable,
                                          std::vector<FramePosition>* released) {
  auto [found, fresh] = entries_.try_emplace(key);
  Entry& e = *found;
  // An expired entry of the same key may still be here (expire() runs every few
  // seconds); its Expiry node will find a different seq and leave this one alone, so
  // the old pin is released now.
  if (!fresh) released->push_back(e.position);
  e.message_id = std::move(message_id);
  e.seq = seq;
  e.position = position;
  e.expires_ms = sent_ms + kWindowMs;
  e.durable = durable;
  e.waiters.clear();
  by_expiry_.push_back(Expiry{e.expires_ms, key, seq});
  return e;
}

void DedupeWindow::settle(const std::string& key, uint64_t seq, const Status& outcome,
                          std::vector<FramePosition>* released) {
  Entry* e = entries_.find(key);
  if (e == nullptr || e->seq != seq) return;
  std::vector<std::function<void(Status)>> waiters = std::move(e->waiters);
  if (outcome.ok()) {
    e->durable = true;
  } else {
    released->push_back(e->position);
    entries_.erase(key);
  }
  for (auto& w : waiters) w(outcome);
}

void DedupeWindow::expire(int64_t now_ms, std::vector<FramePosition>* released) {
  // Bounded by the nodes present at the start: a pending entry goes back to the end.
  for (size_t n = by_expiry_.size(); n > 0 && by_expiry_.front().expires_ms <= now_ms; --n) {
    Expiry x = std::move(by_expiry_.front());
    by_expiry_.pop_front();
    Entry* e = entries_.find(x.key);
    if (e == nullptr || e->seq != x.seq) continue;  // replaced or failed
    if (!e->durable) {
      by_expiry_.push_back(std::move(x));  // its send is still being written
      continue;
    }
    released->push_back(e->position);
    entries_.erase(x.key);
  }
}

void DedupeWindow::clear(std::vector<FramePosition>* released) {
  entries_.for_each([&](const std::string&, Entry& e) {
    released->push_back(e.position);
    for (auto& w : e.waiters) w(Status(Errc::kQueueNotFound, "The specified queue does not exist."));
  });
  entries_.clear();
  by_expiry_.clear();
}

}  // namespace spool
