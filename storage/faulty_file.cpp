#include "storage/faulty_file.h"

#include <unistd.h>

#include <cerrno>

namespace spool {
namespace {

class FaultyFile final : public File {
 public:
  FaultyFile(std::unique_ptr<File> inner, FaultInjector* injector)
      : inner_(std::move(inner)), injector_(injector) {}

  const std::string& path() const override { return inner_->path(); }

  Status write_at(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    if (int err = injector_->before_write(path())) return errno_status(err, "pwritev", path());
    Status s = inner_->write_at(iov, iovcnt, offset);
    if (s.ok()) {
      uint64_t end = offset;
      for (int i = 0; i < iovcnt; ++i) end += iov[i].iov_len;
      injector_->wrote(path(), end);
    }
    return s;
  }
  Result<size_t> read_at(void* dst, size_t n, uint64_t offset) const override {
    return inner_->read_at(dst, n, offset);
  }
  Status sync() override {
    if (int err = injector_->before_sync(path())) return errno_status(err, "fdatasync", path());
    Status s = inner_->sync();
    if (s.ok()) injector_->synced(path());
    return s;
  }
  Status allocate(uint64_t offset, uint64_t len) override {
    if (int err = injector_->before_allocate()) return errno_status(err, "fallocate", path());
    return inner_->allocate(offset, len);
  }
  Status truncate(uint64_t size) override {
    Status s = inner_->truncate(size);
    if (s.ok()) injector_->truncated(path(), size);
    return s;
  }
  Result<uint64_t> size() const override { return inner_->size(); }

 private:
  std::unique_ptr<File> inner_;
  FaultInjector* injector_;
};

}  // namespace

int FaultInjector::Countdown::tick() {
  if (left == 0) return 0;
  if (--left == 0) return err;
  return 0;
}

FileOpener FaultInjector::opener() {
  return [this](const std::string& path, FileOpenMode mode) -> Result<std::unique_ptr<File>> {
    auto inner = PosixFile::open(path, mode);
    if (!inner) return inner.error();
    auto size = (*inner)->size();
    {
      std::lock_guard lock(mu_);
      FileState& st = files_[path];
      // A file that existed before is taken as synced, as a file found after a restart is.
      st.written_end = size ? *size : 0;
      st.synced_end = st.written_end;
    }
    return std::unique_ptr<File>(new FaultyFile(std::move(*inner), this));
  };
}

void FaultInjector::fail_nth_write(uint64_t n, int err) {
  std::lock_guard lock(mu_);
  write_fault_ = {n, err};
}
void FaultInjector::fail_nth_sync(uint64_t n, int err) {
  std::lock_guard lock(mu_);
  sync_fault_ = {n, err};
}
void FaultInjector::fail_nth_allocate(uint64_t n, int err) {
  std::lock_guard lock(mu_);
  allocate_fault_ = {n, err};
}
void FaultInjector::set_disk_full(bool full) {
  std::lock_guard lock(mu_);
  disk_full_ = full;
}
void FaultInjector::set_free_bytes(uint64_t bytes) {
  std::lock_guard lock(mu_);
  free_bytes_ = bytes;
}
uint64_t FaultInjector::free_bytes() const {
  std::lock_guard lock(mu_);
  return disk_full_ ? 0 : free_bytes_;
}
void FaultInjector::set_before_sync(std::function<void(const std::string&)> hook) {
  std::lock_guard lock(mu_);
  before_sync_hook_ = std::move(hook);
}
uint64_t FaultInjector::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}
uint64_t FaultInjector::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}
uint64_t FaultInjector::synced_size(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second.synced_end;
}

void FaultInjector::drop_unsynced() {
  std::lock_guard lock(mu_);
  for (auto& [path, st] : files_) {
    if (::truncate(path.c_str(), static_cast<off_t>(st.synced_end)) == 0) {
      st.written_end = st.synced_end;
    }
  }
}

int FaultInjector::before_write(const std::string&) {
  std::lock_guard lock(mu_);
  ++writes_;
  if (disk_full_) return ENOSPC;
  return write_fault_.tick();
}

int FaultInjector::before_sync(const std::string& path) {
  std::function<void(const std::string&)> hook;
  {
    std::lock_guard lock(mu_);
    hook = before_sync_hook_;
  }
  if (hook) hook(path);
  std::lock_guard lock(mu_);
  ++syncs_;
  return sync_fault_.tick();
}

int FaultInjector::before_allocate() {
  std::lock_guard lock(mu_);
  if (disk_full_) return ENOSPC;
  return allocate_fault_.tick();
}

void FaultInjector::wrote(const std::string& path, uint64_t end) {
  std::lock_guard lock(mu_);
  FileState& st = files_[path];
  st.written_end = std::max(st.written_end, end);
}

void FaultInjector::synced(const std::string& path) {
  std::lock_guard lock(mu_);
  FileState& st = files_[path];
  st.synced_end = st.written_end;
}

void FaultInjector::truncated(const std::string& path, uint64_t size) {
  std::lock_guard lock(mu_);
  FileState& st = files_[path];
  st.written_end = size;
  st.synced_end = std::min(st.synced_end, size);
}

}  // namespace spool
