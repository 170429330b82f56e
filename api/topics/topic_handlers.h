#pragma once

// One function per topics API operation (spec/topics-api.md; operationIds of
// openapi.yaml). Each answers its call exactly once, possibly later from an engine thread.
//
//   topic_handlers.cpp   createTopic listTopics describeTopic alterTopic deleteTopic
//                        listPartitions describePartition
//   record_handlers.cpp  produceRecords produceToPartition fetchRecords
//                        listPartitionOffsets listOffsets
//   fetch_many_handler.cpp  fetchMany
//   batch_handlers.cpp   produceBatches fetchBatches
//   group_handlers.cpp   commitOffsets getCommittedOffsets deleteCommittedOffsets
//                        resetOffsets listGroups describeGroup deleteGroup
//   member_handlers.cpp  joinGroup heartbeat leaveGroup

#include "api/topics/topic_call.h"

namespace spool::topic_handlers {

void create_topic(TopicCallPtr call);
void list_topics(TopicCallPtr call);
void describe_topic(TopicCallPtr call);
void alter_topic(TopicCallPtr call);
void delete_topic(TopicCallPtr call);
void list_partitions(TopicCallPtr call);
void describe_partition(TopicCallPtr call);

void produce_records(TopicCallPtr call);
void produce_to_partition(TopicCallPtr call);
void fetch_records(TopicCallPtr call);
void fetch_many(TopicCallPtr call);
void produce_batches(TopicCallPtr call);
void fetch_batches(TopicCallPtr call);
void list_partition_offsets(TopicCallPtr call);
void list_offsets(TopicCallPtr call);

void commit_offsets(TopicCallPtr call);
void get_committed_offsets(TopicCallPtr call);
void delete_committed_offsets(TopicCallPtr call);
void reset_offsets(TopicCallPtr call);
void list_groups(TopicCallPtr call);
void describe_group(TopicCallPtr call);
void delete_group(TopicCallPtr call);

void join_group(TopicCallPtr call);
void heartbeat(TopicCallPtr call);
void leave_group(TopicCallPtr call);

// Shared by the files above: a partition number from path segment `at` (answered and
// nullopt when it is not a non-negative integer).
std::optional<int32_t> partition_at(const TopicCall& call, size_t at);
// The JSON of one partition (describe) and of a topic with its partitions.
Json partition_json(const topics::Topic& topic, const topics::TopicPartition& partition);
Json topic_json(const topics::Topic& topic);
// [{"topic", "partitions": [n, ...]}, ...]: assignments, revocations.
Json topic_partitions_json(const topics::TopicPartitions& set);
// {"partition": n} for kPartitionNotAssigned (spec section 8 details), else null.
Json partition_details(const Status& status, int32_t partition);

}  // namespace spool::topic_handlers
