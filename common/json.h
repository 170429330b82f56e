#pragma once

// Json: the value tree behind the AWS JSON 1.0 protocol, and the protocol-neutral form
// of every SQS request and response (the Query codec converts to and from it), so one
// set of action handlers serves both protocols.
//
// Numbers keep their source text: SQS numbers are integers with ranges to check, and a
// double would turn "1e400" or "12.0" into something else silently. Objects keep member
// order (responses read naturally) and are small, so lookups are linear.
//
// Plain values; safe to share read-only between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace spool {

class Json {
 public:
  // kRaw: a value already written as JSON text (by JsonWriter), passed through as is.
  // Only responses use it; whoever needs the tree (the Query codec) parses the text.
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject, kRaw };
  using Member = std::pair<std::string, Json>;

  Json() = default;  // null
  static Json boolean(bool b);
  static Json number(int64_t n);
  static Json number_text(std::string text);  // requires: valid JSON number text
  static Json string(std::string s);
  static Json array();
  static Json object();
  static Json raw(std::string json_text);  // requires: exactly one valid JSON value

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_raw() const { return type_ == Type::kRaw; }

  bool as_bool() const { return bool_; }
  // The number's text, the string's bytes, or a raw value's JSON text.
  const std::string& text() const { return text_; }
  std::string& text() { return text_; }
  // The number as an integer when it is one that fits, else nullopt ("1.5", "1e3").
  std::optional<int64_t> as_int() const;

  const std::vector<Json>& items() const { return items_; }
  std::vector<Json>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // Arrays: append. Objects: set (replacing an existing member of that name).
  Json& push(Json value);
  Json& set(std::string name, Json value);
  // The member, or nullptr (also when this is not an object).
  const Json* find(std::string_view name) const;
  Json* find(std::string_view name);

  bool operator==(const Json& other) const = default;

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

// Appends `text` as a JSON string literal, quotes included. Bytes that are not
// well-formed UTF-8, and lone surrogates, are written as \ufffd: the output is always
// valid JSON, whatever a client sent (error messages quote its input).
void append_json_string(std::string& out, std::string_view text);

// Strict RFC 8259: one value, optional surrounding whitespace, nesting at most 64 deep;
// \u escapes (surrogate pairs included) become UTF-8. kInvalidArgument naming the byte
// offset on any error.
Result<Json> parse_json(std::string_view text);

// Compact JSON text (no spaces). Strings are emitted as UTF-8 with the required escapes.
std::string to_json(const Json& value);
void append_json(std::string& out, const Json& value);

}  // namespace spool
