#include "auth/queue_policy.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "common/json.h"

namespace spool {
namespace {

// IAM's wildcards: `*` any run of characters, `?` exactly one. Linear backtracking over
// the last star, so no pattern can make it exponential.
bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto same = [ignore_case](char a, char b) {
    if (!ignore_case) return a == b;
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A string or a list of strings; anything else yields nothing (and so matches nothing).
std::vector<std::string_view> strings_of(const Json* value) {
  std::vector<std::string_view> out;
  if (value == nullptr) return out;
  if (value->is_string()) out.push_back(value->text());
  if (value->is_array()) {
    for (const Json& item : value->items()) {
      if (item.is_string()) out.push_back(item.text());
    }
  }
  return out;
}

bool names_account(std::string_view principal, std::string_view account) {
  if (principal == "*" || principal == account) return true;
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  constexpr std::string_view kRoot = ":root";
  return principal.size() == kPrefix.size() + account.size() + kRoot.size() &&
         principal.starts_with(kPrefix) && principal.ends_with(kRoot) &&
         principal.substr(kPrefix.size(), account.size()) == account;
}

bool principal_matches(const Json& statement, std::string_view account) {
  const Json* principal = statement.find("Principal");
  if (principal == nullptr) return false;
  if (principal->is_string()) return principal->text() == "*";
  for (std::string_view p : strings_of(principal->find("AWS"))) {
    if (names_account(p, account)) return true;
  }
  return false;
}

bool action_matches(const Json& statement, std::string_view iam_action) {
  for (std::string_view pattern : strings_of(statement.find("Action"))) {
    if (pattern == "*") return true;
    size_t colon = pattern.find(':');
    if (colon == std::string_view::npos) continue;
    if (!glob_match(pattern.substr(0, colon), "sqs", true)) continue;
    if (glob_match(pattern.substr(colon + 1), iam_action, true)) return true;
  }
  return false;
}

bool resource_matches(const Json& statement, std::string_view arn) {
  const Json* resource = statement.find("Resource");
  // The policy is attached to this one queue, so a statement without Resource can only
  // mean it.
  if (resource == nullptr) return true;
  for (std::string_view pattern : strings_of(resource)) {
    if (glob_match(pattern, arn, false)) return true;
  }
  return false;
}

bool has_unsupported_element(const Json& statement) {
  for (std::string_view name : {"Condition", "NotPrincipal", "NotAction", "NotResource"}) {
    if (statement.find(name) != nullptr) return true;
  }
  return false;
}

std::vector<Json> statements_of(std::string_view policy) {
  std::vector<Json> out;
  if (policy.empty()) return out;
  auto parsed = parse_json(policy);
  if (!parsed || !parsed->is_object()) return out;
  const Json* statement = parsed->find("Statement");
  if (statement == nullptr) return out;
  if (statement->is_object()) out.push_back(*statement);
  if (statement->is_array()) {
    for (const Json& s : statement->items()) {
      if (s.is_object()) out.push_back(s);
    }
  }
  return out;
}

std::string_view effect_of(const Json& statement) {
  const Json* effect = statement.find("Effect");
  return effect != nullptr && effect->is_string() ? std::string_view(effect->text()) : "";
}

}  // namespace

std::string_view iam_action_of(std::string_view sqs_action) {
  constexpr std::string_view kBatch = "Batch";
  if (sqs_action.ends_with(kBatch)) return sqs_action.substr(0, sqs_action.size() - kBatch.size());
  return sqs_action;
}

bool is_cross_account_action(std::string_view sqs_action) {
  static constexpr std::array<std::string_view, 11> kGrantable = {
      "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "DeleteMessage",
      "DeleteMessageBatch",      "GetQueueAttributes",           "GetQueueUrl",
      "ListDeadLetterSourceQueues", "PurgeQueue",                "ReceiveMessage",
      "SendMessage",             "SendMessageBatch"};
  for (std::string_view a : kGrantable) {
    if (a == sqs_action) return true;
  }
  return false;
}

QueueAccess authorize_queue_access(const QueueAccessRequest& request) {
  if (request.caller_account == request.owner_account) return QueueAccess::kAllowed;
  std::vector<Json> statements = statements_of(request.policy);
  bool named = false, allowed = false, denied = false;
  std::string_view iam_action = iam_action_of(request.action);
  for (const Json& s : statements) {
    std::string_view effect = effect_of(s);
    bool unsupported = has_unsupported_element(s);
    if (effect == "Allow" && !unsupported && principal_matches(s, request.caller_account)) {
      named = true;
      if (action_matches(s, iam_action) && resource_matches(s, request.queue_arn)) allowed = true;
    } else if (effect == "Deny") {
      // Fail closed: a Not* element counts as matching its part, a Condition as true.
      bool matches = (s.find("NotPrincipal") != nullptr || principal_matches(s, request.caller_account)) &&
                     (s.find("NotAction") != nullptr || action_matches(s, iam_action)) &&
                     (s.find("NotResource") != nullptr || resource_matches(s, request.queue_arn));
      denied = denied || matches;
    }
  }
  if (!named) return QueueAccess::kInvisible;
  if (allowed && !denied && is_cross_account_action(request.action)) return QueueAccess::kAllowed;
  return QueueAccess::kDenied;
}

}  // namespace spool
