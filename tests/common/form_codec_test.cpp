#include "common/form_codec.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(UrlDecode, DecodesPercentAndPlus) {
  EXPECT_EQ(url_decode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(url_decode("%e2%9c%93"), "\xe2\x9c\x93");
}

TEST(UrlDecode, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%zz"), "%zz");
  EXPECT_EQ(url_decode("%4"), "%4");
}

TEST(ParseForm, KeepsOrderAndDecodes) {
  FormParams p = parse_form("Action=SendMessage&MessageBody=hello+world&&Attribute.1.Name=x&flag");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"Action", "SendMessage"}));
  EXPECT_EQ(p[1].second, "hello world");
  EXPECT_EQ(p[2].first, "Attribute.1.Name");
  EXPECT_EQ(p[3], (std::pair<std::string, std::string>{"flag", ""}));
  ASSERT_NE(find_param(p, "MessageBody"), nullptr);
  EXPECT_EQ(*find_param(p, "MessageBody"), "hello world");
  EXPECT_EQ(find_param(p, "Missing"), nullptr);
}

}  // namespace
}  // namespace spool
