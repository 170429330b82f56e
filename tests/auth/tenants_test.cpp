#include "auth/tenants.h"

#include <gtest/gtest.h>

#include "tests/fakes/memory_catalog.h"

namespace spool {
namespace {

class TenantsTest : public testing::Test {
 protected:
  MemoryCatalog catalog_;
  SecretBox box_{std::string(32, 's')};
  FakeClock clock_;
  Tenants tenants_{catalog_, box_, clock_};
};

TEST_F(TenantsTest, DefaultTenantIsCreatedOnceWithTestCredentials) {
  auto created = tenants_.ensure_default_tenant();
  ASSERT_TRUE(created);
  EXPECT_TRUE(*created);
  auto keys = catalog_.list_access_keys(std::string(kDefaultAccountId));
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].access_key_id, "test");
  auto secret = box_.open("test", (*keys)[0].secret_sealed);
  ASSERT_TRUE(secret);
  EXPECT_EQ(*secret, "test");

  auto again = tenants_.ensure_default_tenant();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_F(TenantsTest, DefaultTenantIsNotAddedWhenAccountsExist) {
  ASSERT_TRUE(tenants_.create_tenant("acme"));
  auto created = tenants_.ensure_default_tenant();
  ASSERT_TRUE(created);
  EXPECT_FALSE(*created);
  auto account = catalog_.find_account(kDefaultAccountId);
  ASSERT_TRUE(account);
  EXPECT_FALSE(account->has_value());
}

TEST_F(TenantsTest, NewTenantGetsTwelveDigitsAndAWorkingKey) {
  auto creds = tenants_.create_tenant("acme");
  ASSERT_TRUE(creds) << creds.error().to_string();
  EXPECT_TRUE(is_valid_account_id(creds->account_id));
  EXPECT_EQ(creds->access_key_id.size(), 20u);
  EXPECT_EQ(creds->access_key_id.rfind("SPKI", 0), 0u);
  EXPECT_EQ(creds->secret_access_key.size(), 40u);
  auto keys = catalog_.list_access_keys(creds->account_id);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  auto secret = box_.open(creds->access_key_id, (*keys)[0].secret_sealed);
  ASSERT_TRUE(secret);
  EXPECT_EQ(*secret, creds->secret_access_key);
}

TEST_F(TenantsTest, RejectsBadNamesAndIds) {
  EXPECT_EQ(tenants_.create_tenant("").status().code(), Errc::kInvalidArgument);
  EXPECT_EQ(tenants_.create_tenant("x", std::string("12345")).status().code(), Errc::kInvalidArgument);
  ASSERT_TRUE(tenants_.create_tenant("x", std::string("123456789012")));
  EXPECT_EQ(tenants_.create_tenant("y", std::string("123456789012")).status().code(),
            Errc::kAlreadyExists);
}

TEST_F(TenantsTest, KeyForMissingAccountIsNotFound) {
  EXPECT_EQ(tenants_.create_key("999999999999").status().code(), Errc::kNotFound);
}

TEST_F(TenantsTest, DeletingATenantWithQueuesIsRefused) {
  auto creds = tenants_.create_tenant("acme");
  ASSERT_TRUE(creds);
  QueueRecord q;
  q.account_id = creds->account_id;
  q.name = "orders";
  auto created = catalog_.create_queue(q);
  ASSERT_TRUE(created);
  EXPECT_EQ(delete_tenant(catalog_, creds->account_id, 2).code(), Errc::kAlreadyExists);
  ASSERT_TRUE(catalog_.delete_queue(created->queue_id, 1).ok());
  EXPECT_TRUE(delete_tenant(catalog_, creds->account_id, 2).ok());
  auto keys = catalog_.list_access_keys(std::nullopt);
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->empty());
  EXPECT_EQ(delete_tenant(catalog_, creds->account_id, 2).code(), Errc::kNotFound);
}

TEST(AccountId, IsExactlyTwelveDigits) {
  EXPECT_TRUE(is_valid_account_id("000000000000"));
  EXPECT_FALSE(is_valid_account_id("00000000000"));
  EXPECT_FALSE(is_valid_account_id("00000000000a"));
  EXPECT_FALSE(is_valid_account_id("0000000000000"));
}

}  // namespace
}  // namespace spool
