// spool_bench_storage: durable appends per fsync mode, record size and appender count,
// next to what the raw disk does (4 KiB write+fdatasync loop, sequential write).
// Prints a markdown table. Each case runs for --seconds (default 2) or --max-appends.
//
//   spool_bench_storage [--dir=/path] [--seconds=2] [--max-appends=3000000]

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "storage/crc32c.h"
#include "storage/segment_log.h"

namespace {

using Clock = std::chrono::steady_clock;
using spool::FsyncMode;

struct Args {
  std::string dir = "/tmp/spool_bench_storage";
  double seconds = 2.0;
  uint64_t max_appends = 3'000'000;
  std::string only;  // "mode/size/appenders", e.g. "batch/256/64": run just that case
  bool raw = true;
};

struct CaseResult {
  double appends_per_s = 0;
  double mb_per_s = 0;
  double syncs_per_s = 0;
  double group = 0;
  uint64_t failures = 0;
};

// Drivers. "async": each appender is a closed loop that issues its next append from the
// previous one's completion, as a shard executor releasing parked replies would (spec
// section 9); `appenders` = appends in flight. "threads": one OS thread per appender,
// blocked in append_and_wait; on 2 cores the wake-ups of 64 threads cap this driver.
enum class Driver { kAsync, kThreads };

struct AsyncLoop {
  spool::SegmentLog* log;
  const std::string* payload;
  std::atomic<uint64_t>* done;
  std::atomic<uint64_t>* failures;
  std::atomic<bool>* stop;
  uint64_t max_appends;

  void issue() {
    if (stop->load(std::memory_order_relaxed)) return;
    auto placed = log->append(0x01, *payload, [this](spool::Status s) {
      if (!s.ok()) {
        failures->fetch_add(1);
        return;
      }
      if (done->fetch_add(1, std::memory_order_relaxed) + 1 >= max_appends) stop->store(true);
      issue();
    });
    if (!placed) failures->fetch_add(1);
  }
};

CaseResult run_case(const Args& args, const std::string& mode, size_t size, int appenders,
                    Driver driver) {
  std::filesystem::remove_all(args.dir);
  spool::SegmentLogOptions o;
  o.dir = args.dir + "/log";
  o.fsync = *spool::parse_fsync_mode(mode);
  auto log = spool::SegmentLog::open(o);
  if (!log) {
    std::fprintf(stderr, "open: %s\n", log.error().to_string().c_str());
    std::exit(1);
  }
  const std::string payload(size, 'p');
  std::atomic<uint64_t> done{0}, failures{0};
  std::atomic<bool> stop{false};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  std::vector<AsyncLoop> loops(appenders, AsyncLoop{log->get(), &payload, &done, &failures,
                                                     &stop, args.max_appends});
  if (driver == Driver::kAsync) {
    for (auto& loop : loops) loop.issue();
  } else {
    for (int t = 0; t < appenders; ++t) {
      threads.emplace_back([&] {
        while (!stop.load(std::memory_order_relaxed)) {
          auto r = (*log)->append_and_wait(0x01, payload);
          if (r) {
            if (done.fetch_add(1, std::memory_order_relaxed) + 1 >= args.max_appends) stop = true;
          } else {
            failures.fetch_add(1);
            std::this_thread::sleep_for(std::chrono::microseconds(50));
          }
        }
      });
    }
  }
  auto deadline = start + std::chrono::duration<double>(args.seconds);
  while (!stop.load() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t appended = done.load();
  auto stats = (*log)->sync_stats();
  if (!(*log)->flush().ok()) std::fprintf(stderr, "flush failed\n");
  log->reset();
  CaseResult r;
  r.appends_per_s = static_cast<double>(appended) / secs;
  r.mb_per_s = r.appends_per_s * static_cast<double>(size + 20) / 1e6;
  r.syncs_per_s = static_cast<double>(stats.syncs) / secs;
  r.group = stats.rounds ? static_cast<double>(stats.frames) / static_cast<double>(stats.rounds) : 0;
  r.failures = failures.load();
  return r;
}

double raw_sync_loop(const Args& args) {
  std::filesystem::remove_all(args.dir);
  std::filesystem::create_directories(args.dir);
  std::string path = args.dir + "/raw_sync";
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644);
  std::string block(4096, 'r');
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(args.seconds);
  uint64_t n = 0;
  while (Clock::now() < deadline) {
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(n * 4096)) < 0) break;
    if (::fdatasync(fd) != 0) break;
    ++n;
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  return static_cast<double>(n) / secs;
}

double raw_sequential_mb(const Args& args) {
  std::filesystem::remove_all(args.dir);
  std::filesystem::create_directories(args.dir);
  std::string path = args.dir + "/raw_seq";
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644);
  std::string block(1 << 20, 's');
  const uint64_t cap = 1ull << 30;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(args.seconds);
  uint64_t bytes = 0;
  // fdatasync every 4 MiB, as a group-commit round of that size would.
  while (Clock::now() < deadline && bytes < cap) {
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(bytes)) < 0) break;
    bytes += block.size();
    if (bytes % (4u << 20) == 0) ::fdatasync(fd);
  }
  ::fdatasync(fd);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  return static_cast<double>(bytes) / secs / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--dir=", 0) == 0) args.dir = a.substr(6);
    else if (a.rfind("--seconds=", 0) == 0) args.seconds = std::atof(a.c_str() + 10);
    else if (a.rfind("--max-appends=", 0) == 0) args.max_appends = std::strtoull(a.c_str() + 14, nullptr, 10);
    else if (a.rfind("--only=", 0) == 0) args.only = a.substr(7);
    else if (a == "--no-raw") args.raw = false;
    else {
      std::fprintf(stderr, "usage: %s [--dir=path] [--seconds=2] [--max-appends=N] [--only=batch/256/64] [--no-raw]\n", argv[0]);
      return 2;
    }
  }
  spool::set_log_level(spool::LogLevel::kWarn);
  std::printf("dir=%s seconds=%.1f crc32c=%s cores=%u\n\n", args.dir.c_str(), args.seconds,
              spool::crc32c::uses_hardware() ? "sse4.2" : "table",
              std::thread::hardware_concurrency());

  if (args.raw) {
    double raw_syncs = raw_sync_loop(args);
    double raw_seq = raw_sequential_mb(args);
    std::printf("| raw disk | value |\n| --- | ---: |\n");
    std::printf("| 4 KiB pwrite+fdatasync loop | %.0f calls/s |\n", raw_syncs);
    std::printf("| sequential write (1 MiB writes, fdatasync per 4 MiB) | %.0f MB/s |\n\n", raw_seq);
  }

  for (Driver driver : {Driver::kAsync, Driver::kThreads}) {
    std::printf("%s\n\n", driver == Driver::kAsync
                               ? "Async appenders (closed loops; appenders = appends in flight):"
                               : "Thread per appender (blocking append_and_wait), batch mode:");
    std::printf("| mode | record | appenders | durable appends/s | MB/s | fdatasync/s | avg group | failed |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const char* mode : {"batch", "always", "interval:5", "none"}) {
      if (driver == Driver::kThreads && std::string(mode) != "batch") continue;
      for (size_t size : {size_t{256}, size_t{4096}}) {
        for (int appenders : {1, 8, 64, 256}) {
          // 256 in flight (async only) shows how far group size scales past the target.
          if (appenders == 256 && (driver == Driver::kThreads || std::string(mode) != "batch")) {
            continue;
          }
          std::string name = std::string(mode) + "/" + std::to_string(size) + "/" +
                             std::to_string(appenders);
          if (!args.only.empty() && args.only != name) continue;
          CaseResult r = run_case(args, mode, size, appenders, driver);
          std::printf("| %s | %zu B | %d | %.0f | %.1f | %.0f | %.1f | %llu |\n", mode, size,
                      appenders, r.appends_per_s, r.mb_per_s, r.syncs_per_s, r.group,
                      static_cast<unsigned long long>(r.failures));
          std::fflush(stdout);
        }
      }
    }
    std::printf("\n");
  }
  std::filesystem::remove_all(args.dir);
  return 0;
}
