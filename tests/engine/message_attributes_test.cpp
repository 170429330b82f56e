#include "engine/message_attributes.h"

#include <gtest/gtest.h>

#include <string>

#include "common/random.h"

namespace spool {
namespace {

MessageAttribute string_attr(std::string name, std::string value) {
  return {std::move(name), "String", std::move(value)};
}

Status check_one(MessageAttribute attribute) { return validate_message_attributes({std::move(attribute)}); }

// Reference MD5s. Each was computed by a short Python script reimplementing AWS's
// documented encoding with hashlib and struct.pack(">I", len) (sorted names; length +
// name, length + type, transport byte 1/2, length + value), and cross-checked by running
// moto's Message.attribute_md5 (moto/sqs/models.py) on the same input. Current botocore
// (1.43) no longer carries an MD5-of-attributes check in handlers.py, so it could not serve. The first seven also match values that
// real SDKs verified against their own checksum middleware: 7db7fb1b.., 797ab158..,
// fdce4f28.. are asserted by a test suite run with @aws-sdk/client-sqs, and the four
// "attribName1/customNumberTypeAttrib/binaryAttribute" values are the published examples
// of the npm package aws-md5-of-message-attributes.
TEST(MessageAttributesMd5, MatchesIndependentlyComputedValues) {
  EXPECT_EQ(md5_of_message_attributes({string_attr("Hello", "World")}), "7db7fb1ba7f41366a8ea5eb18220b26d");
  EXPECT_EQ(md5_of_message_attributes({{"UserId", "Number.bigint", "1234567890123456789012"}}),
            "797ab158d73dcb5242dedc4412c8e855");
  EXPECT_EQ(md5_of_message_attributes({string_attr("attribName1", "attribValue 1")}),
            "19e27d4e946b072f3f58da80d94fd778");
  EXPECT_EQ(md5_of_message_attributes(
                {{"customNumberTypeAttrib", "Number.float", "4563442423554324324264524243.32543234"}}),
            "9fe1b90bbd9965bdf77bac517c7d2495");
  EXPECT_EQ(md5_of_message_attributes({{"binaryAttribute", "Binary", "Hello binary world!"}}),
            "31a92b15d92f8db860eda32aceb656c3");
  EXPECT_EQ(md5_of_message_attributes({{"n", "Number", "-12.5e3"}}), "75f17d1bd011fcf4d18d5d9305002315");
  EXPECT_EQ(md5_of_message_attributes({{"blob", "Binary.gzip", std::string("\x00\x01\x02\xff\xfe\x80", 6)}}),
            "c5abfd868a53434464897901fe0aef4b");
  // Name "naïve", type "String.utf8", value "été ☃ 😀".
  EXPECT_EQ(md5_of_message_attributes({{"na\xC3\xAF" "ve", "String.utf8",
                                        "\xC3\xA9t\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80"}}),
            "56a5c7c291c32b59171636ca4c41b108");
}

TEST(MessageAttributesMd5, RawDigestsAreTheBytesOfTheHexForms) {
  const std::string empty = md5_digest("");
  EXPECT_EQ(empty, std::string("\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e", 16));
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  const MessageAttributes hello = {string_attr("Hello", "World")};
  EXPECT_EQ(md5_digest_of_message_attributes(hello).size(), 16u);
  EXPECT_EQ(hex_encode(md5_digest_of_message_attributes(hello)), "7db7fb1ba7f41366a8ea5eb18220b26d");
}

TEST(MessageAttributesMd5, SystemAttributeUsesTheSameEncoding) {
  EXPECT_EQ(md5_of_message_attributes({string_attr("AWSTraceHeader", "some-trace-id")}),
            "fdce4f2818803f2f73becc09a54792c0");
}

TEST(MessageAttributesMd5, IsIndependentOfAttributeOrder) {
  const MessageAttribute a = string_attr("attribName1", "attribValue 1");
  const MessageAttribute b{"customNumberTypeAttrib", "Number.float", "4563442423554324324264524243.32543234"};
  const MessageAttribute c{"binaryAttribute", "Binary", "Hello binary world!"};
  const std::string expected = "c932db14a896c663f83c260297d594ff";
  EXPECT_EQ(md5_of_message_attributes({a, b, c}), expected);
  EXPECT_EQ(md5_of_message_attributes({c, a, b}), expected);
  EXPECT_EQ(md5_of_message_attributes({b, c, a}), expected);
}

TEST(MessageBodyMd5, IsHexMd5OfTheUtf8Bytes) {
  EXPECT_EQ(md5_hex("Test Message"), "d1d4180b7e411c4be86b00fb2ee103eb");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("h\xC3\xA9llo \xF0\x9F\x98\x80"), "207dd4f0cd7a4f13b4932646cd1f8f2b");
}

TEST(MessageAttributes, BinaryIsDecidedByTheBaseType) {
  EXPECT_TRUE((MessageAttribute{"a", "Binary", "x"}.is_binary()));
  EXPECT_TRUE((MessageAttribute{"a", "Binary.png", "x"}.is_binary()));
  EXPECT_FALSE((MessageAttribute{"a", "String.Binary", "x"}.is_binary()));
  EXPECT_FALSE((MessageAttribute{"a", "Number", "1"}.is_binary()));
}

TEST(MessageAttributes, AcceptsTenAndRefusesEleven) {
  MessageAttributes attributes;
  for (int i = 0; i < 10; ++i) attributes.push_back(string_attr("a" + std::to_string(i), "v"));
  EXPECT_TRUE(validate_message_attributes(attributes).ok());
  attributes.push_back(string_attr("a10", "v"));
  const Status s = validate_message_attributes(attributes);
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);
  EXPECT_EQ(s.message(), "Number of message attributes [11] exceeds the allowed maximum [10].");
  EXPECT_TRUE(validate_message_attributes({}).ok());
}

TEST(MessageAttributes, NameRules) {
  EXPECT_TRUE(check_one(string_attr("Order.Id-2_x", "v")).ok());
  EXPECT_TRUE(check_one(string_attr(std::string(256, 'n'), "v")).ok());
  EXPECT_TRUE(check_one(string_attr("AWSx", "v")).ok());       // a prefix only with its period
  EXPECT_TRUE(check_one(string_attr("attr.1\xC3\xB8\xC3\x9F\xC3\xA4", "v")).ok());  // AWS accepts "øßä"
  for (const std::string& bad : {std::string(257, 'n'), std::string(""), std::string("AWS.x"), std::string("aWs.x"),
                                std::string("AMAZON.x"), std::string("amazon.x"), std::string(".x"),
                                std::string("x."), std::string("a..b"), std::string("a b"), std::string("a!"),
                                std::string("a/b"), std::string("\xC3\x97"), std::string("\xE2\x98\x83")}) {
    EXPECT_EQ(check_one(string_attr(bad, "v")).code(), Errc::kInvalidArgument) << bad;
  }
  EXPECT_EQ(check_one(string_attr("", "v")).message(),
            "The request must contain non-empty message (user) attribute names.");
}

TEST(MessageAttributes, NamesMustBeUnique) {
  const Status s = validate_message_attributes({string_attr("a", "1"), string_attr("a", "2")});
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);
}

TEST(MessageAttributes, DataTypeRules) {
  for (const char* good : {"String", "Number", "Binary", "String.uuid", "Number.float", "Binary.gif",
                           "String.with spaces and \xC3\xA9"}) {
    const bool binary = std::string(good).rfind("Binary", 0) == 0;
    EXPECT_TRUE(check_one({"a", good, binary ? "raw" : "1"}).ok()) << good;
  }
  for (const char* bad : {"string", "Str", "StringX", "String.", "Integer", "Bool", "Stringa.b"}) {
    const Status s = check_one({"a", bad, "1"});
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), "The type of message (user) attribute 'a' is invalid. You must use only the following "
                           "supported type prefixes: Binary, Number, String.");
  }
  EXPECT_EQ(check_one({"a", "", "1"}).code(), Errc::kInvalidArgument);
  EXPECT_EQ(check_one({"a", "String.\x01", "1"}).code(), Errc::kInvalidArgument);
  // 256 bytes in all is the limit.
  EXPECT_TRUE(check_one({"a", "String." + std::string(249, 'x'), "1"}).ok());
  EXPECT_EQ(check_one({"a", "String." + std::string(250, 'x'), "1"}).code(), Errc::kInvalidArgument);
}

TEST(MessageAttributes, ValueIsRequired) {
  const Status s = check_one(string_attr("Hello", ""));
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);
  EXPECT_EQ(s.message(), "Message (user) attribute 'Hello' must contain a non-empty value of type 'String'.");
  EXPECT_EQ(check_one({"b", "Binary", ""}).message(),
            "Message (user) attribute 'b' must contain a non-empty value of type 'Binary'.");
  EXPECT_EQ(check_one({"n", "Number.int", ""}).code(), Errc::kInvalidArgument);
}

TEST(MessageAttributes, StringValuesObeyTheBodyCharacterRules) {
  EXPECT_TRUE(check_one(string_attr("a", "tab\there \xF0\x9F\x98\x80")).ok());
  const Status s = check_one(string_attr("a", "Invalid-\x08"));
  EXPECT_EQ(s.code(), Errc::kInvalidArgument);  // AWS answers InvalidParameterValue here
  EXPECT_NE(s.message().find("'#x8'"), std::string::npos);
  EXPECT_EQ(check_one({"n", "Number", "1\x0B"}).code(), Errc::kInvalidArgument);
  // Binary values are raw bytes: anything goes.
  EXPECT_TRUE(check_one({"b", "Binary", std::string("\x00\x08\xff", 3)}).ok());
}

TEST(MessageAttributes, NumberValuesAreDecimalNumbers) {
  for (const char* good : {"0", "-0", "42", "+42", "-1.5", ".5", "5.", "1e3", "1E-3", "-2.5e+10",
                           "00012", "12345678901234567890123456789012345678",  // 38 digits
                           "1234567890123456789012345678901234567800000",      // trailing zeros are not precision
                           "1e-128", "9.9e125", "1e126", "0.000"}) {
    EXPECT_TRUE(check_one({"n", "Number", good}).ok()) << good;
  }
  for (const char* bad : {"world", "", "1.2.3", "1e", "e5", "--1", "1 ", " 1", "0x10", "NaN", "Infinity", "1,5",
                          "."}) {
    if (*bad == '\0') continue;  // empty is the non-empty-value rule
    const Status s = check_one({"Hello", "Number", bad});
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), "Can't cast the value of message (user) attribute 'Hello' to a number.") << bad;
  }
  for (const char* out_of_range : {"123456789012345678901234567890123456789",  // 39 digits
                                   "1e-129", "9.99e-129", "1.1e126", "1e127", "-1e200"}) {
    const Status s = check_one({"n", "Number.big", out_of_range});
    EXPECT_EQ(s.code(), Errc::kInvalidArgument) << out_of_range;
    EXPECT_NE(s.message().find("out of range"), std::string::npos) << out_of_range;
  }
}

TEST(MessageSystemAttributes, OnlyAwsTraceHeaderOfTypeString) {
  EXPECT_TRUE(validate_message_system_attributes({}).ok());
  EXPECT_TRUE(validate_message_system_attributes({string_attr("AWSTraceHeader", "Root=1-5759e988-bd862e3fe1be46a994272793")}).ok());
  EXPECT_EQ(validate_message_system_attributes({string_attr("Hello", "World")}).message(),
            "Message system attribute name 'Hello' is invalid.");
  EXPECT_EQ(validate_message_system_attributes({{"AWSTraceHeader", "Binary", "x"}}).code(), Errc::kInvalidArgument);
  EXPECT_EQ(validate_message_system_attributes({{"AWSTraceHeader", "String.x", "x"}}).code(), Errc::kInvalidArgument);
  EXPECT_EQ(validate_message_system_attributes({string_attr("AWSTraceHeader", "")}).code(), Errc::kInvalidArgument);
  EXPECT_EQ(validate_message_system_attributes({string_attr("AWSTraceHeader", "\x01")}).code(), Errc::kInvalidArgument);
}

TEST(MessageSize, CountsBodyAndEveryPartOfEachAttribute) {
  EXPECT_EQ(message_size_bytes("hello", {}), 5u);
  // 513 + ("attrib1" 7 + "String" 6 + 256) * 2 = 1051
  const std::string value(256, 'a');
  EXPECT_EQ(message_size_bytes(std::string(513, 'b'), {string_attr("attrib1", value), string_attr("attrib2", value)}),
            1051u);
  // Bytes, not characters; Binary counts its raw bytes.
  EXPECT_EQ(message_size_bytes("\xC3\xA9", {{"b", "Binary", std::string(3, '\0')}}), 2u + 1 + 6 + 3);
}

TEST(Base64, RoundTripsEveryTailLength) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
  for (const std::string& text : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                                 std::string("\x00\xff\x80\x7f", 4), std::string(100, '\xAB')}) {
    auto decoded = base64_decode(base64_encode(text));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, text);
  }
}

TEST(Base64, RefusesMalformedText) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v!A==", "Zm 9v", "Zg==Zg==", "=Zg=", "Zm9v\n", "Zg=a"}) {
    auto decoded = base64_decode(bad);
    ASSERT_FALSE(decoded.has_value()) << bad;
    EXPECT_EQ(decoded.error().code(), Errc::kInvalidArgument);
  }
}

}  // namespace
}  // namespace spool
