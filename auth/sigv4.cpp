#include "auth/sigv4.h"

#include <chrono>
#include <optional>
#include <unordered_map>

#include <openssl/crypto.h>

#include "auth/canonical_request.h"
#include "common/random.h"

namespace spool {
namespace {


constexpr std::string_view kService = "sqs";
constexpr int64_t kMaxSkewSeconds = 15 * 60;
constexpr int64_t kMaxExpiresSeconds = 7 * 24 * 60 * 60;  // SigV4 keys live a week at most
// Signing keys change daily; a handful of tenants per thread is the common case. Clearing
// the whole cache when it fills keeps the code trivial and the memory bounded (~100 KB).
constexpr size_t kMaxCachedKeys = 1024;

// AWS's own wording, as SQS and its Coral front end return it (quoted in SDK issues and by
// server-side SigV4 verifiers built against AWS: dynalite, scratchstack-aws-signature).
constexpr std::string_view kMissingTokenMessage = "Request is missing Authentication Token";
constexpr std::string_view kInvalidTokenMessage = "The security token included in the request is invalid.";
constexpr std::string_view kMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details.";
constexpr std::string_view kHostNotSignedMessage =
    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

// What the two forms have in common once parsed. The views point into the request's
// Authorization header or its decoded query, both of which outlive the claim.
struct Claim {
  bool is_presigned = false;
  std::string_view algorithm;
  std::string_view credential;  // "<id>/<yyyymmdd>/<region>/<service>/aws4_request"
  std::string_view signed_headers;
  std::string_view signature;
  std::string amz_date;  // compact ISO 8601 ("20260115T123000Z"), as signed
  int64_t date_seconds = 0;
  std::optional<int64_t> expires_seconds;  // presigned only
};

struct Refusal {
  SigV4Failure why;
  Status status;
};

Refusal refuse(SigV4Failure why, Errc code, std::string message) { return {why, Status(code, std::move(message))}; }
Refusal incomplete(std::string message) {
  return refuse(SigV4Failure::kIncomplete, Errc::kIncompleteSignature, std::move(message));
}

const std::string* find_header(const SignedRequestView& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<int> digits(std::string_view s) {
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return s.empty() ? std::nullopt : std::optional<int>(value);
}

std::optional<int64_t> epoch_seconds(int year, int month, int day, int hour, int minute, int second) {
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return sys_days(ymd).time_since_epoch().count() * 86400LL + hour * 3600 + minute * 60 + second;
}

// "20260115T123000Z".
std::optional<int64_t> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto y = digits(s.substr(0, 4)), mo = digits(s.substr(4, 2)), d = digits(s.substr(6, 2));
  auto h = digits(s.substr(9, 2)), mi = digits(s.substr(11, 2)), se = digits(s.substr(13, 2));
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  return epoch_seconds(*y, *mo, *d, *h, *mi, *se);
}

// An RFC 7231 IMF-fixdate ("Thu, 15 Jan 2026 12:30:00 GMT"), or the RFC 2822 form
// botocore puts in Date (email.utils.formatdate: "... 12:30:00 -0000"); UTC only.
std::optional<int64_t> parse_http_date(std::string_view s) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (s.size() < 25 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  std::string_view zone = s.substr(25);
  if (zone != " GMT" && zone != " UTC" && zone != " -0000" && zone != " +0000") return std::nullopt;
  size_t month_at = kMonths.find(s.substr(8, 3));
  auto d = digits(s.substr(5, 2)), y = digits(s.substr(12, 4));
  auto h = digits(s.substr(17, 2)), mi = digits(s.substr(20, 2)), se = digits(s.substr(23, 2));
  if (month_at == std::string_view::npos || month_at % 3 != 0 || !d || !y || !h || !mi || !se) {
    return std::nullopt;
  }
  return epoch_seconds(*y, static_cast<int>(month_at / 3) + 1, *d, *h, *mi, *se);
}

std::string format_amz_date(int64_t seconds) {
  using namespace std::chrono;
  sys_seconds t{std::chrono::seconds(seconds)};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  int64_t second_of_day = (t - day).count();
  std::string out = "00000000T000000Z";
  auto put = [&out](size_t at, size_t width, int64_t value) {
    for (size_t i = 0; i < width; ++i, value /= 10) out[at + width - 1 - i] = static_cast<char>('0' + value % 10);
  };
  put(0, 4, static_cast<int>(ymd.year()));
  put(4, 2, static_cast<unsigned>(ymd.month()));
  put(6, 2, static_cast<unsigned>(ymd.day()));
  put(9, 2, second_of_day / 3600);
  put(11, 2, second_of_day / 60 % 60);
  put(13, 2, second_of_day % 60);
  return out;
}

// "15 min" or "300 sec", as AWS prints the allowed window.
std::string format_window(int64_t seconds) {
  return seconds % 60 == 0 ? std::to_string(seconds / 60) + " min" : std::to_string(seconds) + " sec";
}

std::string bad_date_message(std::string_view value) {
  return "Date must be in ISO-8601 'basic format'. Got '" + std::string(value) +
         "'. See http://en.wikipedia.org/wiki/ISO_8601";
}

// Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
std::optional<Refusal> parse_header_form(const SignedRequestView& request, const std::string& authorization,
                                         Claim& claim) {
  std::string_view header = trim(authorization);
  size_t space = header.find(' ');
  claim.algorithm = header.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
  while (!rest.empty()) {
    size_t end = 0;
    while (end < rest.size() && rest[end] != ',' && rest[end] != ' ') ++end;
    std::string_view piece = rest.substr(0, end);
    rest = end == rest.size() ? std::string_view() : rest.substr(end + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      // Appended piece by piece: g++ 12 misreports `"literal" + std::string` here
      // (-Wrestrict, GCC bug 105329).
      std::string message = "'";
      message.append(piece);
      message += "' not a valid key=value pair (missing equal-sign) in Authorization header: '";
      message += authorization;
      message += "'.";
      return incomplete(message);
    }
    std::string_view key = piece.substr(0, eq), value = piece.substr(eq + 1);
    if (key == "Credential") claim.credential = value;
    if (key == "SignedHeaders") claim.signed_headers = value;
    if (key == "Signature") claim.signature = value;
  }
  const std::string* amz_date = find_header(request, "x-amz-date");
  const std::string* date = find_header(request, "date");
  std::string message;
  if (claim.credential.empty()) message += "Authorization header requires 'Credential' parameter. ";
  if (claim.signature.empty()) message += "Authorization header requires 'Signature' parameter. ";
  if (claim.signed_headers.empty()) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (amz_date == nullptr && date == nullptr) {
    message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!message.empty()) return incomplete(message + "Authorization=" + authorization);

  // X-Amz-Date wins over Date, as botocore signs it.
  const std::string& value = amz_date != nullptr ? *amz_date : *date;
  std::optional<int64_t> seconds = parse_amz_date(trim(value));
  if (!seconds && amz_date == nullptr) seconds = parse_http_date(trim(value));
  if (!seconds) return incomplete(bad_date_message(value));
  claim.date_seconds = *seconds;
  claim.amz_date = amz_date != nullptr ? std::string(trim(value)) : format_amz_date(*seconds);
  return std::nullopt;
}

// ?X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-Expires=...
//  &X-Amz-SignedHeaders=...&X-Amz-Signature=...
std::optional<Refusal> parse_presigned_form(const FormParams& query, Claim& claim) {
  claim.is_presigned = true;
  std::string message;
  for (std::string_view name :
       {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"}) {
    const std::string* value = find_param(query, name);
    if (value == nullptr || value->empty()) {
      message += "AWS query-string parameters must include '" + std::string(name) + "'. ";
    }
  }
  if (!message.empty()) return incomplete(message + "Re-examine the query-string parameters.");
  claim.algorithm = *find_param(query, "X-Amz-Algorithm");
  claim.credential = *find_param(query, "X-Amz-Credential");
  claim.signature = *find_param(query, "X-Amz-Signature");
  claim.signed_headers = *find_param(query, "X-Amz-SignedHeaders");
  claim.amz_date = *find_param(query, "X-Amz-Date");
  std::optional<int64_t> seconds = parse_amz_date(claim.amz_date);
  if (!seconds) return incomplete(bad_date_message(claim.amz_date));
  claim.date_seconds = *seconds;
  if (const std::string* expires = find_param(query, "X-Amz-Expires")) {
    std::optional<int> value = expires->size() <= 9 ? digits(*expires) : std::nullopt;
    if (!value) return incomplete("X-Amz-Expires should be a number");
    if (*value > kMaxExpiresSeconds) {
      return incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    claim.expires_seconds = *value;
  }
  return std::nullopt;
}

// ±15 minutes around now; a presigned URL also ends X-Amz-Expires after its date.
std::optional<Refusal> check_time(const Claim& claim, int64_t now_seconds) {
  auto expired = [&](int64_t window) {
    return refuse(SigV4Failure::kExpired, Errc::kSignatureMismatch,
                  "Signature expired: " + format_amz_date(claim.date_seconds) + " is now earlier than " +
                      format_amz_date(now_seconds - window) + " (" + format_amz_date(now_seconds) + " - " +
                      format_window(window) + ".)");
  };
  if (claim.date_seconds < now_seconds - kMaxSkewSeconds) return expired(kMaxSkewSeconds);
  if (claim.date_seconds > now_seconds + kMaxSkewSeconds) {
    return refuse(SigV4Failure::kExpired, Errc::kSignatureMismatch,
                  "Signature not yet current: " + format_amz_date(claim.date_seconds) + " is still later than " +
                      format_amz_date(now_seconds + kMaxSkewSeconds) + " (" + format_amz_date(now_seconds) +
                      " + " + format_window(kMaxSkewSeconds) + ".)");
  }
  if (claim.expires_seconds && claim.date_seconds < now_seconds - *claim.expires_seconds) {
    return expired(*claim.expires_seconds);
  }
  return std::nullopt;
}

bool signs_host(std::string_view signed_headers) {
  size_t start = 0;
  while (start <= signed_headers.size()) {
    size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) end = signed_headers.size();
    std::string_view name = signed_headers.substr(start, end - start);
    if (name.size() == 4 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 's' &&
        (name[3] | 0x20) == 't') {
      return true;
    }
    start = end + 1;
  }
  return false;
}

// The credential's five parts; its scope must name this server's region and service and
// the request's own date.
std::optional<Refusal> check_scope(const Claim& claim, std::string_view region,
                                   std::vector<std::string_view>& parts) {
  std::string_view credential = claim.credential;
  size_t start = 0;
  while (start <= credential.size()) {
    size_t end = credential.find('/', start);
    if (end == std::string_view::npos) end = credential.size();
    parts.push_back(credential.substr(start, end - start));
    start = end + 1;
  }
  if (parts.size() != 5) {
    return incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
        std::string(claim.credential) + "'");
  }
  std::string message;
  if (parts[2] != region) message += "Credential should be scoped to a valid region, not '" + std::string(parts[2]) + "'. ";
  if (parts[3] != kService) message += "Credential should be scoped to correct service: '" + std::string(kService) + "'. ";
  if (parts[4] != sigv4::kTerminator) {
    message += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
               std::string(parts[4]) + "'. ";
  }
  std::string_view request_day = std::string_view(claim.amz_date).substr(0, 8);
  if (parts[1] != request_day) {
    message += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
               std::string(parts[1]) + "' != '" + std::string(request_day) + "', from '" + claim.amz_date + "'.";
  }
  if (!message.empty()) return refuse(SigV4Failure::kScopeMismatch, Errc::kSignatureMismatch, message);
  return std::nullopt;
}

// The signing key, keyed for HMAC. Valid until this thread's next call.
const HmacSha256& cached_signing_key(const std::string& secret, std::string_view date, std::string_view region) {
  thread_local std::unordered_map<std::string, HmacSha256> cache;
  thread_local std::string key;  // the lookup key, reused: no allocation on a hit
  key.clear();
  key.append(secret).append(1, '\0').append(date).append(1, '\0').append(region);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxCachedKeys) cache.clear();
  sigv4::SigningKey derived = sigv4::derive_signing_key(secret, date, region, kService);
  HmacSha256 keyed(std::string_view(reinterpret_cast<const char*>(derived.data()), derived.size()));
  return cache.emplace(key, std::move(keyed)).first->second;
}

bool signature_matches(const HmacSha256& key, const SignedRequestView& request, const Claim& claim,
                       const FormParams& query, std::string_view scope,
                       std::string_view payload_hash) {
  // Built in per-thread buffers: once they have grown, a verification allocates nothing here.
  thread_local std::string headers, canonical, to_sign;
  headers.clear();
  sigv4::append_canonical_headers(headers, request.headers, claim.signed_headers);
  sigv4::canonical_request_into(canonical, request.method, sigv4::canonical_uri(request.raw_path),
                                sigv4::canonical_query(query, claim.is_presigned ? "X-Amz-Signature" : ""),
                                headers, claim.signed_headers, payload_hash);
  sigv4::string_to_sign_into(to_sign, claim.amz_date, scope, canonical);
  const HmacSha256::Mac mac = key(to_sign);
  char expected[64];
  static_assert(sizeof expected == 2 * sizeof(HmacSha256::Mac));
  hex_encode_to(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()), expected);
  return sizeof expected == claim.signature.size() &&
         CRYPTO_memcmp(expected, claim.signature.data(), sizeof expected) == 0;
}

Result<SigV4Identity> verify(const SignedRequestView& request, const CredentialStore& credentials,
                             std::string_view region, int64_t now_ms, SigV4Failure& failure) {
  auto fail = [&](Refusal refusal) -> Result<SigV4Identity> {
    failure = refusal.why;
    return refusal.status;
  };
  const std::string* authorization = find_header(request, "authorization");
  FormParams query = parse_form(request.raw_query);
  bool has_presigned = find_param(query, "X-Amz-Algorithm") != nullptr;
  if (authorization != nullptr && has_presigned) {
    return fail(incomplete(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."));
  }
  if ((authorization == nullptr && !has_presigned) ||
      (authorization != nullptr && trim(*authorization).substr(0, 5) != "AWS4-")) {
    return fail(refuse(SigV4Failure::kMissing, Errc::kMissingAuthentication, std::string(kMissingTokenMessage)));
  }

  Claim claim;
  auto parsed = authorization != nullptr ? parse_header_form(request, *authorization, claim)
                                         : parse_presigned_form(query, claim);
  if (parsed) return fail(std::move(*parsed));
  if (auto late = check_time(claim, now_ms / 1000)) return fail(std::move(*late));
  if (!signs_host(claim.signed_headers)) {
    return fail(refuse(SigV4Failure::kHostNotSigned, Errc::kSignatureMismatch, std::string(kHostNotSignedMessage)));
  }
  if (claim.algorithm != sigv4::kAlgorithm) {
    return fail(incomplete("Unsupported AWS 'algorithm': '" + std::string(claim.algorithm) +
                           "' (only AWS4-HMAC-SHA256 for now). "));
  }
  std::vector<std::string_view> parts;
  parts.reserve(5);
  if (auto bad_scope = check_scope(claim, region, parts)) return fail(std::move(*bad_scope));

  std::string access_key_id(parts[0]);
  std::optional<Credential> credential = credentials.lookup(access_key_id);
  if (!credential) {
    return fail(refuse(SigV4Failure::kUnknownKey, Errc::kUnauthenticated, std::string(kInvalidTokenMessage)));
  }
  const HmacSha256& key = cached_signing_key(credential->secret, parts[1], region);
  std::string_view scope = std::string_view(claim.credential).substr(parts[0].size() + 1);

  // The header form hashes the body unless the client declared UNSIGNED-PAYLOAD (botocore
  // does over HTTPS when payload signing is off). botocore presigns the body's hash too;
  // S3-style presigners sign UNSIGNED-PAYLOAD, accepted only when there is no body to cover.
  const std::string* content_sha = find_header(request, "x-amz-content-sha256");
  bool is_unsigned = !claim.is_presigned && content_sha != nullptr && *content_sha == sigv4::kUnsignedPayload;
  sigv4::Sha256Hex body_hash;
  std::string_view payload_hash = sigv4::kUnsignedPayload;
  if (!is_unsigned) {
    body_hash = sigv4::sha256_hex_chars(request.body);
    payload_hash = std::string_view(body_hash.data(), body_hash.size());
  }
  bool matches = signature_matches(key, request, claim, query, scope, payload_hash);
  if (!matches && claim.is_presigned && request.body.empty()) {
    matches = signature_matches(key, request, claim, query, scope, sigv4::kUnsignedPayload);
  }
  if (!matches) {
    return fail(refuse(SigV4Failure::kSignatureMismatch, Errc::kSignatureMismatch, std::string(kMismatchMessage)));
  }
  failure = SigV4Failure::kNone;
  return SigV4Identity{std::move(access_key_id), std::move(credential->account_id)};
}

}  // namespace

Result<SigV4Identity> verify_sigv4(const SignedRequestView& request, const CredentialStore& credentials,
                                   std::string_view region, int64_t now_ms, SigV4Failure* failure) {
  SigV4Failure ignored = SigV4Failure::kNone;
  return verify(request, credentials, region, now_ms, failure != nullptr ? *failure : ignored);
}

}  // namespace spool
