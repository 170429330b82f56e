#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

namespace spool {
namespace {

TEST(Utf8Test, DecodesEachSequenceLengthAndRefusesMalformedOnes) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x99\x82";  // a é € 🙂
  Utf8Sequence s = decode_utf8(text, 0);
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.code_point, U'a');
  s = decode_utf8(text, 1);
  EXPECT_EQ(s.code_point, 0xE9u);
  EXPECT_EQ(s.length, 2u);
  s = decode_utf8(text, 3);
  EXPECT_EQ(s.code_point, 0x20ACu);
  EXPECT_EQ(s.length, 3u);
  s = decode_utf8(text, 6);
  EXPECT_EQ(s.code_point, 0x1F642u);
  EXPECT_EQ(s.length, 4u);

  for (const std::string bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF5\x80\x80\x80", "\xFF",
                                "\xE2\x82", "\xF4\x90\x80\x80", "\xC3("}) {
    Utf8Sequence d = decode_utf8(bad, 0);
    EXPECT_FALSE(d.ok) << testing::PrintToString(bad);
    EXPECT_EQ(d.length, 1u);
  }
  // A surrogate is well-formed structurally; the caller decides.
  s = decode_utf8("\xED\xA0\x80", 0);
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.code_point, 0xD800u);
}

TEST(Utf8Test, ValidMeansWellFormedWithoutSurrogates) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii, longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xF0\x9F\x99\x82 \xEF\xBF\xBF"));
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("truncated \xE2\x82"));
}

TEST(Utf8Test, AppendEncodesEveryLength) {
  std::string out;
  for (char32_t c : {U'a', char32_t{0xE9}, char32_t{0x20AC}, char32_t{0x1F642}}) append_utf8(out, c);
  EXPECT_EQ(out, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x99\x82");
}

TEST(Utf8Test, XmlCharIsTheXml10CharProduction) {
  for (char32_t c : {char32_t{0x9}, char32_t{0xA}, char32_t{0xD}, char32_t{0x20}, char32_t{0xD7FF},
                     char32_t{0xE000}, char32_t{0xFFFD}, char32_t{0x10000}, char32_t{0x10FFFF}}) {
    EXPECT_TRUE(is_xml_char(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {char32_t{0x0}, char32_t{0x8}, char32_t{0x1F}, char32_t{0xD800}, char32_t{0xDFFF},
                     char32_t{0xFFFE}, char32_t{0xFFFF}, char32_t{0x110000}}) {
    EXPECT_FALSE(is_xml_char(c)) << static_cast<uint32_t>(c);
  }
}

// The encoders quote client input in error messages, so what they write must parse
// whatever bytes came in.
TEST(Utf8Test, JsonStringsReplaceWhatIsNotUtf8) {
  auto quoted = [](std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
  };
  EXPECT_EQ(quoted("caf\xC3\xA9 \xF0\x9F\x99\x82"), "\"caf\xC3\xA9 \xF0\x9F\x99\x82\"");
  EXPECT_EQ(quoted("a\xFF" "b"), "\"a\\ufffdb\"");
  EXPECT_EQ(quoted("12345678\xA0" "9"), "\"12345678\\ufffd9\"");
  EXPECT_EQ(quoted("\xED\xA0\x80!"), "\"\\ufffd!\"");      // a surrogate, as one replacement
  EXPECT_EQ(quoted("x\xE2\x82"), "\"x\\ufffd\\ufffd\"");   // truncated: each stray byte
  EXPECT_EQ(quoted(std::string("nul\0", 4)), "\"nul\\u0000\"");
  auto parsed = parse_json(quoted("bad \xC0 byte"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->text(), "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace spool
