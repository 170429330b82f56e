#pragma once

// JsonWriter: compact JSON written straight into a string, for the responses hot enough
// that building a Json tree first shows in profiles (SendMessageBatch, ReceiveMessage,
// the id-only batch results). For the same values in the same order, the text is byte
// for byte what to_json gives for the equivalent tree; the tests hold it to that.
//
// Commas are the writer's job; nesting and key/value pairing are the caller's (checked
// in debug builds). At most 63 levels deep.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"

namespace spool {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // Inside an object, before each member's value. Names are written as given: they must
  // need no escaping (SQS member names do not; checked in debug builds).
  void key(std::string_view name);

  void string(std::string_view text);  // escaped as append_json_string does
  // A string that needs no escaping by construction (hex digits, base64url, ids this
  // server made): quoted without the scan. Checked in debug builds.
  void plain_string(std::string_view text);
  void number(int64_t n);
  void boolean(bool b);
  void value(const Json& v);  // a whole tree, as append_json writes it

  void member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  void plain_member(std::string_view name, std::string_view text) {
    key(name);
    plain_string(text);
  }

 private:
  // Writes the comma every value but the first in its container needs; none after a key.
  void separate();
  // `text` between quotes, then `suffix`, in one append.
  void quoted(std::string_view text, std::string_view suffix);
  void open(char bracket);
  void close(char bracket);

  std::string& out_;
  uint64_t has_value_ = 0;  // bit d: the open container at depth d holds a value already
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace spool
