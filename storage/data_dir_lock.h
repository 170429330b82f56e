#pragma once

// DataDirLock: one spoold per data directory. Two processes appending to the same
// segments, or one stopping the other's embedded PostgreSQL, would lose data, so the
// second start fails with a message naming the holder's pid.
//
// Held for the lifetime of the object (flock on <data_dir>/LOCK); the kernel releases it
// when the process dies, so a SIGKILL leaves nothing stale behind. One caller at a time.

#include <memory>
#include <string>

#include "common/status.h"

namespace spool {

class DataDirLock {
 public:
  // Creates `data_dir` if needed. kUnavailable when another live process holds it.
  static Result<std::unique_ptr<DataDirLock>> acquire(const std::string& data_dir);
  ~DataDirLock();

  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

// Creates a directory and its parents (mode 0755); OK when it exists.
Status make_dirs(const std::string& path);

}  // namespace spool
