#include "api/api_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cstring>
#include <map>
#include <mutex>

namespace spool {

struct ApiMetrics::Families {
  Families(prometheus::Family<prometheus::Counter>& r, prometheus::Family<prometheus::Histogram>& d)
      : requests(r), durations(d) {}

  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& durations;

  // The series of each (action, outcome) seen, keyed "action\0outcome". Family::Add
  // builds a whole Histogram before finding the existing one (a third of the
  // allocations of a SendMessageBatch once), so each pair is looked up there only once.
  struct Series {
    prometheus::Counter* requests;
    prometheus::Histogram* durations;
  };
  std::mutex mu;
  std::map<std::string, Series, std::less<>> series;
};

namespace {

// 100 µs .. 25 s: long polls take up to 20 s, a cached GetQueueUrl well under 1 ms.
const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10,   25};
  return kBuckets;
}

}  // namespace

ApiMetrics::ApiMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)) {
  auto& requests = prometheus::BuildCounter()
                       .Name("spool_api_requests_total")
                       .Help("HTTP requests answered, by action and outcome")
                       .Register(*registry_);
  auto& durations = prometheus::BuildHistogram()
                        .Name("spool_api_request_duration_seconds")
                        .Help("Time from a request's arrival to its reply, by action and outcome")
                        .Register(*registry_);
  prometheus::BuildGauge()
      .Name("spool_build_info")
      .Help("Build information; the value is always 1")
      .Register(*registry_)
      .Add({{"version", SPOOL_VERSION}})
      .Set(1);
  families_ = std::make_unique<Families>(requests, durations);
}

ApiMetrics::~ApiMetrics() = default;

void ApiMetrics::request_finished(std::string_view action, std::string_view outcome,
                                  double seconds) {
  // The key on the stack: action and outcome names are short.
  char buffer[128];
  std::string spilled;
  std::string_view key;
  if (action.size() + outcome.size() + 1 <= sizeof buffer) {
    std::memcpy(buffer, action.data(), action.size());
    buffer[action.size()] = '\0';
    std::memcpy(buffer + action.size() + 1, outcome.data(), outcome.size());
    key = std::string_view(buffer, action.size() + 1 + outcome.size());
  } else {
    spilled.append(action).append(1, '\0').append(outcome);
    key = spilled;
  }
  Families::Series series;
  {
    std::lock_guard lock(families_->mu);
    auto it = families_->series.find(key);
    if (it == families_->series.end()) {
      std::map<std::string, std::string> labels{{"action", std::string(action)},
                                                {"outcome", std::string(outcome)}};
      Families::Series added{&families_->requests.Add(labels), &families_->durations.Add(labels, duration_buckets())};
      it = families_->series.emplace(std::string(key), added).first;
    }
    series = it->second;
  }
  series.requests->Increment();
  series.durations->Observe(seconds);
}

std::string ApiMetrics::render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace spool
