#pragma once

// ApiMetrics: what the api layer counts, with domain verbs, and the /metrics rendering of
// the process's one prometheus-cpp registry.
//
//   spool_api_requests_total{action, outcome}            counter
//   spool_api_request_duration_seconds{action, outcome}  histogram
//   spool_build_info{version}                             gauge, always 1
//
// Label values are bounded: action is an SQS action name, "Unknown" or an endpoint
// ("Health", "Ready", "Metrics"); outcome is "ok" or an SQS error code.
// Safe from any thread.

#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace spool {

class ApiMetrics {
 public:
  explicit ApiMetrics(std::shared_ptr<prometheus::Registry> registry);
  ~ApiMetrics();

  void request_finished(std::string_view action, std::string_view outcome, double seconds);

  // Every metric of the registry in Prometheus text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
};

}  // namespace spool
