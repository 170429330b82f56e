// spool_bench_queue_memory: RAM per stored message and restart time, for one shard
// holding N standard-queue messages (default 1,000,000 of 256 bytes).
//
//   spool_bench_queue_memory [--messages=1000000] [--dir=/tmp/spool_bench_memory]
//
// Memory is the growth of the resident set (/proc/self/statm) while the shard holds
// the messages, after the log has written everything; bodies live in segment files and
// the kernel's page cache, which RSS does not count. Restart time is Shard::open's
// replay of the whole log.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "engine/shard.h"

namespace {

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

std::unique_ptr<spool::Shard> open_shard(const std::string& dir, const spool::Clock& clock) {
  spool::ShardOptions o;
  o.dir = dir;
  o.key = std::string(32, 'k');
  o.clock = &clock;
  o.fsync = *spool::parse_fsync_mode("none");
  auto shard = spool::Shard::open(o, {{1, spool::ShardQueueSettings{}}});
  if (!shard) {
    std::fprintf(stderr, "open failed: %s\n", shard.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(*shard);
}

}  // namespace

int main(int argc, char** argv) {
  size_t messages = 1'000'000;
  std::string dir = "/tmp/spool_bench_memory";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--messages=", 0) == 0) messages = std::strtoull(a.c_str() + 11, nullptr, 10);
    else if (a.rfind("--dir=", 0) == 0) dir = a.substr(6);
    else {
      std::fprintf(stderr, "usage: %s [--messages=N] [--dir=path]\n", argv[0]);
      return 2;
    }
  }
  spool::set_log_level(spool::LogLevel::kWarn);
  std::filesystem::remove_all(dir);
  spool::SystemClock clock;
  auto shard = open_shard(dir, clock);
  long before = resident_bytes();
  const std::string body(256, 'b');
  constexpr size_t kBatch = 1000;
  auto start = std::chrono::steady_clock::now();
  for (size_t sent = 0; sent < messages;) {
    std::vector<spool::OutgoingMessage> batch;
    for (size_t i = 0; i < kBatch && sent < messages; ++i, ++sent) {
      spool::OutgoingMessage m;
      m.body = body;
      m.md5_body = {};
      m.sender_id = "bench";
      batch.push_back(std::move(m));
    }
    std::promise<void> done;
    shard->send(1, std::move(batch), [&](auto) { done.set_value(); });
    done.get_future().wait();
  }
  double fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::promise<spool::QueueCounters> counted;
  shard->counters(1, [&](auto c) { counted.set_value(*c); });
  spool::QueueCounters c = counted.get_future().get();
  long after = resident_bytes();

  shard.reset();
  long base = resident_bytes();
  start = std::chrono::steady_clock::now();
  shard = open_shard(dir, clock);
  double reopen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long reopened = resident_bytes();
  std::promise<spool::QueueCounters> recounted;
  shard->counters(1, [&](auto r) { recounted.set_value(*r); });
  spool::QueueCounters rc = recounted.get_future().get();

  std::printf("| measure | value |\n| --- | ---: |\n");
  std::printf("| messages stored | %zu (visible after fill: %llu, after restart: %llu) |\n", messages,
              static_cast<unsigned long long>(c.visible), static_cast<unsigned long long>(rc.visible));
  std::printf("| fill time (fsync none, batches of %zu) | %.2f s |\n", kBatch, fill_s);
  std::printf("| RSS growth while filling | %.1f MiB |\n", (after - before) / 1048576.0);
  std::printf("| RAM per stored message (fill) | %.1f bytes |\n", double(after - before) / double(messages));
  std::printf("| RAM per stored message (after restart) | %.1f bytes |\n",
              double(reopened - base) / double(messages));
  std::printf("| restart (replay) time | %.2f s |\n", reopen_s);
  shard.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
