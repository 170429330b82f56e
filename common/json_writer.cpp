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

namespace {

[[maybe_unused]] bool needs_no_escape(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c != '"' && c != '\\'; });
}

}  // namespace

void JsonWriter::quoted(std::string_view text, std::string_view suffix) {
  // Keys and plain values are most of a response's strings: one append each, not three.
  char buffer[128];
  if (text.size() + suffix.size() + 2 > sizeof buffer) {
    out_ += '"';
    out_.append(text);
    out_ += '"';
    out_.append(suffix);
    return;
  }
  char* p = buffer;
  *p++ = '"';
  p = std::copy(text.begin(), text.end(), p);
  *p++ = '"';
  p = std::copy(suffix.begin(), suffix.end(), p);
  out_.append(buffer, static_cast<size_t>(p - buffer));
}

void JsonWriter::key(std::string_view name) {
  SPOOL_DCHECK(!after_key_);
  SPOOL_DCHECK(needs_no_escape(name));
  separate();
  quoted(name, ":");
  after_key_ = true;
}

void JsonWriter::plain_string(std::string_view text) {
  SPOOL_DCHECK(needs_no_escape(text));
  separate();
  quoted(text, {});
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
