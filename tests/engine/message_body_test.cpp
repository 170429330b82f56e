#include "engine/message_body.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>

#include "common/utf8.h"

namespace spool {
namespace {

// UTF-8 encoding of one code point. The encoder is checked against literal bytes in
// tests/common/utf8_test.cpp, apart from the decoder these tests check.
std::string utf8(char32_t c) {
  std::string out;
  append_utf8(out, c);
  return out;
}

TEST(MessageBody, AcceptsEveryBoundaryOfTheAllowedRanges) {
  for (char32_t c : {0x9, 0xA, 0xD, 0x20, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0x10000,
                     0x10FFFF}) {
    EXPECT_TRUE(is_allowed_sqs_text(utf8(c))) << std::hex << static_cast<uint32_t>(c);
    EXPECT_TRUE(validate_message_body("a" + utf8(c) + "b").ok()) << std::hex << static_cast<uint32_t>(c);
  }
}

TEST(MessageBody, RefusesEveryBoundaryOutsideTheAllowedRanges) {
  struct Case {
    char32_t c;
    const char* label;
  };
  for (const Case& k : {Case{0x0, "#x0"}, Case{0x1, "#x1"}, Case{0x8, "#x8"}, Case{0xB, "#xB"},
                        Case{0xC, "#xC"}, Case{0xE, "#xE"}, Case{0x1F, "#x1F"}, Case{0xD800, "#xD800"},
                        Case{0xDFFF, "#xDFFF"}, Case{0xFFFE, "#xFFFE"}, Case{0xFFFF, "#xFFFF"}}) {
    EXPECT_FALSE(is_allowed_sqs_text(utf8(k.c))) << k.label;
    EXPECT_EQ(first_disallowed_character("ok" + utf8(k.c) + "ok"), std::string(k.label));
  }
}

TEST(MessageBody, ErrorNamesTheCharacterAsAwsDoes) {
  const Status s = validate_message_body("bell\x07");
  EXPECT_EQ(s.code(), Errc::kInvalidMessageContents);
  EXPECT_EQ(s.message(),
            "Invalid binary character '#x7' was found in the message body, the set of allowed characters is "
            "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].");
}

TEST(MessageBody, NamesOnlyTheFirstOffendingCharacter) {
  EXPECT_EQ(first_disallowed_character(std::string("a\x01") + utf8(0xFFFF)), "#x1");
  EXPECT_EQ(first_disallowed_character("fine"), std::nullopt);
}

TEST(MessageBody, EmptyBodyIsAMissingParameter) {
  const Status s = validate_message_body("");
  EXPECT_EQ(s.code(), Errc::kMissingParameter);
  EXPECT_EQ(s.message(), "The request must contain the parameter MessageBody.");
  EXPECT_TRUE(is_allowed_sqs_text(""));
}

TEST(MessageBody, RefusesOverlongEncodings) {
  EXPECT_EQ(first_disallowed_character("\xC0\xAF"), "#xC0");          // '/' in two bytes
  EXPECT_EQ(first_disallowed_character("\xC1\xBF"), "#xC1");
  EXPECT_EQ(first_disallowed_character("\xE0\x80\xAF"), "#xE0");      // three bytes
  EXPECT_EQ(first_disallowed_character("\xF0\x80\x80\xAF"), "#xF0");  // four bytes
  EXPECT_EQ(validate_message_body("\xC0\xAF").code(), Errc::kInvalidMessageContents);
}

TEST(MessageBody, RefusesSurrogatesEncodedInUtf8) {
  EXPECT_EQ(first_disallowed_character("\xED\xA0\x80"), "#xD800");
  EXPECT_EQ(first_disallowed_character("\xED\xBF\xBF"), "#xDFFF");
  // A CESU-8 style pair is two surrogates, not U+1F600.
  EXPECT_EQ(first_disallowed_character("\xED\xA0\xBD\xED\xB8\x80"), "#xD83D");
}

TEST(MessageBody, RefusesTruncatedAndStrayBytes) {
  EXPECT_EQ(first_disallowed_character("a\xC3"), "#xC3");              // 2-byte lead at end
  EXPECT_EQ(first_disallowed_character("a\xE2\x82"), "#xE2");          // 3-byte, one missing
  EXPECT_EQ(first_disallowed_character("\xF0\x9F\x98"), "#xF0");       // 4-byte, one missing
  EXPECT_EQ(first_disallowed_character("\xE2\x28\xA1"), "#xE2");       // bad continuation
  EXPECT_EQ(first_disallowed_character("\x80"), "#x80");               // stray continuation
  EXPECT_EQ(first_disallowed_character("\xFF"), "#xFF");
  EXPECT_EQ(first_disallowed_character("\xF4\x90\x80\x80"), "#xF4");  // past U+10FFFF
  EXPECT_EQ(first_disallowed_character("\xF5\x80\x80\x80"), "#xF5");
}

TEST(MessageBody, AcceptsOrdinaryUnicodeText) {
  EXPECT_TRUE(validate_message_body("{\"k\": \"h\xC3\xA9llo \xE2\x98\x83 \xF0\x9F\x98\x80\"}\r\n\t").ok());
}

// The word-at-a-time ASCII pass must hand every disallowed or non-ASCII byte, at any
// position in or across its 8-byte words, to the exact decoder.
TEST(MessageBody, FindsABadByteAtEveryPositionOfLongAsciiText) {
  const std::string ascii(40, 'a');
  for (size_t at = 0; at < ascii.size(); ++at) {
    for (char bad : {'\x01', '\x08', '\x1F'}) {
      std::string text = ascii;
      text[at] = bad;
      char label[8];
      std::snprintf(label, sizeof label, "#x%X", static_cast<unsigned>(static_cast<unsigned char>(bad)));
      EXPECT_EQ(first_disallowed_character(text), std::optional<std::string>(label)) << "at " << at;
    }
    for (char allowed : {'\t', '\n', '\r', '\x7F'}) {  // allowed, though not printable
      std::string text = ascii;
      text[at] = allowed;
      EXPECT_EQ(first_disallowed_character(text), std::nullopt) << "allowed byte at " << at;
    }
    std::string accented = ascii;
    accented.replace(at, 1, "\xC3\xA9");
    EXPECT_EQ(first_disallowed_character(accented), std::nullopt) << "e-acute at " << at;
    std::string stray = ascii;
    stray[at] = '\x80';
    EXPECT_EQ(first_disallowed_character(stray), std::optional<std::string>("#x80")) << "stray at " << at;
    if (at > 0) {
      // The scan resumes at full speed after an allowed control character or a
      // multi-byte sequence, and still finds what follows.
      std::string after_newline = ascii;
      after_newline[0] = '\n';
      after_newline[at] = '\x02';
      EXPECT_EQ(first_disallowed_character(after_newline), std::optional<std::string>("#x2")) << "at " << at;
    }
  }
  EXPECT_EQ(first_disallowed_character(std::string(1000, ' ') + "~"), std::nullopt);
}

}  // namespace
}  // namespace spool
