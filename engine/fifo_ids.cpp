#include "engine/fifo_ids.h"

#include "engine/message_attributes.h"

namespace spool {
namespace {

constexpr size_t kMaxIdLength = 128;

bool allowed(unsigned char c) {
  // Printable ASCII without the space: letters, digits and the punctuation set.
  return c > 0x20 && c < 0x7f;
}

}  // namespace

Status validate_fifo_id(std::string_view parameter, std::string_view value) {
  auto invalid = [&](std::string_view reason) {
    return Status(Errc::kInvalidArgument, "Value " + std::string(value) + " for parameter " +
                                              std::string(parameter) + " is invalid. Reason: " +
                                              std::string(reason));
  };
  if (value.empty()) return invalid(std::string(parameter) + " must not be empty.");
  if (value.size() > kMaxIdLength) {
    return invalid(std::string(parameter) + " can only include up to 128 characters.");
  }
  for (unsigned char c : value) {
    if (!allowed(c)) {
      return invalid(std::string(parameter) +
                     " can only include alphanumeric and punctuation characters. 1 to 128 in length.");
    }
  }
  return Status();
}

std::string content_deduplication_id(std::string_view body) { return sha256_hex(body); }

}  // namespace spool
