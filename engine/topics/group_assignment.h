#pragma once

// The target assignment of a consumer group with managed membership (spec/topics-api.md
// section 7, "Assignment and fencing", rule 1). Pure: the group coordinator
// (group_members.h) calls it after every change and then fences the hand-over.
//
// Per topic, the M subscribed members, in member_id order, share its P partitions:
// each gets a quota of floor(P/M) or ceil(P/M). Every member first keeps what it owns, up
// to its quota, lowest partition numbers first; the partitions left go in ascending order
// to members below quota, in member order, each filled to its quota before the next.
//
// The spec does not say which members get the P mod M larger quotas. Here they go first
// to members that already own more than floor(P/M) (in member order), then to the
// others in member order. That keeps more partitions where they are than "the first
// members" would: with 4 partitions on A {0,1} and B {2,3}, a member sorting before
// both joins and takes one partition, not two (tests/engine/group_assignment_test.cpp).
//
// Deterministic: the same input gives the same output. Safe from any thread.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace spool::topics {

// topic name -> partition numbers
using TopicPartitions = std::map<std::string, std::set<int32_t>>;

struct AssignmentMember {
  std::string member_id;
  std::vector<std::string> topics;  // subscriptions
  TopicPartitions owned;            // what it holds now; out-of-range numbers are ignored
};

// member_id -> its target; every member appears, with an empty map when it gets nothing.
using TargetAssignment = std::map<std::string, TopicPartitions>;

// Requires: `members` sorted by member_id, ids distinct. `partition_counts` gives P per
// topic; a topic missing there (or with P = 0) is assigned to nobody. A partition claimed
// by two members counts as owned by the first of them.
TargetAssignment compute_target_assignment(const std::vector<AssignmentMember>& members,
                                           const std::map<std::string, int32_t>& partition_counts);

}  // namespace spool::topics
