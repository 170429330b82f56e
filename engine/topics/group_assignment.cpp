#include "engine/topics/group_assignment.h"

#include <algorithm>

namespace spool::topics {
namespace {

// One topic's share-out. `subscribers` index into `members`, in member order.
void assign_topic(const std::string& topic, int32_t partitions, const std::vector<AssignmentMember>& members,
                  const std::vector<size_t>& subscribers, TargetAssignment& out) {
  const auto m = static_cast<int32_t>(subscribers.size());
  const int32_t floor_quota = partitions / m;
  int32_t larger_quotas = partitions % m;

  // What each subscriber owns of this topic, deduplicated in member order.
  std::vector<std::vector<int32_t>> owned(subscribers.size());
  std::vector<bool> taken(static_cast<size_t>(partitions), false);
  for (size_t i = 0; i < subscribers.size(); ++i) {
    auto it = members[subscribers[i]].owned.find(topic);
    if (it == members[subscribers[i]].owned.end()) continue;
    for (int32_t p : it->second) {  // a std::set: ascending
      if (p < 0 || p >= partitions || taken[static_cast<size_t>(p)]) continue;
      taken[static_cast<size_t>(p)] = true;
      owned[i].push_back(p);
    }
  }

  // Quotas: the larger ones go first to members already holding more than the floor.
  std::vector<int32_t> quota(subscribers.size(), floor_quota);
  for (size_t i = 0; i < subscribers.size() && larger_quotas > 0; ++i) {
    if (static_cast<int32_t>(owned[i].size()) > floor_quota) {
      ++quota[i];
      --larger_quotas;
    }
  }
  for (size_t i = 0; i < subscribers.size() && larger_quotas > 0; ++i) {
    if (quota[i] == floor_quota) {
      ++quota[i];
      --larger_quotas;
    }
  }

  // Keep owned partitions up to quota, lowest first; the rest is free again.
  std::vector<bool> kept(static_cast<size_t>(partitions), false);
  for (size_t i = 0; i < subscribers.size(); ++i) {
    std::set<int32_t>& target = out[members[subscribers[i]].member_id][topic];
    for (size_t k = 0; k < owned[i].size() && static_cast<int32_t>(k) < quota[i]; ++k) {
      target.insert(owned[i][k]);
      kept[static_cast<size_t>(owned[i][k])] = true;
    }
  }

  // Free partitions, ascending, fill members below quota in member order.
  size_t member = 0;
  for (int32_t p = 0; p < partitions; ++p) {
    if (kept[static_cast<size_t>(p)]) continue;
    while (member < subscribers.size() &&
           static_cast<int32_t>(out[members[subscribers[member]].member_id][topic].size()) >= quota[member]) {
      ++member;
    }
    if (member == subscribers.size()) break;  // unreachable: the quotas sum to P
    out[members[subscribers[member]].member_id][topic].insert(p);
  }

  // A member whose quota is 0 holds no entry for the topic.
  for (size_t i : subscribers) {
    auto& target = out[members[i].member_id];
    auto it = target.find(topic);
    if (it != target.end() && it->second.empty()) target.erase(it);
  }
}

}  // namespace

TargetAssignment compute_target_assignment(const std::vector<AssignmentMember>& members,
                                           const std::map<std::string, int32_t>& partition_counts) {
  TargetAssignment out;
  for (const AssignmentMember& m : members) out[m.member_id];
  std::set<std::string> topics;
  for (const AssignmentMember& m : members) topics.insert(m.topics.begin(), m.topics.end());
  for (const std::string& topic : topics) {
    auto count = partition_counts.find(topic);
    if (count == partition_counts.end() || count->second <= 0) continue;
    std::vector<size_t> subscribers;
    for (size_t i = 0; i < members.size(); ++i) {
      const auto& subs = members[i].topics;
      if (std::find(subs.begin(), subs.end(), topic) != subs.end()) subscribers.push_back(i);
    }
    assign_topic(topic, count->second, members, subscribers, out);
  }
  return out;
}

}  // namespace spool::topics
