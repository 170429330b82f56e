#include "engine/dedupe_window.h"

#include <string>

#include "common/hmac_sha256.h"

namespace spool {

DedupeWindow::Key DedupeWindow::key(bool per_group, std::string_view group_id, std::string_view dedupe_id) {
  static const HmacSha256 digest("spool dedupe window key, v1");
  HmacSha256::Mac mac;
  if (per_group) {
    // Both ids are printable ASCII, so a NUL cannot occur inside either.
    thread_local std::string joined;
    joined.assign(group_id).push_back('\0');
    joined.append(dedupe_id);
    mac = digest(joined);
  } else {
    mac = digest(dedupe_id);
  }
  Key k;
  std::memcpy(k.bytes.data(), mac.data(), k.bytes.size());
  return k;
}

void DedupeWindow::Entry::wait(Waiter w) {
  if (!waiters) waiters = std::make_unique<std::vector<Waiter>>();
  waiters->push_back(std::move(w));
}

DedupeWindow::Entry* DedupeWindow::find(const Key& key, int64_t now_ms) {
  Entry* e = entries_.find(key);
  if (e == nullptr || e->expires_ms <= now_ms) return nullptr;
  return e;
}

DedupeWindow::Entry& DedupeWindow::insert(const Key& key, const Bytes16& message_id, uint64_t seq,
                                          FramePosition position, int64_t sent_ms, bool durable,
                                          std::vector<FramePosition>* released) {
  auto [found, fresh] = entries_.try_emplace(key);
  Entry& e = *found;
  // An expired entry of the same key may still be here (expire() runs every few
  // seconds); its Expiry node will find a different seq and leave this one alone, so
  // the old pin is released now.
  if (!fresh) released->push_back(e.position);
  e.message_id = message_id;
  e.seq = seq;
  e.position = position;
  e.expires_ms = sent_ms + kWindowMs;
  e.durable = durable;
  e.waiters.reset();
  by_expiry_.push_back(Expiry{e.expires_ms, key, seq});
  return e;
}

void DedupeWindow::settle(const Key& key, uint64_t seq, const Status& outcome,
                          std::vector<FramePosition>* released) {
  Entry* e = entries_.find(key);
  if (e == nullptr || e->seq != seq) return;
  std::unique_ptr<std::vector<Waiter>> waiters = std::move(e->waiters);
  if (outcome.ok()) {
    e->durable = true;
  } else {
    released->push_back(e->position);
    entries_.erase(key);
  }
  if (waiters) {
    for (auto& w : *waiters) w(outcome);
  }
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
  entries_.for_each([&](const Key&, Entry& e) {
    released->push_back(e.position);
    if (!e.waiters) return;
    for (auto& w : *e.waiters) w(Status(Errc::kQueueNotFound, "The specified queue does not exist."));
  });
  entries_.clear();
  by_expiry_.clear();
}

}  // namespace spool
