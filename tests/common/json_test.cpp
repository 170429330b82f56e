#include "common/json.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(Json, ParsesAnSqsRequest) {
  auto j = parse_json(R"({"QueueUrl":"http://h/1/q","MaxNumberOfMessages":10,"AttributeNames":["All"],
                         "MessageAttributes":{"a":{"DataType":"String","StringValue":"x"}},"Flag":true,"N":null})");
  ASSERT_TRUE(j) << j.error().to_string();
  ASSERT_TRUE(j->is_object());
  EXPECT_EQ(j->find("QueueUrl")->text(), "http://h/1/q");
  EXPECT_EQ(j->find("MaxNumberOfMessages")->as_int(), 10);
  EXPECT_EQ(j->find("AttributeNames")->items().at(0).text(), "All");
  EXPECT_EQ(j->find("MessageAttributes")->find("a")->find("DataType")->text(), "String");
  EXPECT_TRUE(j->find("Flag")->as_bool());
  EXPECT_TRUE(j->find("N")->is_null());
  EXPECT_EQ(j->find("Missing"), nullptr);
}

TEST(Json, NumbersKeepTheirTextAndOnlyIntegersConvert) {
  auto j = parse_json("[12, -3, 1.5, 1e3, 99999999999999999999]");
  ASSERT_TRUE(j);
  const auto& items = j->items();
  EXPECT_EQ(items[0].as_int(), 12);
  EXPECT_EQ(items[1].as_int(), -3);
  EXPECT_EQ(items[2].as_int(), std::nullopt);
  EXPECT_EQ(items[2].text(), "1.5");
  EXPECT_EQ(items[3].as_int(), std::nullopt);
  EXPECT_EQ(items[4].as_int(), std::nullopt);  // does not fit in 64 bits
}

TEST(Json, DecodesEscapesAndSurrogatePairsToUtf8) {
  auto j = parse_json(R"("a\"b\\c\/d\n\u00e9\ud83d\ude00")");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->text(), "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(Json, RejectsMalformedInputNamingTheOffset) {
  for (const char* bad : {"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"\\x\"",
                          "\"\\ud800\"", "\"a\nb\"", "{} {}", "[1] x"}) {
    auto j = parse_json(bad);
    ASSERT_FALSE(j) << bad;
    EXPECT_EQ(j.error().code(), Errc::kInvalidArgument);
    EXPECT_NE(j.error().message().find("malformed JSON at byte"), std::string::npos);
  }
}

TEST(Json, LimitsNesting) {
  EXPECT_TRUE(parse_json(std::string(64, '[') + std::string(64, ']')));
  EXPECT_FALSE(parse_json(std::string(66, '[') + std::string(66, ']')));
}

TEST(Json, WritesCompactTextThatParsesBack) {
  Json o = Json::object();
  o.set("QueueUrl", Json::string("http://x/\"q\""));
  o.set("Count", Json::number(3));
  Json& list = o.set("List", Json::array());
  list.push(Json::boolean(false));
  list.push(Json());
  o.set("Ctl", Json::string(std::string("\x01\t", 2)));
  std::string text = to_json(o);
  EXPECT_EQ(text, R"({"QueueUrl":"http://x/\"q\"","Count":3,"List":[false,null],"Ctl":"\u0001\t"})");
  auto back = parse_json(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, o);
}

TEST(Json, SetReplacesAnExistingMember) {
  Json o = Json::object();
  o.set("a", Json::number(1));
  o.set("a", Json::number(2));
  ASSERT_EQ(o.members().size(), 1u);
  EXPECT_EQ(o.find("a")->as_int(), 2);
}

TEST(Json, ParsingARepeatedNameKeepsTheLastValueInTheFirstPlace) {
  auto parsed = parse_json(R"({"a":1,"b":{"c":[1,2,3,4,5]},"a":{"d":"x"},"e":[]})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->members().size(), 3u);
  EXPECT_EQ(parsed->members()[0].first, "a");
  EXPECT_EQ(to_json(parsed->members()[0].second), R"({"d":"x"})");
  EXPECT_EQ(parsed->members()[1].first, "b");
  EXPECT_EQ(parsed->members()[2].first, "e");
  EXPECT_EQ(to_json(*parsed), R"({"a":{"d":"x"},"b":{"c":[1,2,3,4,5]},"e":[]})");
}

TEST(Json, EscapesAtEveryPositionOfTheVectorScan) {
  // The scan reads 16 bytes at a time: put each special byte at each position of a
  // 40-byte string (two blocks, then an 8-byte tail), next to UTF-8 and DEL, which pass
  // as is, and a byte that is not UTF-8, which becomes U+FFFD.
  const std::pair<std::string, std::string> specials[] = {
      {"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {std::string(1, '\0'), "\\u0000"},
      {"\x1f", "\\u001f"}, {" ", " "}, {"\x7f", "\x7f"}, {"\xc3\xa9", "\xc3\xa9"}, {"\xc3", "\\ufffd"}, {"!", "!"}, {"#", "#"},
      {"[", "["}, {"]", "]"}};
  for (const auto& [raw, escaped] : specials) {
    for (size_t at = 0; at < 40; ++at) {
      std::string text(40, 'a');
      text.replace(at, 1, raw);
      std::string out;
      append_json_string(out, text);
      EXPECT_EQ(out, "\"" + std::string(at, 'a') + escaped + std::string(39 - at, 'a') + "\"")
          << "byte " << static_cast<int>(static_cast<unsigned char>(raw[0])) << " at " << at;
    }
  }
  std::string out;
  append_json_string(out, std::string("\"\"\"\"\"\"\"\"\"ab\tc\x01\\", 15));
  EXPECT_EQ(out, R"("\"\"\"\"\"\"\"\"\"ab\tc\u0001\\")");
}

TEST(Json, ParserFindsEscapesAndControlBytesAtEveryPositionOfItsVectorScan) {
  // The parser also scans strings 16 bytes at a time: each escape decodes, each raw
  // control byte or lone quote is found, and UTF-8 and DEL pass, wherever they fall in a
  // block or the tail.
  for (size_t at = 0; at < 40; ++at) {
    const std::string before(at, 'a'), after(39 - at, 'b');
    for (const std::string plain : {"\x7f", "\xc3\xa9", " "}) {
      auto passed = parse_json("\"" + before + plain + after + "\"");
      ASSERT_TRUE(passed) << at;
      EXPECT_EQ(passed->text(), before + plain + after) << at;
    }
    auto escaped = parse_json("\"" + before + "\\n" + after + "\"");
    ASSERT_TRUE(escaped) << at;
    EXPECT_EQ(escaped->text(), before + "\n" + after) << at;
    auto quoted = parse_json("[\"" + before + "\",\"" + after + "\"]");
    ASSERT_TRUE(quoted) << at;
    ASSERT_EQ(quoted->items().size(), 2u);
    EXPECT_EQ(quoted->items()[0].text(), before);
    for (char control : {'\x01', '\x1f', '\t'}) {
      auto bad = parse_json("\"" + before + std::string(1, control) + after + "\"");
      ASSERT_FALSE(bad) << at;
      EXPECT_NE(bad.error().message().find("control character"), std::string::npos) << bad.error().message();
    }
    EXPECT_FALSE(parse_json("\"" + before + after)) << "unterminated at " << at;
  }
}

}  // namespace
}  // namespace spool
