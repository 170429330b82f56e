#pragma once

// StorageConfig: where Spool keeps its data and how hard it syncs. Filled once at
// start-up (flags, then SPOOL_* variables) and passed to constructors.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace spool {

// When an append is acknowledged (README "Durability modes" has the trade-offs).
struct FsyncMode {
  enum class Kind {
    kBatch,     // default: acknowledge after the group's fdatasync
    kAlways,    // one fdatasync per append; for comparison
    kInterval,  // acknowledge after write(2); fdatasync every interval_ms
    kNone,      // never fdatasync; benchmarks only, a crash loses data
  };
  Kind kind = Kind::kBatch;
  std::chrono::milliseconds interval{0};  // kInterval only; 1..60000

  bool operator==(const FsyncMode&) const = default;
};

// Parses "batch", "always", "none" or "interval:<ms>" (1..60000).
Result<FsyncMode> parse_fsync_mode(std::string_view text);
std::string to_string(const FsyncMode& mode);

struct StorageConfig {
  std::string data_dir = "./.spool";  // absolute after validation; segments, embedded PostgreSQL
  std::string database_url;           // empty: embedded PostgreSQL under data_dir/pg
  FsyncMode fsync;                    // see FsyncMode
  bool repair = false;                // skip (and report) corrupt spans instead of refusing to start
};

}  // namespace spool
