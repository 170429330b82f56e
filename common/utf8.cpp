#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace spool {

Utf8Sequence decode_utf8(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(pos);
  Utf8Sequence out;
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

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII, 8 bytes at a time: most text is.
    if (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    Utf8Sequence s = decode_utf8(text, i);
    if (!s.ok || (s.code_point >= 0xD800 && s.code_point <= 0xDFFF)) return false;
    i += s.length;
  }
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace spool
