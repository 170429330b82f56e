#pragma once

// Queue policies: who besides its owner may act on a queue. The policy is the queue's
// `Policy` attribute (an IAM policy document, set directly or by AddPermission); this is
// a small IAM evaluator for the part of the grammar SQS queue policies use.
//
// Rules (AWS's, for a resource policy across accounts, SQS Developer Guide "Limitations
// of Amazon SQS custom policies" and "What permissions do I need to access a queue"):
//   - the owner account may do everything (Spool has no IAM users below an account);
//   - another account needs an Allow statement naming it (its 12-digit id, its
//     arn:aws:iam::<id>:root, or "*") for the action and the queue, and no Deny naming it;
//   - some actions are never granted across accounts (CreateQueue, DeleteQueue,
//     SetQueueAttributes, AddPermission, RemovePermission, tags, ListQueues, move tasks).
// Statements with Condition, NotPrincipal, NotAction or NotResource are beyond this
// evaluator, so it fails closed: such an Allow grants nothing; in a Deny a Condition
// counts as true and a Not* element as matching its part.
//
// Pure functions; safe from any thread.

#include <string_view>

namespace spool {

enum class QueueAccess {
  kAllowed,
  // The policy names the caller in some Allow statement (so the queue's existence is no
  // secret to it) but not for this action, or a Deny applies: SQS's AccessDenied.
  kDenied,
  // Nothing names the caller: answered exactly as a missing queue, so that queue names
  // of other tenants do not leak.
  kInvisible,
};

struct QueueAccessRequest {
  std::string_view caller_account;  // 12 digits, authenticated
  std::string_view owner_account;
  std::string_view action;     // SQS API action name, e.g. "SendMessageBatch"
  std::string_view queue_arn;  // arn:aws:sqs:<region>:<owner>:<name>
  std::string_view policy;     // the queue's Policy attribute; empty when it has none
};

QueueAccess authorize_queue_access(const QueueAccessRequest& request);

// The IAM action name ("SendMessage") that authorizes an SQS API action: batch actions
// are authorized by their single form, as in AWS.
std::string_view iam_action_of(std::string_view sqs_action);

// Whether a queue policy can grant this action to another account at all.
bool is_cross_account_action(std::string_view sqs_action);

}  // namespace spool
