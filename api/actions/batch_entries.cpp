#include "api/actions/batch_entries.h"

#include "api/sqs_errors.h"
#include "common/json_writer.h"

namespace spool {

Result<std::vector<Json*>> read_batch_entries(Json& request, std::string_view entry_name) {
  Json* entries = request.find("Entries");
  if (entries == nullptr || entries->is_null()) {
    return Status(Errc::kMissingParameter, "The request must contain the parameter Entries.");
  }
  if (!entries->is_array()) return Status(Errc::kInvalidArgument, "The parameter Entries must be a list.");
  if (entries->items().empty()) {
    return Status(Errc::kEmptyBatchRequest, "There should be at least one " + std::string(entry_name) + " in the request.");
  }
  if (entries->items().size() > 10) {
    return Status(Errc::kTooManyEntriesInBatch, "Maximum number of entries per request are 10. You have sent " +
                                                    std::to_string(entries->items().size()) + ".");
  }
  std::vector<Json*> out;
  std::vector<const std::string*> ids;
  out.reserve(entries->items().size());
  ids.reserve(entries->items().size());
  for (Json& e : entries->items()) {
    const Json* id = e.is_object() ? e.find("Id") : nullptr;
    if (id == nullptr || !id->is_string()) {
      return Status(Errc::kMissingParameter, "The request must contain the parameter Id in every entry.");
    }
    const std::string& text = id->text();
    if (text.empty() || text.size() > 80 ||
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
      return Status(Errc::kInvalidBatchEntryId,
                    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                    "It can be at most 80 letters long.");
    }
    // At most ten: comparing with those before is cheaper than a set's node per entry.
    for (const std::string* before : ids) {
      if (*before == text) return Status(Errc::kBatchEntryIdsNotDistinct, "Id " + text + " repeated.");
    }
    ids.push_back(&text);
    out.push_back(&e);
  }
  return out;
}

Json failed_entry(const std::string& id, const Status& error) {
  SqsError e = sqs_error_for(error.code());
  Json f = Json::object();
  f.set("Id", Json::string(id));
  f.set("SenderFault", Json::boolean(e.sender_fault));
  f.set("Code", Json::string(std::string(e.code)));
  f.set("Message", Json::string(error.message()));
  return f;
}

Json id_only_batch_result(const std::vector<std::string>& ids, const std::vector<Status>& statuses,
                          Json failed) {
  std::string text;
  text.reserve(32 + statuses.size() * 24);
  JsonWriter w(text);
  w.begin_object();
  w.key("Successful");
  w.begin_array();
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (!statuses[i].ok()) {
      failed.push(failed_entry(ids[i], statuses[i]));
      continue;
    }
    w.begin_object();
    w.plain_member("Id", ids[i]);  // [A-Za-z0-9_-], checked by read_batch_entries
    w.end_object();
  }
  w.end_array();
  w.key("Failed");
  w.value(failed);
  w.end_object();
  return Json::raw(std::move(text));
}

}  // namespace spool
