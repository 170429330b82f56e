#include "engine/message_body.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/utf8.h"

namespace spool {
namespace {

std::string hex_label(uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "#x%X", static_cast<unsigned>(value));
  return buffer;
}

// The first byte at or after `pos` that is not ASCII 0x20..0x7F, all of which SQS
// allows: the common case, skipped sixteen bytes at a time with SSE2 before code points
// are decoded one by one (the 8-byte word loop it replaced was 1.4% of a
// SendMessageBatch's instructions, and stopped for good at the first newline).
size_t skip_plain_ascii(std::string_view text, size_t pos) {
  const char* p = text.data();
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  for (; pos + 16 <= text.size(); pos += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));
    // Signed: bytes from 0x80 are negative, so one compare finds them and 0x00..0x1F.
    if (const int bits = _mm_movemask_epi8(_mm_cmplt_epi8(v, space)); bits != 0) {
      return pos + static_cast<size_t>(__builtin_ctz(bits));
    }
  }
#endif
  while (pos < text.size() && static_cast<unsigned char>(p[pos]) >= 0x20 && static_cast<unsigned char>(p[pos]) < 0x80) {
    ++pos;
  }
  return pos;
}

}  // namespace

std::optional<std::string> first_disallowed_character(std::string_view text) {
  size_t pos = 0;
  while ((pos = skip_plain_ascii(text, pos)) < text.size()) {
    const Utf8Sequence d = decode_utf8(text, pos);
    if (!d.ok) return hex_label(static_cast<uint8_t>(text[pos]));
    if (!is_xml_char(d.code_point)) return hex_label(d.code_point);
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
