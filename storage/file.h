#pragma once

// File: the seam between the segment log and the operating system (docs/STYLE.md section
// 2), so tests can fail the Nth write, sync or allocation (storage/faulty_file.h).
// PosixFile is the one production implementation.
//
// Threading: pread may be called from any thread at any time; every other method is
// called by one thread at a time (the log's sync thread, or recovery before it starts).
// Durability: nothing written is durable until sync() returns OK. After sync() fails the
// file's state is unknown; callers must not retry it (fsyncgate, spec section 9).
//
// Errors: ENOSPC and EDQUOT map to Errc::kNoSpace, everything else to Errc::kIoError.
// Messages name the operation and the file's base name, never the full path.

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace spool {

enum class FileOpenMode {
  kCreateNew,  // create; fails if the file exists
  kReadWrite,  // an existing file
};

class File {
 public:
  virtual ~File() = default;

  virtual const std::string& path() const = 0;

  // Writes every byte of iov[0..iovcnt) at `offset`, retrying short writes.
  virtual Status write_at(const struct iovec* iov, int iovcnt, uint64_t offset) = 0;
  // Reads up to n bytes; returns fewer only at end of file.
  virtual Result<size_t> read_at(void* dst, size_t n, uint64_t offset) const = 0;
  // fdatasync.
  virtual Status sync() = 0;
  // Reserves [offset, offset + len) without changing the size (FALLOC_FL_KEEP_SIZE), so a
  // full disk shows up here rather than in the middle of a frame. OK when the file
  // system cannot preallocate.
  virtual Status allocate(uint64_t offset, uint64_t len) = 0;
  // Sets the size; also releases blocks preallocated past it.
  virtual Status truncate(uint64_t size) = 0;
  virtual Result<uint64_t> size() const = 0;

  Status write_at(std::string_view data, uint64_t offset);
};

using FileOpener =
    std::function<Result<std::unique_ptr<File>>(const std::string& path, FileOpenMode mode)>;

class PosixFile final : public File {
 public:
  static Result<std::unique_ptr<File>> open(const std::string& path, FileOpenMode mode);
  ~PosixFile() override;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  const std::string& path() const override { return path_; }
  Status write_at(const struct iovec* iov, int iovcnt, uint64_t offset) override;
  Result<size_t> read_at(void* dst, size_t n, uint64_t offset) const override;
  Status sync() override;
  Status allocate(uint64_t offset, uint64_t len) override;
  Status truncate(uint64_t size) override;
  Result<uint64_t> size() const override;

 private:
  PosixFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

// The production opener.
FileOpener posix_file_opener();

// errno of a failed call to a Status (kNoSpace for ENOSPC/EDQUOT, else kIoError).
Status errno_status(int err, std::string_view op, std::string_view path);

}  // namespace spool
