#include "api/topics/topic_values.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/message_attributes.h"

namespace spool {

Result<ValueFormat> parse_value_format(std::string_view text) {
  if (text == "auto") return ValueFormat::kAuto;
  if (text == "string") return ValueFormat::kString;
  if (text == "base64") return ValueFormat::kBase64;
  return Status(Errc::kInvalidArgument, "value_format is '" + std::string(text) +
                                            "'; must be auto, string or base64");
}

Result<std::optional<std::string>> decode_data_value(const Json* value, std::string_view what) {
  using Out = std::optional<std::string>;
  if (value == nullptr || value->is_null()) return Out();
  if (value->is_string()) return Out(value->text());
  auto bad = [&](const std::string& why) {
    return Status(Errc::kInvalidRecord, std::string(what) + ": " + why);
  };
  if (!value->is_object()) return bad("must be a string, null or {\"type\", \"data\"}");
  const Json* type = value->find("type");
  const Json* data = value->find("data");
  if (type == nullptr || !type->is_string() || data == nullptr || value->members().size() != 2) {
    return bad("an object value needs exactly \"type\" and \"data\"");
  }
  if (type->text() == "STRING") {
    if (!data->is_string()) return bad("STRING data must be a string");
    return Out(data->text());
  }
  if (type->text() == "BINARY") {
    if (!data->is_string()) return bad("BINARY data must be a base64 string");
    auto bytes = base64_decode(data->text());
    if (!bytes) return bad("BINARY data is not valid base64 (standard alphabet, padded)");
    return Out(std::move(*bytes));
  }
  if (type->text() == "JSON") return Out(to_json(*data));
  return bad("type is '" + type->text() + "'; must be STRING, BINARY or JSON");
}

namespace {

// True when every byte is printable ASCII other than '"' and '\\': valid UTF-8 that JSON
// takes as it is. 16 bytes at a time with SSE2 (x86-64's baseline), as values are mostly
// such text and this check was the largest cost of a JSON fetch under callgrind.
bool is_plain_ascii(std::string_view s) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // A signed compare: bytes >= 0x80 are negative, so "below 0x20" catches them too.
    __m128i bad = _mm_or_si128(_mm_cmpgt_epi8(space, v),
                               _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (_mm_movemask_epi8(bad) != 0) return false;
  }
#endif
  for (; i < s.size(); ++i) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

Status append_data_value(std::string& out, const std::optional<std::string_view>& bytes, ValueFormat format) {
  if (!bytes) {
    out += "null";
    return Status();
  }
  if (format != ValueFormat::kBase64 && is_plain_ascii(*bytes)) {
    // The common case, in one pass: nothing to check further and nothing to escape.
    out += '"';
    out += *bytes;
    out += '"';
    return Status();
  }
  bool as_string = format != ValueFormat::kBase64 && is_valid_utf8(*bytes);
  if (format == ValueFormat::kString && !as_string) {
    return Status(Errc::kInvalidArgument, "a stored value is not UTF-8; fetch with value_format=base64 or auto");
  }
  if (as_string) {
    append_json_string(out, *bytes);
  } else {
    out += "{\"type\":\"BINARY\",\"data\":\"";
    out += base64_encode(*bytes);
    out += "\"}";
  }
  return Status();
}

}  // namespace spool
