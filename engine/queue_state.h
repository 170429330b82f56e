#pragma once

// QueueState: one queue's messages in RAM — which are visible, in flight or delayed —
// and the transitions between them. Bodies stay on disk; an entry holds the frame
// position of the message's ENQUEUE record and its timing state.
//
// A message is visible when visible_at <= now. Hidden messages are "in flight" once
// received (receive_count > 0) and "delayed" before that. Hidden messages wait in a
// min-heap by visible_at that promote() drains. The heap is lazy: a message removed or
// re-timed leaves a stale node that is skipped when met, which keeps every operation
// O(log n) without back-pointers. Stale nodes are dropped in one pass once they outnumber
// the live ones (see compact_if_sparse), so neither lazy structure outgrows about twice
// the messages it serves.
//
// Two delivery orders:
//  - standard: visible messages wait in a FIFO of seqs (also lazy), delivered in the
//    order they became visible;
//  - FIFO (SQS FIFO queues): messages belong to message groups, each an ordered list of
//    seqs. A group can deliver when none of its messages is in flight and its head is
//    visible; such groups wait in a FIFO of groups. A receive takes consecutive visible
//    messages from the head of one group, then moves on to the next group.
//
// Pure logic, no I/O and no clock of its own (callers pass now_ms), so it is tested
// deterministically. One caller at a time: in production, its shard's executor.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "engine/incremental_hash_map.h"
#include "storage/log_types.h"

namespace spool {

// 32 bytes, so a hash-map node fits a 64-byte allocation: RAM per message is the budget
// that decides how deep a queue can be (target: <= 100 bytes per stored message).
struct StoredMessage {
  FramePosition position;               // the ENQUEUE frame
  uint32_t sent_s = 0;                  // epoch seconds (retention needs no more)
  int64_t visible_at_ms = 0;
  uint32_t first_receive_delta_ms = 0;  // 1 + ms after sent_s*1000; 0: never received
  uint16_t receive_count = 0;           // saturates at 65535 (maxReceiveCount <= 1000)
  bool visible = false;                 // counted as visible (and, standard, queued)

  static StoredMessage make(FramePosition position, int64_t sent_ms, int64_t visible_at_ms,
                            int64_t first_receive_ms, uint32_t receive_count);
  int64_t sent_ms() const { return int64_t{sent_s} * 1000; }
  int64_t first_receive_ms() const;
  void set_first_receive_ms(int64_t ms);
  void set_receive_count(uint32_t n) { receive_count = static_cast<uint16_t>(n > 65535 ? 65535 : n); }
  bool in_flight() const { return !visible && receive_count > 0; }
};
static_assert(sizeof(StoredMessage) == 32);

struct QueueCounters {
  uint64_t visible = 0;      // ApproximateNumberOfMessages
  uint64_t in_flight = 0;    // ApproximateNumberOfMessagesNotVisible
  uint64_t delayed = 0;      // ApproximateNumberOfMessagesDelayed
  // Sent time of the oldest message as of the last complete expiry pass (exact for sends
  // since; deletions refresh it at the next pass). 0 when empty.
  int64_t oldest_sent_ms = 0;
  // FIFO: message groups with a message in flight (their later messages wait).
  uint64_t groups_in_flight = 0;
};

struct PickedMessage {
  uint64_t seq = 0;
  StoredMessage state;  // after the receive: new count, deadline, first receive
  // The receive made the count exceed maxReceiveCount: the caller moves the message to
  // its dead-letter queue instead of delivering it (it stays hidden meanwhile).
  bool dead_letter = false;
};

class QueueState {
 public:
  explicit QueueState(uint64_t queue_id, bool fifo = false) : queue_id_(queue_id), fifo_(fifo) {}

  uint64_t queue_id() const { return queue_id_; }
  bool fifo() const { return fifo_; }
  size_t size() const { return messages_.size(); }

  // Adds a message (a durable send, or replay). Replaces an entry of the same seq. A FIFO
  // queue files it under `group` (in seq order); a standard queue ignores `group`.
  void add(uint64_t seq, StoredMessage message, int64_t now_ms, std::string_view group = {});
  // Removes a message; its frame position, for the log's liveness count. nullopt if absent.
  std::optional<FramePosition> remove(uint64_t seq);
  const StoredMessage* find(uint64_t seq) const;

  // Takes up to `max` deliverable messages, hides them until now + visibility_ms and
  // counts the receive. Messages past `retention_ms` are removed instead; their
  // positions are appended to `expired`. With max_receive_count > 0, a message whose
  // count now exceeds it is picked with dead_letter set.
  std::vector<PickedMessage> receive(int max, int64_t now_ms, int64_t visibility_ms,
                                     int64_t retention_ms, std::vector<FramePosition>* expired,
                                     uint32_t max_receive_count = 0);
  // Sets the state recorded by a RECEIVE (replay, or re-applying our own). Absent: ignored.
  void set_received(uint64_t seq, uint32_t receive_count, int64_t visible_at_ms,
                    int64_t first_receive_ms, int64_t now_ms);
  // Moves the message's deadline (ChangeMessageVisibility, replay). Absent: ignored.
  void set_visible_at(uint64_t seq, int64_t visible_at_ms, int64_t now_ms);

  // True when a receive at now_ms would return at least one message (standard: one is
  // visible; FIFO: some group can deliver).
  bool has_deliverable(int64_t now_ms);
  // Removes every message with seq <= up_to; their positions go to `removed`.
  void purge(uint64_t up_to_seq, std::vector<FramePosition>* removed);
  // Removes messages older than retention; their positions go to `expired`. O(n): a
  // whole pass at once (start-up, tests).
  void expire(int64_t now_ms, int64_t retention_ms, std::vector<FramePosition>* expired);
  // The same pass a slice at a time, so that a queue of millions never stalls its shard
  // (a whole pass over 1M messages took tens of ms on the executor, which showed as
  // send-to-receive latency spikes on every queue of the shard). begin_expiry() starts a
  // pass; each expire_some() looks at up to `budget` hash buckets, removes what is older
  // than retention and returns true once the pass is complete. While the message maps
  // grow (IncrementalHashMap), a slice moves up to `budget` entries instead, and a pass
  // the growth renumbered starts again. A message added during a pass may escape it;
  // the next pass takes it.
  void begin_expiry();
  bool expire_some(int64_t now_ms, int64_t retention_ms, size_t budget, std::vector<FramePosition>* expired);
  bool expiring() const { return expiry_next_bucket_ != kNoExpiryPass; }

  QueueCounters counters(int64_t now_ms);

  // Nodes the lazy structures hold, live and stale (tests of their bounds).
  struct Footprint {
    size_t ready_nodes = 0;  // standard queues' FIFO of visible seqs
    size_t timer_nodes = 0;  // the heap of hidden messages' deadlines
  };
  Footprint footprint() const { return {ready_.size(), timers_.size()}; }

  // Calls fn(position) for every message held (start-up liveness accounting).
  template <class Fn>
  void for_each_position(Fn&& fn) const {
    messages_.for_each([&](uint64_t, const StoredMessage& m) { fn(m.position); });
  }

 private:
  struct Group {
    std::string id;
    std::deque<uint64_t> seqs;  // the group's messages, in seq (= send) order
    uint32_t in_flight = 0;
    bool queued = false;        // in ready_groups_
  };

  // Moves hidden messages whose deadline has passed to the visible state.
  void promote(int64_t now_ms);
  void hide(uint64_t seq, StoredMessage& m, int64_t visible_at_ms);
  void make_visible(uint64_t seq, StoredMessage& m);
  // Erases the entry `m` of `seq` and its group membership; no group is offered.
  FramePosition erase(uint64_t seq, const StoredMessage& m);
  // Re-files a message with a new timing state, keeping its group.
  void refile(uint64_t seq, const StoredMessage& m, int64_t now_ms);
  std::vector<PickedMessage> receive_standard(int max, int64_t now_ms, int64_t visibility_ms,
                                              int64_t retention_ms, std::vector<FramePosition>* expired,
                                              uint32_t max_receive_count);
  std::vector<PickedMessage> receive_fifo(int max, int64_t now_ms, int64_t visibility_ms,
                                          int64_t retention_ms, std::vector<FramePosition>* expired,
                                          uint32_t max_receive_count);
  void count_receive(uint64_t seq, StoredMessage& m, int64_t now_ms, int64_t visibility_ms);

  // Moves entries of growing maps: up to `budget` each, or all. True when none grows.
  bool step_growth(size_t budget);
  bool grow_now();

  // FIFO groups.
  uint32_t group_slot(std::string_view id);
  // Every FIFO message has a group (add() files it); a miss is a broken invariant.
  uint32_t group_of(uint64_t seq) const;
  void adjust_in_flight(uint32_t slot, int delta);
  bool can_deliver(const Group& g) const;
  void offer(uint32_t slot);
  void release_if_idle(uint32_t slot);

  // Drops stale nodes from ready_ and timers_ once they outnumber the live ones by more
  // than kCompactSlack. Without it a queue nobody reads kept a node per message it ever
  // had (retention removes messages, not their nodes), and each deleted in-flight
  // message kept one until its visibility timeout (up to 12 h), 16 bytes per receive.
  // Each pass is O(nodes) and leaves at most the live ones, so its cost is O(1) per node
  // pushed. Called where public operations end, never inside a loop over the nodes.
  void compact_if_sparse();
  void compact_ready();
  void compact_timers();
  void push_timer(int64_t visible_at_ms, uint64_t seq);
  void pop_timer();

  using TimerNode = std::pair<int64_t, uint64_t>;  // (visible_at_ms, seq)

  uint64_t queue_id_;
  bool fifo_;
  IncrementalHashMap<uint64_t, StoredMessage> messages_;
  std::deque<uint64_t> ready_;  // standard only
  std::vector<TimerNode> timers_;  // min-heap on (visible_at_ms, seq): std::greater
  uint64_t ready_count_ = 0;    // messages with `visible` set
  uint64_t delayed_count_ = 0;  // hidden and never received
  int64_t oldest_sent_ms_ = 0;
  static constexpr size_t kNoExpiryPass = static_cast<size_t>(-1);
  size_t expiry_next_bucket_ = kNoExpiryPass;  // the pass under way: next bucket to look at
  int64_t expiry_oldest_ms_ = 0;                // the pass's oldest sent time so far
  uint64_t expiry_layout_ = 0;                  // messages_.layout() the pass walks

  // FIFO only.
  std::vector<Group> groups_;
  std::vector<uint32_t> free_groups_;
  std::unordered_map<std::string, uint32_t> group_slots_;
  IncrementalHashMap<uint64_t, uint32_t> group_of_;  // seq -> slot
  std::deque<uint32_t> ready_groups_;
  uint64_t groups_in_flight_ = 0;
};

}  // namespace spool
