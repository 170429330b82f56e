#pragma once

// Directory operations a segment log needs: list, remove, sync, free space. Not behind
// the File seam: tests exercise them on real (tmpfs) directories instead.
//
// Safe from any thread.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool::directory {

// Creates the directory and its parents if missing.
Status create(const std::string& dir);
// Names (not paths) of the regular files in dir, unsorted.
Result<std::vector<std::string>> list_files(const std::string& dir);
Status remove_file(const std::string& path);
// fsync of the directory itself, so creates, renames and unlinks survive a crash.
Status sync(const std::string& dir);
// Bytes available to an unprivileged writer (statvfs f_bavail * f_frsize).
Result<uint64_t> free_bytes(const std::string& dir);
// Sum of allocated blocks of the files in dir (st_blocks * 512), for tests and metrics.
Result<uint64_t> used_bytes(const std::string& dir);

}  // namespace spool::directory
