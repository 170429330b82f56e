#include "storage/segment_scanner.h"

#include <algorithm>

namespace spool {
namespace {
constexpr uint64_t kChunk = 1u << 20;
}  // namespace

using log_format::kFrameHeaderSize;

SegmentScanner::SegmentScanner(const File& file, uint64_t start, uint64_t end,
                               SeqNo expected_seq)
    : file_(file), end_(end), offset_(start), expected_seq_(expected_seq) {}

bool SegmentScanner::ensure(uint64_t offset, uint64_t n) {
  if (offset >= buf_offset_ && offset + n <= buf_offset_ + buf_len_) return true;
  uint64_t want = std::min(std::max(n, kChunk), end_ - offset);
  if (buf_.size() < want) buf_.resize(want);
  auto got = file_.read_at(buf_.data(), want, offset);
  if (!got) {
    io_error_ = got.error();
    return false;
  }
  bytes_read_ += *got;
  buf_offset_ = offset;
  buf_len_ = *got;
  if (*got < n) {  // the file shrank under us; treat like an I/O error
    io_error_ = Status(Errc::kIoError, "segment shorter than expected");
    return false;
  }
  return true;
}

const char* SegmentScanner::check_frame(uint64_t offset, log_format::FrameHeader* header) {
  uint64_t left = end_ - offset;
  if (left < kFrameHeaderSize) return "short frame header";
  if (!ensure(offset, kFrameHeaderSize)) return nullptr;
  *header = log_format::decode_frame_header(at(offset));
  if (header->length > log_format::kMaxPayloadSize) return "length over 16 MiB";
  if (kFrameHeaderSize + header->length > left) return "frame runs past end of file";
  if (!ensure(offset, kFrameHeaderSize + header->length)) return nullptr;
  if (!log_format::frame_crc_matches(*header, at(offset))) return "crc mismatch";
  if (header->reserved != 0) return "reserved field not zero";
  if (header->type == log_format::kTypeReserved) return "frame type 0";
  return nullptr;
}

SegmentScanner::Step SegmentScanner::next() {
  Step step;
  step.offset = offset_;
  if (offset_ >= end_) return step;  // kEnd
  log_format::FrameHeader header;
  const char* why = check_frame(offset_, &header);
  if (!io_error_.ok()) {
    step.outcome = Outcome::kIoError;
    step.io_error = io_error_;
    return step;
  }
  if (why == nullptr && header.seq != expected_seq_) why = "seq out of order";
  if (why != nullptr) {
    step.outcome = Outcome::kBad;
    step.why = why;
    return step;
  }
  step.outcome = Outcome::kFrame;
  step.header = header;
  step.payload = std::string_view(reinterpret_cast<const char*>(at(offset_)) + kFrameHeaderSize,
                                  header.length);
  offset_ += kFrameHeaderSize + header.length;
  expected_seq_ = header.seq.next();
  return step;
}

uint64_t SegmentScanner::resync() {
  for (uint64_t o = offset_ + 1; o + kFrameHeaderSize <= end_; ++o) {
    log_format::FrameHeader header;
    const char* why = check_frame(o, &header);
    if (!io_error_.ok()) break;
    if (why == nullptr && header.seq >= expected_seq_) {
      offset_ = o;
      expected_seq_ = header.seq;
      return o;
    }
  }
  offset_ = end_;
  return end_;
}

}  // namespace spool
