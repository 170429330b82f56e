#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(JsonWriter, WritesWhatToJsonWritesForTheSameTree) {
  Json attributes = Json::object();
  attributes.set("SentTimestamp", Json::string("1700000000000"));
  Json entry = Json::object();
  entry.set("Id", Json::string("m-1"));
  entry.set("Body", Json::string("line\n\"quoted\" \xc3\xa9 \x01"));
  entry.set("Attributes", attributes);
  entry.set("Count", Json::number(-42));
  entry.set("Fault", Json::boolean(true));
  Json tree = Json::object();
  Json list = Json::array();
  list.push(entry);
  list.push(entry);
  tree.set("Messages", list);
  tree.set("Empty", Json::array());
  tree.set("Nothing", Json::object());

  std::string text;
  JsonWriter w(text);
  w.begin_object();
  w.key("Messages");
  w.begin_array();
  for (int i = 0; i < 2; ++i) {
    w.begin_object();
    w.member("Id", "m-1");
    w.member("Body", "line\n\"quoted\" \xc3\xa9 \x01");
    w.key("Attributes");
    w.begin_object();
    w.member("SentTimestamp", "1700000000000");
    w.end_object();
    w.key("Count");
    w.number(-42);
    w.key("Fault");
    w.boolean(true);
    w.end_object();
  }
  w.end_array();
  w.key("Empty");
  w.begin_array();
  w.end_array();
  w.key("Nothing");
  w.begin_object();
  w.end_object();
  w.end_object();

  EXPECT_EQ(text, to_json(tree));
  EXPECT_EQ(text.substr(0, 41), R"({"Messages":[{"Id":"m-1","Body":"line\n\")");
}

TEST(JsonWriter, EmbedsATreeAsAValue) {
  Json failed = Json::array();
  Json f = Json::object();
  f.set("Id", Json::string("b"));
  f.set("SenderFault", Json::boolean(true));
  failed.push(f);
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  w.key("Successful");
  w.begin_array();
  w.begin_object();
  w.member("Id", "a");
  w.end_object();
  w.end_array();
  w.key("Failed");
  w.value(failed);
  w.end_object();
  EXPECT_EQ(text, R"({"Successful":[{"Id":"a"}],"Failed":[{"Id":"b","SenderFault":true}]})");
}

TEST(JsonWriter, PlainStringsAreQuotedAsTheyAre) {
  const std::string long_id(200, 'a');  // past the writer's stack buffer
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  w.plain_member("MessageId", "6f1c2e3a-0000-4000-8000-00000000abcd");
  w.plain_member("Long", long_id);
  w.key("List");
  w.begin_array();
  w.plain_string("x");
  w.plain_string("");
  w.end_array();
  w.end_object();
  EXPECT_EQ(text, R"({"MessageId":"6f1c2e3a-0000-4000-8000-00000000abcd","Long":")" + long_id + R"(","List":["x",""]})");
}

TEST(JsonWriter, ArraysOfScalarsGetCommasBetweenItemsOnly) {
  std::string text;
  JsonWriter w(text);
  w.begin_array();
  w.number(1);
  w.string("two");
  w.boolean(false);
  w.begin_array();
  w.end_array();
  w.number(INT64_MIN);
  w.end_array();
  EXPECT_EQ(text, R"([1,"two",false,[],-9223372036854775808])");
}

TEST(JsonRaw, IsWrittenVerbatimAndParsesBackToTheTree) {
  Json raw = Json::raw(R"({"Messages":[{"Id":"x"}]})");
  EXPECT_TRUE(raw.is_raw());
  EXPECT_FALSE(raw.is_object());
  Json outer = Json::array();
  outer.push(raw);
  EXPECT_EQ(to_json(outer), R"([{"Messages":[{"Id":"x"}]}])");
  auto tree = parse_json(raw.text());
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->find("Messages")->items().at(0).find("Id")->text(), "x");
}

}  // namespace
}  // namespace spool
