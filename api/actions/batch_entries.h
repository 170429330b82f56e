#pragma once

// The rules every *Batch action shares: 1..10 entries, distinct ids of
// [A-Za-z0-9_-]{1,80}, and the Failed entry format for per-entry errors.

#include "api/actions/action.h"

namespace spool {

// The Entries list, checked; the errors are whole-request errors as in SQS.
// `entry_name` (e.g. "SendMessageBatchRequestEntry") words the empty-batch error.
// The entries are the request's own, for the handler to take values from.
Result<std::vector<Json*>> read_batch_entries(Json& request, std::string_view entry_name);

// {"Id", "SenderFault", "Code", "Message"} for one failed entry.
Json failed_entry(const std::string& id, const Status& error);

// {"Successful": [{"Id"}...], "Failed": [...]} for actions whose successes carry only
// their Id (DeleteMessageBatch, ChangeMessageVisibilityBatch). `failed` holds the entries
// refused before reaching the engine; statuses[i] is the outcome of ids[i].
Json id_only_batch_result(const std::vector<std::string>& ids, const std::vector<Status>& statuses,
                          Json failed);

}  // namespace spool
