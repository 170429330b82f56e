#include "api/topics/topic_routes.h"

#include "api/topics/topic_handlers.h"
#include "common/form_codec.h"

namespace spool {
namespace {

struct Route {
  std::string_view method;
  std::vector<std::string_view> pattern;  // "{}" = any segment
  std::string_view operation;
  TopicHandler handler;
};

// In the order of spec/topics-api.md section 11 (the operationIds of openapi.yaml).
const std::vector<Route>& routes() {
  using namespace topic_handlers;
  static const std::vector<Route> table = {
      {"POST", {"topics"}, "createTopic", create_topic},
      {"GET", {"topics"}, "listTopics", list_topics},
      {"GET", {"topics", "{}"}, "describeTopic", describe_topic},
      {"PATCH", {"topics", "{}"}, "alterTopic", alter_topic},
      {"DELETE", {"topics", "{}"}, "deleteTopic", delete_topic},
      {"GET", {"topics", "{}", "partitions"}, "listPartitions", list_partitions},
      {"GET", {"topics", "{}", "partitions", "{}"}, "describePartition", describe_partition},
      {"POST", {"topics", "{}", "records"}, "produceRecords", produce_records},
      {"POST", {"topics", "{}", "partitions", "{}", "records"}, "produceToPartition", produce_to_partition},
      {"GET", {"topics", "{}", "partitions", "{}", "records"}, "fetchRecords", fetch_records},
      {"POST", {"fetch"}, "fetchMany", fetch_many},
      {"POST", {"topics", "{}", "partitions", "{}", "batches"}, "produceBatches", produce_batches},
      {"GET", {"topics", "{}", "partitions", "{}", "batches"}, "fetchBatches", fetch_batches},
      {"GET", {"topics", "{}", "partitions", "{}", "offsets"}, "listPartitionOffsets", list_partition_offsets},
      {"GET", {"topics", "{}", "offsets"}, "listOffsets", list_offsets},
      {"PUT", {"groups", "{}", "offsets"}, "commitOffsets", commit_offsets},
      {"GET", {"groups", "{}", "offsets"}, "getCommittedOffsets", get_committed_offsets},
      {"DELETE", {"groups", "{}", "offsets"}, "deleteCommittedOffsets", delete_committed_offsets},
      {"POST", {"groups", "{}", "offsets", "reset"}, "resetOffsets", reset_offsets},
      {"GET", {"groups"}, "listGroups", list_groups},
      {"GET", {"groups", "{}"}, "describeGroup", describe_group},
      {"DELETE", {"groups", "{}"}, "deleteGroup", delete_group},
      {"POST", {"groups", "{}", "members"}, "joinGroup", join_group},
      {"POST", {"groups", "{}", "members", "{}", "heartbeat"}, "heartbeat", heartbeat},
      {"DELETE", {"groups", "{}", "members", "{}"}, "leaveGroup", leave_group},
  };
  return table;
}

bool matches(const Route& route, const std::vector<std::string>& segments) {
  if (route.pattern.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (route.pattern[i] != "{}" && route.pattern[i] != segments[i]) return false;
    if (route.pattern[i] == "{}" && segments[i].empty()) return false;
  }
  return true;
}

}  // namespace

TopicRouteMatch match_topic_route(std::string_view method, const std::vector<std::string>& segments) {
  TopicRouteMatch m;
  for (const Route& r : routes()) {
    if (!matches(r, segments)) continue;
    if (r.method == method) {
      m.operation = r.operation;
      m.handler = r.handler;
      return m;
    }
    if (!m.allowed.empty()) m.allowed += ", ";
    m.allowed += r.method;
  }
  return m;
}

std::vector<std::string> topic_path_segments(std::string_view path) {
  std::vector<std::string> out;
  if (!path.starts_with("/v1")) return out;
  path.remove_prefix(3);
  while (!path.empty()) {
    if (path.front() != '/') break;
    path.remove_prefix(1);
    size_t end = path.find('/');
    std::string_view piece = path.substr(0, end);
    // %XX only; '+' stays itself in a path (url_decode is the form decoder).
    std::string decoded;
    for (size_t i = 0; i < piece.size(); ++i) {
      if (piece[i] == '%' && i + 2 < piece.size()) {
        decoded += url_decode(piece.substr(i, 3));
        i += 2;
      } else {
        decoded += piece[i];
      }
    }
    out.push_back(std::move(decoded));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return out;
}

}  // namespace spool
