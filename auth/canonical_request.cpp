// The low-level SHA256_* functions are deprecated in OpenSSL 3 but still built; see sha256().
#define OPENSSL_SUPPRESS_DEPRECATED

#include "auth/canonical_request.h"

#include <algorithm>

#include <openssl/sha.h>

#include "common/random.h"

namespace spool::sigv4 {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}


// Raw digest bytes as the std::string_view common/random.h's hex encoders take.
template <size_t N>
std::string_view bytes_of(const std::array<unsigned char, N>& a) {
  return {reinterpret_cast<const char*>(a.data()), N};
}

// botocore's remove_dot_segments (botocore/utils.py): also drops empty segments, which
// AWS services require.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!segment.empty() && segment != ".") {
      out.push_back(segment);
    }
    start = end + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

// OpenSSL 3's one-shot HMAC() and EVP digests fetch the algorithm or allocate a context on
// every call, ~2 us each: most of a verification. SHA-256 runs on the low-level SHA256_*
// functions (a plain struct on the stack) and HMAC on common/hmac_sha256.h; the published
// vectors in tests/auth/sigv4_test.cpp pin both.
using Digest = std::array<unsigned char, 32>;

Digest sha256(std::string_view data) {
  Digest out{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

SigningKey hmac(const unsigned char* key, size_t key_size, std::string_view message) {
  const HmacSha256::Mac mac = HmacSha256(std::string_view(reinterpret_cast<const char*>(key), key_size))(message);
  SigningKey out;
  std::copy(mac.begin(), mac.end(), out.begin());
  return out;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string canonical_uri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  // Without dots or empty segments there is nothing to remove ("/" itself, every JSON
  // protocol request, among them).
  if (raw_path.find('.') == std::string_view::npos && raw_path.find("//") == std::string_view::npos) {
    return uri_encode(raw_path, /*keep_slash=*/true);
  }
  return uri_encode(remove_dot_segments(raw_path), /*keep_slash=*/true);
}

std::string canonical_query(const FormParams& params, std::string_view excluded) {
  FormParams encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (!excluded.empty() && name == excluded) continue;
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

namespace {

// Trims and collapses runs of spaces (and tabs) to one space, appending to `out`.
void append_trimmed(std::string& out, std::string_view value) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = value.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return;
  value = value.substr(first, value.find_last_not_of(kSpace) - first + 1);
  // The usual value (a date, a content type, a host) has nothing inside to collapse.
  if (value.find_first_of("\t\r\n") == std::string_view::npos && value.find("  ") == std::string_view::npos) {
    out.append(value);
    return;
  }
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = true;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
}

}  // namespace

std::string canonical_headers(std::span<const Header> headers, std::string_view signed_headers) {
  std::string out;
  append_canonical_headers(out, headers, signed_headers);
  return out;
}

void append_canonical_headers(std::string& out, std::span<const Header> headers, std::string_view signed_headers) {
  size_t start = 0;
  while (start <= signed_headers.size()) {
    size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) end = signed_headers.size();
    std::string_view name = signed_headers.substr(start, end - start);
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [header_name, value] : headers) {
      if (header_name != name) continue;
      if (!first) out += ',';
      first = false;
      append_trimmed(out, value);
    }
    out += '\n';
    start = end + 1;
  }
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  canonical_request_into(out, method, canonical_uri, canonical_query, canonical_headers, signed_headers,
                         payload_hash);
  return out;
}

void canonical_request_into(std::string& out, std::string_view method, std::string_view canonical_uri,
                            std::string_view canonical_query, std::string_view canonical_headers,
                            std::string_view signed_headers, std::string_view payload_hash) {
  out.clear();
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() + canonical_headers.size() +
              signed_headers.size() + payload_hash.size() + 5);
  out.append(method).append("\n");
  out.append(canonical_uri).append("\n");
  out.append(canonical_query).append("\n");
  out.append(canonical_headers).append("\n");
  out.append(signed_headers).append("\n");
  out.append(payload_hash);
}

std::string credential_scope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out;
  out.append(date).append("/").append(region).append("/").append(service).append("/").append(kTerminator);
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out;
  string_to_sign_into(out, amz_date, scope, canonical_request);
  return out;
}

void string_to_sign_into(std::string& out, std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  const Sha256Hex hash = sha256_hex_chars(canonical_request);
  out.assign(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(hash.data(), hash.size());
}

SigningKey derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                              std::string_view service) {
  std::string first = "AWS4";
  first.append(secret);
  SigningKey k_date = hmac(reinterpret_cast<const unsigned char*>(first.data()), first.size(), date);
  SigningKey k_region = hmac(k_date.data(), k_date.size(), region);
  SigningKey k_service = hmac(k_region.data(), k_region.size(), service);
  return hmac(k_service.data(), k_service.size(), kTerminator);
}

std::string signature_hex(const SigningKey& key, std::string_view string_to_sign) {
  SigningKey mac = hmac(key.data(), key.size(), string_to_sign);
  return hex_encode(bytes_of(mac));
}

std::string signature_hex(const HmacSha256& keyed, std::string_view string_to_sign) {
  return hex_encode(bytes_of(keyed(string_to_sign)));
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(bytes_of(sha256(data)));
}

Sha256Hex sha256_hex_chars(std::string_view data) {
  Sha256Hex out;
  hex_encode_to(bytes_of(sha256(data)), out.data());
  return out;
}

}  // namespace spool::sigv4
