#include "roles.h"

#include <optional>

#include "json_scan.h"

namespace spool_bench {
namespace {

std::string make_payload(size_t size, char fill = 'x') { return std::string(size, fill); }

class SendRole : public Role {
 public:
  SendRole(const std::string& url, size_t body_size) {
    body_.append("{\"QueueUrl\":");
    json_escape_into(url, body_);
    body_.append(",\"MessageBody\":");
    json_escape_into(make_payload(body_size), body_);
    body_.append("}");
  }
  void next(Shared& sh, Step& s) override {
    if (sh.stop_issue.load(std::memory_order_relaxed) || !sh.take_ticket()) {
      s.kind = Step::kStop;
      return;
    }
    s.kind = Step::kSend;
    s.action = "SendMessage";
    s.body = body_;
  }
  void done(Shared&, Stats& st, const Step&, int status, std::string_view) override {
    if (status == 200) st.messages += 1;
  }

 private:
  std::string body_;
};

class SendBatchRole : public Role {
 public:
  // groups > 0: a FIFO queue; each entry gets the next MessageGroupId round-robin and a
  // unique MessageDeduplicationId, so the body is built per request.
  SendBatchRole(const std::string& url, size_t body_size, int groups = 0) : groups_(groups) {
    payload_ = make_payload(body_size);
    url_json_.clear();
    json_escape_into(url, url_json_);
    if (groups_ == 0) body_ = build(0);
  }
  void next(Shared& sh, Step& s) override {
    if (sh.stop_issue.load(std::memory_order_relaxed) || !sh.take_ticket()) {
      s.kind = Step::kStop;
      return;
    }
    s.kind = Step::kSend;
    s.action = "SendMessageBatch";
    s.body = groups_ == 0 ? body_ : build(next_++);
  }
  void done(Shared&, Stats& st, const Step&, int status, std::string_view body) override {
    if (status != 200) return;
    st.messages += count_occurrences(body, "\"MessageId\"");
    if (has_failed_entries(body)) st.batch_failed += 1;
  }

 private:
  std::string build(uint64_t request) {
    std::string b = "{\"QueueUrl\":" + url_json_ + ",\"Entries\":[";
    for (int i = 0; i < 10; ++i) {
      if (i) b.push_back(',');
      b.append("{\"Id\":\"m").append(std::to_string(i)).append("\",\"MessageBody\":");
      json_escape_into(payload_, b);
      if (groups_ > 0) {
        uint64_t n = request * 10 + static_cast<uint64_t>(i);
        b.append(",\"MessageGroupId\":\"g").append(std::to_string((n + salt_) % static_cast<uint64_t>(groups_)));
        b.append("\",\"MessageDeduplicationId\":\"").append(std::to_string(salt_)).append("-");
        b.append(std::to_string(n)).append("\"");
      }
      b.push_back('}');
    }
    b.append("]}");
    return b;
  }

  int groups_;
  std::string payload_, url_json_, body_;
  uint64_t next_ = 0;
  // Distinct per role, so connections don't deduplicate each other's messages.
  uint64_t salt_ = reinterpret_cast<uintptr_t>(this) >> 4;
};

// ReceiveMessage(10) then DeleteMessageBatch of what came back. In the latency scenario
// (`latency` = true) it long-polls and records send->receive latency from the bodies.
class ReceiveDeleteRole : public Role {
 public:
  ReceiveDeleteRole(const std::string& url, int wait_time, bool latency)
      : url_(url), wait_time_(wait_time), latency_(latency) {
    receive_body_.append("{\"QueueUrl\":");
    json_escape_into(url_, receive_body_);
    receive_body_.append(",\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":");
    receive_body_.append(std::to_string(wait_time_)).append("}");
  }
  void next(Shared& sh, Step& s) override {
    if (!handles_.empty()) {
      if (!sh.take_ticket()) {
        s.kind = Step::kStop;
        return;
      }
      s.kind = Step::kSend;
      s.action = "DeleteMessageBatch";
      s.record_latency = true;
      s.body.clear();
      s.body.append("{\"QueueUrl\":");
      json_escape_into(url_, s.body);
      s.body.append(",\"Entries\":[");
      for (size_t i = 0; i < handles_.size(); ++i) {
        if (i) s.body.push_back(',');
        s.body.append("{\"Id\":\"d").append(std::to_string(i)).append("\",\"ReceiptHandle\":");
        json_escape_into(handles_[i], s.body);
        s.body.push_back('}');
      }
      s.body.append("]}");
      handles_.clear();
      return;
    }
    bool stop = latency_ ? false
                         : (sh.stop_issue.load(std::memory_order_relaxed) ||
                            (sh.drain_target > 0 &&
                             sh.received.load(std::memory_order_relaxed) >= sh.drain_target));
    if (stop || !sh.take_ticket()) {
      s.kind = Step::kStop;
      return;
    }
    s.kind = Step::kSend;
    s.action = "ReceiveMessage";
    s.body = receive_body_;
    s.record_latency = wait_time_ == 0;  // a long poll's duration is not a request latency
  }
  void done(Shared& sh, Stats& st, const Step& s, int status, std::string_view body) override {
    if (status != 200) return;
    if (s.action == "DeleteMessageBatch") {
      if (has_failed_entries(body)) st.batch_failed += 1;
      int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
      int64_t seen = sh.last_delete_ns.load(std::memory_order_relaxed);
      while (seen < now && !sh.last_delete_ns.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
      }
      return;
    }
    size_t before = handles_.size();
    json_each_string(body, "ReceiptHandle", [&](const std::string& h) { handles_.push_back(h); });
    size_t n = handles_.size() - before;
    if (n == 0) st.empty_receives += 1;
    st.messages += n;
    sh.received.fetch_add(n, std::memory_order_relaxed);
    if (latency_) {
      auto now_ns = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
      json_each_string(body, "Body", [&](const std::string& b) {
        if (b.rfind("ts=", 0) != 0) return;
        uint64_t sent_ns = std::strtoull(b.c_str() + 3, nullptr, 10);
        if (sent_ns > 0 && now_ns >= sent_ns)
          st.e2e_us.push_back(static_cast<uint32_t>(std::min<uint64_t>((now_ns - sent_ns) / 1000, UINT32_MAX)));
      });
    }
  }

 private:
  std::string url_;
  int wait_time_;
  bool latency_;
  std::string receive_body_;
  std::vector<std::string> handles_;
};

class PacedSendRole : public Role {
 public:
  PacedSendRole(const std::string& url, size_t body_size, Pacer* pacer)
      : url_(url), body_size_(body_size), pacer_(pacer) {}
  void next(Shared& sh, Step& s) override {
    if (sh.stop_issue.load(std::memory_order_relaxed)) {
      s.kind = Step::kStop;
      return;
    }
    if (!slot_) {
      uint64_t n = pacer_->next_slot.fetch_add(1, std::memory_order_relaxed);
      if (n >= pacer_->max_messages || !sh.take_ticket()) {
        s.kind = Step::kStop;
        return;
      }
      slot_ = n;
    }
    auto due = pacer_->t0 + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(*slot_) * 1e9 / pacer_->rate));
    auto now = Clock::now();
    if (now < due) {
      s.kind = Step::kWait;
      s.wake = due;
      return;
    }
    slot_.reset();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    std::string payload = "ts=" + std::to_string(ns) + ";";
    if (payload.size() < body_size_) payload.append(body_size_ - payload.size(), 'x');
    s.kind = Step::kSend;
    s.action = "SendMessage";
    s.body.clear();
    s.body.append("{\"QueueUrl\":");
    json_escape_into(url_, s.body);
    s.body.append(",\"MessageBody\":");
    json_escape_into(payload, s.body);
    s.body.append("}");
  }
  void done(Shared& sh, Stats&, const Step&, int status, std::string_view) override {
    if (status == 200) sh.sent.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  std::string url_;
  size_t body_size_;
  Pacer* pacer_;
  std::optional<uint64_t> slot_;
};

}  // namespace

std::unique_ptr<Role> make_send_role(const std::string& url, size_t body_size) {
  return std::make_unique<SendRole>(url, body_size);
}
std::unique_ptr<Role> make_send_batch_role(const std::string& url, size_t body_size, int groups) {
  return std::make_unique<SendBatchRole>(url, body_size, groups);
}
std::unique_ptr<Role> make_receive_delete_role(const std::string& url, int wait_time, bool latency) {
  return std::make_unique<ReceiveDeleteRole>(url, wait_time, latency);
}
std::unique_ptr<Role> make_paced_send_role(const std::string& url, size_t body_size, Pacer* pacer) {
  return std::make_unique<PacedSendRole>(url, body_size, pacer);
}

}  // namespace spool_bench
