#include "engine/topics/group_members.h"

#include <algorithm>
#include <set>

#include "common/random.h"

namespace spool::topics {

struct GroupMembers::Member {
  std::string member_id;
  std::string client_id;
  std::vector<std::string> topics;  // sorted, distinct
  std::chrono::milliseconds session{kDefaultSessionTimeoutMs};
  std::chrono::steady_clock::time_point deadline;
  int64_t last_seen_ms = 0;
  OffsetReset offset_reset = OffsetReset::kLatest;
  TopicPartitions owned;   // no empty sets; disjoint across the group's members
  TopicPartitions target;  // no empty sets
};

struct GroupMembers::Group {
  uint64_t generation = 0;
  std::map<std::string, Member> members;    // by member_id: the assignment's member order
  std::map<std::string, int32_t> counts;    // partition counts the target was computed for
  std::map<std::pair<std::string, int32_t>, std::chrono::steady_clock::time_point> revoked_at;
};

namespace {

bool holds(const TopicPartitions& set, const std::string& topic, int32_t partition) {
  auto it = set.find(topic);
  return it != set.end() && it->second.contains(partition);
}

void drop_empty(TopicPartitions& set) {
  std::erase_if(set, [](const auto& entry) { return entry.second.empty(); });
}

std::string unknown_member(const std::string& group, const std::string& member_id) {
  return "member " + member_id + " is not in group " + group +
         " (it left, its session expired, or the server restarted): join again";
}

}  // namespace

std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::kEmpty: return "Empty";
    case GroupState::kStable: return "Stable";
    case GroupState::kReconciling: return "Reconciling";
  }
  return "Empty";
}

GroupMembers::GroupMembers(const Clock& clock, PartitionCount partition_count, MemberIdSource new_member_id)
    : clock_(clock), partition_count_(std::move(partition_count)), new_member_id_(std::move(new_member_id)) {
  if (!new_member_id_) new_member_id_ = [] { return "m-" + hex_encode(random_bytes(8)); };
}

GroupMembers::~GroupMembers() = default;

GroupMembers::Group* GroupMembers::settled_locked(const GroupKey& key) {
  auto it = groups_.find(key);
  if (it == groups_.end()) return nullptr;
  settle_locked(key, *it->second);
  return it->second.get();
}

GroupMembers::Member* GroupMembers::touched_locked(const GroupKey& key, const std::string& member_id, Group** group) {
  *group = settled_locked(key);
  if (*group == nullptr) return nullptr;
  auto it = (*group)->members.find(member_id);
  if (it == (*group)->members.end()) return nullptr;
  Member& m = it->second;
  m.deadline = clock_.steady_now() + m.session;
  m.last_seen_ms = clock_.now_ms();
  return &m;
}

void GroupMembers::settle_locked(const GroupKey& key, Group& group) {
  const auto now = clock_.steady_now();
  bool changed = std::erase_if(group.members, [&](const auto& m) { return now >= m.second.deadline; }) > 0;
  std::set<std::string> topics;
  for (const auto& [id, m] : group.members) topics.insert(m.topics.begin(), m.topics.end());
  for (const std::string& t : topics) {
    auto known = group.counts.find(t);
    changed = changed || known == group.counts.end() || known->second != partition_count_(key.first, t);
  }
  if (changed) rebalance_locked(key, group);
  reconcile_locked(group);
}

void GroupMembers::rebalance_locked(const GroupKey& key, Group& group) {
  ++group.generation;
  ++rebalances_[key];
  group.counts.clear();
  std::vector<AssignmentMember> input;
  for (auto& [id, m] : group.members) {
    for (const std::string& t : m.topics) {
      if (!group.counts.contains(t)) group.counts[t] = partition_count_(key.first, t);
    }
    // Partitions that no longer exist (topic deleted) are nobody's to release.
    for (auto& [t, ps] : m.owned) {
      const int32_t count = group.counts[t];
      std::erase_if(ps, [count](int32_t p) { return p >= count; });
    }
    drop_empty(m.owned);
    input.push_back({id, m.topics, m.owned});
  }
  TargetAssignment target = compute_target_assignment(input, group.counts);
  for (auto& [id, m] : group.members) m.target = std::move(target[id]);
}

void GroupMembers::reconcile_locked(Group& group) {
  const auto now = clock_.steady_now();
  // Revocations: start their clock, or take back what was not released in time.
  for (auto& [id, m] : group.members) {
    for (auto& [t, ps] : m.owned) {
      for (auto it = ps.begin(); it != ps.end();) {
        auto key = std::make_pair(t, *it);
        if (holds(m.target, t, *it)) {
          group.revoked_at.erase(key);
          ++it;
          continue;
        }
        auto since = group.revoked_at.try_emplace(key, now).first->second;
        if (now - since >= kRevocationTimeout) {
          group.revoked_at.erase(key);
          it = ps.erase(it);
        } else {
          ++it;
        }
      }
    }
    drop_empty(m.owned);
  }
  // Grants: a target partition nobody holds goes to its new owner.
  std::set<std::pair<std::string, int32_t>> held;
  for (const auto& [id, m] : group.members) {
    for (const auto& [t, ps] : m.owned) {
      for (int32_t p : ps) held.emplace(t, p);
    }
  }
  for (auto& [id, m] : group.members) {
    for (const auto& [t, ps] : m.target) {
      for (int32_t p : ps) {
        if (held.emplace(t, p).second) m.owned[t].insert(p);
      }
    }
  }
  std::erase_if(group.revoked_at, [&](const auto& entry) { return !held.contains(entry.first); });
}

MemberView GroupMembers::view_locked(const Group& group, const Member& member) const {
  MemberView v;
  v.member_id = member.member_id;
  v.generation = group.generation;
  v.session_timeout_ms = member.session.count();
  v.offset_reset = member.offset_reset;
  for (const auto& [t, ps] : member.owned) {
    for (int32_t p : ps) (holds(member.target, t, p) ? v.assignment : v.revoked)[t].insert(p);
  }
  return v;
}

GroupDescription GroupMembers::describe_locked(const Group& group) const {
  GroupDescription d;
  d.generation = group.generation;
  std::set<std::string> topics;
  bool settled = true;
  for (const auto& [id, m] : group.members) {
    topics.insert(m.topics.begin(), m.topics.end());
    settled = settled && m.owned == m.target;
    d.members.push_back({id, m.client_id, m.last_seen_ms, m.owned});
  }
  d.topics.assign(topics.begin(), topics.end());
  d.state = group.members.empty() ? GroupState::kEmpty : settled ? GroupState::kStable : GroupState::kReconciling;
  return d;
}

Result<MemberView> GroupMembers::join(const std::string& account, const std::string& group_name,
                                      JoinRequest request) {
  if (request.session_timeout_ms < kMinSessionTimeoutMs || request.session_timeout_ms > kMaxSessionTimeoutMs) {
    return Status(Errc::kInvalidSessionTimeout, "session_timeout_ms is " + std::to_string(request.session_timeout_ms) +
                                                    "; must be between 6000 and 1800000");
  }
  if (request.topics.empty()) return Status(Errc::kInvalidArgument, "topics must name at least one topic");
  std::sort(request.topics.begin(), request.topics.end());
  request.topics.erase(std::unique(request.topics.begin(), request.topics.end()), request.topics.end());

  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  auto& slot = groups_[key];
  if (!slot) slot = std::make_unique<Group>();
  Group& group = *slot;
  settle_locked(key, group);
  if (group.members.size() >= kMaxMembersPerGroup) {
    return Status(Errc::kResourceExhausted, "group " + group_name + " has 1000 members, the limit");
  }
  std::string id;
  do {
    id = new_member_id_();
  } while (group.members.contains(id));
  Member& m = group.members[id];
  m.member_id = id;
  m.client_id = std::move(request.client_id);
  m.topics = std::move(request.topics);
  m.session = std::chrono::milliseconds(request.session_timeout_ms);
  m.deadline = clock_.steady_now() + m.session;
  m.last_seen_ms = clock_.now_ms();
  m.offset_reset = request.offset_reset;
  rebalance_locked(key, group);
  reconcile_locked(group);
  return view_locked(group, m);
}

Result<MemberView> GroupMembers::heartbeat(const std::string& account, const std::string& group_name,
                                           const std::string& member_id,
                                           const std::optional<TopicPartitions>& owned) {
  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  Group* group = nullptr;
  Member* member = touched_locked(key, member_id, &group);
  if (member == nullptr) return Status(Errc::kUnknownMember, unknown_member(group_name, member_id));
  Member& m = *member;
  if (owned) {
    for (auto& [t, ps] : m.owned) {
      std::erase_if(ps, [&](int32_t p) { return !holds(*owned, t, p); });
    }
    drop_empty(m.owned);
    reconcile_locked(*group);
  }
  return view_locked(*group, m);
}

Status GroupMembers::leave(const std::string& account, const std::string& group_name, const std::string& member_id) {
  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  Group* group = settled_locked(key);
  if (group == nullptr || group->members.erase(member_id) == 0) {
    return Status(Errc::kUnknownMember, unknown_member(group_name, member_id));
  }
  rebalance_locked(key, *group);
  reconcile_locked(*group);
  return Status();
}

Status GroupMembers::check_owner(const std::string& account, const std::string& group_name,
                                 const std::string& member_id, const std::string& topic,
                                 const std::vector<int32_t>& partitions, int32_t* unowned) {
  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  Group* group = nullptr;
  Member* member = touched_locked(key, member_id, &group);
  if (member == nullptr) return Status(Errc::kUnknownMember, unknown_member(group_name, member_id));
  Member& m = *member;
  for (int32_t p : partitions) {
    if (holds(m.owned, topic, p)) continue;
    if (unowned != nullptr) *unowned = p;
    return Status(Errc::kPartitionNotAssigned, "partition " + std::to_string(p) + " of " + topic +
                                                   " is not assigned to member " + member_id + " of group " +
                                                   group_name);
  }
  return Status();
}

bool GroupMembers::has_members(const std::string& account, const std::string& group_name) {
  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  Group* group = settled_locked(key);
  if (group == nullptr) return false;
  return !group->members.empty();
}

bool GroupMembers::topic_is_owned(const std::string& account, const std::string& group_name,
                                  const std::string& topic) {
  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  Group* group = settled_locked(key);
  if (group == nullptr) return false;
  return std::any_of(group->members.begin(), group->members.end(),
                     [&](const auto& m) { return m.second.owned.contains(topic); });
}

std::optional<GroupDescription> GroupMembers::describe(const std::string& account, const std::string& group_name) {
  std::lock_guard lock(mu_);
  const GroupKey key{account, group_name};
  Group* group = settled_locked(key);
  if (group == nullptr) return std::nullopt;
  return describe_locked(*group);
}

std::map<std::string, GroupDescription> GroupMembers::list(const std::string& account) {
  std::lock_guard lock(mu_);
  std::map<std::string, GroupDescription> out;
  for (auto it = groups_.lower_bound({account, ""}); it != groups_.end() && it->first.first == account; ++it) {
    settle_locked(it->first, *it->second);
    out.emplace(it->first.second, describe_locked(*it->second));
  }
  return out;
}

void GroupMembers::expire_sessions() {
  std::lock_guard lock(mu_);
  for (auto& [key, group] : groups_) settle_locked(key, *group);
}

std::map<std::pair<std::string, std::string>, size_t> GroupMembers::member_counts() {
  std::lock_guard lock(mu_);
  std::map<std::pair<std::string, std::string>, size_t> out;
  for (const auto& [key, group] : groups_) out[key] = group->members.size();
  return out;
}

std::map<std::pair<std::string, std::string>, uint64_t> GroupMembers::take_rebalances() {
  std::lock_guard lock(mu_);
  return std::exchange(rebalances_, {});
}

}  // namespace spool::topics
