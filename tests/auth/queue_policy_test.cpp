#include "auth/queue_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace spool {
namespace {

constexpr const char* kOwner = "111111111111";
constexpr const char* kCaller = "222222222222";
constexpr const char* kArn = "arn:aws:sqs:us-east-1:111111111111:orders";

QueueAccess access(const std::string& policy, std::string_view action = "SendMessage",
                   std::string_view caller = kCaller) {
  return authorize_queue_access({caller, kOwner, action, kArn, policy});
}

std::string policy_with(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

std::string allow(const std::string& principal, const std::string& action,
                  const std::string& resource = std::string("\"") + kArn + "\"") {
  return R"({"Effect":"Allow","Principal":)" + principal + R"(,"Action":)" + action +
         R"(,"Resource":)" + resource + "}";
}

TEST(QueuePolicy, OwnerMayDoAnythingWhateverThePolicySays) {
  std::string deny_all = policy_with(R"({"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"})");
  EXPECT_EQ(access(deny_all, "DeleteQueue", kOwner), QueueAccess::kAllowed);
  EXPECT_EQ(access("", "SendMessage", kOwner), QueueAccess::kAllowed);
}

TEST(QueuePolicy, NoPolicyOrAPolicyNotNamingTheCallerMakesTheQueueInvisible) {
  EXPECT_EQ(access(""), QueueAccess::kInvisible);
  EXPECT_EQ(access("not json"), QueueAccess::kInvisible);
  EXPECT_EQ(access(policy_with(allow(R"({"AWS":"333333333333"})", R"("sqs:SendMessage")"))),
            QueueAccess::kInvisible);
}

TEST(QueuePolicy, AccountIdRootArnAndStarAllNameTheCaller) {
  for (const char* principal : {R"({"AWS":"222222222222"})", R"({"AWS":"arn:aws:iam::222222222222:root"})",
                                R"({"AWS":["333333333333","arn:aws:iam::222222222222:root"]})",
                                R"({"AWS":"*"})", R"("*")"}) {
    EXPECT_EQ(access(policy_with(allow(principal, R"("sqs:SendMessage")"))), QueueAccess::kAllowed) << principal;
  }
  // A user of the account is a principal Spool does not have.
  EXPECT_EQ(access(policy_with(allow(R"({"AWS":"arn:aws:iam::222222222222:user/bob"})", R"("sqs:SendMessage")"))),
            QueueAccess::kInvisible);
  // A longer id that merely contains the caller's does not name it.
  EXPECT_EQ(access(policy_with(allow(R"({"AWS":"arn:aws:iam::2222222222220:root"})", R"("sqs:SendMessage")"))),
            QueueAccess::kInvisible);
}

TEST(QueuePolicy, GrantCoversOnlyItsActionsAndBatchFormsFollowTheirSingleForm) {
  std::string p = policy_with(allow(R"({"AWS":"222222222222"})", R"("SQS:SendMessage")"));
  EXPECT_EQ(access(p, "SendMessage"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "SendMessageBatch"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "ReceiveMessage"), QueueAccess::kDenied);
  EXPECT_EQ(access(p, "GetQueueAttributes"), QueueAccess::kDenied);
}

TEST(QueuePolicy, ActionWildcardsAreCaseInsensitive) {
  std::string p = policy_with(allow(R"({"AWS":"222222222222"})", R"(["sqs:receive*","SQS:Delete?essage"])"));
  EXPECT_EQ(access(p, "ReceiveMessage"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "DeleteMessageBatch"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "SendMessage"), QueueAccess::kDenied);
  EXPECT_EQ(access(policy_with(allow(R"("*")", R"("*")")), "PurgeQueue"), QueueAccess::kAllowed);
  EXPECT_EQ(access(policy_with(allow(R"("*")", R"("sns:*")")), "SendMessage"), QueueAccess::kDenied);
}

TEST(QueuePolicy, ResourceMustMatchTheQueueArn) {
  std::string other = policy_with(allow(R"("*")", R"("sqs:*")", R"("arn:aws:sqs:us-east-1:111111111111:other")"));
  EXPECT_EQ(access(other), QueueAccess::kDenied);
  std::string wildcard = policy_with(allow(R"("*")", R"("sqs:*")", R"("arn:aws:sqs:*:111111111111:ord*")"));
  EXPECT_EQ(access(wildcard), QueueAccess::kAllowed);
  std::string absent = policy_with(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage"})");
  EXPECT_EQ(access(absent), QueueAccess::kAllowed);
}

TEST(QueuePolicy, ExplicitDenyWinsOverAllow) {
  std::string p = policy_with(allow(R"("*")", R"("sqs:*")") + "," +
                              R"({"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"sqs:SendMessage","Resource":"*"})");
  EXPECT_EQ(access(p, "SendMessage"), QueueAccess::kDenied);
  EXPECT_EQ(access(p, "ReceiveMessage"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "ReceiveMessage", "333333333333"), QueueAccess::kAllowed);
}

TEST(QueuePolicy, SomeActionsAreNeverGrantedAcrossAccounts) {
  std::string p = policy_with(allow(R"("*")", R"("sqs:*")"));
  for (const char* action : {"DeleteQueue", "SetQueueAttributes", "AddPermission", "RemovePermission",
                             "TagQueue", "UntagQueue", "ListQueueTags", "CreateQueue"}) {
    EXPECT_EQ(access(p, action), QueueAccess::kDenied) << action;
  }
  for (const char* action : {"GetQueueUrl", "GetQueueAttributes", "PurgeQueue", "ChangeMessageVisibilityBatch"}) {
    EXPECT_EQ(access(p, action), QueueAccess::kAllowed) << action;
  }
}

TEST(QueuePolicy, UnsupportedElementsFailClosed) {
  std::string conditional_allow = policy_with(
      R"({"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}})");
  EXPECT_EQ(access(conditional_allow), QueueAccess::kInvisible);
  std::string conditional_deny = policy_with(
      allow(R"("*")", R"("sqs:*")") + "," +
      R"({"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}})");
  EXPECT_EQ(access(conditional_deny, "SendMessage"), QueueAccess::kDenied);
  EXPECT_EQ(access(conditional_deny, "ReceiveMessage"), QueueAccess::kAllowed);
  std::string not_action_deny = policy_with(
      allow(R"("*")", R"("sqs:*")") + "," + R"({"Effect":"Deny","Principal":"*","NotAction":"sqs:ReceiveMessage"})");
  EXPECT_EQ(access(not_action_deny, "ReceiveMessage"), QueueAccess::kDenied);
}

TEST(QueuePolicy, AddPermissionShapedPolicyWithASingleStatementObject) {
  std::string p = R"({"Version":"2012-10-17","Id":"x","Statement":{"Sid":"l","Effect":"Allow",)"
                  R"("Principal":{"AWS":["arn:aws:iam::222222222222:root"]},"Action":["SQS:SendMessage","SQS:GetQueueUrl"],)"
                  R"("Resource":"arn:aws:sqs:us-east-1:111111111111:orders"}})";
  EXPECT_EQ(access(p, "GetQueueUrl"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "SendMessage"), QueueAccess::kAllowed);
  EXPECT_EQ(access(p, "PurgeQueue"), QueueAccess::kDenied);
}

TEST(QueuePolicy, IamActionOfBatchActions) {
  EXPECT_EQ(iam_action_of("SendMessageBatch"), "SendMessage");
  EXPECT_EQ(iam_action_of("ChangeMessageVisibilityBatch"), "ChangeMessageVisibility");
  EXPECT_EQ(iam_action_of("ReceiveMessage"), "ReceiveMessage");
}

}  // namespace
}  // namespace spool
