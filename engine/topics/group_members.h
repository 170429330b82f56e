#pragma once

// GroupMembers: the live members of consumer groups with managed membership, and the
// fenced hand-over of partitions between them (spec/topics-api.md section 7).
//
// Any change (join, leave, session expiry, a subscribed topic's partition count moving)
// bumps the group's generation and computes a target (group_assignment.h). A member then
// owns a partition only once nobody else does: a partition leaving member A shows under
// A's `revoked` until A reports `owned` without it, A's session expires or A leaves, or
// 60 s pass; only then does its new owner get it. So at most one member owns a partition
// at any moment, and commits are checked against ownership (check_owner).
//
// Membership lives in RAM only: after a restart every member is unknown and rejoins.
// Time comes from the Clock; sessions and revocations run out lazily on every call for
// their group and on expire_sessions(), which a timer calls (no thread sleeps here).
//
// Safe from any thread: one mutex, held for map work only. `partition_count` is called
// under it and must not block or call back in (TopicEngine's directory lookup, which
// takes only its own mutex: lock order members -> directory).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/topics/group_assignment.h"

namespace spool::topics {

enum class OffsetReset { kEarliest, kLatest, kNone };

inline constexpr int64_t kMinSessionTimeoutMs = 6'000;      // Kafka's broker bounds
inline constexpr int64_t kMaxSessionTimeoutMs = 1'800'000;
inline constexpr int64_t kDefaultSessionTimeoutMs = 30'000;
inline constexpr size_t kMaxMembersPerGroup = 1'000;
inline constexpr std::chrono::milliseconds kRevocationTimeout{60'000};

struct JoinRequest {
  std::vector<std::string> topics;  // at least one; duplicates ignored
  std::string client_id;
  int64_t session_timeout_ms = kDefaultSessionTimeoutMs;
  OffsetReset offset_reset = OffsetReset::kLatest;  // Kafka's default
};

// What join and heartbeat answer.
struct MemberView {
  std::string member_id;
  uint64_t generation = 0;
  int64_t session_timeout_ms = 0;
  OffsetReset offset_reset = OffsetReset::kLatest;
  TopicPartitions assignment;  // owned and staying: read and commit these
  TopicPartitions revoked;     // still owned, going elsewhere: finish, commit, report released
};

struct MemberDescription {
  std::string member_id;
  std::string client_id;
  int64_t last_seen_ms = 0;
  TopicPartitions owned;  // everything it holds now, `revoked` ones included
};

enum class GroupState { kEmpty, kStable, kReconciling };
std::string_view group_state_name(GroupState state);  // "Empty", "Stable", "Reconciling"

struct GroupDescription {
  GroupState state = GroupState::kEmpty;
  uint64_t generation = 0;
  std::vector<std::string> topics;           // subscribed by some member, sorted
  std::vector<MemberDescription> members;    // by member_id
};

class GroupMembers {
 public:
  // Partitions of the account's live topic, 0 when there is no such topic.
  using PartitionCount = std::function<int32_t(const std::string& account, const std::string& topic)>;
  // "m-" + 16 random hex digits unless tests supply ids.
  using MemberIdSource = std::function<std::string()>;

  GroupMembers(const Clock& clock, PartitionCount partition_count, MemberIdSource new_member_id = nullptr);
  ~GroupMembers();

  // kInvalidSessionTimeout, kInvalidArgument (no topics), kResourceExhausted (1,000
  // members). Topics must exist; the caller checks (kTopicNotFound).
  Result<MemberView> join(const std::string& account, const std::string& group, JoinRequest request);
  // Refreshes the session; `owned`, when given, is everything the member still holds:
  // what it left out is released. kUnknownMember.
  Result<MemberView> heartbeat(const std::string& account, const std::string& group, const std::string& member_id,
                               const std::optional<TopicPartitions>& owned);
  // The member's partitions are free at once. kUnknownMember.
  Status leave(const std::string& account, const std::string& group, const std::string& member_id);

  // OK when the member is live and owns every partition; refreshes its session.
  // kUnknownMember, or kPartitionNotAssigned with the first partition it lacks in
  // `*unowned` (when given).
  Status check_owner(const std::string& account, const std::string& group, const std::string& member_id,
                     const std::string& topic, const std::vector<int32_t>& partitions, int32_t* unowned = nullptr);
  bool has_members(const std::string& account, const std::string& group);
  // Whether a live member holds a partition of `topic`.
  bool topic_is_owned(const std::string& account, const std::string& group, const std::string& topic);

  // nullopt when the group has never had a member since start-up.
  std::optional<GroupDescription> describe(const std::string& account, const std::string& group);
  // Every group of the account known here, by name.
  std::map<std::string, GroupDescription> list(const std::string& account);

  // Ends expired sessions and overdue revocations in every group. Timer-driven.
  void expire_sessions();
  // (account, group) -> live members, for metrics.
  std::map<std::pair<std::string, std::string>, size_t> member_counts();
  // Generation bumps since the last call, per (account, group), for metrics.
  std::map<std::pair<std::string, std::string>, uint64_t> take_rebalances();

 private:
  struct Member;
  struct Group;
  using GroupKey = std::pair<std::string, std::string>;

  // The group after settle_locked(), or nullptr when unknown.
  Group* settled_locked(const GroupKey& key);
  // The member in its settled group (`*group`), its session refreshed: any call naming a
  // member keeps it alive. nullptr when the group or the member is unknown.
  Member* touched_locked(const GroupKey& key, const std::string& member_id, Group** group);
  // Expiry, partition counts, forced releases and grants for one group, as of now.
  void settle_locked(const GroupKey& key, Group& group);
  void rebalance_locked(const GroupKey& key, Group& group);
  void reconcile_locked(Group& group);
  MemberView view_locked(const Group& group, const Member& member) const;
  GroupDescription describe_locked(const Group& group) const;

  const Clock& clock_;
  PartitionCount partition_count_;
  MemberIdSource new_member_id_;
  std::mutex mu_;
  std::map<GroupKey, std::unique_ptr<Group>> groups_;
  std::map<GroupKey, uint64_t> rebalances_;
};

}  // namespace spool::topics
