#include "api/text_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace spool {
namespace {

// Error messages quote client input, so what the encoder writes must parse whatever
// bytes came in.
TEST(TextEscapeTest, XmlTextReplacesWhatXmlCannotCarry) {
  auto escaped = [](std::string_view text) {
    std::string out;
    append_xml_escaped(out, text);
    return out;
  };
  EXPECT_EQ(escaped("a<b & 'c' \"d\">"), "a&lt;b &amp; &apos;c&apos; &quot;d&quot;&gt;");
  EXPECT_EQ(escaped("line\r\nnext\ttab"), "line&#xD;\nnext\ttab");
  EXPECT_EQ(escaped("caf\xC3\xA9"), "caf\xC3\xA9");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(escaped(std::string("nul\0x", 5)), "nul" + fffd + "x");
  EXPECT_EQ(escaped("bell\x07"), "bell" + fffd);
  EXPECT_EQ(escaped("\xEF\xBF\xBE"), fffd);  // U+FFFE: well-formed, not an XML character
  EXPECT_EQ(escaped("a\xFF" "b"), "a" + fffd + "b");
}

}  // namespace
}  // namespace spool
