#include "api/api_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace spool {

struct ApiMetrics::Families {
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& durations;
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
  families_.reset(new Families{requests, durations});
}

ApiMetrics::~ApiMetrics() = default;

void ApiMetrics::request_finished(std::string_view action, std::string_view outcome,
                                  double seconds) {
  std::map<std::string, std::string> labels{{"action", std::string(action)},
                                            {"outcome", std::string(outcome)}};
  families_->requests.Add(labels).Increment();
  families_->durations.Add(labels, duration_buckets()).Observe(seconds);
}

std::string ApiMetrics::render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace spool
