#include "storage/storage_config.h"

#include <charconv>

namespace spool {

Result<FsyncMode> parse_fsync_mode(std::string_view text) {
  FsyncMode mode;
  if (text == "batch") return mode;
  if (text == "always") {
    mode.kind = FsyncMode::Kind::kAlways;
    return mode;
  }
  if (text == "none") {
    mode.kind = FsyncMode::Kind::kNone;
    return mode;
  }
  constexpr std::string_view kPrefix = "interval:";
  if (text.substr(0, kPrefix.size()) == kPrefix) {
    std::string_view digits = text.substr(kPrefix.size());
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
    if (ec == std::errc() && end == digits.data() + digits.size() && ms >= 1 && ms <= 60000) {
      mode.kind = FsyncMode::Kind::kInterval;
      mode.interval = std::chrono::milliseconds(ms);
      return mode;
    }
    return Status(Errc::kInvalidArgument,
                  "fsync interval is '" + std::string(digits) + "'; must be 1..60000 ms");
  }
  return Status(Errc::kInvalidArgument, "fsync mode is '" + std::string(text) +
                                            "'; must be batch, always, none or interval:<ms>");
}

std::string to_string(const FsyncMode& mode) {
  switch (mode.kind) {
    case FsyncMode::Kind::kBatch: return "batch";
    case FsyncMode::Kind::kAlways: return "always";
    case FsyncMode::Kind::kNone: return "none";
    case FsyncMode::Kind::kInterval: return "interval:" + std::to_string(mode.interval.count());
  }
  return "batch";
}

}  // namespace spool
