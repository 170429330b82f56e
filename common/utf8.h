#pragma once

// UTF-8 decoding and encoding shared by the validators (message bodies, topic values) and
// the response encoders, which must emit well-formed JSON and XML whatever bytes a client
// sent (error messages quote the offending input).
//
// Pure functions; safe from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace spool {

// One sequence at `pos` (< text.size()). `ok` is false when the bytes there are not a
// well-formed sequence: a continuation byte, C0/C1, F5..FF, a truncated sequence, an
// overlong form or a value past U+10FFFF; then length is 1. Surrogates (ED A0..BF xx)
// decode as their code points: whether they are allowed is the caller's rule.
struct Utf8Sequence {
  bool ok = false;
  char32_t code_point = 0;
  size_t length = 1;
};
Utf8Sequence decode_utf8(std::string_view text, size_t pos);

// Well-formed UTF-8 without surrogates (RFC 3629).
bool is_valid_utf8(std::string_view text);

// Appends `code_point` (<= U+10FFFF) encoded as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

// XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]. Also the characters SQS accepts in message bodies.
constexpr bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// U+FFFD, what encoders write for a sequence they cannot pass on.
inline constexpr char32_t kReplacementCharacter = 0xFFFD;

}  // namespace spool
