#pragma once

// TopicMetrics: what the topic engine exports, with domain verbs; the only topics code
// that knows prometheus-cpp (spec/topics-api.md section 10).
//
//   spool_topic_high_watermark{account,topic,partition}      gauge
//   spool_topic_log_start_offset{account,topic,partition}    gauge
//   spool_topic_bytes{account,topic,partition}               gauge
//   spool_topic_segments{account,topic,partition}            gauge
//   spool_topic_records_in_total{account,topic}              counter
//   spool_topic_bytes_in_total{account,topic}                counter
//   spool_topic_records_out_total{account,topic}             counter
//   spool_group_committed_offset{account,group,topic,partition}  gauge
//   spool_group_lag{account,group,topic,partition}           gauge
//   spool_group_members{account,group}                       gauge (live members)
//   spool_group_rebalances_total{account,group}              counter (generation bumps)
//
// Cardinality is bounded: at most `max_series` partition series, the same number of
// group series and of topic counters; further ones are left out (and counted in
// spool_topic_series_dropped). Gauges are replaced whole by each refresh, so series of
// deleted topics and groups disappear.
//
// Safe from any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
}  // namespace prometheus

namespace spool::topics {

struct PartitionSample {
  std::string account, topic;
  uint32_t partition = 0;
  int64_t high_watermark = 0, log_start_offset = 0;
  uint64_t bytes = 0;
  uint32_t segments = 0;
};

struct LagSample {
  std::string account, group, topic;
  uint32_t partition = 0;
  int64_t committed = 0, lag = 0;
};

struct MemberSample {
  std::string account, group;
  size_t members = 0;
};

class TopicMetrics {
 public:
  explicit TopicMetrics(std::shared_ptr<prometheus::Registry> registry, size_t max_series = 10'000);
  ~TopicMetrics();

  void produced(const std::string& account, const std::string& topic, uint64_t records, uint64_t bytes);
  void fetched(const std::string& account, const std::string& topic, uint64_t records);
  // Replace every partition / group series with these samples.
  void refresh_partitions(const std::vector<PartitionSample>& samples);
  void refresh_lags(const std::vector<LagSample>& samples);
  void refresh_members(const std::vector<MemberSample>& samples);
  void rebalanced(const std::string& account, const std::string& group, uint64_t times);

 private:
  struct Families;
  struct TopicCounters {
    prometheus::Counter* records_in;
    prometheus::Counter* bytes_in;
    prometheus::Counter* records_out;
  };
  using PartitionKey = std::tuple<std::string, std::string, uint32_t>;
  using LagKey = std::tuple<std::string, std::string, std::string, uint32_t>;
  TopicCounters* counters_locked(const std::string& account, const std::string& topic);

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  size_t max_series_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, TopicCounters> counters_;
  std::map<PartitionKey, std::vector<prometheus::Gauge*>> partitions_;
  std::map<LagKey, std::vector<prometheus::Gauge*>> lags_;
  std::map<std::pair<std::string, std::string>, std::vector<prometheus::Gauge*>> members_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> rebalances_;
};

}  // namespace spool::topics
