#include "storage/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace spool {
namespace {

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

Status errno_status(int err, std::string_view op, std::string_view path) {
  std::string msg(op);
  msg += " ";
  msg += base_name(path);
  msg += ": ";
  msg += std::strerror(err);
  Errc code = (err == ENOSPC || err == EDQUOT) ? Errc::kNoSpace : Errc::kIoError;
  return Status(code, std::move(msg));
}

Status File::write_at(std::string_view data, uint64_t offset) {
  struct iovec iov {
    const_cast<char*>(data.data()), data.size()
  };
  return write_at(&iov, 1, offset);
}

Result<std::unique_ptr<File>> PosixFile::open(const std::string& path, FileOpenMode mode) {
  int flags = O_RDWR | O_CLOEXEC;
  if (mode == FileOpenMode::kCreateNew) flags |= O_CREAT | O_EXCL;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return errno_status(errno, "open", path);
  return std::unique_ptr<File>(new PosixFile(path, fd));
}

PosixFile::~PosixFile() { ::close(fd_); }

Status PosixFile::write_at(const struct iovec* iov_in, int iovcnt, uint64_t offset) {
  std::vector<struct iovec> iov(iov_in, iov_in + iovcnt);
  size_t first = 0;
  while (first < iov.size()) {
    int count = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    ssize_t n = ::pwritev(fd_, iov.data() + first, count, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status(errno, "pwritev", path_);
    }
    offset += static_cast<uint64_t>(n);
    size_t left = static_cast<size_t>(n);
    while (first < iov.size() && left >= iov[first].iov_len) {
      left -= iov[first].iov_len;
      ++first;
    }
    if (left > 0) {  // short write inside one buffer: continue from its middle
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return Status();
}

Result<size_t> PosixFile::read_at(void* dst, size_t n, uint64_t offset) const {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, static_cast<char*>(dst) + done, n - done,
                        static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_status(errno, "pread", path_);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

Status PosixFile::sync() {
  if (::fdatasync(fd_) != 0) return errno_status(errno, "fdatasync", path_);
  return Status();
}

Status PosixFile::allocate(uint64_t offset, uint64_t len) {
  if (::fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                  static_cast<off_t>(len)) != 0) {
    if (errno == EOPNOTSUPP) return Status();
    return errno_status(errno, "fallocate", path_);
  }
  return Status();
}

Status PosixFile::truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return errno_status(errno, "ftruncate", path_);
  }
  return Status();
}

Result<uint64_t> PosixFile::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno_status(errno, "fstat", path_);
  return static_cast<uint64_t>(st.st_size);
}

FileOpener posix_file_opener() {
  return [](const std::string& path, FileOpenMode mode) { return PosixFile::open(path, mode); };
}

}  // namespace spool
