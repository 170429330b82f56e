// AddPermission and RemovePermission edit the queue's Policy attribute: one statement
// per label (Sid), as SQS keeps them.
#include "api/actions/action.h"
#include "api/sqs_protocol.h"
#include "auth/queue_policy.h"

namespace spool {
namespace {

// "An Amazon SQS policy can have a maximum of seven actions per statement" (AddPermission).
constexpr size_t kMaxActionsPerStatement = 7;

// AddPermission grants "*" or the single form of an action another account may use; a
// batch is granted through its single form, so SQS refuses "SendMessageBatch" here. The
// two reasons are SQS's own: one for its owner-only actions, one for anything else.
Status check_grantable(const std::string& action) {
  if (action == "*" || (iam_action_of(action) == action && is_cross_account_action(action))) return Status();
  const bool owner_only = is_sqs_action(action) && iam_action_of(action) == action;
  return Status(Errc::kInvalidArgument, "Value SQS:" + action + " for parameter ActionName is invalid. Reason: " +
                                            (owner_only ? "Only the queue owner is allowed to invoke this action."
                                                        : "Please refer to the appropriate WSDL for a list of valid actions."));
}

// Principals are accounts, named by their 12-digit id (AddPermission takes no other kind).
Status check_principal(const std::string& account) {
  if (account.size() == 12 && account.find_first_not_of("0123456789") == std::string::npos) return Status();
  return Status(Errc::kInvalidArgument,
                "Value " + account + " for parameter PrincipalId is invalid. Reason: Unable to verify principal.");
}

Result<Json> current_policy(const QueueMeta& q, const std::string& arn) {
  auto it = q.attributes.find("Policy");
  if (it == q.attributes.end() || it->second.empty()) {
    Json policy = Json::object();
    policy.set("Version", Json::string("2012-10-17"));
    policy.set("Id", Json::string(arn + "/SQSDefaultPolicy"));
    policy.set("Statement", Json::array());
    return policy;
  }
  auto parsed = parse_json(it->second);
  if (!parsed || !parsed->is_object()) return Status(Errc::kInternal, "the queue's stored Policy is not a JSON object");
  Json policy = std::move(*parsed);
  const Json* statements = policy.find("Statement");
  if (statements == nullptr || statements->is_object()) {
    Json list = Json::array();
    if (statements != nullptr) list.push(*statements);
    policy.set("Statement", std::move(list));
  }
  return policy;
}

bool has_label(const Json& policy, const std::string& label) {
  for (const Json& s : policy.find("Statement")->items()) {
    const Json* sid = s.find("Sid");
    if (sid != nullptr && sid->is_string() && sid->text() == label) return true;
  }
  return false;
}

void save_policy(const ActionContext& ctx, QueueMetaPtr queue, const Json& policy, ActionDone done) {
  ctx.engine.set_queue_attributes(queue, {{"Policy", to_json(policy)}}, [done](Status st) {
    if (!st.ok()) return done(st);
    done(empty_response());
  });
}

}  // namespace

void add_permission_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto label = required_string(request, "Label");
  if (!label) return done(label.error());
  auto accounts = string_list(request, "AWSAccountIds");
  if (!accounts) return done(accounts.error());
  auto actions = string_list(request, "Actions");
  if (!actions) return done(actions.error());
  if (accounts->empty()) return done(Status(Errc::kMissingParameter, "The request must contain the parameter AWSAccountIds."));
  if (actions->empty()) return done(Status(Errc::kMissingParameter, "The request must contain the parameter Actions."));
  if (actions->size() > kMaxActionsPerStatement) {
    return done(Status(Errc::kResourceExhausted, std::to_string(actions->size()) +
                                                     " Actions were found, maximum allowed is " +
                                                     std::to_string(kMaxActionsPerStatement) + "."));
  }
  for (const auto& action : *actions) {
    if (Status st = check_grantable(action); !st.ok()) return done(st);
  }
  for (const auto& account : *accounts) {
    if (Status st = check_principal(account); !st.ok()) return done(st);
  }
  if (label->empty() || label->size() > 80 ||
      label->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    return done(Status(Errc::kInvalidArgument, "Value " + *label + " for parameter Label is invalid. Reason: Must be "
                                               "up to 80 alphanumeric characters, hyphens or underscores."));
  }
  std::string arn = queue_arn_of(ctx, **queue);
  auto policy = current_policy(**queue, arn);
  if (!policy) return done(policy.error());
  if (has_label(*policy, *label)) {
    return done(Status(Errc::kInvalidArgument, "Value " + *label +
                                                   " for parameter Label is invalid. Reason: Already exists."));
  }
  Json principals = Json::array();
  for (const auto& account : *accounts) principals.push(Json::string("arn:aws:iam::" + account + ":root"));
  Json action_list = Json::array();
  for (const auto& action : *actions) action_list.push(Json::string(action == "*" ? "SQS:*" : "SQS:" + action));
  Json statement = Json::object();
  statement.set("Sid", Json::string(*label));
  statement.set("Effect", Json::string("Allow"));
  Json principal = Json::object();
  principal.set("AWS", principals.items().size() == 1 ? principals.items()[0] : principals);
  statement.set("Principal", std::move(principal));
  statement.set("Action", action_list.items().size() == 1 ? action_list.items()[0] : action_list);
  statement.set("Resource", Json::string(arn));
  Json updated = std::move(*policy);
  Json statements = *updated.find("Statement");
  statements.push(std::move(statement));
  updated.set("Statement", std::move(statements));
  save_policy(ctx, *queue, updated, std::move(done));
}

void remove_permission_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto label = required_string(request, "Label");
  if (!label) return done(label.error());
  auto policy = current_policy(**queue, queue_arn_of(ctx, **queue));
  if (!policy) return done(policy.error());
  if (!has_label(*policy, *label)) {
    return done(Status(Errc::kInvalidArgument, "Value " + *label +
                                                   " for parameter Label is invalid. Reason: can't find label."));
  }
  Json kept = Json::array();
  for (const Json& s : policy->find("Statement")->items()) {
    const Json* sid = s.find("Sid");
    if (sid == nullptr || !sid->is_string() || sid->text() != *label) kept.push(s);
  }
  if (kept.items().empty()) {
    // The last grant gone: SQS drops the Policy attribute altogether.
    ctx.engine.set_queue_attributes(*queue, {{"Policy", ""}}, [done](Status st) {
      if (!st.ok()) return done(st);
      done(empty_response());
    });
    return;
  }
  Json updated = std::move(*policy);
  updated.set("Statement", std::move(kept));
  save_policy(ctx, *queue, updated, std::move(done));
}

}  // namespace spool
