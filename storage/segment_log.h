#pragma once

// SegmentLog: one append-only log of frames in one directory of <base>.log segments
// (spec sections 2-4, 7, 9, 11; docs/format.md). Storage frames opaque payloads with a
// caller-given type byte; what the types mean is the owner's business.
//
// Lifecycle: open() recovers the directory (torn tail cut, corruption refused unless
// repair) and hands every valid frame to `replay`; then the log takes appends until it
// is destroyed. The destructor waits until everything appended is written (and synced,
// per mode), then stops the sync thread.
//
// Threading: every public method is safe from any thread. Completions run on the log's
// completion thread (storage/completion_queue.h), outside its lock, in seq order; they
// may call append() but must not block (no append_and_wait/flush from a completion).
//
// Durability: append() places the frame and returns its seq and position at once; its
// completion fires after the round holding it is durable: batch/always after fdatasync,
// interval/none after pwritev (interval then fdatasyncs on a timer; none never does).
// durable_seq() moves the same way. Reads see only frames below durable_seq().
//
// Failures (spec section 9): ENOSPC/EDQUOT cut the file back to the durable end, fail
// every pending append with kNoSpace and refuse appends until a free-space probe sees
// more than min_free_bytes; then appends resume by themselves. EIO or any other error
// from a write or fdatasync is never retried (fsyncgate): pending appends fail with
// kIoError, the log refuses appends for good, and the owner must exit the process (code
// 70) so that recovery re-reads what really reached the disk.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/completion_queue.h"
#include "storage/file.h"
#include "storage/log_format.h"
#include "storage/log_types.h"
#include "storage/recovery.h"
#include "storage/recovery_report.h"
#include "storage/segment.h"
#include "storage/storage_config.h"

namespace spool {

struct SegmentLogOptions {
  std::string dir;                             // created if missing
  std::string thread_tag;                      // names the threads sync-<tag> and done-<tag> (perf, top)
  FsyncMode fsync;                             // batch (default), always, interval, none
  bool repair = false;                         // skip and report corrupt spans in sealed segments
  uint64_t segment_bytes = 64ull << 20;        // roll before a segment passes this; 4 KiB..1 GiB
  uint64_t preallocate_bytes = 16ull << 20;    // fallocate step; 4 KiB..segment_bytes is typical
  // Zeros written ahead of small rounds' data, in steps of this many bytes (0: off;
  // ignored with fsync none). Their syncs then flush data pages only: writing into
  // fallocated space moves the file size and converts extents, which every fdatasync
  // must persist as well.
  uint64_t zero_fill_bytes = 256ull << 10;
  uint64_t max_round_bytes = 4ull << 20;       // bytes one group-commit round writes, at most
  uint64_t max_unsynced_bytes = 64ull << 20;   // backpressure: append fails with kUnavailable
  uint64_t min_free_bytes = 0;                 // resume after a full disk above this; 0 = 2 segments
  std::chrono::milliseconds disk_probe_interval{1000};  // statvfs while the disk is full
  // Delete dead prefix segments from the sync thread as soon as they qualify. Off by
  // default: liveness counts start at 0, so an owner that does not report add_live()
  // for every frame it needs would lose them. collect_garbage() works either way.
  bool auto_gc = false;
  SeqNo first_seq{0};                          // seq of the first frame of a new log
  uint16_t kind = log_format::kKindShardLog;   // segment header fields
  uint32_t owner = 0;
  uint64_t topic_id = 0;
  FileOpener open_file;                        // default: PosixFile (tests: FaultInjector)
  std::function<Result<uint64_t>()> free_bytes;  // default: statvfs of dir
  const Clock* clock = nullptr;                // default: a SystemClock; must outlive the log
  // Observers for metrics, called on the sync thread (the second under the log's lock):
  // keep them cheap and thread-safe. Empty: none.
  std::function<void(double seconds)> on_sync;     // each fdatasync of a segment file
  std::function<void(uint64_t frames)> on_round;  // each durable group-commit round
};

// One frame read back; owns its payload.
struct LogRecord {
  SeqNo seq;
  uint8_t type = 0;
  uint8_t flags = 0;
  std::string payload;
  FramePosition position;
};

struct SegmentStats {
  SegmentOrdinal ordinal;
  SeqNo base;
  std::string file;        // base name
  uint64_t durable_bytes = 0;
  bool is_sealed = false;
  int64_t live_frames = 0;
  int64_t live_bytes = 0;
};

// Counters since open, for the benchmark and metrics.
struct SyncStats {
  uint64_t rounds = 0;     // group-commit rounds written
  uint64_t syncs = 0;      // fdatasync calls on segment files
  uint64_t frames = 0;     // frames made durable, SEALs included
  uint64_t bytes = 0;      // bytes written
};

class SegmentLog {
 public:
  using Completion = std::function<void(Status)>;
  using Replay = std::function<void(const LogRecordView&)>;

  static Result<std::unique_ptr<SegmentLog>> open(SegmentLogOptions options,
                                                  const Replay& replay = {});
  ~SegmentLog();
  // Stops taking appends, finishes the rounds under way and runs their completions,
  // which may still call this log (mark_dead, read). Idempotent; the destructor calls it.
  void close();
  SegmentLog(const SegmentLog&) = delete;
  SegmentLog& operator=(const SegmentLog&) = delete;

  // Places a frame. type: any but 0x00, 0x7E, 0x7F (types >= 0x80 are skippable by readers
  // that do not know them); payload <= 16 MiB; flags: 0 or kFlagRelocated (compaction).
  // On error `done` is never called: kInvalidArgument, kUnavailable (too many unsynced
  // bytes or closing; retry later), kNoSpace (disk full mode), kIoError (failed log).
  // On success `done` (may be empty) gets OK once durable, or the round's error.
  Result<AppendedFrame> append(uint8_t type, std::string_view payload, Completion done,
                               uint8_t flags = 0);
  // Places several frames of one type as consecutive seqs, all or none: the checks of
  // append() apply to their sum, and nothing else is placed between them. `done` (may be
  // empty) is attached to the last frame: OK means every one of them is durable. A crash
  // before that may keep a prefix of the frames (each whole), as rounds are written in
  // pieces of at most max_round_bytes.
  Result<std::vector<AppendedFrame>> append_all(uint8_t type, const std::vector<std::string_view>& payloads,
                                                Completion done);
  // append() and wait for its completion (tests and benchmarks).
  Result<AppendedFrame> append_and_wait(uint8_t type, std::string_view payload,
                                        uint8_t flags = 0);
  // Waits until everything appended before the call is durable (per mode) and its
  // completions have run.
  Status flush();
  // Seals the active segment now (SEAL frame, new segment) and waits for it to be durable.
  // No-op on an active segment without frames.
  Status roll();

  // Frames with seq < durable_seq() are durable (an exclusive bound, like Kafka's high
  // watermark). next_seq() is the seq the next append gets.
  SeqNo durable_seq() const { return SeqNo{durable_seq_.load(std::memory_order_acquire)}; }
  SeqNo next_seq() const;

  // One pread; the CRC is checked. kUnavailable if the frame is not durable yet,
  // kNotFound if its segment was deleted, kCorruption if the bytes fail their checks.
  Result<LogRecord> read(FramePosition position) const;
  // read() of each position, in order, with neighbouring frames of one segment (gaps up
  // to 4 KiB, runs up to 1 MiB) fetched by one pread: a receive of ten messages sent in
  // one batch costs one system call instead of ten.
  std::vector<Result<LogRecord>> read_many(const std::vector<FramePosition>& positions) const;
  // The same reads, each frame handed to `fn(i, frame)` in order as a view that is valid
  // only during the call: no copy of each payload (a receive decodes straight from it).
  void visit_many(const std::vector<FramePosition>& positions,
                  const std::function<void(size_t, Result<LogRecordView>)>& fn) const;
  // Every durable non-SEAL frame of one segment, oldest first; `fn` returns false to stop.
  Status scan_segment(SegmentOrdinal segment,
                      const std::function<bool(const LogRecordView&)>& fn) const;
  // scan_segment over every segment, oldest first.
  Status scan(const std::function<bool(const LogRecordView&)>& fn) const;

  // Liveness, reported by the owner: a frame is live while the owner still needs it
  // (a message's ENQUEUE). Counts start at 0 for every frame, including after open.
  // Requires with auto_gc: add_live(frame) before anything else is appended (in practice
  // right after append() returns, on the appending thread), so no roll can seal and
  // delete the frame's segment while the frame still counts as dead.
  Status add_live(FramePosition position);
  Status mark_dead(FramePosition position);
  // Deletes the oldest segments while each is sealed, has no live frame and every older
  // one is gone (prefix rule; docs/format.md "Garbage collection"). Returns how many.
  Result<uint32_t> collect_garbage();

  std::vector<SegmentStats> segments() const;
  const RecoveryReport& recovery_report() const { return report_; }
  // OK, kNoSpace (disk full mode) or kIoError (failed for good).
  Status health() const;
  SyncStats sync_stats() const;
  const SegmentLogOptions& options() const { return options_; }

 private:
  struct Run {
    std::shared_ptr<Segment> segment;
    uint64_t offset = 0;  // file offset of bytes[0]
    std::string bytes;    // whole frames, contiguous in the file
    SeqNo last_seq;
    uint32_t data_frames = 0;
    uint32_t all_frames = 0;
    bool seals = false;   // ends with the segment's SEAL
  };
  struct Waiter {
    SeqNo seq;
    Completion done;
  };
  struct Round {
    std::vector<Run> runs;
    SeqNo last_seq;
    uint64_t bytes = 0;
  };

  explicit SegmentLog(SegmentLogOptions options);
  Status adopt(RecoveredLog recovered);

  // Appender side; Requires: mu_ held.
  void place_frame_locked(uint8_t type, uint8_t flags, std::string_view payload, bool seals,
                          AppendedFrame* placed);
  void roll_locked();
  void start_segment_locked();
  std::shared_ptr<Segment> find_locked(SegmentOrdinal ordinal) const;
  Status wait_durable(SeqNo target);

  // Sync side (segment_log_sync.cpp), on the sync thread.
  void sync_loop();
  Round take_round_locked();
  Status write_round(Round& round, std::vector<std::shared_ptr<Segment>>* written,
                     std::vector<std::shared_ptr<Segment>>* created);
  Status create_segment_file(Segment& segment);
  Status ensure_allocated(Segment& segment, uint64_t end);
  Status zero_ahead(Segment& segment, uint64_t begin, uint64_t end);
  Status sync_files(const std::vector<std::shared_ptr<Segment>>& files);
  void finish_round(Round& round, const std::vector<std::shared_ptr<Segment>>& written);
  void fail_round(Status error, const std::vector<std::shared_ptr<Segment>>& written,
                  const std::vector<std::shared_ptr<Segment>>& created,
                  std::unique_lock<std::mutex>& lock);
  void completions_ran(uint64_t upto);
  void probe_free_space_locked(std::unique_lock<std::mutex>& lock);
  void interval_sync(std::unique_lock<std::mutex>& lock);
  bool syncs_each_round() const;

  const SegmentLogOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  RecoveryReport report_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // wakes the sync thread
  std::condition_variable durable_cv_;  // wakes flush() and roll()
  std::deque<std::shared_ptr<Segment>> segments_;  // oldest first, ordinals contiguous
  std::shared_ptr<Segment> active_;
  SeqNo next_seq_;
  std::deque<Run> runs_;
  std::deque<Waiter> waiters_;
  uint64_t pending_bytes_ = 0;
  Status health_;
  uint64_t completed_seq_ = 0;  // every completion below it has run
  bool stopping_ = false;
  bool sync_idle_ = false;
  bool gc_requested_ = false;
  std::chrono::steady_clock::time_point next_probe_;
  std::chrono::steady_clock::time_point next_interval_sync_;

  std::atomic<uint64_t> durable_seq_{0};
  std::atomic<uint64_t> rounds_{0}, syncs_{0}, frames_{0}, bytes_{0};
  std::vector<std::shared_ptr<Segment>> unsynced_;  // sync thread only (interval mode)
  std::mutex gc_mu_;                                 // one collect_garbage at a time
  // Declared before sync_thread_ so it is destroyed after the sync thread has drained.
  std::unique_ptr<CompletionQueue> completions_;
  std::thread sync_thread_;
};

}  // namespace spool
