#pragma once

// SegmentScanner: reads the frames of one segment file in order, checking each one the
// way recovery must (spec section 11): the header fits, length <= 16 MiB, the frame fits
// in the file, the CRC matches, reserved fields are zero, the seq continues the previous
// one. It stops at the first bad frame and says why; it never guesses past it unless
// asked to resync (repair).
//
// One caller at a time. The file must outlive the scanner. A returned payload view is
// valid until the next call. Reads go through a 1 MiB buffer, so a scan costs one pread
// per MiB.

#include <cstdint>
#include <string_view>
#include <vector>

#include "storage/file.h"
#include "storage/log_format.h"

namespace spool {

class SegmentScanner {
 public:
  enum class Outcome { kFrame, kEnd, kBad, kIoError };

  struct Step {
    Outcome outcome = Outcome::kEnd;
    uint64_t offset = 0;                   // of the frame, or of the bad bytes
    log_format::FrameHeader header;        // kFrame only
    std::string_view payload;              // kFrame only
    const char* why = "";                  // kBad: what check failed
    Status io_error;                       // kIoError only
  };

  // Scans [start, end) of `file`; the first frame must carry `expected_seq`.
  SegmentScanner(const File& file, uint64_t start, uint64_t end, SeqNo expected_seq);

  Step next();

  // After kBad: looks for the next offset past the bad one where a whole valid frame with
  // a seq >= the expected one starts, and continues from there. Returns its offset, or
  // `end` when there is none. The seq check then restarts from the frame found.
  uint64_t resync();

  SeqNo expected_seq() const { return expected_seq_; }
  uint64_t offset() const { return offset_; }
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  // Makes [offset, offset + n) available in buf_; false on I/O error (io_error_ set).
  bool ensure(uint64_t offset, uint64_t n);
  const uint8_t* at(uint64_t offset) const { return buf_.data() + (offset - buf_offset_); }
  // Checks a frame at `offset` without the seq rule; nullptr when fine, else why not.
  const char* check_frame(uint64_t offset, log_format::FrameHeader* header);

  const File& file_;
  const uint64_t end_;
  uint64_t offset_;
  SeqNo expected_seq_;
  std::vector<uint8_t> buf_;
  uint64_t buf_offset_ = 0;
  uint64_t buf_len_ = 0;
  uint64_t bytes_read_ = 0;
  Status io_error_;
};

}  // namespace spool
