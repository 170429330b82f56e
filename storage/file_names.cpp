#include "storage/file_names.h"

#include <cstdio>

namespace spool::file_names {
namespace {
constexpr std::string_view kLogSuffix = ".log";
constexpr std::string_view kTmpSuffix = ".tmp";
constexpr size_t kDigits = 20;  // enough for any u64, so names sort as numbers do
}  // namespace

std::string segment_file_name(SeqNo base) {
  char buf[kDigits + 1];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(base.value));
  return std::string(buf) + std::string(kLogSuffix);
}

std::string join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string segment_path(std::string_view dir, SeqNo base) {
  return join(dir, segment_file_name(base));
}

std::optional<SeqNo> parse_segment_file_name(std::string_view name) {
  if (name.size() != kDigits + kLogSuffix.size() || !name.ends_with(kLogSuffix)) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < kDigits; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return SeqNo{v};
}

std::string tmp_file_name(std::string_view name) {
  return std::string(name) + std::string(kTmpSuffix);
}

bool is_tmp_file_name(std::string_view name) { return name.ends_with(kTmpSuffix); }

}  // namespace spool::file_names
