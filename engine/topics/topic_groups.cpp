// TopicEngine's managed group membership (spec/topics-api.md section 7): join,
// heartbeat, leave, ownership checks, describe and list. Membership and fencing are
// GroupMembers' (group_members.h); this file adds topics, start positions and offsets.

#include <algorithm>
#include <set>

#include "engine/topics/topic_engine.h"

namespace spool::topics {

MemberReply TopicEngine::positioned(const std::string& account, const std::string& group,
                                            MemberView view) const {
  MemberReply reply;
  for (const auto& [name, partitions] : view.assignment) {
    auto topic = find_topic(account, name);
    if (!topic) continue;  // deleted since: the next heartbeat drops it
    auto committed = groups_->committed(account, group, (*topic)->id);
    std::vector<AssignedPartition>& out = reply.assignment[name];
    for (int32_t p : partitions) {
      if (p >= (*topic)->partition_count()) continue;
      AssignedPartition a{p, std::nullopt};
      auto c = committed.find(static_cast<uint32_t>(p));
      if (c != committed.end()) {
        a.offset = c->second.offset;
      } else if (view.offset_reset != OffsetReset::kNone) {
        PartitionBounds b = (*topic)->partitions[static_cast<size_t>(p)]->log().bounds();
        a.offset = view.offset_reset == OffsetReset::kEarliest ? b.log_start_offset : b.high_watermark;
      }
      out.push_back(a);
    }
  }
  reply.view = std::move(view);
  return reply;
}

Result<MemberReply> TopicEngine::join_group(const std::string& account, const std::string& group,
                                            JoinRequest request) {
  if (Status s = validate_group_name(group); !s.ok()) return s;
  for (const std::string& name : request.topics) {
    if (auto topic = find_topic(account, name); !topic) return topic.error();
  }
  auto view = members_->join(account, group, std::move(request));
  if (!view) return view.error();
  return positioned(account, group, std::move(*view));
}

Result<MemberReply> TopicEngine::heartbeat(const std::string& account, const std::string& group,
                                           const std::string& member_id,
                                           const std::optional<TopicPartitions>& owned) {
  if (Status s = validate_group_name(group); !s.ok()) return s;
  auto view = members_->heartbeat(account, group, member_id, owned);
  if (!view) return view.error();
  return positioned(account, group, std::move(*view));
}

Status TopicEngine::leave_group(const std::string& account, const std::string& group, const std::string& member_id) {
  if (Status s = validate_group_name(group); !s.ok()) return s;
  return members_->leave(account, group, member_id);
}

Status TopicEngine::check_member(const std::string& account, const std::string& group, const std::string& member_id,
                                 const Topic& topic, const std::vector<int32_t>& partitions, int32_t* unowned) {
  if (Status s = validate_group_name(group); !s.ok()) return s;
  return members_->check_owner(account, group, member_id, topic.name, partitions, unowned);
}

namespace {

std::vector<std::string> merged_topics(const std::vector<std::string>& subscribed,
                                       const std::vector<std::string>& with_offsets) {
  std::set<std::string> all(subscribed.begin(), subscribed.end());
  all.insert(with_offsets.begin(), with_offsets.end());
  return {all.begin(), all.end()};
}

}  // namespace

Result<GroupSummary> TopicEngine::describe_group(const std::string& account, const std::string& group) {
  if (Status s = validate_group_name(group); !s.ok()) return s;
  std::vector<std::string> with_offsets;
  for (const TopicPtr& t : group_topics(account, group)) with_offsets.push_back(t->name);
  auto membership = members_->describe(account, group);
  if (with_offsets.empty() && (!membership || membership->members.empty())) {
    return Status(Errc::kGroupNotFound, "group " + group + " has no members and no committed offsets");
  }
  GroupSummary out;
  if (membership) out.membership = std::move(*membership);
  out.topics = merged_topics(out.membership.topics, with_offsets);
  return out;
}

std::map<std::string, GroupSummary> TopicEngine::list_groups(const std::string& account) {
  std::map<std::string, GroupSummary> out;
  for (auto& [name, membership] : members_->list(account)) {
    if (membership.members.empty()) continue;  // an Empty group is listed below if it has offsets
    out[name].topics = membership.topics;
    out[name].membership = std::move(membership);
  }
  for (auto& [name, topics] : groups(account)) {
    GroupSummary& g = out[name];
    g.topics = merged_topics(g.topics, topics);
  }
  return out;
}

void TopicEngine::schedule_member_expiry() {
  timers_->post_at(std::chrono::steady_clock::now() + std::chrono::seconds(1), [this] {
    members_->expire_sessions();
    schedule_member_expiry();
  });
}

}  // namespace spool::topics
