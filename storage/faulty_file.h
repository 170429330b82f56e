#pragma once

// FaultInjector: the File seam's fake for tests (spec section 9 "fault injection"). Files
// opened through its opener() are real PosixFiles wrapped so the injector can
//   - fail the Nth write, sync or allocate from now with a chosen errno;
//   - act as a full disk (every write and allocate fails with ENOSPC, free_bytes() = 0);
//   - run a hook before every sync, to delay it or observe what is about to be synced;
//   - tell how many bytes of each file are known synced, and drop every unsynced byte
//     (a power cut, as far as the page cache is concerned).
//
// Safe from any thread. The injector must outlive every file it opened.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/file.h"

namespace spool {

class FaultInjector {
 public:
  FaultInjector() = default;
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  FileOpener opener();

  // n = 1 fails the next call, 2 the one after, ...; each arms one failure.
  void fail_nth_write(uint64_t n, int err);
  void fail_nth_sync(uint64_t n, int err);
  void fail_nth_allocate(uint64_t n, int err);
  void set_disk_full(bool full);
  // What free_bytes() reports while the disk is not "full" (default 1 TiB).
  void set_free_bytes(uint64_t bytes);
  // For SegmentLogOptions::free_bytes: 0 while the disk is "full".
  uint64_t free_bytes() const;
  // Runs on the syncing thread before each sync, outside the injector's lock.
  void set_before_sync(std::function<void(const std::string& path)> hook);

  uint64_t writes() const;
  uint64_t syncs() const;
  // Bytes of `path` covered by its last successful sync (0 if never synced).
  uint64_t synced_size(const std::string& path) const;
  // Truncates every file opened through this injector to its synced size.
  void drop_unsynced();

  // Called by the wrapped files.
  int before_write(const std::string& path);
  int before_sync(const std::string& path);
  int before_allocate();
  void wrote(const std::string& path, uint64_t end);
  void synced(const std::string& path);
  void truncated(const std::string& path, uint64_t size);

 private:
  struct FileState {
    uint64_t written_end = 0;
    uint64_t synced_end = 0;
  };
  struct Countdown {
    uint64_t left = 0;  // 0 = disarmed
    int err = 0;
    int tick();         // errno to fail with, or 0
  };

  mutable std::mutex mu_;
  std::map<std::string, FileState> files_;
  Countdown write_fault_, sync_fault_, allocate_fault_;
  bool disk_full_ = false;
  uint64_t free_bytes_ = uint64_t{1} << 40;
  uint64_t writes_ = 0;
  uint64_t syncs_ = 0;
  std::function<void(const std::string&)> before_sync_hook_;
};

}  // namespace spool
