#include "engine/topics/topic_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace spool::topics {

struct TopicMetrics::Families {
  prometheus::Family<prometheus::Gauge>& high_watermark;
  prometheus::Family<prometheus::Gauge>& log_start;
  prometheus::Family<prometheus::Gauge>& bytes;
  prometheus::Family<prometheus::Gauge>& segments;
  prometheus::Family<prometheus::Counter>& records_in;
  prometheus::Family<prometheus::Counter>& bytes_in;
  prometheus::Family<prometheus::Counter>& records_out;
  prometheus::Family<prometheus::Gauge>& committed;
  prometheus::Family<prometheus::Gauge>& lag;
  prometheus::Family<prometheus::Gauge>& members;
  prometheus::Family<prometheus::Counter>& rebalances;
  prometheus::Counter& dropped;
};

namespace {

prometheus::Family<prometheus::Gauge>& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& r, const char* name,
                                                 const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

// Replaces the series of `current` by those of `samples`: existing keys keep their
// gauges, vanished keys are removed from their families, new keys are added while the
// cap allows. `families` and `values` line up: one gauge per family per key.
template <class Key, class Sample>
void refresh(std::map<Key, std::vector<prometheus::Gauge*>>& current, const std::vector<Sample>& samples,
             const std::vector<prometheus::Family<prometheus::Gauge>*>& families, size_t cap,
             prometheus::Counter& dropped, Key (*key_of)(const Sample&),
             std::map<std::string, std::string> (*labels_of)(const Sample&),
             std::vector<double> (*values_of)(const Sample&)) {
  std::map<Key, const Sample*> wanted;
  for (const Sample& s : samples) wanted[key_of(s)] = &s;
  for (auto it = current.begin(); it != current.end();) {
    if (wanted.contains(it->first)) {
      ++it;
      continue;
    }
    for (size_t f = 0; f < families.size(); ++f) families[f]->Remove(it->second[f]);
    it = current.erase(it);
  }
  for (const auto& [key, sample] : wanted) {
    auto it = current.find(key);
    if (it == current.end()) {
      if (current.size() >= cap) {
        dropped.Increment();
        continue;
      }
      std::vector<prometheus::Gauge*> gauges;
      for (auto* family : families) gauges.push_back(&family->Add(labels_of(*sample)));
      it = current.emplace(key, std::move(gauges)).first;
    }
    std::vector<double> values = values_of(*sample);
    for (size_t f = 0; f < families.size(); ++f) it->second[f]->Set(values[f]);
  }
}

}  // namespace

TopicMetrics::TopicMetrics(std::shared_ptr<prometheus::Registry> registry, size_t max_series)
    : registry_(std::move(registry)), max_series_(max_series) {
  prometheus::Registry& r = *registry_;
  families_.reset(new Families{
      gauge(r, "spool_topic_high_watermark", "Next offset to be written in a partition (end offset)"),
      gauge(r, "spool_topic_log_start_offset", "First offset still stored in a partition"),
      gauge(r, "spool_topic_bytes", "Bytes of a partition's segment files"),
      gauge(r, "spool_topic_segments", "Segment files of a partition"),
      counter(r, "spool_topic_records_in_total", "Records produced to a topic"),
      counter(r, "spool_topic_bytes_in_total", "Record bytes (key, value, headers) produced to a topic"),
      counter(r, "spool_topic_records_out_total", "Records returned by fetches of a topic"),
      gauge(r, "spool_group_committed_offset", "Committed offset of a consumer group on a partition"),
      gauge(r, "spool_group_lag", "High watermark minus committed offset, at least 0"),
      gauge(r, "spool_group_members", "Live members of a consumer group with managed membership"),
      counter(r, "spool_group_rebalances_total",
              "Generation changes of a consumer group: joins, leaves, expiries, added partitions"),
      counter(r, "spool_topic_series_dropped_total", "Topic or group series left out by the cardinality cap")
          .Add({}),
  });
}

TopicMetrics::~TopicMetrics() = default;

TopicMetrics::TopicCounters* TopicMetrics::counters_locked(const std::string& account,
                                                           const std::string& topic) {
  auto key = std::make_pair(account, topic);
  auto it = counters_.find(key);
  if (it != counters_.end()) return &it->second;
  if (counters_.size() >= max_series_) {
    families_->dropped.Increment();
    return nullptr;
  }
  std::map<std::string, std::string> labels{{"account", account}, {"topic", topic}};
  TopicCounters c{&families_->records_in.Add(labels), &families_->bytes_in.Add(labels),
                  &families_->records_out.Add(labels)};
  return &counters_.emplace(key, c).first->second;
}

void TopicMetrics::produced(const std::string& account, const std::string& topic, uint64_t records,
                            uint64_t bytes) {
  std::lock_guard lock(mutex_);
  if (TopicCounters* c = counters_locked(account, topic)) {
    c->records_in->Increment(static_cast<double>(records));
    c->bytes_in->Increment(static_cast<double>(bytes));
  }
}

void TopicMetrics::fetched(const std::string& account, const std::string& topic, uint64_t records) {
  std::lock_guard lock(mutex_);
  if (TopicCounters* c = counters_locked(account, topic)) c->records_out->Increment(static_cast<double>(records));
}

void TopicMetrics::refresh_partitions(const std::vector<PartitionSample>& samples) {
  std::lock_guard lock(mutex_);
  refresh<PartitionKey, PartitionSample>(
      partitions_, samples,
      {&families_->high_watermark, &families_->log_start, &families_->bytes, &families_->segments},
      max_series_, families_->dropped,
      [](const PartitionSample& s) { return PartitionKey{s.account, s.topic, s.partition}; },
      [](const PartitionSample& s) {
        return std::map<std::string, std::string>{
            {"account", s.account}, {"topic", s.topic}, {"partition", std::to_string(s.partition)}};
      },
      [](const PartitionSample& s) {
        return std::vector<double>{static_cast<double>(s.high_watermark),
                                   static_cast<double>(s.log_start_offset),
                                   static_cast<double>(s.bytes), static_cast<double>(s.segments)};
      });
}

void TopicMetrics::refresh_lags(const std::vector<LagSample>& samples) {
  std::lock_guard lock(mutex_);
  refresh<LagKey, LagSample>(
      lags_, samples, {&families_->committed, &families_->lag}, max_series_, families_->dropped,
      [](const LagSample& s) { return LagKey{s.account, s.group, s.topic, s.partition}; },
      [](const LagSample& s) {
        return std::map<std::string, std::string>{{"account", s.account},
                                                  {"group", s.group},
                                                  {"topic", s.topic},
                                                  {"partition", std::to_string(s.partition)}};
      },
      [](const LagSample& s) {
        return std::vector<double>{static_cast<double>(s.committed), static_cast<double>(s.lag)};
      });
}

void TopicMetrics::refresh_members(const std::vector<MemberSample>& samples) {
  using Key = std::pair<std::string, std::string>;
  std::lock_guard lock(mutex_);
  refresh<Key, MemberSample>(
      members_, samples, {&families_->members}, max_series_, families_->dropped,
      [](const MemberSample& s) { return Key{s.account, s.group}; },
      [](const MemberSample& s) { return std::map<std::string, std::string>{{"account", s.account}, {"group", s.group}}; },
      [](const MemberSample& s) { return std::vector<double>{static_cast<double>(s.members)}; });
}

void TopicMetrics::rebalanced(const std::string& account, const std::string& group, uint64_t times) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(account, group);
  auto it = rebalances_.find(key);
  if (it == rebalances_.end()) {
    if (rebalances_.size() >= max_series_) {
      families_->dropped.Increment();
      return;
    }
    it = rebalances_.emplace(key, &families_->rebalances.Add({{"account", account}, {"group", group}})).first;
  }
  it->second->Increment(static_cast<double>(times));
}

}  // namespace spool::topics
