// TopicEngine's managed group membership (spec/topics-api.md section 7): join,
// heartbeat, leave, ownership checks, describe and list. Membership and fencing are
// GroupMembers' (group_members.h); this file adds topics, start positions and offsets.

#include <algorithm>
#include <mutex>
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

void TopicEngine::delete_group(const std::string& account, const std::string& group,
                               std::function<void(Status)> done) {
  if (Status s = validate_group_name(group); !s.ok()) return done(s);
  if (members_->has_members(account, group)) {
    return done(Status(Errc::kGroupNotEmpty, "group " + group + " has live members"));
  }
  std::vector<uint64_t> topic_ids = groups_->topics_of(account, group);
  if (topic_ids.empty()) {
    return done(Status(Errc::kGroupNotFound, "group " + group + " has no members and no committed offsets"));
  }
  // One OFFSET_DELETE frame per topic; answered once every one is durable.
  struct Pending {
    std::mutex mu;
    size_t left;
    Status first_error;
    std::function<void(Status)> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = topic_ids.size();
  pending->done = std::move(done);
  auto one_done = [pending](Status s) {
    std::unique_lock lock(pending->mu);
    if (!s.ok() && pending->first_error.ok()) pending->first_error = s;
    if (--pending->left > 0) return;
    Status result = pending->first_error;
    lock.unlock();
    pending->done(result);
  };
  for (uint64_t id : topic_ids) {
    if (Status placed = groups_->drop(account, group, id, one_done); !placed.ok()) one_done(placed);
  }
}

void TopicEngine::reset_offsets(const std::string& account, const std::string& group, TopicPtr topic,
                                std::vector<int32_t> partitions, OffsetResetTarget to, bool dry_run,
                                std::function<void(Result<std::vector<std::pair<int32_t, int64_t>>>)> done) {
  if (Status s = validate_group_name(group); !s.ok()) return done(s);
  if (members_->has_members(account, group)) {
    return done(Status(Errc::kGroupNotEmpty, "group " + group + " has live members; they commit their own offsets"));
  }
  if (partitions.empty()) {
    for (int32_t p = 0; p < topic->partition_count(); ++p) partitions.push_back(p);
  }
  std::vector<std::pair<int32_t, int64_t>> moved;
  std::vector<OffsetCommit> commits;
  for (int32_t p : partitions) {
    const int64_t lookup = to.kind == OffsetResetTarget::Kind::kEarliest ? kEarliest
                           : to.kind == OffsetResetTarget::Kind::kTimestamp ? to.value
                                                                             : kLatest;
    auto found = list_offset(topic, p, lookup);
    if (!found) return done(found.error());
    int64_t offset = found->offset.value_or(found->bounds.high_watermark);
    if (to.kind == OffsetResetTarget::Kind::kOffset) {
      offset = std::clamp(to.value, found->bounds.log_start_offset, found->bounds.high_watermark);
    }
    moved.emplace_back(p, offset);
    commits.push_back({static_cast<uint32_t>(p), offset, ""});
  }
  if (dry_run) return done(std::move(moved));
  commit_offsets(account, group, std::nullopt, std::move(topic), std::move(commits),
                 [moved, done = std::move(done)](Status s) {
                   if (!s.ok()) return done(s);
                   done(moved);
                 });
}

void TopicEngine::schedule_member_expiry() {
  timers_->post_at(std::chrono::steady_clock::now() + std::chrono::seconds(1), [this] {
    members_->expire_sessions();
    schedule_member_expiry();
  });
}

}  // namespace spool::topics
