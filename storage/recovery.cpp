#include "storage/recovery.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "storage/directory.h"
#include "storage/file_names.h"
#include "storage/log_format.h"
#include "storage/segment_scanner.h"

namespace spool {
namespace {

using log_format::kSegmentHeaderSize;

Status corruption(const std::string& file, uint64_t offset, std::string_view why, SeqNo seq) {
  return Status(Errc::kCorruption, "segment " + file + " corrupt at offset " +
                                       std::to_string(offset) + ": " + std::string(why) +
                                       " (expected seq " + std::to_string(seq.value) +
                                       "); start with repair to skip the damaged span");
}

// True when a whole valid frame with seq `base` starts right after the header.
bool has_valid_first_frame(const File& file, uint64_t size, SeqNo base) {
  if (size <= kSegmentHeaderSize) return false;
  SegmentScanner scanner(file, kSegmentHeaderSize, size, base);
  return scanner.next().outcome == SegmentScanner::Outcome::kFrame;
}

// True when [offset, size) holds only zero bytes: the log's own zero-filled space
// (SegmentLogOptions::zero_fill_bytes), which every clean stop leaves behind.
bool only_zeros(const File& file, uint64_t offset, uint64_t size) {
  char buf[64 << 10];
  while (offset < size) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buf, size - offset));
    auto got = file.read_at(buf, want, offset);
    if (!got || *got == 0) return false;
    if (std::any_of(buf, buf + *got, [](char c) { return c != 0; })) return false;
    offset += *got;
  }
  return true;
}

// A SEAL must describe itself consistently and end the file.
bool seal_is_consistent(const SegmentScanner::Step& step) {
  if (step.header.length != log_format::kSealPayloadSize) return false;
  auto seal = log_format::decode_seal_payload(reinterpret_cast<const uint8_t*>(step.payload.data()));
  return seal.next_seq == step.header.seq.next() &&
         seal.bytes == step.offset + log_format::kFrameHeaderSize + step.header.length;
}

Status remove_tmp_files(const std::string& dir, const std::vector<std::string>& names,
                        RecoveryReport* report) {
  for (const auto& name : names) {
    if (!file_names::is_tmp_file_name(name)) continue;
    if (Status s = directory::remove_file(file_names::join(dir, name)); !s.ok()) return s;
    ++report->tmp_files_removed;
  }
  if (report->tmp_files_removed > 0) return directory::sync(dir);
  return Status();
}

}  // namespace

Result<RecoveredLog> recover_log(const std::string& dir, const RecoveryOptions& options,
                                 const FileOpener& open_file,
                                 const std::function<void(const LogRecordView&)>& replay) {
  auto started = std::chrono::steady_clock::now();
  RecoveredLog out;
  RecoveryReport& report = out.report;

  auto names = directory::list_files(dir);
  if (!names) return names.error();
  if (Status s = remove_tmp_files(dir, *names, &report); !s.ok()) return s;
  std::vector<SeqNo> bases;
  for (const auto& name : *names) {
    if (auto base = file_names::parse_segment_file_name(name)) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());

  SeqNo expected = bases.empty() ? SeqNo{0} : bases.front();
  for (size_t i = 0; i < bases.size(); ++i) {
    const bool is_last = i + 1 == bases.size();
    const std::string name = file_names::segment_file_name(bases[i]);
    const std::string path = file_names::join(dir, name);
    auto file = open_file(path, FileOpenMode::kReadWrite);
    if (!file) return file.error();
    auto size = (*file)->size();
    if (!size) return size.error();

    RecoveredSegment seg;
    seg.base = bases[i];
    seg.path = path;
    seg.size = *size;

    // Header.
    const char* why = nullptr;
    std::optional<log_format::SegmentHeader> header;
    if (*size < kSegmentHeaderSize) {
      why = "short segment header";
    } else {
      uint8_t buf[kSegmentHeaderSize];
      auto got = (*file)->read_at(buf, sizeof buf, 0);
      if (!got) return got.error();
      report.bytes_read += *got;
      header = log_format::decode_segment_header(buf, &why);
      if (header && header->base != bases[i]) {
        why = "header base does not match the file name";
        header.reset();
      }
    }
    if (!header) {
      if (is_last && !has_valid_first_frame(**file, *size, bases[i])) {
        // Interrupted roll: the previous segment's SEAL is durable, this file never got
        // a frame. Deleting it makes the previous segment the newest again.
        file->reset();
        if (Status s = directory::remove_file(path); !s.ok()) return s;
        if (Status s = directory::sync(dir); !s.ok()) return s;
        report.removed_interrupted_roll = true;
        report.bytes_cut += *size;
        log_warn("storage", "removed segment of an interrupted roll",
                 {{"file", name}, {"bytes", *size}, {"reason", why}});
        break;
      }
      if (!options.repair) return corruption(name, 0, why, bases[i]);
      report.corrupt_spans.push_back(
          {name, 0, std::min<uint64_t>(*size, kSegmentHeaderSize), bases[i], why});
    } else {
      seg.created_ms = header->created_ms;
    }

    if (i > 0 && bases[i] != expected) {
      if (!options.repair) {
        return corruption(name, 0, "names do not chain: previous segment ends before seq " +
                                       std::to_string(expected.value), expected);
      }
      report.corrupt_spans.push_back({name, 0, 0, expected, "names do not chain"});
    }

    SegmentScanner scanner(**file, kSegmentHeaderSize, std::max(*size, kSegmentHeaderSize),
                           bases[i]);
    SeqNo accepted_next = bases[i];
    for (;;) {
      SegmentScanner::Step step = scanner.next();
      if (step.outcome == SegmentScanner::Outcome::kEnd) break;
      if (step.outcome == SegmentScanner::Outcome::kIoError) return step.io_error;
      const char* bad = step.why;
      if (step.outcome == SegmentScanner::Outcome::kFrame) {
        if (seg.is_sealed) {
          bad = "bytes after SEAL";
        } else if (step.header.type == log_format::kTypeSeal) {
          if (seal_is_consistent(step)) {
            seg.is_sealed = true;
            accepted_next = step.header.seq.next();
            continue;
          }
          bad = "inconsistent SEAL";
        } else {
          FramePosition pos{SegmentOrdinal{static_cast<uint32_t>(out.segments.size())},
                            static_cast<uint32_t>(step.offset),
                            static_cast<uint32_t>(log_format::kFrameHeaderSize +
                                                  step.header.length)};
          replay(LogRecordView{step.header.seq, step.header.type, step.header.flags,
                               step.payload, pos});
          ++seg.frames;
          ++report.frames;
          accepted_next = step.header.seq.next();
          continue;
        }
      }
      // The first bad frame. A frame that passed the scanner's checks but broke a rule
      // here was already consumed by the scanner, so its own seq is the first one lost.
      const SeqNo first_bad_seq = step.outcome == SegmentScanner::Outcome::kFrame
                                      ? step.header.seq
                                      : scanner.expected_seq();
      if (is_last) {
        // Zero-filled space past the last frame is the log's own (zero_fill_bytes), left
        // by every stop; anything else there is a torn write.
        const bool zeros = only_zeros(**file, step.offset, *size);
        if (Status s = (*file)->truncate(step.offset); !s.ok()) return s;
        if (options.sync) {
          if (Status s = (*file)->sync(); !s.ok()) return s;
        }
        if (zeros) {
          report.zero_tail_bytes = *size - step.offset;
        } else {
          TornTail tail{name, step.offset, *size - step.offset, first_bad_seq, bad};
          log_warn("storage", "cut torn tail",
                   {{"file", name}, {"offset", tail.offset}, {"bytes_cut", tail.bytes_cut},
                    {"first_seq_cut", tail.first_seq_cut.value}, {"reason", bad}});
          report.bytes_cut += tail.bytes_cut;
          report.torn_tail = std::move(tail);
        }
        seg.size = step.offset;
        break;
      }
      if (!options.repair) return corruption(name, step.offset, bad, first_bad_seq);
      if (step.outcome == SegmentScanner::Outcome::kFrame) {
        // Rule broken after a valid frame: drop the rest of the file.
        report.corrupt_spans.push_back({name, step.offset, *size - step.offset, first_bad_seq, bad});
        break;
      }
      uint64_t resumed = scanner.resync();
      if (resumed < *size) accepted_next = scanner.expected_seq();
      report.corrupt_spans.push_back(
          {name, step.offset, resumed - step.offset, first_bad_seq, bad});
      log_warn("storage", "repair skipped corrupt span",
               {{"file", name}, {"offset", step.offset}, {"bytes", resumed - step.offset},
                {"first_seq", first_bad_seq.value}, {"reason", bad}});
    }
    report.bytes_read += scanner.bytes_read();
    expected = accepted_next;

    if (!is_last && !seg.is_sealed) {
      if (!options.repair) {
        return corruption(name, seg.size, "segment not sealed but a newer one follows",
                          expected);
      }
      report.corrupt_spans.push_back({name, seg.size, 0, expected, "not sealed"});
    }
    seg.file = std::move(*file);
    out.segments.push_back(std::move(seg));
  }

  report.segments = static_cast<uint32_t>(out.segments.size());
  out.next_seq = expected;
  report.next_seq = expected;
  report.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  return out;
}

}  // namespace spool
