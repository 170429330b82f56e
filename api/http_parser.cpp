#include "api/http_parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace spool {
namespace {

// RFC 9110 tchar: what a method or a header name may contain. A table rather than
// std::isalnum: the locale-aware call was a measurable part of every request's head.
constexpr std::array<bool, 256> kTchar = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (unsigned char c : std::string_view("!#$%&'*+-.^_`|~")) t[c] = true;
  return t;
}();

bool is_tchar(unsigned char c) { return kTchar[c]; }

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return is_tchar(c); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// A control byte other than tab, or DEL: what a field value may not contain (RFC 9110
// section 5.5). Sixteen bytes at a time, as values (Authorization, User-Agent) are long.
bool has_control_byte(std::string_view value) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i below_space = _mm_set1_epi8(0x1f), tab = _mm_set1_epi8('\t'), del = _mm_set1_epi8(0x7f);
  for (; i + 16 <= value.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, below_space), below_space);  // v <= 0x1f
    const __m128i bad = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(v, tab), control), _mm_cmpeq_epi8(v, del));
    if (_mm_movemask_epi8(bad) != 0) return true;
  }
#endif
  for (; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

// The end of a request head (just past the empty line that closes it: "\n\n" or
// "\n\r\n") in `buf`, looking at line ends from `from` on; npos when not there yet.
size_t find_head_end(std::string_view buf, size_t from) {
  while (from < buf.size()) {
    const void* nl = std::memchr(buf.data() + from, '\n', buf.size() - from);
    if (nl == nullptr) return std::string_view::npos;
    size_t i = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
    if (i + 1 < buf.size() && buf[i + 1] == '\n') return i + 2;
    if (i + 2 < buf.size() && buf[i + 1] == '\r' && buf[i + 2] == '\n') return i + 3;
    from = i + 1;
  }
  return std::string_view::npos;
}

// Calls `each` for every comma-separated, trimmed, non-empty element of a header value.
template <class F>
void for_each_element(std::string_view value, F each) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) each(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Decimal digits only (no sign, no spaces): what Content-Length allows.
bool parse_length(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 15) return false;  // 15 digits: far past any body we keep
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  out = n;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr size_t kMaxChunkLine = 4096;
constexpr uint64_t kMaxChunkSize = uint64_t{1} << 40;  // a guard against overflow, not a limit we rely on

}  // namespace

HttpRequestParser::HttpRequestParser(size_t max_body_bytes, size_t max_header_bytes)
    : max_body_bytes_(max_body_bytes), max_header_bytes_(max_header_bytes) {}

void HttpRequestParser::fail(int status) {
  state_ = State::kError;
  error_status_ = status;
}

void HttpRequestParser::complete() {
  phase_ = Phase::kDone;
  state_ = State::kComplete;
}

HttpRequest HttpRequestParser::take() {
  HttpRequest out = std::move(request_);
  request_ = HttpRequest();
  state_ = State::kNeedMore;
  phase_ = Phase::kHeaders;
  line_.clear();
  remaining_ = 0;
  body_seen_ = 0;
  body_too_large_ = false;
  keep_alive_ = true;
  expect_continue_ = false;
  return out;
}

size_t HttpRequestParser::feed(std::string_view data) {
  size_t used = 0;
  while (state_ == State::kNeedMore && used < data.size()) {
    std::string_view rest = data.substr(used);
    switch (phase_) {
      case Phase::kHeaders:
        used += feed_headers(rest);
        break;
      case Phase::kBody: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, rest.size()));
        append_body(rest.substr(0, n));
        remaining_ -= n;
        used += n;
        if (remaining_ == 0) complete();
        break;
      }
      case Phase::kChunkSize:
        used += feed_line(rest, false);
        break;
      case Phase::kChunkData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, rest.size()));
        append_body(rest.substr(0, n));
        remaining_ -= n;
        used += n;
        if (remaining_ == 0) phase_ = Phase::kChunkDataEnd;
        break;
      }
      case Phase::kChunkDataEnd:
      case Phase::kTrailers:
        used += feed_line(rest, true);
        break;
      case Phase::kDone:
        return used;
    }
  }
  return used;
}

size_t HttpRequestParser::feed_headers(std::string_view data) {
  // Empty lines before a request line are ignored (RFC 9112 section 2.2).
  size_t skipped = 0;
  if (line_.empty()) {
    while (skipped < data.size() && (data[skipped] == '\r' || data[skipped] == '\n')) ++skipped;
    data.remove_prefix(skipped);
    if (data.empty()) return skipped;
    // The usual case: the whole head came in one read. Parse it where it lies.
    size_t end = find_head_end(data, 0);
    if (end != std::string_view::npos) {
      if (end > max_header_bytes_) {
        fail(431);
        return skipped + data.size();
      }
      parse_head(data.substr(0, end));
      return skipped + end;
    }
  }
  // Search only the new bytes (and the two before them), so a head arriving byte by byte
  // costs linear time.
  size_t old_size = line_.size();
  size_t start = old_size >= 2 ? old_size - 2 : 0;
  line_.append(data);
  size_t end = find_head_end(line_, start);
  if (end == std::string::npos) {
    if (line_.size() > max_header_bytes_) fail(431);
    return skipped + data.size();
  }
  if (end > max_header_bytes_) {
    fail(431);
    return skipped + data.size();
  }
  size_t used_here = end - old_size;
  std::string head = std::move(line_);
  head.resize(end);
  line_.clear();
  parse_head(head);
  return skipped + used_here;
}

void HttpRequestParser::parse_head(std::string_view head) {
  size_t eol = head.find('\n');
  std::string_view request_line = trim(head.substr(0, eol));
  head.remove_prefix(eol + 1);

  size_t sp1 = request_line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos) return fail(400);
  std::string_view method = request_line.substr(0, sp1);
  std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = request_line.substr(sp2 + 1);
  if (!is_token(method) || target.empty()) return fail(400);
  bool is_http10 = false;
  if (version == "HTTP/1.0") {
    is_http10 = true;
  } else if (version != "HTTP/1.1") {
    if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[5] >= '2' && version[5] <= '9') {
      return fail(505);
    }
    return fail(400);
  }
  for (unsigned char c : target) {
    if (c <= 0x20 || c == 0x7f) return fail(400);
  }
  if (target.substr(0, 7) == "http://" || target.substr(0, 8) == "https://") {
    size_t authority = target.find("//") + 2;
    size_t slash = target.find('/', authority);
    size_t question = target.find('?', authority);
    size_t cut = std::min(slash, question);
    target = cut == std::string_view::npos ? std::string_view("/") : target.substr(cut);
    if (!target.empty() && target.front() == '?') {
      request_.path.assign(1, '/');  // not = "/": g++ 12 misreports it with -Wrestrict
      request_.query = std::string(target.substr(1));
      target = {};
    }
  } else if (target.front() != '/' && target != "*") {
    return fail(400);
  }
  if (!target.empty()) {
    size_t question = target.find('?');
    request_.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) request_.query = std::string(target.substr(question + 1));
  }
  request_.method = std::string(method);

  bool has_length = false;
  uint64_t length = 0;
  bool chunked = false;
  bool has_transfer_encoding = false;
  keep_alive_ = !is_http10;
  while (!head.empty()) {
    eol = head.find('\n');
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the block's final empty line
    if (line.front() == ' ' || line.front() == '\t') return fail(400);  // obsolete line folding
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return fail(400);
    std::string name = lower(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (has_control_byte(value)) return fail(400);
    if (name == "content-length") {
      uint64_t n = 0;
      if (!parse_length(value, n) || (has_length && n != length)) return fail(400);
      has_length = true;
      length = n;
    } else if (name == "transfer-encoding") {
      has_transfer_encoding = true;
      bool ok = true;
      for_each_element(value, [&](std::string_view coding) {
        if (iequals(coding, "chunked") && !chunked) {
          chunked = true;
        } else {
          ok = false;
        }
      });
      if (!ok) return fail(501);
    } else if (name == "connection") {
      for_each_element(value, [&](std::string_view option) {
        if (iequals(option, "close")) keep_alive_ = false;
        if (iequals(option, "keep-alive") && is_http10) keep_alive_ = true;
      });
    } else if (name == "expect") {
      if (iequals(value, "100-continue")) expect_continue_ = true;
    }
    request_.add_header(std::move(name), value);
  }
  if (has_transfer_encoding && (has_length || !chunked)) return fail(400);

  if (chunked) {
    phase_ = Phase::kChunkSize;
  } else if (has_length && length > 0) {
    remaining_ = length;
    if (length > max_body_bytes_) {
      body_too_large_ = true;
    } else {
      request_.body.reserve(static_cast<size_t>(length));
    }
    phase_ = Phase::kBody;
  } else {
    complete();
  }
}

void HttpRequestParser::drop_body() {
  body_too_large_ = true;
  std::string().swap(request_.body);
}

void HttpRequestParser::append_body(std::string_view bytes) {
  body_seen_ += bytes.size();
  if (body_too_large_) return;
  if (request_.body.size() + bytes.size() > max_body_bytes_) return drop_body();
  request_.body.append(bytes);
}

size_t HttpRequestParser::feed_line(std::string_view data, bool is_trailer) {
  size_t eol = data.find('\n');
  size_t used = eol == std::string_view::npos ? data.size() : eol + 1;
  line_.append(data.substr(0, used));
  size_t limit = is_trailer ? max_header_bytes_ : kMaxChunkLine;
  if (line_.size() > limit) {
    fail(is_trailer ? 431 : 400);
    return used;
  }
  if (eol == std::string_view::npos) return used;

  std::string_view line = line_;
  line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  switch (phase_) {
    case Phase::kChunkSize: {
      std::string_view digits = trim(line.substr(0, line.find(';')));
      if (digits.empty()) return fail(400), used;
      uint64_t size = 0;
      for (char c : digits) {
        int v = hex_value(c);
        if (v < 0 || size > kMaxChunkSize) return fail(400), used;
        size = size * 16 + static_cast<uint64_t>(v);
      }
      if (size > kMaxChunkSize) return fail(400), used;
      remaining_ = size;
      phase_ = size == 0 ? Phase::kTrailers : Phase::kChunkData;
      if (size > 0 && body_seen_ + size > max_body_bytes_) drop_body();
      break;
    }
    case Phase::kChunkDataEnd:
      if (!line.empty()) return fail(400), used;
      phase_ = Phase::kChunkSize;
      break;
    case Phase::kTrailers:
      if (line.empty()) complete();  // trailer fields are read and ignored
      break;
    default:
      break;
  }
  line_.clear();
  return used;
}

}  // namespace spool
