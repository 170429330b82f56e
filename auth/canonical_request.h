#pragma once

// The pieces of an AWS Signature Version 4 computation (spec/sqs-api.md section 10), as
// pure functions over strings, so that auth/sigv4.cpp reads as the verification steps and
// tests can reproduce AWS's published vectors (which use other services than "sqs").
//
//   canonical request = method \n canonical URI \n canonical query \n
//                       canonical headers \n signed headers \n payload hash
//   string to sign    = AWS4-HMAC-SHA256 \n <amz date> \n <scope> \n hex(sha256(canonical request))
//   signature         = hex(HMAC(kSigning, string to sign)), kSigning derived from the secret
//
// Each normalization follows what botocore's SigV4Auth signs (botocore/auth.py), since the
// server must rebuild exactly the bytes the client hashed.
//
// Pure functions; safe from any thread.

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/form_codec.h"
#include "common/hmac_sha256.h"

namespace spool::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

using Header = std::pair<std::string, std::string>;  // lower-case name, value as received
using SigningKey = std::array<unsigned char, 32>;

// RFC 3986: keeps A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash), %XX (upper hex) for every
// other byte. Multi-byte UTF-8 is encoded byte by byte.
std::string uri_encode(std::string_view text, bool keep_slash);

// Query strings are decoded with common/form_codec.h's parse_form, as the api decodes
// them, so both sides agree on what was signed.

// The canonical URI of a path as received (still percent-encoded): dot segments and empty
// segments removed, then every byte but unreserved ones and '/' encoded once more. Non-S3
// services sign the path encoded twice, so "/a%20b" canonicalizes to "/a%2520b"; "" is "/".
std::string canonical_uri(std::string_view raw_path);

// Parameters re-encoded with uri_encode, sorted by name then value, joined with '&';
// a parameter named `excluded` (the presigned X-Amz-Signature) is left out.
std::string canonical_query(const FormParams& params, std::string_view excluded = {});

// "name:value\n" for each name of `signed_headers` ("host;x-amz-date", in the client's
// order), values trimmed with runs of spaces collapsed; repeated headers joined with ','.
// A signed header absent from the request contributes an empty value.
std::string canonical_headers(std::span<const Header> headers, std::string_view signed_headers);
void append_canonical_headers(std::string& out, std::span<const Header> headers, std::string_view signed_headers);

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash);
// The same into `out` (cleared first): a verifier reuses one buffer per thread.
void canonical_request_into(std::string& out, std::string_view method, std::string_view canonical_uri,
                            std::string_view canonical_query, std::string_view canonical_headers,
                            std::string_view signed_headers, std::string_view payload_hash);

// "<yyyymmdd>/<region>/<service>/aws4_request".
std::string credential_scope(std::string_view date, std::string_view region, std::string_view service);

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
// The same into `out` (cleared first): a verifier reuses one buffer per thread.
void string_to_sign_into(std::string& out, std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
SigningKey derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                              std::string_view service);

// Lower-case hex.
std::string signature_hex(const SigningKey& key, std::string_view string_to_sign);
// The same under the signing key already keyed (HmacSha256(signing key)): what a verifier
// caches, as it saves hashing the key's two padded blocks for every signature.
std::string signature_hex(const HmacSha256& keyed_signing_key, std::string_view string_to_sign);
std::string sha256_hex(std::string_view data);
using Sha256Hex = std::array<char, 64>;
Sha256Hex sha256_hex_chars(std::string_view data);

}  // namespace spool::sigv4
