#pragma once

// verify_sigv4: who sent a request, proven by its AWS Signature Version 4
// (spec/sqs-api.md section 10). Accepts both forms clients use:
//   - the Authorization header: "AWS4-HMAC-SHA256 Credential=<id>/<yyyymmdd>/<region>/sqs/
//     aws4_request, SignedHeaders=host;x-amz-date;..., Signature=<hex>", dated by
//     X-Amz-Date (or Date);
//   - a presigned URL: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders,
//     X-Amz-Signature and optionally X-Amz-Expires in the query string.
//
// The checks run in the order AWS's front end runs them, and fail with AWS's words:
// missing credentials, then the shape of the header or parameters, the date (±15 minutes,
// and X-Amz-Expires for presigned URLs), `host` among the signed headers, the algorithm,
// the credential scope (this server's region, service "sqs"), the key, the signature.
// The Errc of a failure maps to the SQS error in api/sqs_errors.cpp.
//
// Safe from any thread. Derived signing keys are cached per thread for each (secret, date,
// region), so a verification costs two SHA-256 passes and one HMAC.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "common/status.h"

namespace spool {

// A request as received, before any decoding, viewed where it lies (everything must
// outlive the call); auth/ does not see api/'s types.
struct SignedRequestView {
  std::string_view method;     // "GET", "POST"
  std::string_view raw_path;   // as received, percent-encoded, without the query
  std::string_view raw_query;  // as received, without '?'
  std::span<const std::pair<std::string, std::string>> headers;  // names lower-cased, values as received
  std::string_view body;
};

// The same, owning all but the body: for tests and tools that build requests field by field.
struct SignedRequest {
  std::string method;
  std::string raw_path;
  std::string raw_query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // must outlive the call

  SignedRequestView view() const { return {method, raw_path, raw_query, headers, body}; }
};

struct SigV4Identity {
  std::string access_key_id;
  std::string account_id;
};

// Why a verification failed, finer than the Errc (several share SignatureDoesNotMatch).
enum class SigV4Failure {
  kNone,
  kMissing,            // no Authorization header and no presigned parameters → kMissingAuthentication
  kIncomplete,         // malformed header, parameters, date or credential → kIncompleteSignature
  kExpired,            // date outside ±15 min or past X-Amz-Expires → kSignatureMismatch
  kHostNotSigned,      // `host` missing from the signed headers → kSignatureMismatch
  kScopeMismatch,      // another region or service, or a date not the request's → kSignatureMismatch
  kUnknownKey,         // unknown or revoked access key → kUnauthenticated
  kSignatureMismatch,  // the signature does not verify → kSignatureMismatch
};

// The caller's identity, or a Status with the SQS wording. `now_ms` is the wall clock
// (epoch ms); `region` the configured one. When `failure` is given it is set to the reason
// (kNone on success).
Result<SigV4Identity> verify_sigv4(const SignedRequestView& request, const CredentialStore& credentials,
                                   std::string_view region, int64_t now_ms,
                                   SigV4Failure* failure = nullptr);
inline Result<SigV4Identity> verify_sigv4(const SignedRequest& request, const CredentialStore& credentials,
                                          std::string_view region, int64_t now_ms,
                                          SigV4Failure* failure = nullptr) {
  return verify_sigv4(request.view(), credentials, region, now_ms, failure);
}

}  // namespace spool
