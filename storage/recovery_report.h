#pragma once

// RecoveryReport: what opening a segment log found and did, as a plain counted value
// (spec section 11 step 6; Redpanda's recovery_report.h). Logged once at open and, later,
// exported as metrics.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/log_types.h"

namespace spool {

// The torn tail cut from the last segment: bytes that were never acknowledged.
struct TornTail {
  std::string file;      // base name, e.g. 00000000000000000042.log
  uint64_t offset = 0;   // where the file now ends
  uint64_t bytes_cut = 0;
  SeqNo first_seq_cut;   // the seq the first cut frame would have had
  std::string reason;    // the check that failed, e.g. "crc mismatch"
};

// A damaged span inside a sealed segment that repair skipped.
struct CorruptSpan {
  std::string file;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  SeqNo first_seq;       // the first seq that was expected there
  std::string reason;
};

struct RecoveryReport {
  uint32_t segments = 0;        // segment files kept
  uint64_t frames = 0;          // valid frames handed to replay (SEALs not counted)
  uint64_t bytes_read = 0;
  uint64_t bytes_cut = 0;       // torn tail plus any interrupted-roll file removed
  std::optional<TornTail> torn_tail;
  uint64_t zero_tail_bytes = 0; // zero-filled space past the last frame, cut (not damage)
  std::vector<CorruptSpan> corrupt_spans;  // empty unless repair was on
  uint32_t tmp_files_removed = 0;
  bool removed_interrupted_roll = false;   // a last file with a bad header and no frame
  SeqNo next_seq;               // seq the next append gets
  int64_t elapsed_ms = 0;
};

}  // namespace spool
