#include "storage/segment_log.h"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <system_error>

#include "common/check.h"
#include "common/log.h"
#include "storage/coding.h"
#include "storage/directory.h"
#include "storage/file_names.h"
#include "storage/segment_scanner.h"

namespace spool {
namespace {

using log_format::kFrameHeaderSize;
using log_format::kSegmentHeaderSize;

constexpr uint64_t kSealFrameSize = kFrameHeaderSize + log_format::kSealPayloadSize;

Status validate(const SegmentLogOptions& o) {
  if (o.dir.empty()) return Status(Errc::kInvalidArgument, "segment log dir is empty");
  if (o.segment_bytes < 4096 || o.segment_bytes > (1ull << 30)) {
    return Status(Errc::kInvalidArgument, "segment_bytes is " + std::to_string(o.segment_bytes) +
                                              "; must be between 4096 and 1073741824");
  }
  if (o.preallocate_bytes < 4096) {
    return Status(Errc::kInvalidArgument, "preallocate_bytes must be at least 4096");
  }
  if (o.zero_fill_bytes > (64ull << 20)) {
    return Status(Errc::kInvalidArgument, "zero_fill_bytes must be at most 64 MiB");
  }
  if (o.max_round_bytes < 4096 || o.max_unsynced_bytes < o.max_round_bytes) {
    return Status(Errc::kInvalidArgument,
                  "max_round_bytes must be >= 4096 and <= max_unsynced_bytes");
  }
  return Status();
}

}  // namespace

SegmentLog::SegmentLog(SegmentLogOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : &system_clock_) {}

Result<std::unique_ptr<SegmentLog>> SegmentLog::open(SegmentLogOptions options,
                                                     const Replay& replay) {
  if (Status s = validate(options); !s.ok()) return s;
  if (!options.open_file) options.open_file = posix_file_opener();
  if (options.min_free_bytes == 0) options.min_free_bytes = 2 * options.segment_bytes;
  if (!options.free_bytes) {
    options.free_bytes = [dir = options.dir] { return directory::free_bytes(dir); };
  }
  if (Status s = directory::create(options.dir); !s.ok()) return s;

  RecoveryOptions recovery{options.repair, options.fsync.kind != FsyncMode::Kind::kNone};
  auto recovered = recover_log(options.dir, recovery, options.open_file,
                               replay ? replay : [](const LogRecordView&) {});
  if (!recovered) return recovered.error();

  std::unique_ptr<SegmentLog> log(new SegmentLog(std::move(options)));
  if (Status s = log->adopt(std::move(*recovered)); !s.ok()) return s;
  const std::string tag = log->options_.thread_tag.empty() ? "log" : log->options_.thread_tag;
  try {
    log->completions_ = std::make_unique<CompletionQueue>(
        [raw = log.get()](uint64_t upto) { raw->completions_ran(upto); }, "done-" + tag);
    log->sync_thread_ = std::thread([raw = log.get()] { raw->sync_loop(); });
  } catch (const std::system_error& e) {
    // Out of threads (a process or system limit, many topic partitions): this log can't
    // run, which is an error for whoever opens it, not a reason to end the process.
    return Status(Errc::kUnavailable, std::string("cannot start the log's threads: ") + e.what());
  }
  pthread_setname_np(log->sync_thread_.native_handle(), ("sync-" + tag).substr(0, 15).c_str());
  return log;
}

Status SegmentLog::adopt(RecoveredLog recovered) {
  report_ = recovered.report;
  for (size_t i = 0; i < recovered.segments.size(); ++i) {
    RecoveredSegment& r = recovered.segments[i];
    auto seg = std::make_shared<Segment>(SegmentOrdinal{static_cast<uint32_t>(i)}, r.base,
                                         r.path, r.created_ms);
    seg->assigned_size = seg->written_size = seg->allocated_end = seg->zeroed_end = r.size;
    seg->frames = seg->durable_frames = r.frames;
    seg->seal_assigned = r.is_sealed;
    seg->file_durable = true;
    seg->file = std::move(r.file);
    seg->durable_size.store(r.size, std::memory_order_release);
    seg->is_sealed.store(r.is_sealed);
    segments_.push_back(std::move(seg));
  }
  next_seq_ = segments_.empty() ? options_.first_seq : recovered.next_seq;
  report_.next_seq = next_seq_;
  durable_seq_.store(next_seq_.value);
  completed_seq_ = next_seq_.value;
  // A new log, or a last segment whose SEAL is durable: the next segment is made here,
  // before any append, so the log always has an active file.
  if (segments_.empty() || segments_.back()->seal_assigned) {
    std::unique_lock lock(mu_);
    start_segment_locked();
    lock.unlock();
    if (Status s = create_segment_file(*active_); !s.ok()) return s;
    active_->file_durable = true;
    active_->durable_size.store(active_->written_size, std::memory_order_release);
  } else {
    active_ = segments_.back();
  }
  log_info("storage", "segment log recovered",
           {{"dir", options_.dir}, {"segments", report_.segments}, {"frames", report_.frames},
            {"bytes_read", report_.bytes_read}, {"bytes_cut", report_.bytes_cut},
            {"corrupt_spans", report_.corrupt_spans.size()},
            {"next_seq", next_seq_.value}, {"ms", report_.elapsed_ms}});
  return Status();
}

SegmentLog::~SegmentLog() { close(); }

void SegmentLog::close() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  completions_.reset();  // runs what the last rounds posted
}

SeqNo SegmentLog::next_seq() const {
  std::lock_guard lock(mu_);
  return next_seq_;
}

Status SegmentLog::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

SyncStats SegmentLog::sync_stats() const {
  return SyncStats{rounds_.load(), syncs_.load(), frames_.load(), bytes_.load()};
}

Result<AppendedFrame> SegmentLog::append(uint8_t type, std::string_view payload,
                                         Completion done, uint8_t flags) {
  if (type == log_format::kTypeReserved || type == log_format::kTypeHole ||
      type == log_format::kTypeSeal) {
    return Status(Errc::kInvalidArgument,
                  "frame type " + std::to_string(type) + " is reserved for storage");
  }
  if (payload.size() > log_format::kMaxPayloadSize) {
    return Status(Errc::kInvalidArgument, "payload is " + std::to_string(payload.size()) +
                                              " bytes; at most 16777216");
  }
  if ((flags & ~log_format::kFlagRelocated) != 0) {
    return Status(Errc::kInvalidArgument, "unknown frame flags");
  }
  const uint64_t frame_size = kFrameHeaderSize + payload.size();
  AppendedFrame placed;
  bool wake;
  {
    std::lock_guard lock(mu_);
    if (!health_.ok()) return health_;
    if (stopping_) return Status(Errc::kUnavailable, "segment log is closing");
    if (pending_bytes_ + frame_size > options_.max_unsynced_bytes) {
      return Status(Errc::kUnavailable,
                    "log has " + std::to_string(pending_bytes_) +
                        " unsynced bytes; limit " + std::to_string(options_.max_unsynced_bytes) +
                        "; retry later");
    }
    if (active_->seal_assigned) start_segment_locked();
    if (active_->frames > 0 &&
        active_->assigned_size + frame_size + kSealFrameSize > options_.segment_bytes) {
      roll_locked();
    }
    place_frame_locked(type, flags, payload, false, &placed);
    if (done) waiters_.push_back(Waiter{placed.seq, std::move(done)});
    wake = sync_idle_;
  }
  if (wake) work_cv_.notify_one();
  return placed;
}

Result<std::vector<AppendedFrame>> SegmentLog::append_all(uint8_t type,
                                                         const std::vector<std::string_view>& payloads,
                                                         Completion done) {
  if (type == log_format::kTypeReserved || type == log_format::kTypeHole ||
      type == log_format::kTypeSeal) {
    return Status(Errc::kInvalidArgument,
                  "frame type " + std::to_string(type) + " is reserved for storage");
  }
  if (payloads.empty()) return Status(Errc::kInvalidArgument, "append_all needs at least one frame");
  uint64_t total = 0;
  for (std::string_view payload : payloads) {
    if (payload.size() > log_format::kMaxPayloadSize) {
      return Status(Errc::kInvalidArgument, "payload is " + std::to_string(payload.size()) +
                                                " bytes; at most 16777216");
    }
    total += kFrameHeaderSize + payload.size();
  }
  std::vector<AppendedFrame> placed(payloads.size());
  bool wake;
  {
    std::lock_guard lock(mu_);
    if (!health_.ok()) return health_;
    if (stopping_) return Status(Errc::kUnavailable, "segment log is closing");
    if (pending_bytes_ + total > options_.max_unsynced_bytes) {
      return Status(Errc::kUnavailable,
                    "log has " + std::to_string(pending_bytes_) +
                        " unsynced bytes; limit " + std::to_string(options_.max_unsynced_bytes) +
                        "; retry later");
    }
    for (size_t i = 0; i < payloads.size(); ++i) {
      const uint64_t frame_size = kFrameHeaderSize + payloads[i].size();
      if (active_->seal_assigned) start_segment_locked();
      if (active_->frames > 0 &&
          active_->assigned_size + frame_size + kSealFrameSize > options_.segment_bytes) {
        roll_locked();
      }
      place_frame_locked(type, 0, payloads[i], false, &placed[i]);
    }
    if (done) waiters_.push_back(Waiter{placed.back().seq, std::move(done)});
    wake = sync_idle_;
  }
  if (wake) work_cv_.notify_one();
  return placed;
}

void SegmentLog::place_frame_locked(uint8_t type, uint8_t flags, std::string_view payload,
                                    bool seals, AppendedFrame* placed) {
  const uint64_t frame_size = kFrameHeaderSize + payload.size();
  Segment& seg = *active_;
  // A round writes whole runs, so a run is capped at a round's size; in always mode each
  // frame is its own run and so its own round.
  bool new_run = runs_.empty() || runs_.back().segment.get() != &seg ||
                 (!runs_.back().bytes.empty() &&
                  (options_.fsync.kind == FsyncMode::Kind::kAlways ||
                   runs_.back().bytes.size() + frame_size > options_.max_round_bytes));
  if (new_run) {
    Run run;
    run.segment = active_;
    run.offset = seg.assigned_size;
    run.bytes.reserve(std::min<uint64_t>(options_.max_round_bytes, 256 * 1024));
    runs_.push_back(std::move(run));
  }
  Run& run = runs_.back();
  size_t at = run.bytes.size();
  run.bytes.resize(at + frame_size);
  auto* dst = reinterpret_cast<uint8_t*>(run.bytes.data() + at);
  std::memcpy(dst + kFrameHeaderSize, payload.data(), payload.size());
  log_format::encode_frame_header(next_seq_, type, flags, payload, dst);

  placed->seq = next_seq_;
  placed->position = FramePosition{seg.ordinal, static_cast<uint32_t>(seg.assigned_size),
                                   static_cast<uint32_t>(frame_size)};
  run.last_seq = next_seq_;
  ++run.all_frames;
  if (seals) {
    run.seals = true;
  } else {
    ++run.data_frames;
    ++seg.frames;
    uint64_t now = static_cast<uint64_t>(clock_->now_ms());
    if (seg.first_append_ms == 0) seg.first_append_ms = now;
    seg.last_append_ms = now;
  }
  seg.assigned_size += frame_size;
  pending_bytes_ += frame_size;
  next_seq_ = next_seq_.next();
}

void SegmentLog::roll_locked() {
  Segment& seg = *active_;
  log_format::SealPayload seal;
  seal.next_seq = next_seq_.next();
  seal.frames = seg.frames;
  seal.bytes = seg.assigned_size + kSealFrameSize;
  seal.first_append_ms = seg.first_append_ms ? seg.first_append_ms : seg.created_ms;
  seal.last_append_ms = seg.last_append_ms ? seg.last_append_ms : seg.created_ms;
  uint8_t payload[log_format::kSealPayloadSize];
  log_format::encode_seal_payload(seal, payload);
  AppendedFrame ignored;
  place_frame_locked(log_format::kTypeSeal, 0,
                     std::string_view(reinterpret_cast<const char*>(payload), sizeof payload),
                     true, &ignored);
  seg.seal_assigned = true;
  start_segment_locked();
}

void SegmentLog::start_segment_locked() {
  SegmentOrdinal ordinal{segments_.empty() ? 0 : segments_.back()->ordinal.value + 1};
  auto seg = std::make_shared<Segment>(ordinal, next_seq_,
                                       file_names::segment_path(options_.dir, next_seq_),
                                       static_cast<uint64_t>(clock_->now_ms()));
  seg->assigned_size = kSegmentHeaderSize;
  segments_.push_back(seg);
  active_ = seg;
  // An empty run makes the sync thread create the file even if no frame follows.
  Run run;
  run.segment = seg;
  run.offset = kSegmentHeaderSize;
  run.last_seq = SeqNo{next_seq_.value - 1};
  if (sync_thread_.joinable()) runs_.push_back(std::move(run));
}

Status SegmentLog::wait_durable(SeqNo target) {
  std::unique_lock lock(mu_);
  durable_cv_.wait(lock, [&] {
    return completed_seq_ >= target.value || !health_.ok() || next_seq_ < target;
  });
  if (completed_seq_ >= target.value) return Status();
  if (!health_.ok()) return health_;
  return Status(Errc::kUnavailable, "appends were cut back before they became durable");
}

Result<AppendedFrame> SegmentLog::append_and_wait(uint8_t type, std::string_view payload,
                                                  uint8_t flags) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();
  auto placed = append(type, payload, [promise](Status s) { promise->set_value(std::move(s)); },
                       flags);
  if (!placed) return placed;
  Status s = future.get();
  if (!s.ok()) return s;
  return placed;
}

Status SegmentLog::flush() {
  SeqNo target;
  {
    std::lock_guard lock(mu_);
    target = next_seq_;
  }
  return wait_durable(target);
}

Status SegmentLog::roll() {
  SeqNo target;
  {
    std::lock_guard lock(mu_);
    if (!health_.ok()) return health_;
    if (active_->frames == 0 || active_->seal_assigned) return Status();
    roll_locked();
    target = next_seq_;
  }
  work_cv_.notify_one();
  return wait_durable(target);
}

std::shared_ptr<Segment> SegmentLog::find_locked(SegmentOrdinal ordinal) const {
  if (segments_.empty() || ordinal < segments_.front()->ordinal ||
      ordinal > segments_.back()->ordinal) {
    return nullptr;
  }
  auto seg = segments_[ordinal.value - segments_.front()->ordinal.value];
  SPOOL_DCHECK(seg->ordinal == ordinal);
  return seg;
}

Result<LogRecord> SegmentLog::read(FramePosition pos) const {
  std::shared_ptr<Segment> seg;
  {
    std::lock_guard lock(mu_);
    seg = find_locked(pos.segment);
  }
  if (!seg) {
    return Status(Errc::kNotFound, "segment " + std::to_string(pos.segment.value) + " is gone");
  }
  if (pos.length < kFrameHeaderSize || pos.length > kFrameHeaderSize + log_format::kMaxPayloadSize) {
    return Status(Errc::kInvalidArgument, "bad frame length " + std::to_string(pos.length));
  }
  if (uint64_t{pos.offset} + pos.length > seg->durable_size.load(std::memory_order_acquire)) {
    return Status(Errc::kUnavailable, "frame is not durable yet");
  }
  std::string buf(pos.length, '\0');
  auto got = seg->file->read_at(buf.data(), buf.size(), pos.offset);
  if (!got) return got.error();
  auto* bytes = reinterpret_cast<const uint8_t*>(buf.data());
  auto header = log_format::decode_frame_header(bytes);
  if (*got != buf.size() || header.length + kFrameHeaderSize != pos.length ||
      !log_format::frame_crc_matches(header, bytes)) {
    return Status(Errc::kCorruption, "frame at " + file_names::segment_file_name(seg->base) +
                                         " offset " + std::to_string(pos.offset) +
                                         " fails its checks");
  }
  LogRecord record{header.seq, header.type, header.flags, buf.substr(kFrameHeaderSize), pos};
  return record;
}

namespace {

// The frame at `pos` of `seg` out of `bytes`, which hold it whole; the CRC is checked.
// The checked frame at `bytes`, viewing them.
Result<LogRecordView> frame_view_from(const uint8_t* bytes, FramePosition pos, const Segment& seg) {
  auto header = log_format::decode_frame_header(bytes);
  if (header.length + kFrameHeaderSize != pos.length || !log_format::frame_crc_matches(header, bytes)) {
    return Status(Errc::kCorruption, "frame at " + file_names::segment_file_name(seg.base) + " offset " +
                                         std::to_string(pos.offset) + " fails its checks");
  }
  return LogRecordView{header.seq, header.type, header.flags,
                       std::string_view(reinterpret_cast<const char*>(bytes) + kFrameHeaderSize, header.length), pos};
}

LogRecordView view_of(const LogRecord& r) { return LogRecordView{r.seq, r.type, r.flags, r.payload, r.position}; }

}  // namespace

std::vector<Result<LogRecord>> SegmentLog::read_many(const std::vector<FramePosition>& positions) const {
  std::vector<Result<LogRecord>> out;
  out.reserve(positions.size());
  visit_many(positions, [&out](size_t, Result<LogRecordView> frame) {
    if (!frame) {
      out.push_back(frame.error());
    } else {
      out.push_back(LogRecord{frame->seq, frame->type, frame->flags, std::string(frame->payload), frame->position});
    }
  });
  return out;
}

void SegmentLog::visit_many(const std::vector<FramePosition>& positions,
                            const std::function<void(size_t, Result<LogRecordView>)>& fn) const {
  constexpr uint64_t kMaxGap = 4096;
  constexpr uint64_t kMaxRun = 1 << 20;
  // A frame read on its own: read() owns the bytes, the view lives as long as the call.
  auto visit_one = [&](size_t i) {
    Result<LogRecord> one = read(positions[i]);
    if (!one) return fn(i, one.error());
    fn(i, view_of(*one));
  };
  std::string buf;
  size_t i = 0;
  while (i < positions.size()) {
    const FramePosition first = positions[i];
    std::shared_ptr<Segment> seg;
    {
      std::lock_guard lock(mu_);
      seg = find_locked(first.segment);
    }
    if (!seg) {
      visit_one(i);
      ++i;
      continue;
    }
    // The run: following positions of the same segment, ascending, close together, each
    // a sane and durable frame (anything else is left to read(), which says what is wrong).
    const uint64_t durable = seg->durable_size.load(std::memory_order_acquire);
    auto readable = [&](const FramePosition& p) {
      return p.length >= kFrameHeaderSize && p.length <= kFrameHeaderSize + log_format::kMaxPayloadSize &&
             uint64_t{p.offset} + p.length <= durable;
    };
    if (!readable(first)) {
      visit_one(i);
      ++i;
      continue;
    }
    size_t end = i + 1;
    uint64_t run_end = uint64_t{first.offset} + first.length;
    while (end < positions.size()) {
      const FramePosition& p = positions[end];
      if (p.segment != first.segment || p.offset < run_end || p.offset - run_end > kMaxGap ||
          uint64_t{p.offset} + p.length - first.offset > kMaxRun || !readable(p)) {
        break;
      }
      run_end = uint64_t{p.offset} + p.length;
      ++end;
    }
    if (end == i + 1) {
      visit_one(i);
      ++i;
      continue;
    }
    buf.resize(run_end - first.offset);
    auto got = seg->file->read_at(buf.data(), buf.size(), first.offset);
    for (; i < end; ++i) {
      if (!got) {
        fn(i, got.error());
      } else if (*got != buf.size()) {
        fn(i, Status(Errc::kCorruption, "short read of " + file_names::segment_file_name(seg->base)));
      } else {
        const FramePosition& p = positions[i];
        fn(i, frame_view_from(reinterpret_cast<const uint8_t*>(buf.data()) + (p.offset - first.offset), p, *seg));
      }
    }
  }
}

Status SegmentLog::scan_segment(SegmentOrdinal ordinal,
                                const std::function<bool(const LogRecordView&)>& fn) const {
  std::shared_ptr<Segment> seg;
  {
    std::lock_guard lock(mu_);
    seg = find_locked(ordinal);
  }
  if (!seg) return Status(Errc::kNotFound, "segment " + std::to_string(ordinal.value) + " is gone");
  uint64_t end = seg->durable_size.load(std::memory_order_acquire);
  if (end < kSegmentHeaderSize) return Status();
  SegmentScanner scanner(*seg->file, kSegmentHeaderSize, end, seg->base);
  for (;;) {
    auto step = scanner.next();
    switch (step.outcome) {
      case SegmentScanner::Outcome::kEnd: return Status();
      case SegmentScanner::Outcome::kIoError: return step.io_error;
      case SegmentScanner::Outcome::kBad:
        return Status(Errc::kCorruption, "segment " + file_names::segment_file_name(seg->base) +
                                             " offset " + std::to_string(step.offset) + ": " +
                                             step.why);
      case SegmentScanner::Outcome::kFrame: break;
    }
    if (step.header.type == log_format::kTypeSeal) continue;
    LogRecordView view{step.header.seq, step.header.type, step.header.flags, step.payload,
                       FramePosition{ordinal, static_cast<uint32_t>(step.offset),
                                     static_cast<uint32_t>(kFrameHeaderSize + step.header.length)}};
    if (!fn(view)) return Status();
  }
}

Status SegmentLog::scan(const std::function<bool(const LogRecordView&)>& fn) const {
  std::vector<SegmentOrdinal> ordinals;
  {
    std::lock_guard lock(mu_);
    for (const auto& seg : segments_) ordinals.push_back(seg->ordinal);
  }
  bool more = true;
  auto wrapped = [&](const LogRecordView& v) { return more = fn(v); };
  for (SegmentOrdinal o : ordinals) {
    Status s = scan_segment(o, wrapped);
    if (!s.ok() && s.code() != Errc::kNotFound) return s;
    if (!more) break;
  }
  return Status();
}

Status SegmentLog::add_live(FramePosition pos) {
  std::lock_guard lock(mu_);
  auto seg = find_locked(pos.segment);
  if (!seg) return Status(Errc::kNotFound, "segment " + std::to_string(pos.segment.value) + " is gone");
  seg->live_frames.fetch_add(1);
  seg->live_bytes.fetch_add(pos.length);
  return Status();
}

Status SegmentLog::mark_dead(FramePosition pos) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    auto seg = find_locked(pos.segment);
    if (!seg) return Status(Errc::kNotFound, "segment " + std::to_string(pos.segment.value) + " is gone");
    int64_t left = seg->live_frames.fetch_sub(1) - 1;
    seg->live_bytes.fetch_sub(pos.length);
    SPOOL_CHECK(left >= 0);  // the owner marked a frame dead twice: a bug
    if (left == 0 && options_.auto_gc && seg == segments_.front() && seg->is_sealed.load()) {
      gc_requested_ = true;
      wake = true;
    }
  }
  if (wake) work_cv_.notify_one();
  return Status();
}

Result<uint32_t> SegmentLog::collect_garbage() {
  std::lock_guard gc_lock(gc_mu_);
  std::vector<std::shared_ptr<Segment>> doomed;
  {
    std::lock_guard lock(mu_);
    while (segments_.size() > 1 && segments_.front() != active_ &&
           segments_.front()->is_sealed.load() && segments_.front()->live_frames.load() == 0) {
      doomed.push_back(segments_.front());
      segments_.pop_front();
    }
  }
  for (const auto& seg : doomed) {
    // Readers holding the Segment keep its descriptor; Linux frees the blocks at close.
    if (Status s = directory::remove_file(seg->path); !s.ok()) return s;
    log_info("storage", "deleted segment",
             {{"file", file_names::segment_file_name(seg->base)},
              {"bytes", seg->durable_size.load()}});
  }
  if (!doomed.empty() && options_.fsync.kind != FsyncMode::Kind::kNone) {
    if (Status s = directory::sync(options_.dir); !s.ok()) return s;
  }
  return static_cast<uint32_t>(doomed.size());
}

std::vector<SegmentStats> SegmentLog::segments() const {
  std::lock_guard lock(mu_);
  std::vector<SegmentStats> out;
  for (const auto& seg : segments_) {
    out.push_back(SegmentStats{seg->ordinal, seg->base, file_names::segment_file_name(seg->base),
                               seg->durable_size.load(), seg->is_sealed.load(),
                               seg->live_frames.load(), seg->live_bytes.load()});
  }
  return out;
}

}  // namespace spool
