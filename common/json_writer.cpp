#include "common/json_writer.h"

#include <algorithm>
#include <charconv>

#include "common/check.h"

namespace spool {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  const uint64_t bit = uint64_t{1} << depth_;
  if (depth_ > 0 && (has_value_ & bit) != 0) out_ += ',';
  has_value_ |= bit;
}

void JsonWriter::open(char bracket) {
  separate();
  out_ += bracket;
  ++depth_;
  SPOOL_DCHECK(depth_ < 64);
  has_value_ &= ~(uint64_t{1} << depth_);
}

void JsonWriter::close(char bracket) {
  SPOOL_DCHECK(depth_ > 0 && !after_key_);
  out_ += bracket;
  --depth_;
}

void JsonWriter::key(std::string_view name) {
  SPOOL_DCHECK(!after_key_);
  SPOOL_DCHECK(std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c != '"' && c != '\\'; }));
  separate();
  // One append of the quoted name and colon: keys are most of a response's strings.
  const size_t at = out_.size();
  out_.resize(at + name.size() + 3);
  char* p = out_.data() + at;
  *p++ = '"';
  p = std::copy(name.begin(), name.end(), p);
  *p++ = '"';
  *p = ':';
  after_key_ = true;
}

void JsonWriter::string(std::string_view text) {
  separate();
  append_json_string(out_, text);
}

void JsonWriter::number(int64_t n) {
  separate();
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out_.append(digits, end);
}

void JsonWriter::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
}

void JsonWriter::value(const Json& v) {
  separate();
  append_json(out_, v);
}

}  // namespace spool
