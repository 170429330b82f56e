#include "engine/message_body.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace spool {
namespace {

// One step of UTF-8 decoding. `ok` is false when the bytes at `pos` are not a
// well-formed sequence; then `bad_byte` is the byte that starts it. Surrogates
// (ED A0..BF xx) are decoded rather than refused here, so that the error names
// "#xD800" the way AWS would name the character, and the allowed-set check refuses it.
struct Decoded {
  bool ok = false;
  char32_t code_point = 0;
  size_t length = 1;
  uint8_t bad_byte = 0;
};

Decoded decode_at(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(pos);
  Decoded out;
  out.bad_byte = lead;
  if (lead < 0x80) {
    out.ok = true;
    out.code_point = lead;
    return out;
  }
  size_t length = 0;
  char32_t min_value = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min_value = 0x80, value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min_value = 0x800, value = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min_value = 0x10000, value = lead & 0x07;
  } else {
    return out;  // continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (pos + length > text.size()) return out;  // truncated
  for (size_t i = 1; i < length; ++i) {
    const uint8_t next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return out;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF) return out;  // overlong or too large
  out.ok = true;
  out.code_point = value;
  out.length = length;
  return out;
}

bool is_allowed_code_point(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

std::string hex_label(uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "#x%X", static_cast<unsigned>(value));
  return buffer;
}

}  // namespace

namespace {

// True when all 8 bytes are printable ASCII (0x20..0x7E), all of which SQS allows: the
// common case, checked a word at a time before decoding code points one by one (the
// byte loop was 4% of SendMessageBatch's CPU).
bool is_printable_ascii_word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  // A byte < 0x20 borrows from its high bit in (w - 0x20..); a byte >= 0x7F has it set in
  // (w + 0x01..) or in w itself. Neither may show in any byte.
  uint64_t below = (w - 0x20 * kOnes) & ~w & kHigh;
  uint64_t above = ((w + 0x01 * kOnes) | w) & kHigh;
  return (below | above) == 0;
}

}  // namespace

std::optional<std::string> first_disallowed_character(std::string_view text) {
  size_t pos = 0;
  while (pos + 8 <= text.size() && is_printable_ascii_word(text.data() + pos)) pos += 8;
  while (pos < text.size()) {
    const Decoded d = decode_at(text, pos);
    if (!d.ok) return hex_label(d.bad_byte);
    if (!is_allowed_code_point(d.code_point)) return hex_label(d.code_point);
    pos += d.length;
  }
  return std::nullopt;
}

bool is_allowed_sqs_text(std::string_view text) {
  return !first_disallowed_character(text).has_value();
}

Status validate_message_body(std::string_view body) {
  if (body.empty()) {
    return Status(Errc::kMissingParameter, "The request must contain the parameter MessageBody.");
  }
  if (auto bad = first_disallowed_character(body)) {
    return Status(Errc::kInvalidMessageContents,
                  "Invalid binary character '" + *bad +
                      "' was found in the message body, the set of allowed characters is " +
                      std::string(kAllowedCharactersText) + ".");
  }
  return Status();
}

}  // namespace spool
