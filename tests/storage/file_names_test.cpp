#include "storage/file_names.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(FileNames, SegmentNameIsTwentyDigitsAndParsesBack) {
  EXPECT_EQ(file_names::segment_file_name(SeqNo{0}), "00000000000000000000.log");
  EXPECT_EQ(file_names::segment_file_name(SeqNo{4718592}), "00000000000004718592.log");
  EXPECT_EQ(file_names::segment_file_name(SeqNo{UINT64_MAX}), "18446744073709551615.log");
  for (uint64_t v : {0ull, 1ull, 4718592ull, 18446744073709551615ull}) {
    EXPECT_EQ(file_names::parse_segment_file_name(file_names::segment_file_name(SeqNo{v})),
              SeqNo{v});
  }
}

TEST(FileNames, RejectsOtherNames) {
  for (const char* name : {"0.log", "0000000000000000000a.log", "00000000000000000000.log.tmp",
                           "00000000000000000000.idx", "99999999999999999999.log", ""}) {
    EXPECT_FALSE(file_names::parse_segment_file_name(name).has_value()) << name;
  }
}

TEST(FileNames, TmpNames) {
  EXPECT_EQ(file_names::tmp_file_name("x.log"), "x.log.tmp");
  EXPECT_TRUE(file_names::is_tmp_file_name("x.log.tmp"));
  EXPECT_FALSE(file_names::is_tmp_file_name("x.log"));
  EXPECT_EQ(file_names::join("/a/", "b"), "/a/b");
  EXPECT_EQ(file_names::join("/a", "b"), "/a/b");
}

}  // namespace
}  // namespace spool
