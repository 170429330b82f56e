#include "auth/sigv4.h"

#include <gtest/gtest.h>

#include "auth/canonical_request.h"
#include "tests/fakes/memory_catalog.h"

// Requests signed by botocore 1.43.11's own signers (botocore.auth.SigV4Auth and
// SigV4QueryAuth, service 'sqs', region 'us-east-1'), generated once and pinned here:
//
//   creds = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
//   with mock.patch('botocore.auth.get_current_datetime',
//                   return_value=datetime.datetime(2026, 1, 15, 12, 30, 0)):
//       r = AWSRequest(method=..., url=..., data=..., params=..., headers=...)
//       SigV4Auth(creds, 'sqs', 'us-east-1').add_auth(r)   # or SigV4QueryAuth(..., expires=300)
//       p = r.prepare()   # p.url, p.headers, p.body are what goes on the wire
//
// The HTTP client adds "Host: 127.0.0.1:9324", which botocore signs from the URL.
// 2026-01-15T12:30:00Z is kSignedAtMs.

namespace spool {
namespace {

constexpr int64_t kSignedAtMs = 1'768'480'200'000;
constexpr int64_t kMinuteMs = 60'000;
constexpr const char* kAccessKeyId = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kAccountId = "123456789012";
constexpr const char* kHost = "127.0.0.1:9324";
constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details.";

// JSON protocol: POST / with X-Amz-Target.
constexpr const char* kJsonBody =
    R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/my-queue","MessageBody":"hello"})";
constexpr const char* kJsonAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
    "Signature=cd57da63d6a82d17def9f273816ab73ce2dd923051af84e3f8a36553ff1b24b3";

// Query protocol: POST to the queue URL's path with a form body.
constexpr const char* kFormBody =
    "Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A9324%2F000000000000%2Fmy-queue"
    "&MessageBody=hello+world";
constexpr const char* kFormAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, "
    "Signature=507e5e85c292412be23cedf96d49fb7c2b0209a6e838cc6c0800074abedd44b5";

// Query protocol: GET with params={'MessageBody': 'a b+c/d~e*f', 'MessageAttribute.1.Name':
// 'café ✓', 'MessageAttribute.1.Value.StringValue': '=&%', ...}; the URL is urlencode()d
// (space as '+') while the signature covers RFC 3986 (space as %20).
constexpr const char* kGetQuery =
    "Action=SendMessage&Version=2012-11-05&MessageBody=a+b%2Bc%2Fd~e%2Af"
    "&MessageAttribute.1.Name=caf%C3%A9+%E2%9C%93&MessageAttribute.1.Value.StringValue=%3D%26%25"
    "&MessageAttribute.1.Value.DataType=String";
constexpr const char* kGetAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=ce24640efac7f3270e24a072b90621d7e54fb6d3c4acb98a46fded997d359bee";

// SigV4QueryAuth(expires=300) over GET with params Action=ReceiveMessage, Version,
// WaitTimeSeconds=0. botocore presigns the (empty) body's SHA-256, not UNSIGNED-PAYLOAD.
constexpr const char* kPresignedQuery =
    "Action=ReceiveMessage&Version=2012-11-05&WaitTimeSeconds=0&X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIDEXAMPLE%2F20260115%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Date=20260115T123000Z"
    "&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=dd029e9a33f3f1264b41eac41b1c347c7696553f057346566f51e4e81f42fb71";

// headers={'Date': ...}: botocore then signs Date ("Thu, 15 Jan 2026 12:30:00 -0000",
// email.utils.formatdate) and sends no X-Amz-Date.
constexpr const char* kListBody = R"({"QueueNamePrefix":"my"})";
constexpr const char* kDateHeaderAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;date;host;x-amz-target, "
    "Signature=083e4c93b7c2268da608fc86f55442f957632cbec0d8425124704196f2dcdade";

// https URL with r.context['payload_signing_enabled'] = False: X-Amz-Content-SHA256 is
// UNSIGNED-PAYLOAD and the body is not covered.
constexpr const char* kUnsignedPayloadAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, "
    "Signature=e7d16bfdae4f5b67f9f9b7b51abb5e294e5dfca0bef534de6084ed1abfec6d04";

class SigV4Test : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(catalog_.create_account(Account{kAccountId, "acme", 0, {}}).ok());
    add_key(kAccessKeyId, kSecret);
    auto store = CredentialStore::start(catalog_, box_, std::chrono::hours(1));
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }

  void add_key(const std::string& id, const std::string& secret) {
    ASSERT_TRUE(catalog_.create_access_key(AccessKeyRecord{id, kAccountId, box_.seal(id, secret), true, 0}).ok());
  }

  Result<SigV4Identity> verify(const SignedRequest& request, int64_t now_ms = kSignedAtMs,
                               std::string_view region = "us-east-1") {
    return verify_sigv4(request, *store_, region, now_ms, &failure_);
  }

  static SignedRequest json_request(std::string_view body = kJsonBody) {
    return {"POST", "/", "",
            {{"content-type", "application/x-amz-json-1.0"},
             {"x-amz-target", "AmazonSQS.SendMessage"},
             {"x-amz-date", "20260115T123000Z"},
             {"authorization", kJsonAuthorization},
             {"content-length", "80"},
             {"host", kHost}},
            body};
  }

  static SignedRequest get_request() {
    return {"GET", "/000000000000/my-queue", kGetQuery,
            {{"x-amz-date", "20260115T123000Z"}, {"authorization", kGetAuthorization}, {"host", kHost}}, ""};
  }

  static SignedRequest presigned_request() {
    return {"GET", "/000000000000/my-queue", kPresignedQuery, {{"host", kHost}}, ""};
  }

  // The header's value, replaced.
  static void set_header(SignedRequest& request, const std::string& name, const std::string& value) {
    for (auto& [n, v] : request.headers) {
      if (n == name) v = value;
    }
  }

  MemoryCatalog catalog_;
  SecretBox box_{std::string(32, 's')};
  std::unique_ptr<CredentialStore> store_;
  SigV4Failure failure_ = SigV4Failure::kNone;
};

// --- AWS's published vectors (the SigV4 test suite, service "service", and the S3
// reference's GET Object example), through the canonical-request pieces.

constexpr const char* kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string suite_signature(std::string_view method, std::string_view raw_query) {
  std::vector<sigv4::Header> headers = {{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}};
  std::string canonical = sigv4::canonical_request(
      method, sigv4::canonical_uri("/"), sigv4::canonical_query(parse_form(raw_query)),
      sigv4::canonical_headers(headers, "host;x-amz-date"), "host;x-amz-date", sigv4::sha256_hex(""));
  std::string sts = sigv4::string_to_sign("20150830T123600Z",
                                          sigv4::credential_scope("20150830", "us-east-1", "service"), canonical);
  return sigv4::signature_hex(sigv4::derive_signing_key(kSuiteSecret, "20150830", "us-east-1", "service"), sts);
}

TEST(AwsSigV4TestSuite, GetVanilla) {
  std::vector<sigv4::Header> headers = {{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}};
  std::string canonical =
      sigv4::canonical_request("GET", "/", "", sigv4::canonical_headers(headers, "host;x-amz-date"),
                               "host;x-amz-date", sigv4::sha256_hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sigv4::sha256_hex(canonical), "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(suite_signature("GET", ""), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(AwsSigV4TestSuite, GetVanillaQueryOrderKeyCase) {
  EXPECT_EQ(suite_signature("GET", "Param2=value2&Param1=value1"),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(AwsSigV4TestSuite, PostVanilla) {
  EXPECT_EQ(suite_signature("POST", ""), "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

// Amazon S3 API Reference, "Signature Calculations for the Authorization Header",
// Example: GET Object (first 10 bytes of test.txt).
TEST(AwsSigV4TestSuite, S3GetObjectExample) {
  std::vector<sigv4::Header> headers = {
      {"host", "examplebucket.s3.amazonaws.com"},
      {"range", "bytes=0-9"},
      {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"x-amz-date", "20130524T000000Z"}};
  const char* signed_headers = "host;range;x-amz-content-sha256;x-amz-date";
  std::string canonical = sigv4::canonical_request("GET", "/test.txt", "",
                                                   sigv4::canonical_headers(headers, signed_headers),
                                                   signed_headers, sigv4::sha256_hex(""));
  std::string sts = sigv4::string_to_sign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  auto key = sigv4::derive_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
  EXPECT_EQ(sigv4::signature_hex(key, sts), "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// --- Canonicalization rules (botocore's, which the client hashed).

TEST(CanonicalRequest, UriIsThePathEncodedOnceMore) {
  EXPECT_EQ(sigv4::canonical_uri(""), "/");
  EXPECT_EQ(sigv4::canonical_uri("/"), "/");
  EXPECT_EQ(sigv4::canonical_uri("/000000000000/my-queue"), "/000000000000/my-queue");
  EXPECT_EQ(sigv4::canonical_uri("/000000000000/q.fifo/"), "/000000000000/q.fifo/");
  EXPECT_EQ(sigv4::canonical_uri("/a%20b"), "/a%2520b");
  EXPECT_EQ(sigv4::canonical_uri("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(sigv4::canonical_uri("/~x*y:z"), "/~x%2Ay%3Az");
}

TEST(CanonicalRequest, QueryIsReencodedAndSortedByNameThenValue) {
  auto params = parse_form("b=2&a=z&a=y&c=a+b%2Bc%2Fd~e*f&flag&&X-Amz-Signature=ff");
  EXPECT_EQ(sigv4::canonical_query(params, "X-Amz-Signature"), "a=y&a=z&b=2&c=a%20b%2Bc%2Fd~e%2Af&flag=");
  EXPECT_EQ(sigv4::canonical_query(parse_form("u=caf%C3%A9")), "u=caf%C3%A9");
}

TEST(CanonicalRequest, HeaderValuesAreTrimmedCollapsedAndJoined) {
  std::vector<sigv4::Header> headers = {{"host", " example.com "}, {"x-a", "  one   two\t three "},
                                        {"x-b", "1"}, {"x-b", " 2 "}, {"x-c", "a\tb c"}, {"x-d", " \t "}};
  EXPECT_EQ(sigv4::canonical_headers(headers, "host;x-a;x-b;x-c;x-d;x-missing"),
            "host:example.com\nx-a:one two three\nx-b:1,2\nx-c:a b c\nx-d:\nx-missing:\n");
}

// --- Requests signed by botocore, verified end to end.

TEST_F(SigV4Test, AcceptsBotocoreJsonPost) {
  auto identity = verify(json_request());
  ASSERT_TRUE(identity) << identity.error().to_string();
  EXPECT_EQ(identity->access_key_id, kAccessKeyId);
  EXPECT_EQ(identity->account_id, kAccountId);
  EXPECT_EQ(failure_, SigV4Failure::kNone);
}

TEST_F(SigV4Test, AcceptsBotocoreQueryPostWithFormBody) {
  SignedRequest request{"POST", "/000000000000/my-queue", "",
                        {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                         {"x-amz-date", "20260115T123000Z"},
                         {"authorization", kFormAuthorization},
                         {"host", kHost}},
                        kFormBody};
  auto identity = verify(request);
  ASSERT_TRUE(identity) << identity.error().to_string();
  EXPECT_EQ(identity->account_id, kAccountId);
}

TEST_F(SigV4Test, AcceptsBotocoreQueryGetWithCharactersNeedingEncoding) {
  auto identity = verify(get_request());
  ASSERT_TRUE(identity) << identity.error().to_string();
}

TEST_F(SigV4Test, AcceptsBotocorePresignedUrl) {
  auto identity = verify(presigned_request());
  ASSERT_TRUE(identity) << identity.error().to_string();
  EXPECT_EQ(identity->access_key_id, kAccessKeyId);
  // Still good 299 s later; X-Amz-Expires=300.
  EXPECT_TRUE(verify(presigned_request(), kSignedAtMs + 299'000));
}

TEST_F(SigV4Test, AcceptsDateHeaderInsteadOfXAmzDate) {
  SignedRequest request{"POST", "/", "",
                        {{"content-type", "application/x-amz-json-1.0"},
                         {"x-amz-target", "AmazonSQS.ListQueues"},
                         {"date", "Thu, 15 Jan 2026 12:30:00 -0000"},
                         {"authorization", kDateHeaderAuthorization},
                         {"host", kHost}},
                        kListBody};
  auto identity = verify(request);
  ASSERT_TRUE(identity) << identity.error().to_string();
}

TEST_F(SigV4Test, UnsignedPayloadLeavesTheBodyUncovered) {
  SignedRequest request{"POST", "/", "",
                        {{"content-type", "application/x-amz-json-1.0"},
                         {"x-amz-target", "AmazonSQS.ListQueues"},
                         {"x-amz-date", "20260115T123000Z"},
                         {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
                         {"authorization", kUnsignedPayloadAuthorization},
                         {"host", kHost}},
                        kListBody};
  EXPECT_TRUE(verify(request));
  request.body = R"({"QueueNamePrefix":"other"})";
  EXPECT_TRUE(verify(request));  // the client chose not to sign it
}

// Computed with nothing but Python's hmac and hashlib, following spec section 10 by hand:
//   canonical = '\n'.join(['POST', '/', '', 'content-type:application/x-amz-json-1.0',
//       'host:127.0.0.1:9324', 'x-amz-date:20260115T123000Z', 'x-amz-target:AmazonSQS.SendMessage', '',
//       'content-type;host;x-amz-date;x-amz-target', sha256(body).hexdigest()])
//   sts = '\n'.join(['AWS4-HMAC-SHA256', '20260115T123000Z', '20260115/us-east-1/sqs/aws4_request',
//       sha256(canonical).hexdigest()])
//   k = h(h(h(h(b'AWS4' + secret, '20260115'), 'us-east-1'), 'sqs'), 'aws4_request')
//   hmac.new(k, sts.encode(), sha256).hexdigest()
TEST_F(SigV4Test, AcceptsASignatureComputedByHandWithPythonHmac) {
  auto key = sigv4::derive_signing_key(kSecret, "20260115", "us-east-1", "sqs");
  EXPECT_EQ(sigv4::signature_hex(key, "").size(), 64u);
  std::string key_hex;
  for (unsigned char b : key) {
    key_hex += "0123456789abcdef"[b >> 4];
    key_hex += "0123456789abcdef"[b & 0xF];
  }
  EXPECT_EQ(key_hex, "4cd0b7cd0abe54a19860da2e8fcfb0987faa2ddcfbe014bc2f12f75fa3349311");

  std::string body = R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1","MessageBody":"by hand"})";
  SignedRequest request{"POST", "/", "",
                        {{"content-type", "application/x-amz-json-1.0"},
                         {"x-amz-target", "AmazonSQS.SendMessage"},
                         {"x-amz-date", "20260115T123000Z"},
                         {"authorization",
                          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
                          "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                          "Signature=2ca95b030d4f77d935b480b7fd3170aaa2fa648f2cb14a20fef85a329fa9299c"},
                         {"host", kHost}},
                        body};
  auto identity = verify(request);
  ASSERT_TRUE(identity) << identity.error().to_string();
}

// --- Refusals, each with the SQS wording.

TEST_F(SigV4Test, WrongSecretIsSignatureDoesNotMatch) {
  MemoryCatalog other;
  ASSERT_TRUE(other.create_account(Account{kAccountId, "acme", 0, {}}).ok());
  ASSERT_TRUE(other.create_access_key(
                       AccessKeyRecord{kAccessKeyId, kAccountId, box_.seal(kAccessKeyId, "not-the-secret"), true, 0})
                  .ok());
  auto store = CredentialStore::start(other, box_, std::chrono::hours(1));
  ASSERT_TRUE(store);
  auto identity = verify_sigv4(json_request(), **store, "us-east-1", kSignedAtMs, &failure_);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(identity.error().message(), kMismatch);
  EXPECT_EQ(failure_, SigV4Failure::kSignatureMismatch);
}

TEST_F(SigV4Test, TamperedBodyIsSignatureDoesNotMatch) {
  std::string body = kJsonBody;
  body.replace(body.find("hello"), 5, "HELLO");
  auto identity = verify(json_request(body));
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(failure_, SigV4Failure::kSignatureMismatch);
}

TEST_F(SigV4Test, TamperedSignedHeaderIsSignatureDoesNotMatch) {
  SignedRequest request = json_request();
  set_header(request, "x-amz-target", "AmazonSQS.DeleteQueue");
  auto identity = verify(request);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  // An unsigned header may change freely.
  request = json_request();
  request.headers.emplace_back("user-agent", "anything");
  EXPECT_TRUE(verify(request));
}

TEST_F(SigV4Test, TamperedQueryOrPathIsSignatureDoesNotMatch) {
  SignedRequest request = get_request();
  request.raw_query += "&DelaySeconds=900";
  EXPECT_EQ(verify(request).status().code(), Errc::kSignatureMismatch);
  request = presigned_request();
  request.raw_path = "/000000000000/other-queue";
  EXPECT_EQ(verify(request).status().code(), Errc::kSignatureMismatch);
}

TEST_F(SigV4Test, TruncatedSignatureIsSignatureDoesNotMatch) {
  SignedRequest request = json_request();
  std::string authorization = kJsonAuthorization;
  set_header(request, "authorization", authorization.substr(0, authorization.size() - 1));
  EXPECT_EQ(verify(request).status().code(), Errc::kSignatureMismatch);
}

TEST_F(SigV4Test, HostMissingFromSignedHeadersIsRefused) {
  SignedRequest request = json_request();
  set_header(request, "authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
             "SignedHeaders=content-type;x-amz-date;x-amz-target, "
             "Signature=cd57da63d6a82d17def9f273816ab73ce2dd923051af84e3f8a36553ff1b24b3");
  auto identity = verify(request);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(identity.error().message(), "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  EXPECT_EQ(failure_, SigV4Failure::kHostNotSigned);
}

TEST_F(SigV4Test, DateSixteenMinutesOldIsExpired) {
  auto identity = verify(json_request(), kSignedAtMs + 16 * kMinuteMs);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(identity.error().message(),
            "Signature expired: 20260115T123000Z is now earlier than 20260115T123100Z "
            "(20260115T124600Z - 15 min.)");
  EXPECT_EQ(failure_, SigV4Failure::kExpired);
}

TEST_F(SigV4Test, DateSixteenMinutesAheadIsNotYetCurrent) {
  auto identity = verify(json_request(), kSignedAtMs - 16 * kMinuteMs);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().message(),
            "Signature not yet current: 20260115T123000Z is still later than 20260115T122900Z "
            "(20260115T121400Z + 15 min.)");
  EXPECT_EQ(failure_, SigV4Failure::kExpired);
}

TEST_F(SigV4Test, DateWithinFifteenMinutesIsAccepted) {
  EXPECT_TRUE(verify(json_request(), kSignedAtMs + 15 * kMinuteMs));
  EXPECT_TRUE(verify(json_request(), kSignedAtMs - 15 * kMinuteMs));
}

TEST_F(SigV4Test, PresignedUrlPastXAmzExpiresIsExpired) {
  auto identity = verify(presigned_request(), kSignedAtMs + 301'000);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(identity.error().message(),
            "Signature expired: 20260115T123000Z is now earlier than 20260115T123001Z "
            "(20260115T123501Z - 5 min.)");
  EXPECT_EQ(failure_, SigV4Failure::kExpired);
}

TEST_F(SigV4Test, AuthorizationWithoutSignatureIsIncomplete) {
  SignedRequest request = json_request();
  const char* header =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target";
  set_header(request, "authorization", header);
  auto identity = verify(request);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.error().message(),
            std::string("Authorization header requires 'Signature' parameter. Authorization=") + header);
  EXPECT_EQ(failure_, SigV4Failure::kIncomplete);
}

TEST_F(SigV4Test, MalformedAuthorizationPiecesAreIncomplete) {
  SignedRequest request = json_request();
  set_header(request, "authorization", "AWS4-HMAC-SHA256 Credential");
  auto identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(),
            "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: "
            "'AWS4-HMAC-SHA256 Credential'.");

  set_header(request, "authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/sqs, SignedHeaders=host, Signature=00");
  identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(),
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
            "got 'AKIDEXAMPLE/20260115/us-east-1/sqs'");

  set_header(request, "authorization", std::string(kJsonAuthorization).replace(0, 16, "AWS4-HMAC-SHA512"));
  identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(), "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ");
}

TEST_F(SigV4Test, MissingOrMalformedDateIsIncomplete) {
  SignedRequest request = json_request();
  std::erase_if(request.headers, [](const auto& h) { return h.first == "x-amz-date"; });
  auto identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(),
            std::string("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                        "Authorization=") +
                kJsonAuthorization);

  request = json_request();
  set_header(request, "x-amz-date", "2026-01-15T12:30:00Z");
  identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(),
            "Date must be in ISO-8601 'basic format'. Got '2026-01-15T12:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(SigV4Test, UnknownKeyIsInvalidClientTokenId) {
  SignedRequest request = json_request();
  std::string authorization = kJsonAuthorization;
  set_header(request, "authorization", authorization.replace(authorization.find("AKIDEXAMPLE"), 11, "AKIDUNKNOWN"));
  auto identity = verify(request);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kUnauthenticated);
  EXPECT_EQ(identity.error().message(), "The security token included in the request is invalid.");
  EXPECT_EQ(failure_, SigV4Failure::kUnknownKey);
}

TEST_F(SigV4Test, RevokedKeyIsInvalidClientTokenId) {
  ASSERT_TRUE(catalog_.revoke_access_key(kAccessKeyId, 0).ok());
  auto reloaded = CredentialStore::start(catalog_, box_, std::chrono::hours(1));
  ASSERT_TRUE(reloaded);
  auto identity = verify_sigv4(json_request(), **reloaded, "us-east-1", kSignedAtMs, &failure_);
  EXPECT_EQ(identity.status().code(), Errc::kUnauthenticated);
  EXPECT_EQ(failure_, SigV4Failure::kUnknownKey);
}

TEST_F(SigV4Test, NoCredentialsIsMissingAuthenticationToken) {
  SignedRequest request = json_request();
  std::erase_if(request.headers, [](const auto& h) { return h.first == "authorization"; });
  auto identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kMissingAuthentication);
  EXPECT_EQ(identity.status().message(), "Request is missing Authentication Token");
  EXPECT_EQ(failure_, SigV4Failure::kMissing);

  request = json_request();
  set_header(request, "authorization", "Basic dGVzdDp0ZXN0");
  EXPECT_EQ(verify(request).status().code(), Errc::kMissingAuthentication);
}

TEST_F(SigV4Test, AnotherRegionIsAScopeMismatch) {
  auto identity = verify(json_request(), kSignedAtMs, "eu-west-1");
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(identity.error().message(), "Credential should be scoped to a valid region, not 'us-east-1'. ");
  EXPECT_EQ(failure_, SigV4Failure::kScopeMismatch);
}

TEST_F(SigV4Test, AnotherServiceOrDayIsAScopeMismatch) {
  SignedRequest request = json_request();
  set_header(request, "authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260114/us-east-1/sns/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00");
  auto identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kSignatureMismatch);
  EXPECT_EQ(identity.status().message(),
            "Credential should be scoped to correct service: 'sqs'. Date in Credential scope does not match "
            "YYYYMMDD from ISO-8601 version of date from HTTP: '20260114' != '20260115', from '20260115T123000Z'.");
}

TEST_F(SigV4Test, HeaderAndPresignedTogetherIsIncomplete) {
  SignedRequest request = json_request();
  request.raw_query = "X-Amz-Algorithm=AWS4-HMAC-SHA256";
  auto identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(),
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
}

TEST_F(SigV4Test, PresignedWithoutSignatureIsIncomplete) {
  SignedRequest request = presigned_request();
  request.raw_query = request.raw_query.substr(0, request.raw_query.find("&X-Amz-Signature="));
  auto identity = verify(request);
  EXPECT_EQ(identity.status().code(), Errc::kIncompleteSignature);
  EXPECT_EQ(identity.status().message(),
            "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.");
}

TEST_F(SigV4Test, PresignedWithBadExpiresIsIncomplete) {
  SignedRequest request = presigned_request();
  std::string query = kPresignedQuery;
  request.raw_query = query.replace(query.find("X-Amz-Expires=300"), 17, "X-Amz-Expires=never");
  EXPECT_EQ(verify(request).status().message(), "X-Amz-Expires should be a number");
  query = kPresignedQuery;
  request.raw_query = query.replace(query.find("X-Amz-Expires=300"), 17, "X-Amz-Expires=604801");
  EXPECT_EQ(verify(request).status().message(), "X-Amz-Expires must be less than a week (in seconds) that is 604800");
}

TEST_F(SigV4Test, PresignedBodyIsCoveredByItsHash) {
  // botocore presigned the empty body; a body added later must not verify.
  SignedRequest request = presigned_request();
  request.body = "Action=DeleteQueue";
  EXPECT_EQ(verify(request).status().code(), Errc::kSignatureMismatch);
}

}  // namespace
}  // namespace spool
