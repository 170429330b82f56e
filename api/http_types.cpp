#include "api/http_types.h"

namespace spool {

const std::string& HttpRequest::header(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return kEmpty;
}

void HttpRequest::add_header(std::string name, std::string_view value) {
  for (auto& [n, v] : headers) {
    if (n == name) {
      v += ", ";
      v += value;
      return;
    }
  }
  if (headers.empty()) headers.reserve(12);
  headers.emplace_back(std::move(name), value);
}

}  // namespace spool
