#include "storage/partition_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"

#include "storage/coding.h"
#include "storage/file_names.h"
#include "storage/log_format.h"
#include "storage/record_batch.h"

namespace spool {
namespace {

using log_format::kFrameHeaderSize;
using log_format::kSegmentHeaderSize;

// Bytes per pread when walking frames forward (spec section 8).
constexpr size_t kReadChunk = 64 * 1024;

}  // namespace

// One segment that holds batches. Fields under PartitionLog::mu_.
// Reads of one segment file, independent of the SegmentLog's own descriptors. The file
// stays readable after retention unlinks it (Linux keeps the inode while it is open),
// so a fetch in flight never sees a segment vanish under it.
class PartitionReadFile {
 public:
  static std::shared_ptr<PartitionReadFile> open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      log_warn("storage", "cannot open segment for reading", {{"file", path}, {"errno", errno}});
      return nullptr;
    }
    return std::shared_ptr<PartitionReadFile>(new PartitionReadFile(fd));
  }
  ~PartitionReadFile() { ::close(fd_); }
  // Exactly n bytes at offset, or false.
  bool read(char* dst, size_t n, uint64_t offset) const {
    while (n > 0) {
      ssize_t got = ::pread(fd_, dst, n, static_cast<off_t>(offset));
      if (got <= 0) return false;
      dst += got;
      n -= static_cast<size_t>(got);
      offset += static_cast<uint64_t>(got);
    }
    return true;
  }

 private:
  explicit PartitionReadFile(int fd) : fd_(fd) {}
  int fd_;
};

struct PartitionLog::SegmentInfo {
  SegmentOrdinal ordinal;
  std::string path;
  int64_t base_offset = 0;
  int64_t end_offset = 0;          // after the last placed batch
  int64_t durable_end_offset = 0;  // after the last durable batch
  uint64_t durable_bytes = 0;      // file bytes holding durable frames
  uint64_t bytes = 0;              // file bytes placed
  int64_t last_append_ms = 0;
  int64_t first_append_ms = 0;
  FramePosition first_frame;       // pinned live while the segment is retained
  PartitionIndex index;
  std::shared_ptr<PartitionReadFile> file;

  SegmentInfo(int64_t base, uint32_t interval) : base_offset(base), index(base, interval) {}
};

PartitionLog::PartitionLog(PartitionLogOptions options) : options_(std::move(options)) {}

PartitionLog::~PartitionLog() { log_.reset(); }

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(PartitionLogOptions options) {
  if (options.clock == nullptr) return Status(Errc::kInvalidArgument, "PartitionLog needs a clock");
  std::unique_ptr<PartitionLog> p(new PartitionLog(options));
  SegmentLogOptions log_options;
  log_options.dir = options.dir;
  log_options.fsync = options.fsync;
  log_options.segment_bytes = options.segment_bytes;
  // 1 MiB steps, not the queue logs' 16 MiB: a topic may have up to 1,024 partitions, and
  // 16 MiB each reserved 16 GiB of disk the moment such a topic was created (measured).
  // Fallocating 1 MiB at a time is still a handful of calls a second at full speed.
  log_options.preallocate_bytes = std::min<uint64_t>(options.segment_bytes, 1ull << 20);
  log_options.kind = log_format::kKindPartitionLog;
  log_options.owner = options.partition;
  log_options.topic_id = options.topic_id;
  log_options.clock = options.clock;
  auto log = SegmentLog::open(log_options, [raw = p.get()](const LogRecordView& frame) {
    if (raw->replay_status_.ok()) raw->replay_status_ = raw->replay(frame);
  });
  if (!log) return log.error();
  if (!p->replay_status_.ok()) return p->replay_status_;
  p->log_ = std::move(*log);
  // Every recovered segment is pinned (one live frame) until retention releases it.
  for (const auto& seg : p->segments_) {
    if (Status s = p->log_->add_live(seg->first_frame); !s.ok()) return s;
  }
  p->high_watermark_ = p->next_offset_;
  p->log_start_ = p->segments_.empty() ? p->next_offset_ : p->segments_.front()->base_offset;
  return p;
}

std::shared_ptr<PartitionLog::SegmentInfo> PartitionLog::segment_for_locked(SegmentOrdinal ordinal, SeqNo first_seq,
                                                            int64_t base_offset) {
  if (!segments_.empty() && segments_.back()->ordinal == ordinal) return segments_.back();
  auto seg = std::make_shared<SegmentInfo>(base_offset, options_.index_interval_bytes);
  seg->ordinal = ordinal;
  // A segment's first frame carries the segment's base seq, which names the file.
  seg->path = file_names::segment_path(options_.dir, first_seq);
  seg->end_offset = seg->durable_end_offset = base_offset;
  segments_.push_back(seg);
  return seg;
}

Status PartitionLog::replay(const LogRecordView& frame) {
  if (frame.type != partition_format::kTypeBatch) {
    if (frame.type & log_format::kSkippableBit) return Status();
    return Status(Errc::kCorruption, options_.dir + ": unknown frame type " +
                                         std::to_string(frame.type) + " at seq " +
                                         std::to_string(frame.seq.value));
  }
  if (frame.payload.size() < partition_format::kAppendTimeSize + record_batch::kHeaderSize) {
    return Status(Errc::kCorruption, options_.dir + ": short batch frame at seq " +
                                         std::to_string(frame.seq.value));
  }
  auto append_ms = static_cast<int64_t>(
      coding::decode_fixed64(reinterpret_cast<const uint8_t*>(frame.payload.data())));
  auto info = record_batch::decode_header(frame.payload.substr(partition_format::kAppendTimeSize));
  if (!info) return Status(Errc::kCorruption, options_.dir + ": " + info.error().message());
  // Contiguity: each batch starts where the previous one ended (no gap, no overlap).
  if (!segments_.empty() && info->base_offset != next_offset_) {
    return Status(Errc::kCorruption, options_.dir + ": batch at seq " +
                                         std::to_string(frame.seq.value) + " has base offset " +
                                         std::to_string(info->base_offset) + ", expected " +
                                         std::to_string(next_offset_));
  }
  auto seg = segment_for_locked(frame.position.segment, frame.seq, info->base_offset);
  if (seg->first_append_ms == 0) {
    seg->first_frame = frame.position;
    seg->first_append_ms = append_ms;
  }
  seg->index.add_batch(info->base_offset, frame.position.offset, frame.position.length,
                       info->max_timestamp_ms);
  seg->end_offset = seg->durable_end_offset = info->next_offset();
  seg->bytes = seg->durable_bytes = uint64_t{frame.position.offset} + frame.position.length;
  seg->last_append_ms = append_ms;
  next_offset_ = info->next_offset();
  return Status();
}

Status PartitionLog::append(std::string batch, int32_t count, int64_t max_timestamp_ms,
                            AppendDone done) {
  return append_batches({BatchToAppend{batch, count, max_timestamp_ms}}, std::move(done));
}

Status PartitionLog::append_batches(const std::vector<BatchToAppend>& batches, AppendDone done) {
  const int64_t now = options_.clock->now_ms();
  // Frame payload: the broker append time, then the batch.
  std::vector<std::string> payloads(batches.size());
  std::vector<std::string_view> views(batches.size());
  for (size_t i = 0; i < batches.size(); ++i) {
    std::string& payload = payloads[i];
    payload.resize(partition_format::kAppendTimeSize + batches[i].bytes.size());
    coding::encode_fixed64(reinterpret_cast<uint8_t*>(payload.data()), static_cast<uint64_t>(now));
    std::memcpy(payload.data() + partition_format::kAppendTimeSize, batches[i].bytes.data(),
                batches[i].bytes.size());
    views[i] = payload;
  }
  std::lock_guard lock(mu_);
  const int64_t base = next_offset_;
  int64_t at = base;
  for (size_t i = 0; i < batches.size(); ++i) {
    record_batch::set_base_offset(payloads[i].data() + partition_format::kAppendTimeSize, at);
    at += batches[i].count;
  }
  const int32_t total = static_cast<int32_t>(at - base);
  auto placed = log_->append_all(
      partition_format::kTypeBatch, views,
      [this, base, total, done = std::move(done)](Status status) mutable {
        // The positions are recorded below, under mu_, before this can run: completions
        // follow the sync round, which needs the append to have returned.
        on_appended(base, total, status);
        if (status.ok()) {
          done(base);
        } else {
          done(status);
        }
      });
  if (!placed) return placed.error();
  at = base;
  for (size_t i = 0; i < batches.size(); ++i) {
    const AppendedFrame& frame = (*placed)[i];
    const bool new_segment = segments_.empty() || segments_.back()->ordinal != frame.position.segment;
    auto seg = segment_for_locked(frame.position.segment, frame.seq, at);
    if (new_segment) {
      seg->first_frame = frame.position;
      seg->first_append_ms = now;
      if (Status s = log_->add_live(frame.position); !s.ok()) return s;
    }
    seg->index.add_batch(at, frame.position.offset, frame.position.length, batches[i].max_timestamp_ms);
    at += batches[i].count;
    seg->end_offset = at;
    seg->bytes = uint64_t{frame.position.offset} + frame.position.length;
    seg->last_append_ms = now;
    next_offset_ = at;
    pending_.push_back({at, seg, seg->bytes});
  }
  return Status();
}

void PartitionLog::on_appended(int64_t base, int32_t count, Status status) {
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    if (!status.ok()) {
      // The log dropped every frame that was not durable (disk full or failed log):
      // their offsets are handed out again, from the high watermark.
      pending_.clear();
      next_offset_ = high_watermark_;
      while (segments_.size() > 1 && segments_.back()->base_offset >= high_watermark_) {
        segments_.pop_back();
      }
      for (auto& seg : segments_) {
        if (seg->end_offset > high_watermark_) {
          seg->end_offset = seg->durable_end_offset;
          seg->bytes = seg->durable_bytes;
          seg->index.truncate(high_watermark_);
        }
      }
      return;
    }
    high_watermark_ = base + count;
    while (!pending_.empty() && pending_.front().end_offset <= high_watermark_) {
      Pending& p = pending_.front();
      p.segment->durable_end_offset = p.end_offset;
      p.segment->durable_bytes = p.end_bytes;
      pending_.pop_front();
    }
    listener = listener_;
  }
  if (listener) listener();
}

Result<PartitionLog::Cursor> PartitionLog::cursor(int64_t offset,
                                                   std::optional<int64_t> timestamp_ms) const {
  std::lock_guard lock(mu_);
  Cursor c;
  c.bounds = {log_start_, high_watermark_};
  if (timestamp_ms) {
    for (const auto& seg : segments_) {
      if (seg->durable_end_offset > seg->base_offset && seg->index.max_timestamp_ms() >= *timestamp_ms) {
        offset = seg->base_offset;
        break;
      }
    }
    if (offset < 0) return c;  // no record that new
  }
  if (offset < log_start_ || offset > high_watermark_) {
    return Status(Errc::kOffsetOutOfRange,
                  "offset " + std::to_string(offset) + " is outside the valid range [" +
                      std::to_string(log_start_) + ", " + std::to_string(high_watermark_) +
                      "] of partition " + std::to_string(options_.partition));
  }
  if (offset == high_watermark_) return c;
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](int64_t o, const auto& s) { return o < s->base_offset; });
  if (it != segments_.begin()) --it;
  for (bool first = true; it != segments_.end(); ++it, first = false) {
    SegmentInfo& seg = **it;
    // Opened on first read: a new segment's file is created by the sync thread, after
    // the append that placed its first frame returned.
    if (!seg.file) seg.file = PartitionReadFile::open(seg.path);
    uint64_t from = kSegmentHeaderSize;
    if (first) {
      from = timestamp_ms ? seg.index.position_for_time(*timestamp_ms, kSegmentHeaderSize)
                          : seg.index.position_for_offset(offset, kSegmentHeaderSize);
    }
    c.spans.push_back({seg.file, seg.path, from, seg.durable_bytes});
  }
  return c;
}

Status PartitionLog::walk(const Cursor& c, const BatchVisitor& visit) const {
  for (const Span& span : c.spans) {
    if (!span.file) return Status(Errc::kIoError, "cannot open " + span.path + " for reading");
    uint64_t pos = span.from;
    // Not a std::string: resize() would zero the 64 KiB before every pread fills it.
    std::unique_ptr<char[]> buffer;
    size_t capacity = 0;
    std::string_view chunk;
    uint64_t chunk_at = pos;
    // Makes [pos, need_end) available in `chunk`, reading kReadChunk bytes at a time.
    auto ensure = [&](uint64_t need_end) -> bool {
      if (pos >= chunk_at && need_end <= chunk_at + chunk.size()) return true;
      uint64_t n = std::min<uint64_t>(std::max<uint64_t>(kReadChunk, need_end - pos), span.to - pos);
      if (n < need_end - pos) return false;
      if (n > capacity) {
        capacity = static_cast<size_t>(n);
        buffer.reset(new char[capacity]);
      }
      chunk = std::string_view(buffer.get(), static_cast<size_t>(n));
      chunk_at = pos;
      return span.file->read(buffer.get(), chunk.size(), pos);
    };
    while (pos + kFrameHeaderSize <= span.to) {
      if (!ensure(pos + kFrameHeaderSize)) return Status(Errc::kIoError, "short read of " + span.path);
      auto header = log_format::decode_frame_header(
          reinterpret_cast<const uint8_t*>(chunk.data() + (pos - chunk_at)));
      uint64_t frame_end = pos + kFrameHeaderSize + header.length;
      if (frame_end > span.to) break;
      if (!ensure(frame_end)) return Status(Errc::kIoError, "short read of " + span.path);
      const auto* frame = reinterpret_cast<const uint8_t*>(chunk.data() + (pos - chunk_at));
      if (!log_format::frame_crc_matches(header, frame)) {
        return Status(Errc::kCorruption, "frame at " + span.path + " offset " +
                                             std::to_string(pos) + " fails its CRC");
      }
      pos = frame_end;
      if (header.type == log_format::kTypeSeal) break;
      if (header.type != partition_format::kTypeBatch) continue;
      std::string_view batch(reinterpret_cast<const char*>(frame) + kFrameHeaderSize +
                                 partition_format::kAppendTimeSize,
                             header.length - partition_format::kAppendTimeSize);
      // The frame CRC above covers the batch: its own CRC need not be checked again.
      auto info = record_batch::parse_header(batch);
      if (!info) return Status(Errc::kCorruption, span.path + ": " + info.error().message());
      if (info->base_offset >= c.bounds.high_watermark) return Status();
      if (!visit(batch, *info)) return Status();
    }
  }
  return Status();
}

Result<FetchedBatches> PartitionLog::read(int64_t offset, size_t max_bytes, uint64_t max_records) const {
  auto c = cursor(offset, std::nullopt);
  if (!c) return c.error();
  FetchedBatches out;
  out.bounds = c->bounds;
  size_t total = 0;
  uint64_t records = 0;
  Status s = walk(*c, [&](std::string_view batch, const record_batch::BatchInfo& info) {
    if (info.next_offset() <= offset) return true;
    if (!out.batches.empty() && total + batch.size() > max_bytes) return false;
    total += batch.size();
    out.batches.emplace_back(batch);
    // Records this batch holds from `offset` on: enough once they reach max_records.
    const int64_t from = std::max(offset, info.base_offset);
    records += static_cast<uint64_t>(info.next_offset() - from);
    return total < max_bytes && records < max_records;
  });
  if (!s.ok()) return s;
  return out;
}

Result<FetchedRange> PartitionLog::read_into(int64_t offset, size_t max_bytes, uint64_t max_records,
                                             std::string* out) const {
  auto c = cursor(offset, std::nullopt);
  if (!c) return c.error();
  FetchedRange range;
  range.bounds = c->bounds;
  range.next_offset = offset;
  size_t total = 0;
  uint64_t records = 0;
  Status s = walk(*c, [&](std::string_view batch, const record_batch::BatchInfo& info) {
    if (info.next_offset() <= offset) return true;
    if (range.batches > 0 && total + batch.size() > max_bytes) return false;
    total += batch.size();
    out->append(batch);
    ++range.batches;
    range.next_offset = info.next_offset();
    const int64_t from = std::max(offset, info.base_offset);
    records += static_cast<uint64_t>(info.next_offset() - from);
    return total < max_bytes && records < max_records;
  });
  if (!s.ok()) return s;
  return range;
}

Result<std::optional<std::pair<int64_t, int64_t>>> PartitionLog::offset_for_time(
    int64_t timestamp_ms) const {
  auto c = cursor(-1, timestamp_ms);
  if (!c) return c.error();
  std::optional<std::pair<int64_t, int64_t>> found;
  Status failed;
  Status s = walk(*c, [&](std::string_view batch, const record_batch::BatchInfo& info) {
    if (info.max_timestamp_ms < timestamp_ms) return true;
    std::vector<record_batch::RecordView> records;
    failed = record_batch::decode_records(batch, info.base_offset, &records);
    if (!failed.ok()) return false;
    for (const auto& r : records) {
      if (r.timestamp_ms >= timestamp_ms) {
        found = std::pair(r.offset, r.timestamp_ms);
        return false;
      }
    }
    return true;
  });
  if (!s.ok()) return s;
  if (!failed.ok()) return failed;
  return found;
}

PartitionBounds PartitionLog::bounds() const {
  std::lock_guard lock(mu_);
  return {log_start_, high_watermark_};
}

PartitionStats PartitionLog::stats() const {
  std::lock_guard lock(mu_);
  PartitionStats s;
  s.bounds = {log_start_, high_watermark_};
  for (const auto& seg : segments_) s.size_bytes += seg->bytes;
  s.segments = static_cast<uint32_t>(segments_.size());
  return s;
}

void PartitionLog::set_durable_listener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

Result<uint32_t> PartitionLog::retain(int64_t retention_ms, int64_t retention_bytes) {
  std::lock_guard lock(mu_);
  const int64_t now = options_.clock->now_ms();
  uint64_t total = 0;
  for (const auto& seg : segments_) total += seg->bytes;
  size_t release = 0;
  // Never the newest segment with batches: it carries the next offset over a restart.
  while (release + 1 < segments_.size()) {
    const SegmentInfo& seg = *segments_[release];
    bool by_time = retention_ms >= 0 && seg.last_append_ms < now - retention_ms;
    bool by_bytes = retention_bytes >= 0 && total - seg.bytes >= static_cast<uint64_t>(retention_bytes);
    if (!by_time && !by_bytes) break;
    total -= seg.bytes;
    ++release;
  }
  if (release == 0) return 0u;
  for (size_t i = 0; i < release; ++i) {
    if (Status s = log_->mark_dead(segments_[i]->first_frame); !s.ok()) return s;
  }
  auto deleted = log_->collect_garbage();
  if (!deleted) return deleted.error();
  for (uint32_t i = 0; i < *deleted && !segments_.empty(); ++i) segments_.pop_front();
  log_start_ = segments_.front()->base_offset;
  return *deleted;
}

Status PartitionLog::roll_if_older(int64_t segment_ms) {
  {
    std::lock_guard lock(mu_);
    if (segments_.empty()) return Status();
    const SegmentInfo& last = *segments_.back();
    if (last.first_append_ms == 0 || options_.clock->now_ms() - last.first_append_ms < segment_ms) {
      return Status();
    }
    if (last.durable_end_offset != next_offset_) return Status();  // busy; next time
  }
  return log_->roll();
}

}  // namespace spool
