#include "api/topics/topic_values.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

std::string written(std::string_view bytes, ValueFormat format = ValueFormat::kAuto) {
  std::string out;
  Status s = append_data_value(out, std::optional<std::string_view>(bytes), format);
  return s.ok() ? out : "error: " + s.message();
}

// The one-pass fast path for plain ASCII must agree with the general path at every
// position of a word: each special byte is tried at offsets 0..16 of a 17-byte value.
TEST(TopicValues, EscapesAndBinaryAreFoundAtEveryPosition) {
  EXPECT_EQ(written("plain text, 21 bytes"), "\"plain text, 21 bytes\"");
  EXPECT_EQ(written(""), "\"\"");
  for (size_t at = 0; at < 17; ++at) {
    std::string base(17, 'a');
    std::string quote = base, backslash = base, newline = base, del = base, high = base, utf8 = base;
    quote[at] = '"';
    backslash[at] = '\\';
    newline[at] = '\n';
    del[at] = 0x7f;  // printable for JSON: no escape
    high[at] = static_cast<char>(0xff);
    utf8.replace(at, 1, "\xc3\xa9");  // é
    EXPECT_EQ(written(quote), "\"" + base.substr(0, at) + "\\\"" + base.substr(at + 1) + "\"") << at;
    EXPECT_EQ(written(backslash), "\"" + base.substr(0, at) + "\\\\" + base.substr(at + 1) + "\"") << at;
    EXPECT_EQ(written(newline), "\"" + base.substr(0, at) + "\\n" + base.substr(at + 1) + "\"") << at;
    EXPECT_EQ(written(del), "\"" + del + "\"") << at;
    EXPECT_EQ(written(high).substr(0, 25), "{\"type\":\"BINARY\",\"data\":\"") << at;
    EXPECT_EQ(written(utf8), "\"" + utf8 + "\"") << at;
    EXPECT_EQ(written(high, ValueFormat::kString),
              "error: a stored value is not UTF-8; fetch with value_format=base64 or auto") << at;
  }
  EXPECT_EQ(written("abc", ValueFormat::kBase64), "{\"type\":\"BINARY\",\"data\":\"YWJj\"}");
}

}  // namespace
}  // namespace spool
