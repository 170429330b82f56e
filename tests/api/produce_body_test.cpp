#include "api/topics/produce_body.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spool {
namespace {

// One record as text, so that a mismatch prints readably.
std::string show(const topics::ProduceRecord& r) {
  auto opt = [](const std::optional<std::string>& s) { return s ? "'" + *s + "'" : std::string("null"); };
  std::string out = "p=" + (r.partition ? std::to_string(*r.partition) : std::string("-")) +
                    " ts=" + (r.timestamp_ms ? std::to_string(*r.timestamp_ms) : std::string("-")) +
                    " k=" + opt(r.key) + " v=" + opt(r.value) + " h=[";
  for (const auto& [name, value] : r.headers) out += name + ":" + opt(value) + ",";
  return out + "]";
}

std::vector<std::string> show_all(const ProduceRecords& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(show(r));
  return out;
}

TEST(ProduceBody, DirectDecoderReadsThePlainShape) {
  auto records = decode_produce_body_direct_for_test(
      " {\"records\" : [ {\"key\": \"user-1\", \"value\": \"created\", \"partition\": 2, \"timestamp\": 1763800000000},"
      "\n{\"value\": null, \"key\": null, \"headers\": [], \"timestamp\": null, \"partition\": null}, {},"
      "{\"value\": \"\\u00e9\"}] } ");
  EXPECT_FALSE(records.has_value()) << "an escape must go to the tree decoder";
  records = decode_produce_body_direct_for_test(
      " {\"records\" : [ {\"key\": \"user-1\", \"value\": \"created\", \"partition\": 2, \"timestamp\": 1763800000000},"
      "\n{\"value\": null, \"key\": null, \"headers\": [], \"timestamp\": -0, \"partition\": null}, {},"
      "{\"value\": \"caf\xc3\xa9\", \"headers\": null}] } ");
  ASSERT_TRUE(records.has_value());
  EXPECT_EQ(show_all(*records), (std::vector<std::string>{"p=2 ts=1763800000000 k='user-1' v='created' h=[]",
                                                          "p=- ts=0 k=null v=null h=[]", "p=- ts=- k=null v=null h=[]",
                                                          "p=- ts=- k=null v='caf\xc3\xa9' h=[]"}));
}

TEST(ProduceBody, DirectDecoderAndTreeDecoderAgreeOnEveryBody) {
  const std::vector<std::string> bodies = {
      R"({"records": []})",
      R"({"records": [{"value": "a"}, {"key": "k", "value": "b", "partition": 0}]})",
      R"({"records": [{"value": "a", "timestamp": 9223372036854775807}]})",
      R"({"records": [{"partition": 2147483647, "value": "x"}]})",
      // Every one below is declined by the direct decoder; the tree decoder answers.
      "",
      "{}",
      R"({"records": {}})",
      R"({"records": [], "extra": 1})",
      R"({"records": [], "records": []})",
      R"({"records": [{"value": "a"}] )",
      R"({"records": [{"value": "a"}]} x)",
      R"({"records": [{"value": "a", "value": "b"}]})",
      R"({"records": [{"colour": "red"}]})",
      R"({"records": [1]})",
      R"({"records": [{"partition": -1, "value": "x"}]})",
      R"({"records": [{"partition": 2147483648, "value": "x"}]})",
      R"({"records": [{"partition": 1.0, "value": "x"}]})",
      R"({"records": [{"partition": "1", "value": "x"}]})",
      R"({"records": [{"timestamp": 1e3, "value": "x"}]})",
      R"({"records": [{"timestamp": 01, "value": "x"}]})",
      R"({"records": [{"timestamp": 9223372036854775808, "value": "x"}]})",
      R"({"records": [{"timestamp": -, "value": "x"}]})",
      R"({"records": [{"value": {"type": "BINARY", "data": "AAEC"}}]})",
      R"({"records": [{"value": {"type": "BINARY", "data": "!"}}]})",
      R"({"records": [{"value": 5}]})",
      R"({"records": [{"value": "tab\there"}]})",
      R"({"records": [{"value": "a\"b"}]})",
      R"({"records": [{"headers": [{"name": "h", "value": "v"}], "value": "x"}]})",
      R"({"records": [{"headers": {"h": "v"}, "value": "x"}]})",
      R"({"records": [{"headers": 3, "value": "x"}]})",
      R"({"records": [{"value": nul}]})",
      R"({"records": [{"value": "x"},]})",
      "{\"records\": [{\"value\": \"ctl\x01\"}]}",
  };
  constexpr size_t kPlain = 4;  // the first bodies have the plain shape
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string& body = bodies[i];
    auto tree = decode_produce_body_tree_for_test(body);
    auto direct = decode_produce_body_direct_for_test(body);
    auto both = decode_produce_body(body);
    EXPECT_EQ(direct.has_value(), i < kPlain) << body;
    if (direct) {
      ASSERT_TRUE(tree.has_value()) << body << ": the direct decoder accepted what the tree refuses: "
                                    << tree.error().message();
      EXPECT_EQ(show_all(*direct), show_all(*tree)) << body;
    }
    ASSERT_EQ(both.has_value(), tree.has_value()) << body;
    if (both) {
      EXPECT_EQ(show_all(*both), show_all(*tree)) << body;
    } else {
      EXPECT_EQ(both.error().code(), tree.error().code()) << body;
      EXPECT_EQ(both.error().message(), tree.error().message()) << body;
    }
  }
}

TEST(ProduceBody, ErrorsKeepTheirMessages) {
  auto message = [](std::string_view body) {
    auto r = decode_produce_body(body);
    return r ? std::string("ok") : r.error().message();
  };
  EXPECT_EQ(message(""), "records must be a list of records");
  EXPECT_EQ(message(R"({"records": [{"value": "a"}], "x": 1})"), "unknown field 'x' in the request body");
  EXPECT_EQ(message(R"({"records": [{"value": "a"}, {"colour": "red"}]})"),
            "record 1: unknown field 'colour' in record 1");
  EXPECT_EQ(message(R"({"records": [{"partition": -1}]})"), "record 0: no partition -1");
  EXPECT_EQ(message(R"({"records": [{"timestamp": 1.5}]})"), "record 0: timestamp must be an integer");
  EXPECT_EQ(message(R"({"records": [{"value": 5}]})"),
            "record 0: value: must be a string, null or {\"type\", \"data\"}");
  EXPECT_EQ(decode_produce_body(R"({"records": [{"partition": -1}]})").error().code(), Errc::kPartitionNotFound);
  EXPECT_EQ(decode_produce_body(R"({"records": [{"timestamp": "x"}]})").error().code(), Errc::kInvalidTimestamp);
  EXPECT_EQ(decode_produce_body(R"({"records": [{"value": 5}]})").error().code(), Errc::kInvalidRecord);
  EXPECT_EQ(decode_produce_body(R"({"records": [{"value": "a"}])").error().message(),
            "the body is not JSON: malformed JSON at byte 28: unterminated object");
}

TEST(ProduceBody, EscapedStringsDecodeThroughTheTree) {
  auto records = decode_produce_body(R"({"records": [{"key": "a\"b", "value": "\u00e9\n"}]})");
  ASSERT_TRUE(records.has_value());
  EXPECT_EQ(show_all(*records), (std::vector<std::string>{"p=- ts=- k='a\"b' v='\xc3\xa9\n' h=[]"}));
}

}  // namespace
}  // namespace spool
