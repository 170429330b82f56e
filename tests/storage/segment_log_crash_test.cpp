// Crash test (spec section 17): a forked child appends under load and reports each
// acknowledged (seq, key) through a pipe; the parent SIGKILLs it at random moments, then
// reopens the log and checks every acknowledged frame is present and byte-intact.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "common/log.h"
#include "storage/coding.h"
#include "storage/segment_log.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::payload_for;
using testing::TempDir;

SegmentLogOptions crash_options(const std::string& dir) {
  SegmentLogOptions o;
  o.dir = dir;
  o.segment_bytes = 128 * 1024;  // rolls happen under the kill too
  o.preallocate_bytes = 32 * 1024;
  return o;
}

// payload = key (8 bytes) + payload_for(key, ...), so a frame checks itself.
std::string payload_of(uint64_t key) {
  std::string p;
  coding::put_fixed64(&p, key);
  p += payload_for(key, 50 + key % 400);
  return p;
}

[[noreturn]] void child_main(const std::string& dir, int fd, uint64_t first_key) {
  set_log_level(LogLevel::kError);
  auto log = SegmentLog::open(crash_options(dir));
  if (!log) _exit(3);
  std::atomic<uint64_t> next_key{first_key};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        uint64_t key = next_key.fetch_add(1);
        auto placed = (*log)->append(0x01, payload_of(key), [fd, key, &log](Status s) {
          (void)log;
          if (!s.ok()) return;
          uint8_t msg[16];
          coding::encode_fixed64(msg, key);
          coding::encode_fixed64(msg + 8, 0);
          ssize_t n = ::write(fd, msg, sizeof msg);  // <= PIPE_BUF: atomic
          (void)n;
        });
        if (!placed) std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
  }
  for (auto& t : threads) t.join();
  _exit(0);
}

TEST(CrashTest, EveryAcknowledgedFrameSurvivesSigkill) {
  TempDir dir;
  std::mt19937_64 rng(20261127);  // fixed seed: the same kill schedule every run
  std::set<uint64_t> acked_keys;
  uint64_t next_first_key = 0;
  constexpr int kRounds = 24;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_main(dir.path(), fds[1], next_first_key);
    }
    ::close(fds[1]);
    // Kill after a random number of acks (sometimes very few), or after a random delay.
    const uint64_t kill_after = std::uniform_int_distribution<uint64_t>(1, 1500)(rng);
    const auto delay = std::chrono::microseconds(
        std::uniform_int_distribution<int>(0, 50'000)(rng));
    const bool by_count = round % 2 == 0;
    auto started = std::chrono::steady_clock::now();
    uint64_t got = 0;
    std::vector<uint64_t> keys;
    auto drain = [&](bool block) {
      uint8_t buf[16 * 256];
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) return false;
      for (ssize_t i = 0; i + 16 <= n; i += 16) keys.push_back(coding::decode_fixed64(buf + i));
      got += static_cast<uint64_t>(n) / 16;
      (void)block;
      return true;
    };
    const auto deadline = started + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (by_count && got >= kill_after) break;
      if (!by_count && std::chrono::steady_clock::now() - started >= delay) break;
      if (by_count) {
        if (!drain(true)) break;
      } else {
        ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
        drain(false);
      }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::fcntl(fds[0], F_SETFL, 0);
    while (drain(true)) {
    }
    ::close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    acked_keys.insert(keys.begin(), keys.end());

    // Reopen: every key ever acknowledged is there, byte for byte.
    std::set<uint64_t> present;
    uint64_t bad = 0, max_key = 0;
    {
      auto log = SegmentLog::open(crash_options(dir.path()), [&](const LogRecordView& v) {
        auto* p = reinterpret_cast<const uint8_t*>(v.payload.data());
        uint64_t key = v.payload.size() >= 8 ? coding::decode_fixed64(p) : ~0ull;
        if (v.payload != payload_of(key)) {
          ++bad;
          return;
        }
        present.insert(key);
        max_key = std::max(max_key, key);
      });
      ASSERT_TRUE(log) << log.error().to_string();
    }
    EXPECT_EQ(bad, 0u);
    for (uint64_t key : acked_keys) {
      ASSERT_TRUE(present.count(key)) << "round " << round << ": acknowledged key " << key
                                      << " lost";
    }
    next_first_key = max_key + 1'000'000;  // keys stay unique across rounds
  }
  EXPECT_GT(acked_keys.size(), 1000u);
  std::printf("crash test: %d kills, %zu acknowledged frames checked\n", kRounds,
              acked_keys.size());
}

}  // namespace
}  // namespace spool
