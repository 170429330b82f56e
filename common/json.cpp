#include "common/json.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/utf8.h"

namespace spool {

Json Json::boolean(bool b) {
  Json j;
  j.type_ = Type::kBool;
  j.bool_ = b;
  return j;
}

Json Json::number(int64_t n) { return number_text(std::to_string(n)); }

Json Json::number_text(std::string text) {
  Json j;
  j.type_ = Type::kNumber;
  j.text_ = std::move(text);
  return j;
}

Json Json::string(std::string s) {
  Json j;
  j.type_ = Type::kString;
  j.text_ = std::move(s);
  return j;
}

Json Json::raw(std::string json_text) {
  Json j;
  j.type_ = Type::kRaw;
  j.text_ = std::move(json_text);
  return j;
}

Json Json::array() {
  Json j;
  j.type_ = Type::kArray;
  return j;
}

Json Json::object() {
  Json j;
  j.type_ = Type::kObject;
  return j;
}

std::optional<int64_t> Json::as_int() const {
  if (type_ != Type::kNumber) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (ec != std::errc() || end != text_.data() + text_.size()) return std::nullopt;
  return v;
}

// Arrays and objects start with room for four: most SQS values are that small, and
// growing 1, 2, 4 cost two extra allocations and moves per value on the hot path.
constexpr size_t kFirstCapacity = 4;

Json& Json::push(Json value) {
  if (items_.empty()) items_.reserve(kFirstCapacity);
  items_.push_back(std::move(value));
  return items_.back();
}

Json& Json::set(std::string name, Json value) {
  for (auto& [k, v] : members_) {
    if (k == name) {
      v = std::move(value);
      return v;
    }
  }
  if (members_.empty()) members_.reserve(kFirstCapacity);
  members_.emplace_back(std::move(name), std::move(value));
  return members_.back().second;
}

const Json* Json::find(std::string_view name) const {
  for (const auto& [k, v] : members_) {
    if (k == name) return &v;
  }
  return nullptr;
}

Json* Json::find(std::string_view name) { return const_cast<Json*>(std::as_const(*this).find(name)); }

namespace {

// The first byte at or after `from` that a string scan must look at: '"', '\\', a byte
// below 0x20 and, when kStopAtHigh (the encoder, which checks UTF-8), any byte from 0x80
// up; text.size() when there is none. Sixteen bytes per step with SSE2: bodies are
// copied through here on every send and receive, and the 8-byte SWAR loop it replaced
// was 8% of a SendMessageBatch's instructions and 9% of a receive's.
template <bool kStopAtHigh>
size_t find_special(std::string_view text, size_t from) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i limit = _mm_set1_epi8(0x1f);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
    if constexpr (kStopAtHigh) {
      // Signed: 0x80..0xFF are negative, so one compare finds them and 0x00..0x1F.
      hit = _mm_or_si128(hit, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    } else {
      hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit));  // v <= 0x1F
    }
    if (const int bits = _mm_movemask_epi8(hit); bits != 0) return i + static_cast<size_t>(__builtin_ctz(bits));
  }
#endif
  for (; i < n; ++i) {
    const auto u = static_cast<unsigned char>(p[i]);
    if (u < 0x20 || u == '"' || u == '\\' || (kStopAtHigh && u >= 0x80)) return i;
  }
  return n;
}

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Json> parse() {
    skip_space();
    Json value;
    Status st = parse_value(value, 0);
    if (!st.ok()) return st;
    skip_space();
    if (pos_ != text_.size()) return fail("unexpected data after the JSON value");
    return value;
  }

 private:
  Status fail(const std::string& what) const {
    return Status(Errc::kInvalidArgument,
                  "malformed JSON at byte " + std::to_string(pos_) + ": " + what);
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status parse_value(Json& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than 64");
    if (pos_ >= text_.size()) return fail("unexpected end");
    char c = text_[pos_];
    switch (c) {
      case '{': return parse_object(out, depth);
      case '[': return parse_array(out, depth);
      case '"':
        out = Json::string({});
        return parse_string(out.text());  // in place: no temporary value to move in
      case 't':
        if (!consume("true")) return fail("invalid literal");
        out = Json::boolean(true);
        return Status();
      case 'f':
        if (!consume("false")) return fail("invalid literal");
        out = Json::boolean(false);
        return Status();
      case 'n':
        if (!consume("null")) return fail("invalid literal");
        out = Json();
        return Status();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
        return fail("unexpected character");
    }
  }

  Status parse_number(Json& out) {
    size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_, ++n;
      return n;
    };
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return fail("invalid number");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return fail("invalid number");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("invalid number");
    }
    out = Json::number_text(std::string(text_.substr(start, pos_ - start)));
    return Status();
  }

  bool read_hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_ + i];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  Status parse_string(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      // Copy the run of plain bytes in one go; bodies can be 256 KiB.
      const size_t run = find_special<false>(text_, pos_);
      out.append(text_.substr(pos_, run - pos_));
      pos_ = run;
      if (pos_ >= text_.size()) return fail("unterminated string");
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return Status();
      }
      if (c != '\\') return fail("control character in string");
      ++pos_;
      if (pos_ >= text_.size()) return fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!read_hex4(&cp)) return fail("invalid \\u escape");
          if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t low = 0;
            if (!consume("\\u") || !read_hex4(&low) || low < 0xdc00 || low > 0xdfff) {
              return fail("unpaired surrogate in \\u escape");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            return fail("unpaired surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail("invalid escape");
      }
    }
  }

  Status parse_array(Json& out, int depth) {
    ++pos_;
    out = Json::array();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return Status();
    }
    std::vector<Json>& items = out.items();
    items.reserve(kFirstCapacity);
    while (true) {
      skip_space();
      // Parsed in place: a value built aside and moved in costs a move and a destructor
      // per node, a tenth of the tree's cost for a SendMessageBatch.
      Status st = parse_value(items.emplace_back(), depth + 1);
      if (!st.ok()) return st;
      skip_space();
      if (pos_ >= text_.size()) return fail("unterminated array");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        return Status();
      }
      return fail("expected ',' or ']'");
    }
  }

  Status parse_object(Json& out, int depth) {
    ++pos_;
    out = Json::object();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return Status();
    }
    std::vector<Json::Member>& members = out.members();
    members.reserve(kFirstCapacity);
    while (true) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a member name");
      Json::Member& member = members.emplace_back();
      Status st = parse_string(member.first);
      if (!st.ok()) return st;
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skip_space();
      st = parse_value(member.second, depth + 1);
      if (!st.ok()) return st;
      // A repeated name replaces the earlier value, as set() does.
      for (size_t i = 0; i + 1 < members.size(); ++i) {
        if (members[i].first == member.first) {
          members[i].second = std::move(member.second);
          members.pop_back();
          break;
        }
      }
      skip_space();
      if (pos_ >= text_.size()) return fail("unterminated object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        return Status();
      }
      return fail("expected ',' or '}'");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  // Runs that need no escape are appended whole: a fetch writes megabytes of values.
  size_t run = 0;
  for (size_t i = 0; i < text.size();) {
    i = find_special<true>(text, i);
    if (i == text.size()) break;
    unsigned char u = static_cast<unsigned char>(text[i]);
    if (u >= 0x80) {
      // Passed on only when well-formed: error messages quote what clients sent, and
      // JSON must be UTF-8.
      Utf8Sequence s = decode_utf8(text, i);
      if (s.ok && (s.code_point < 0xD800 || s.code_point > 0xDFFF)) {
        i += s.length;
        continue;
      }
      out.append(text.data() + run, i - run);
      out += "\\ufffd";
      i += s.length;
      run = i;
      continue;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    ++i;
    switch (static_cast<char>(u)) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out += buf;
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

Result<Json> parse_json(std::string_view text) { return Parser(text).parse(); }

void append_json(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::Type::kNull: out += "null"; return;
    case Json::Type::kBool: out += value.as_bool() ? "true" : "false"; return;
    case Json::Type::kNumber: out += value.text(); return;
    case Json::Type::kString: append_json_string(out, value.text()); return;
    case Json::Type::kRaw: out += value.text(); return;
    case Json::Type::kArray: {
      out += '[';
      bool first = true;
      for (const Json& item : value.items()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case Json::Type::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [name, member] : value.members()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, name);
        out += ':';
        append_json(out, member);
      }
      out += '}';
      return;
    }
  }
}

std::string to_json(const Json& value) {
  std::string out;
  out.reserve(1024);  // a typical response whole, without regrowing
  append_json(out, value);
  return out;
}

}  // namespace spool
