#include "engine/message_attributes.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <set>

#include "common/check.h"
#include "common/md5_lanes.h"
#include "common/random.h"
#include "engine/message_body.h"

namespace spool {
namespace {

constexpr size_t kMaxNameBytes = 256;
constexpr size_t kMaxDataTypeBytes = 256;
constexpr std::array<std::string_view, 3> kBaseTypes = {"String", "Number", "Binary"};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

// The documented set is [A-Za-z0-9_.-]; AWS also accepts Latin letters such as "øßä"
// (LocalStack's AWS-validated test_send_message_with_invalid_string_attributes), so
// U+00C0..U+017F minus the two math signs are let through too. Returns the byte length
// of the character at `pos`, or 0 when it is not allowed.
size_t name_char_length(std::string_view name, size_t pos) {
  const auto c = static_cast<uint8_t>(name[pos]);
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
      c == '-' || c == '.') {
    return 1;
  }
  if (c < 0xC3 || c > 0xC5 || pos + 1 >= name.size()) return 0;
  const auto next = static_cast<uint8_t>(name[pos + 1]);
  if ((next & 0xC0) != 0x80) return 0;
  if (c == 0xC3 && (next < 0x80 || next == 0x97 || next == 0xB7)) return 0;  // U+00D7, U+00F7
  return 2;
}

Status invalid(std::string message) { return Status(Errc::kInvalidArgument, std::move(message)); }

Status validate_name(std::string_view name) {
  if (name.empty()) return invalid("The request must contain non-empty message (user) attribute names.");
  if (name.size() > kMaxNameBytes) {
    return invalid("Message (user) attribute name must be shorter than 256 bytes; it has " +
                   std::to_string(name.size()) + ".");
  }
  if (starts_with_ignoring_case(name, "AWS.") || starts_with_ignoring_case(name, "Amazon.")) {
    return invalid("You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. "
                   "These strings are reserved for internal use. Name: '" + std::string(name) + "'.");
  }
  for (size_t pos = 0; pos < name.size();) {
    const size_t length = name_char_length(name, pos);
    if (length == 0) {
      return invalid("Message (user) attributes name can only contain upper and lower score "
                     "characters, digits, periods, hyphens and underscores. Name: '" +
                     std::string(name) + "'.");
    }
    pos += length;
  }
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return invalid("Message (user) attribute name '" + std::string(name) +
                   "' must not start or end with a period or contain two periods in a row.");
  }
  return Status();
}

// "Number", "Number.float" -> "Number"; "" when the type has no supported base. A base
// must be followed by nothing or by '.' and a label ("Numberish" is refused).
std::string_view base_type(std::string_view data_type) {
  for (std::string_view base : kBaseTypes) {
    if (data_type == base) return base;
    if (data_type.size() > base.size() + 1 && data_type.substr(0, base.size()) == base &&
        data_type[base.size()] == '.') {
      return base;
    }
  }
  return {};
}

// A decimal number as Java's BigDecimal reads it ("-1.5", ".5", "5.", "1e-3"), within
// the precision and range AWS documents for Number attributes: at most 38 significant
// digits; zero or a magnitude from 10^-128 up to 10^126.
enum class NumberCheck { kOk, kNotANumber, kOutOfRange };

NumberCheck check_number(std::string_view text) {
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  std::string digits;  // all mantissa digits, in order
  long point_at = -1;  // digits before the decimal point
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '.' && point_at < 0) {
      point_at = static_cast<long>(digits.size());
    } else {
      break;
    }
  }
  if (digits.empty()) return NumberCheck::kNotANumber;
  if (point_at < 0) point_at = static_cast<long>(digits.size());
  long exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
    const size_t start = pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (exponent < 100000) exponent = exponent * 10 + (text[pos] - '0');
    }
    if (pos == start) return NumberCheck::kNotANumber;
    if (negative) exponent = -exponent;
  }
  if (pos != text.size()) return NumberCheck::kNotANumber;

  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return NumberCheck::kOk;  // zero
  const size_t last = digits.find_last_not_of('0');
  if (last - first + 1 > 38) return NumberCheck::kOutOfRange;
  // value = d.ddd x 10^adjusted, with d the first significant digit.
  const long adjusted = point_at - static_cast<long>(first) - 1 + exponent;
  if (adjusted < -128) return NumberCheck::kOutOfRange;
  if (adjusted > 126 || (adjusted == 126 && last != first)) return NumberCheck::kOutOfRange;
  return NumberCheck::kOk;
}

Status validate_value(const MessageAttribute& attribute, std::string_view base) {
  const std::string quoted = "'" + attribute.name + "'";
  if (attribute.value.empty()) {
    return invalid("Message (user) attribute " + quoted + " must contain a non-empty value of type '" +
                   std::string(base) + "'.");
  }
  if (base == "Binary") return Status();
  if (auto bad = first_disallowed_character(attribute.value)) {
    return invalid("Invalid binary character '" + *bad + "' was found in the value of message (user) attribute " +
                   quoted + ", the set of allowed characters is " + std::string(kAllowedCharactersText) + ".");
  }
  if (base == "Number") {
    switch (check_number(attribute.value)) {
      case NumberCheck::kOk:
        break;
      case NumberCheck::kNotANumber:
        return invalid("Can't cast the value of message (user) attribute " + quoted + " to a number.");
      case NumberCheck::kOutOfRange:
        return invalid("The value of message (user) attribute " + quoted + " is out of range: Number values have at "
                       "most 38 significant digits and a magnitude of 0 or from 10^-128 to 10^126.");
    }
  }
  return Status();
}

void append_length_prefixed(std::string& out, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(bytes);
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  const size_t at = kBase64Alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

bool MessageAttribute::is_binary() const { return base_type(data_type) == "Binary"; }

Status validate_message_attributes(const MessageAttributes& attributes) {
  if (attributes.size() > kMaxMessageAttributes) {
    return invalid("Number of message attributes [" + std::to_string(attributes.size()) +
                   "] exceeds the allowed maximum [10].");
  }
  std::set<std::string_view> seen;
  for (const MessageAttribute& attribute : attributes) {
    if (Status s = validate_name(attribute.name); !s.ok()) return s;
    if (!seen.insert(attribute.name).second) {
      return invalid("Message (user) attribute name '" + attribute.name + "' is given more than once.");
    }
    if (attribute.data_type.empty()) {
      return invalid("The message attribute '" + attribute.name + "' must contain a non-empty attribute type.");
    }
    if (attribute.data_type.size() > kMaxDataTypeBytes) {
      return invalid("Message (user) attribute type must be shorter than 256 bytes; the type of '" +
                     attribute.name + "' has " + std::to_string(attribute.data_type.size()) + ".");
    }
    const std::string_view base = base_type(attribute.data_type);
    if (base.empty() || !is_allowed_sqs_text(attribute.data_type)) {
      return invalid("The type of message (user) attribute '" + attribute.name +
                     "' is invalid. You must use only the following supported type prefixes: "
                     "Binary, Number, String.");
    }
    if (Status s = validate_value(attribute, base); !s.ok()) return s;
  }
  return Status();
}

Status validate_message_system_attributes(const MessageAttributes& attributes) {
  for (const MessageAttribute& attribute : attributes) {
    if (attribute.name != "AWSTraceHeader") {
      return invalid("Message system attribute name '" + attribute.name + "' is invalid.");
    }
    if (attribute.data_type != "String") {
      return invalid("The message system attribute 'AWSTraceHeader' must be of type 'String', not '" +
                     attribute.data_type + "'.");
    }
    if (attribute.value.empty()) {
      return invalid("Message system attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.");
    }
    if (auto bad = first_disallowed_character(attribute.value)) {
      return invalid("Invalid binary character '" + *bad +
                     "' was found in the value of message system attribute 'AWSTraceHeader'.");
    }
  }
  if (attributes.size() > 1) {
    return invalid("Message system attribute name 'AWSTraceHeader' is given more than once.");
  }
  return Status();
}

size_t message_size_bytes(std::string_view body, const MessageAttributes& attributes) {
  size_t total = body.size();
  for (const MessageAttribute& a : attributes) total += a.name.size() + a.data_type.size() + a.value.size();
  return total;
}

std::string md5_digest_of_message_attributes(const MessageAttributes& attributes) {
  std::vector<const MessageAttribute*> sorted;
  sorted.reserve(attributes.size());
  for (const MessageAttribute& a : attributes) sorted.push_back(&a);
  std::sort(sorted.begin(), sorted.end(),
            [](const MessageAttribute* x, const MessageAttribute* y) { return x->name < y->name; });
  std::string encoded;
  for (const MessageAttribute* a : sorted) {
    append_length_prefixed(encoded, a->name);
    append_length_prefixed(encoded, a->data_type);
    encoded.push_back(a->is_binary() ? char{2} : char{1});
    append_length_prefixed(encoded, a->value);
  }
  return md5_digest(encoded);
}

std::string md5_of_message_attributes(const MessageAttributes& attributes) {
  return hex_encode(md5_digest_of_message_attributes(attributes));
}

namespace {

// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up in the
// provider on every digest (EVP_MD_fetch was 3% of a SendMessageBatch's CPU).
const EVP_MD* fetched(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  SPOOL_CHECK(md != nullptr);
  return md;
}

std::string hex_digest(std::string_view bytes, const EVP_MD* kind) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  // These only fail on allocation failure or a missing provider; MD5 and SHA-256 are in
  // the default provider, so a failure is a broken installation, not a client error.
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), kind, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace

std::string md5_digest(std::string_view bytes) {
  const Md5Digest digest = md5(bytes);
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string md5_hex(std::string_view bytes) { return hex_encode(md5_digest(bytes)); }

std::string sha256_hex(std::string_view bytes) {
  static const EVP_MD* const sha256 = fetched("SHA256");
  return hex_digest(bytes, sha256);
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                       uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64Alphabet[(v >> shift) & 0x3F]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out.push_back(kBase64Alphabet[(v >> 18) & 0x3F]);
    out.push_back(kBase64Alphabet[(v >> 12) & 0x3F]);
    out.push_back(rest == 2 ? kBase64Alphabet[(v >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Status(Errc::kInvalidArgument, "Invalid base64: length " + std::to_string(text.size()) +
                                              " is not a multiple of 4.");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last_group = i + 4 == text.size();
    size_t padding = 0;
    if (last_group) padding = text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      const int d = j < 4 - padding ? base64_value(text[i + j]) : 0;
      if (d < 0) {
        return Status(Errc::kInvalidArgument,
                      "Invalid base64: unexpected character at offset " + std::to_string(i + j) + ".");
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<char>(v >> 16));
    if (padding < 2) out.push_back(static_cast<char>(v >> 8));
    if (padding < 1) out.push_back(static_cast<char>(v));
  }
  return out;
}

}  // namespace spool
