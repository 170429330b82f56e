#include "auth/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace spool {
namespace {

SecretBox test_box(char fill = 'k') { return SecretBox(std::string(32, fill)); }

TEST(SecretBox, OpensWhatItSealed) {
  SecretBox box = test_box();
  std::string sealed = box.seal("AKID1", "wJalrXUtnFEMI/K7MDENG");
  EXPECT_EQ(sealed.size(), 1u + 12 + 21 + 16);
  EXPECT_EQ(sealed.find("wJalrXUtnFEMI"), std::string::npos);
  auto opened = box.open("AKID1", sealed);
  ASSERT_TRUE(opened) << opened.error().to_string();
  EXPECT_EQ(*opened, "wJalrXUtnFEMI/K7MDENG");
}

TEST(SecretBox, SealsDifferentlyEachTime) {
  SecretBox box = test_box();
  EXPECT_NE(box.seal("AKID1", "secret"), box.seal("AKID1", "secret"));
}

TEST(SecretBox, RefusesAnotherKeyId) {
  SecretBox box = test_box();
  auto opened = box.open("AKID2", box.seal("AKID1", "secret"));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), Errc::kCorruption);
}

TEST(SecretBox, RefusesAnotherServerKey) {
  std::string sealed = test_box('a').seal("AKID1", "secret");
  EXPECT_FALSE(test_box('b').open("AKID1", sealed));
}

TEST(SecretBox, RefusesTamperedBytes) {
  SecretBox box = test_box();
  std::string sealed = box.seal("AKID1", "secret");
  sealed[14] ^= 1;
  EXPECT_FALSE(box.open("AKID1", sealed));
  EXPECT_FALSE(box.open("AKID1", "short"));
}

TEST(SecretBox, CreatesThenReloadsTheServerKeyFile) {
  std::string dir = testing::TempDir() + "/secret_box_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto first = SecretBox::load_or_create(dir);
  ASSERT_TRUE(first);
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string sealed = first->seal("AKID1", "secret");
  auto second = SecretBox::load_or_create(dir);
  ASSERT_TRUE(second);
  auto opened = second->open("AKID1", sealed);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "secret");
}

}  // namespace
}  // namespace spool
