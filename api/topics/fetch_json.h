#pragma once

// Fetch replies as JSON text (spec/topics-api.md section 5), shared by
// GET .../records (fetchRecords) and POST /v1/fetch (fetchMany), and the query values
// the fetch routes have in common.
//
// Replies are written straight to text, never through a Json tree: this is the hot read
// path, and a tree per record cost more than reading the records.
//
// Pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

#include "api/topics/topic_call.h"
#include "api/topics/topic_values.h"
#include "common/json.h"
#include "common/status.h"
#include "engine/topics/topic_engine.h"

namespace spool {

// Appends {"topic","partition","records":[...],"next_offset","high_watermark",
// "log_start_offset"}. kInvalidArgument only for value_format=string on non-UTF-8 bytes
// (then `out` holds a partial object and must be dropped).
Status append_fetch_reply(std::string& out, std::string_view topic, int32_t partition,
                          const topics::FetchReply& reply, ValueFormat format);
// Appends the inline error of one partition of a multi-partition fetch:
// {"topic","partition","error_code","message"[,"log_start_offset","high_watermark"]}.
void append_partition_error(std::string& out, std::string_view topic, int32_t partition, const Status& error,
                            const std::optional<PartitionBounds>& bounds);

// An offset query value: an integer >= 0, "earliest" or "latest" (kEarliest, kLatest);
// when absent, kInvalidArgument if `required`, else kLatest.
Result<int64_t> offset_param(const TopicCall& call, std::string_view name, bool required);
// {"log_start_offset", "high_watermark"}: the details of offset_out_of_range.
Json range_details(const PartitionBounds& bounds);
// The details of an offset_out_of_range failure of partition `p` (null for other errors).
Json fetch_error_details(const TopicCall& call, const topics::TopicPtr& topic, int32_t p, const Status& error);

}  // namespace spool
