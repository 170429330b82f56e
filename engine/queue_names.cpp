#include "engine/queue_names.h"

#include <vector>

namespace spool {
namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool all_name_chars(std::string_view text) {
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// A name as it can appear in a URL or ARN: the standard or FIFO shape, length 1..80.
bool is_well_formed_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxQueueNameLength) return false;
  if (is_fifo_queue_name(name)) name.remove_suffix(kFifoSuffix.size());
  return !name.empty() && all_name_chars(name);
}

bool is_account_id(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

bool is_fifo_queue_name(std::string_view name) {
  return name.size() >= kFifoSuffix.size() && name.substr(name.size() - kFifoSuffix.size()) == kFifoSuffix;
}

Status validate_queue_name(std::string_view name, bool fifo_attribute_true) {
  if (name.empty()) {
    return Status(Errc::kInvalidArgument, "Value for parameter QueueName is invalid. Reason: Must specify a queue name.");
  }
  if (fifo_attribute_true) {
    const bool ok = is_fifo_queue_name(name) && name.size() <= kMaxQueueNameLength &&
                    name.size() > kFifoSuffix.size() &&
                    all_name_chars(name.substr(0, name.size() - kFifoSuffix.size()));
    if (!ok) {
      return Status(Errc::kInvalidArgument,
                    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                    "must end with .fifo suffix and be 1 to 80 in length. Name: '" + std::string(name) + "'.");
    }
    return Status();
  }
  if (name.size() > kMaxQueueNameLength || !all_name_chars(name)) {
    // AWS gives the same answer for a ".fifo" name sent without FifoQueue=true.
    return Status(Errc::kInvalidArgument,
                  "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length. Name: '" +
                      std::string(name) + "'" + (is_fifo_queue_name(name) ? " (a FIFO queue needs FifoQueue=true)." : "."));
  }
  return Status();
}

std::string queue_url(std::string_view base_url, std::string_view account, std::string_view name) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string url(base_url);
  url.append("/").append(account).append("/").append(name);
  return url;
}

std::string queue_arn(std::string_view region, std::string_view account, std::string_view name) {
  std::string arn = "arn:aws:sqs:";
  arn.append(region).append(":").append(account).append(":").append(name);
  return arn;
}

Result<QueueRef> parse_queue_url(std::string_view url) {
  const auto not_valid = [&] {
    return Status(Errc::kInvalidAddress, "The address " + std::string(url) + " is not valid for this endpoint.");
  };
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return not_valid();
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t path_start = rest.find('/');
  if (path_start == std::string_view::npos || path_start == 0) return not_valid();  // no path or no host
  std::string_view path = rest.substr(path_start + 1);
  if (path.find_first_of("?#") != std::string_view::npos) return not_valid();
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  // "<account>/<name>": exactly one slash (no vector of parts: this runs for every call).
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos || path.find('/', slash + 1) != std::string_view::npos) return not_valid();
  const std::string_view account = path.substr(0, slash), name = path.substr(slash + 1);
  if (!is_account_id(account) || !is_well_formed_name(name)) return not_valid();
  return QueueRef{std::string(account), std::string(name)};
}

Result<QueueRef> parse_queue_arn(std::string_view arn) {
  const std::vector<std::string_view> parts = split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[1].empty() || parts[2] != "sqs" || parts[3].empty() ||
      !is_account_id(parts[4]) || !is_well_formed_name(parts[5])) {
    // Built by appending: `"'" + std::string(...)` trips GCC 12's -Wrestrict false positive.
    std::string message = "'";
    message.append(arn).append("' is not a valid SQS queue ARN.");
    return Status(Errc::kInvalidArgument, message);
  }
  return QueueRef{std::string(parts[4]), std::string(parts[5])};
}

}  // namespace spool
