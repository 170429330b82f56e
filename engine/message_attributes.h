#pragma once

// Message (user) attributes and message system attributes of SendMessage: their
// validation, their share of the message size, and SQS's MD5 over them (spec section 5).
//
// Values arrive decoded: the codecs turn BinaryValue's base64 into raw bytes (with
// base64_decode below) and pick StringValue or BinaryValue by the data type, so a value
// sent in the wrong field reaches validation as an empty value and is refused as such.
//
// Pure functions; safe from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace spool {

struct MessageAttribute {
  std::string name;
  std::string data_type;  // "String", "Number", "Binary", optionally with a ".label" suffix
  std::string value;      // UTF-8 text for String/Number; raw bytes for Binary
  bool is_binary() const;  // the data type's base is Binary

  bool operator==(const MessageAttribute&) const = default;
};

// Stored sorted by name (byte order); the MD5 sorts on its own, so callers need not.
using MessageAttributes = std::vector<MessageAttribute>;

// At most this many user attributes per message.
inline constexpr size_t kMaxMessageAttributes = 10;

// The rules of SendMessage's MessageAttributes, with AWS's error codes and wording:
//  - more than 10                                   -> kInvalidArgument
//  - name: non-empty, <= 256 bytes, [A-Za-z0-9_.-] (and Latin letters U+00C0-U+017F,
//    which AWS accepts), not "AWS."/"Amazon." in any case, no leading/trailing '.',
//    no "..", unique                                 -> kInvalidArgument
//  - data type: non-empty, <= 256 bytes, "String"|"Number"|"Binary" optionally followed
//    by "." and a label of allowed characters       -> kInvalidArgument
//  - value: non-empty; String/Number values of allowed characters (message_body.h);
//    Number values are decimal numbers with at most 38 significant digits and a
//    magnitude of 0 or within 10^-128..10^126       -> kInvalidArgument
// AWS answers InvalidParameterValue for all of these, bad characters in values included.
Status validate_message_attributes(const MessageAttributes& attributes);

// SendMessage's MessageSystemAttributes: only AWSTraceHeader, of type String exactly,
// with a non-empty value of allowed characters. kInvalidArgument otherwise.
Status validate_message_system_attributes(const MessageAttributes& attributes);

// What counts toward MaximumMessageSize: the body's bytes plus, for each user attribute,
// the bytes of its name, its data type and its value (raw bytes for Binary). System
// attributes never count (AWS API reference, SendMessage), so do not pass them here.
size_t message_size_bytes(std::string_view body, const MessageAttributes& attributes);

// MD5OfMessageAttributes (and MD5OfMessageSystemAttributes): hex MD5 over, for each
// attribute in name order, u32 big-endian length + name, u32 length + data type, one
// transport byte (1 String/Number, 2 Binary), u32 length + value. Empty input -> the MD5
// of nothing; SQS omits the member instead, which is the caller's business.
std::string md5_of_message_attributes(const MessageAttributes& attributes);
// The same MD5 as its 16 raw bytes, as messages store it.
std::string md5_digest_of_message_attributes(const MessageAttributes& attributes);

// Lowercase hex MD5 of `bytes` (MD5OfMessageBody, MD5OfBody), and its 16 raw bytes.
std::string md5_hex(std::string_view bytes);
std::string md5_digest(std::string_view bytes);
// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// RFC 4648 base64, standard alphabet, with padding.
std::string base64_encode(std::string_view bytes);
// Strict inverse: length a multiple of 4, padding only at the end, no whitespace.
// kInvalidArgument otherwise.
Result<std::string> base64_decode(std::string_view text);

}  // namespace spool
