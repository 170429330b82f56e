#pragma once

// Roles: what one connection does next. A role is a closed loop: next() is asked for the
// next request once the previous one completed. Shared is the run's state across
// threads; Stats is one loop thread's tally, merged at the end.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace spool_bench {

using Clock = std::chrono::steady_clock;

struct Shared {
  std::atomic<bool> stop_issue{false};  // no new work (throughput roles, the paced sender)
  std::atomic<bool> stop_hard{false};   // every loop exits now
  std::atomic<uint64_t> issued{0};
  uint64_t max_requests = 0;
  std::atomic<uint64_t> received{0};  // receive-delete / latency: messages received
  std::atomic<uint64_t> sent{0};      // latency: messages sent successfully
  uint64_t drain_target = 0;          // receive-delete: stop once this many were received
  // receive-delete: when the latest delete completed (steady clock, ns). With a drain
  // target the phase is timed to it, not to the long polls that then wait on an empty
  // queue (with --wait-time=1 those added up to a second to a sub-second drain).
  std::atomic<int64_t> last_delete_ns{0};
  std::mutex err_mu;
  std::string first_error;

  bool take_ticket() { return issued.fetch_add(1, std::memory_order_relaxed) < max_requests; }
  void note_error(const std::string& what) {
    std::lock_guard<std::mutex> l(err_mu);
    if (first_error.empty()) first_error = what;
  }
};

struct Stats {
  uint64_t requests = 0, messages = 0, errors = 0, conn_errors = 0, empty_receives = 0,
           batch_failed = 0;
  std::vector<uint32_t> lat_us;  // request latency (long polls excluded)
  std::vector<uint32_t> e2e_us;  // latency scenario: send -> receive
  void merge(const Stats& o) {
    requests += o.requests;
    messages += o.messages;
    errors += o.errors;
    conn_errors += o.conn_errors;
    empty_receives += o.empty_receives;
    batch_failed += o.batch_failed;
    lat_us.insert(lat_us.end(), o.lat_us.begin(), o.lat_us.end());
    e2e_us.insert(e2e_us.end(), o.e2e_us.begin(), o.e2e_us.end());
  }
};

struct Step {
  enum Kind { kSend, kWait, kStop } kind = kStop;
  std::string_view action;
  std::string body;
  bool record_latency = true;
  Clock::time_point wake;
};

class Role {
 public:
  virtual ~Role() = default;
  virtual void next(Shared& sh, Step& step) = 0;
  // Called for every completed request (any status) or with status 0 when the connection
  // broke while it was in flight.
  virtual void done(Shared& sh, Stats& st, const Step& step, int status, std::string_view body) = 0;
};

// Paced sender for the latency scenario: slots t0 + n/rate shared by all sender
// connections; each body carries its send time ("ts=<steady ns>;" + padding).
struct Pacer {
  Clock::time_point t0;
  double rate = 1000;
  uint64_t max_messages = 0;
  std::atomic<uint64_t> next_slot{0};
};

// SendMessage of `body_size` bytes.
std::unique_ptr<Role> make_send_role(const std::string& url, size_t body_size);
// SendMessageBatch of 10; groups > 0: a FIFO queue, entries spread over that many
// MessageGroupIds with unique deduplication ids.
std::unique_ptr<Role> make_send_batch_role(const std::string& url, size_t body_size, int groups);
// ReceiveMessage(10) then DeleteMessageBatch of what came back; `latency`: long polls
// and records send->receive latency from the bodies.
std::unique_ptr<Role> make_receive_delete_role(const std::string& url, int wait_time, bool latency);
std::unique_ptr<Role> make_paced_send_role(const std::string& url, size_t body_size, Pacer* pacer);

}  // namespace spool_bench
