#pragma once

// DedupeWindow: a FIFO queue's memory of the deduplication ids it accepted in the last
// five minutes. A send whose id is remembered is accepted without being enqueued and
// answers with the original MessageId and SequenceNumber.
//
// The original may not be durable yet when its duplicate arrives; the duplicate must
// not be acknowledged before it (a crash would lose the message whose id it reports),
// so a pending entry collects waiters that settle() answers.
//
// Surviving kill -9: the window is rebuilt at replay from ENQUEUE frames sent within
// the window, and each entry keeps its frame counted as live (the owner pins it with
// the log's add_live) until the entry expires, so garbage collection cannot delete the
// evidence of a recent send even after the message itself was deleted.
//
// Keys are digests of the MessageDeduplicationId, prefixed by the MessageGroupId when the
// queue's DeduplicationScope is messageGroup (see key()). A window holds every FIFO send
// of the last five minutes, so its entry is the RAM a FIFO message costs long after it
// was deleted: at 50k messages/s that is 15M entries. With the id itself as the key
// (up to 128 characters, kept twice) and the MessageId as a string, an entry took about
// 300 bytes; as 16-byte digests and arrays, about 140 (spoold's RSS per FIFO message sent
// within the window, measured with bench/sqs/soak.sh).
//
// Pure logic: no I/O, no clock (callers pass now_ms). One caller at a time.

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/incremental_hash_map.h"
#include "engine/queue_records.h"
#include "storage/log_types.h"

namespace spool {

class DedupeWindow {
 public:
  static constexpr int64_t kWindowMs = 5 * 60 * 1000;

  // The first 16 bytes of an HMAC-SHA256 under a fixed key: deterministic, so replay
  // rebuilds the same keys; two different ids share one with probability 2^-128.
  struct Key {
    std::array<uint8_t, 16> bytes{};
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      size_t h;
      std::memcpy(&h, k.bytes.data(), sizeof h);  // already uniformly distributed
      return h;
    }
  };

  using Waiter = std::function<void(Status)>;
  struct Entry {
    Bytes16 message_id{};
    uint64_t seq = 0;
    FramePosition position;  // the ENQUEUE frame, pinned while the entry lives
    int64_t expires_ms = 0;
    bool durable = false;
    // Duplicates of a pending send (rare: kept out of line, 8 bytes when absent).
    std::unique_ptr<std::vector<Waiter>> waiters;
    void wait(Waiter w);
  };

  static Key key(bool per_group, std::string_view group_id, std::string_view dedupe_id);

  // The live entry for `key`, or nullptr (an entry past its window counts as absent).
  Entry* find(const Key& key, int64_t now_ms);
  // Remembers an accepted send. `durable`: replay (already on disk) vs a new send. An
  // expired entry it replaces releases its pinned position into `released`.
  Entry& insert(const Key& key, const Bytes16& message_id, uint64_t seq, FramePosition position,
                int64_t sent_ms, bool durable, std::vector<FramePosition>* released);
  // The send that created the entry `seq` under `key` completed with `outcome`: a
  // durable entry answers its waiters OK; a failed one is forgotten (a retry may send
  // again) and its waiters get the failure. Positions released by a failure go to
  // `released`.
  void settle(const Key& key, uint64_t seq, const Status& outcome, std::vector<FramePosition>* released);
  // Forgets entries whose window has passed; their pinned positions go to `released`.
  void expire(int64_t now_ms, std::vector<FramePosition>* released);
  // Forgets everything (queue dropped); positions go to `released`.
  void clear(std::vector<FramePosition>* released);

  size_t size() const { return entries_.size(); }

  template <class Fn>
  void for_each_position(Fn&& fn) const {
    entries_.for_each([&](const Key&, const Entry& e) { fn(e.position); });
  }

 private:
  struct Expiry {
    int64_t expires_ms;
    Key key;
    uint64_t seq;
  };
  IncrementalHashMap<Key, Entry, KeyHash> entries_;
  std::deque<Expiry> by_expiry_;  // send order, so (nearly) expiry order
};

}  // namespace spool
