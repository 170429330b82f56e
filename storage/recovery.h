#pragma once

// Recovery of one segment-log directory at open (spec section 11; docs/format.md
// "Recovery"). Runs before the log takes appends, on the opening thread.
//
//   1. delete *.tmp;
//   2. check every <base>.log in base order: its header, that names chain with no gap,
//      every frame (fits, length <= 16 MiB, CRC, seq +1), and that each older segment
//      ends with a SEAL naming the next base;
//   3. hand every valid non-SEAL frame to `replay`, oldest first;
//   4. classify the first bad frame: in the last segment it is a torn tail (truncate,
//      fdatasync, report); in an older segment it is corruption (kCorruption naming file
//      and offset, or skipped and reported when repair is set); a last file with a bad
//      header and no valid frame is an interrupted roll (deleted).
//
// Never refuses to start because of the tail. Returns the segments it kept, with their
// files open, and a RecoveryReport.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/file.h"
#include "storage/log_types.h"
#include "storage/recovery_report.h"

namespace spool {

// One frame as readers see it. `payload` is valid only during the callback for replay
// and scans; SegmentLog::read returns an owning copy.
struct LogRecordView {
  SeqNo seq;
  uint8_t type = 0;
  uint8_t flags = 0;
  std::string_view payload;
  FramePosition position;
};

struct RecoveredSegment {
  SeqNo base;
  std::string path;
  std::unique_ptr<File> file;
  uint64_t created_ms = 0;
  uint64_t size = 0;       // valid bytes (the file is truncated to this)
  uint32_t frames = 0;     // SEAL excluded
  bool is_sealed = false;
};

struct RecoveredLog {
  std::vector<RecoveredSegment> segments;  // oldest first; ordinal = index
  SeqNo next_seq;
  RecoveryReport report;
};

struct RecoveryOptions {
  bool repair = false;
  bool sync = true;  // fdatasync after truncation; false only in FsyncMode::kNone
};

Result<RecoveredLog> recover_log(const std::string& dir, const RecoveryOptions& options,
                                 const FileOpener& open_file,
                                 const std::function<void(const LogRecordView&)>& replay);

}  // namespace spool
