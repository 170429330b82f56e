#include "http_response.h"

#include <cctype>
#include <cstdlib>

namespace spool_bench {
namespace {

bool ieq_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
  return v;
}

}  // namespace

int parse_response(std::string_view buf, bool eof, Response& r) {
  size_t hdr_end = buf.find("\r\n\r\n");
  if (hdr_end == std::string_view::npos) return eof ? -1 : 0;
  std::string_view head = buf.substr(0, hdr_end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return -1;
  r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  bool http10 = status_line.substr(0, 8) == "HTTP/1.0";
  r.close = http10;
  long content_length = -1;
  bool chunked = false;
  size_t p = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (p < head.size()) {
    size_t e = head.find("\r\n", p);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(p, e - p);
    p = e + 2;
    if (ieq_prefix(line, "content-length:")) {
      content_length = std::atol(std::string(trim(line.substr(15))).c_str());
    } else if (ieq_prefix(line, "transfer-encoding:")) {
      std::string_view v = trim(line.substr(18));
      chunked = v.find("chunked") != std::string_view::npos || v.find("Chunked") != std::string_view::npos;
    } else if (ieq_prefix(line, "connection:")) {
      std::string v(trim(line.substr(11)));
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (v == "close") r.close = true;
      if (v == "keep-alive") r.close = false;
    }
  }
  size_t body_start = hdr_end + 4;
  if (r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200)) {
    r.body = {};
    r.consumed = body_start;
    return 1;
  }
  if (chunked) {
    r.decoded.clear();
    size_t q = body_start;
    for (;;) {
      size_t e = buf.find("\r\n", q);
      if (e == std::string_view::npos) return eof ? -1 : 0;
      unsigned long n = std::strtoul(std::string(buf.substr(q, e - q)).c_str(), nullptr, 16);
      q = e + 2;
      if (n == 0) {
        // trailers until an empty line
        for (;;) {
          size_t t = buf.find("\r\n", q);
          if (t == std::string_view::npos) return eof ? -1 : 0;
          bool empty = t == q;
          q = t + 2;
          if (empty) break;
        }
        r.body = r.decoded;
        r.consumed = q;
        return 1;
      }
      if (buf.size() < q + n + 2) return eof ? -1 : 0;
      r.decoded.append(buf.substr(q, n));
      q += n + 2;
    }
  }
  if (content_length >= 0) {
    if (buf.size() < body_start + static_cast<size_t>(content_length)) return eof ? -1 : 0;
    r.body = buf.substr(body_start, static_cast<size_t>(content_length));
    r.consumed = body_start + static_cast<size_t>(content_length);
    return 1;
  }
  // No length: the body runs until the server closes.
  r.close = true;
  if (!eof) return 0;
  r.body = buf.substr(body_start);
  r.consumed = buf.size();
  return 1;
}

}  // namespace spool_bench
