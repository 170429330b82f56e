// A real full disk: a 4 MiB tmpfs (spec section 17 "full disk"). Falls back to the
// FaultInjector's full-disk switch, and says why, where mounting is not allowed.

#include <sys/mount.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "storage/faulty_file.h"
#include "storage/segment_log.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::eventually;
using testing::payload_for;
using testing::TempDir;

class Tmpfs {
 public:
  explicit Tmpfs(const std::string& at) : at_(at) {
    std::filesystem::create_directories(at);
    mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, "size=4m") == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string at_;
  bool mounted_ = false;
  std::string error_;
};

TEST(FullDisk, AppendsFailCleanlyKeepEarlierDataAndResumeWhenSpaceIsFreed) {
  TempDir dir;
  Tmpfs fs(dir.sub("fs"));
  FaultInjector faults;
  SegmentLogOptions o;
  o.dir = dir.sub("fs") + "/log";
  o.segment_bytes = 256 * 1024;
  o.preallocate_bytes = 64 * 1024;
  o.min_free_bytes = 512 * 1024;
  o.disk_probe_interval = std::chrono::milliseconds(10);
  if (!fs.mounted()) {
    std::printf("tmpfs mount failed (%s); simulating the full disk with FaultInjector\n",
                fs.error().c_str());
    o.open_file = faults.opener();
    o.free_bytes = [&faults]() -> Result<uint64_t> { return faults.free_bytes(); };
  }
  std::vector<AppendedFrame> acked;
  Status failure;
  {
    auto log = SegmentLog::open(o);
    ASSERT_TRUE(log) << log.error().to_string();
    SegmentLog& l = **log;
    for (int i = 0; i < 20000; ++i) {
      if (!fs.mounted() && i == 2000) faults.set_disk_full(true);
      auto r = l.append_and_wait(0x01, payload_for(i, 1000));
      if (!r) {
        failure = r.error();
        break;
      }
      ASSERT_TRUE(l.add_live(r->position).ok());
      acked.push_back(*r);
    }
    ASSERT_EQ(failure.code(), Errc::kNoSpace) << failure.to_string();
    ASSERT_GT(acked.size(), 100u);
    EXPECT_EQ(l.append(0x01, "x", {}).error().code(), Errc::kNoSpace);
    // Nothing acknowledged was lost or damaged.
    for (size_t i = 0; i < acked.size(); ++i) {
      auto r = l.read(acked[i].position);
      ASSERT_TRUE(r) << r.error().to_string();
      ASSERT_EQ(r->payload, payload_for(i, 1000));
    }
    // Free space: the owner drops everything but the newest frames; GC deletes segments.
    const SegmentOrdinal newest = acked.back().position.segment;
    for (const auto& f : acked) {
      if (f.position.segment < newest) {
        ASSERT_TRUE(l.mark_dead(f.position).ok());
      }
    }
    auto deleted = l.collect_garbage();
    ASSERT_TRUE(deleted);
    if (fs.mounted()) {
      EXPECT_GT(*deleted, 0u);
    }
    if (!fs.mounted()) faults.set_disk_full(false);
    ASSERT_TRUE(eventually([&] { return l.health().ok(); }, std::chrono::seconds(10)));
    auto resumed = l.append_and_wait(0x01, payload_for(acked.size(), 1000));
    ASSERT_TRUE(resumed) << resumed.error().to_string();
    // +1, or +2 when the failed round was a roll whose SEAL was cut back too.
    EXPECT_GT(resumed->seq, acked.back().seq);
    EXPECT_LE(resumed->seq.value, acked.back().seq.value + 2);
  }
  // After a restart every frame of the kept segments is intact.
  uint64_t replayed = 0;
  auto reopened = SegmentLog::open(o, [&](const LogRecordView& v) {
    ++replayed;
    EXPECT_EQ(v.payload.size(), 1000u);
  });
  ASSERT_TRUE(reopened) << reopened.error().to_string();
  EXPECT_GT(replayed, 0u);
  EXPECT_FALSE((*reopened)->recovery_report().torn_tail.has_value());
}

}  // namespace
}  // namespace spool
