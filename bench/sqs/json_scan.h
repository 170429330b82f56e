#pragma once

// Just enough JSON for the generator: quoting a string, and finding string members by
// name in a response without parsing the document.

#include <cstddef>
#include <string>
#include <string_view>

namespace spool_bench {

// Appends `s` as a JSON string literal (quotes included).
void json_escape_into(std::string_view s, std::string& out);
// Reads a JSON string starting at s[i] == '"'; decodes escapes (\uXXXX to UTF-8).
bool json_read_string(std::string_view s, size_t& i, std::string& out);
size_t count_occurrences(std::string_view body, std::string_view needle);
// True if a "Failed" array is present and non-empty.
bool has_failed_entries(std::string_view body);

// Calls fn(value) for every string-valued member named `key`, anywhere in the document.
template <typename Fn>
void json_each_string(std::string_view body, std::string_view key, Fn&& fn) {
  std::string needle = "\"";
  needle.append(key).append("\"");
  std::string value;
  size_t pos = 0;
  while ((pos = body.find(needle, pos)) != std::string_view::npos) {
    size_t i = pos + needle.size();
    while (i < body.size() && (body[i] == ' ' || body[i] == '\n' || body[i] == '\t' || body[i] == '\r')) ++i;
    if (i >= body.size() || body[i] != ':') {
      pos = i;
      continue;
    }
    ++i;
    while (i < body.size() && (body[i] == ' ' || body[i] == '\n' || body[i] == '\t' || body[i] == '\r')) ++i;
    if (json_read_string(body, i, value)) fn(value);
    pos = i;
  }
}

}  // namespace spool_bench
