#include "json_scan.h"

#include <cstdio>

namespace spool_bench {

void json_escape_into(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

bool json_read_string(std::string_view s, size_t& i, std::string& out) {
  out.clear();
  if (i >= s.size() || s[i] != '"') return false;
  for (++i; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= s.size()) return false;
    switch (s[i]) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'u': {
        if (i + 4 >= s.size()) return false;
        unsigned cp = static_cast<unsigned>(std::strtoul(std::string(s.substr(i + 1, 4)).c_str(), nullptr, 16));
        i += 4;
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: out.push_back(s[i]);
    }
  }
  return false;
}

size_t count_occurrences(std::string_view body, std::string_view needle) {
  size_t n = 0, pos = 0;
  while ((pos = body.find(needle, pos)) != std::string_view::npos) {
    ++n;
    pos += needle.size();
  }
  return n;
}

bool has_failed_entries(std::string_view body) {
  size_t pos = body.find("\"Failed\"");
  if (pos == std::string_view::npos) return false;
  pos = body.find('[', pos);
  if (pos == std::string_view::npos) return false;
  for (++pos; pos < body.size(); ++pos) {
    char c = body[pos];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c != ']';
  }
  return false;
}

}  // namespace spool_bench
