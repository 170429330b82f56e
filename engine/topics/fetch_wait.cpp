#include "engine/topics/fetch_wait.h"

#include <mutex>
#include <utility>

namespace spool::topics {
namespace {

// Shared by the waiters and the timer of one poll. `answered` decides who answers.
struct Poll {
  std::mutex mu;
  bool answered = false;
  std::vector<std::pair<std::shared_ptr<TopicPartition>, uint64_t>> parked;
  std::function<void()> answer;

  // On the timer executor. Only the first call answers.
  void fire() {
    std::vector<std::pair<std::shared_ptr<TopicPartition>, uint64_t>> cancel;
    std::function<void()> run;
    {
      std::lock_guard lock(mu);
      if (answered) return;
      answered = true;
      cancel.swap(parked);
      run = std::move(answer);
    }
    for (auto& [partition, id] : cancel) partition->cancel_wait(id);
    run();
  }
};

}  // namespace

void wait_for_any(Executor& timers, std::vector<WaitTarget> targets, std::chrono::milliseconds wait,
                  std::function<void()> answer) {
  auto poll = std::make_shared<Poll>();
  poll->answer = std::move(answer);
  poll->parked.reserve(targets.size());
  for (WaitTarget& t : targets) {
    // wait_for may run the wake at once (data arrived since the caller's read): it only
    // posts, so no lock is held across the answer.
    uint64_t id = t.partition->wait_for(t.offset, [&timers, poll] { timers.post([poll] { poll->fire(); }); });
    std::unique_lock lock(poll->mu);
    if (poll->answered) {
      lock.unlock();
      t.partition->cancel_wait(id);
      break;  // answered already: parking more is pointless
    }
    poll->parked.emplace_back(std::move(t.partition), id);
  }
  timers.post_at(std::chrono::steady_clock::now() + wait, [poll] { poll->fire(); });
}

}  // namespace spool::topics
