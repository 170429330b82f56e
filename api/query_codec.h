#pragma once

// The AWS Query protocol (spec/sqs-api.md section 1) as a translation to and from the
// protocol-neutral Json every action handler works on: the body AWS JSON 1.0 carries,
// member names exactly as in botocore's current SQS model. Handlers never see Query.
//
// The Query wire shapes (flattened lists and maps, their element names) follow the last
// botocore model that spoke Query (1.29, Debian's /usr/lib/python3/dist-packages/botocore);
// the three move-task actions, added after SQS left Query, are shaped by analogy.
// One table (query_codec.cpp) describes every action's input and output; both directions
// are driven by it: query_request.cpp decodes, query_response.cpp renders.
//
// Pure functions; safe from any thread.

#include <span>
#include <string>
#include <string_view>

#include "common/form_codec.h"
#include "common/json.h"
#include "common/status.h"

namespace spool {

// Query parameters (already URL-decoded, in order) → the action's JSON request object.
//
//   Attribute.N.Name/Value, Tag.N.Key/Value      → {"Attributes": {...}}, {"tags": {...}}
//   AttributeName.N, TagKey.N, ...               → arrays, ordered by N numerically
//                                                  (gaps allowed; N starts at 1)
//   MessageAttribute.N.Name + .Value.DataType/.StringValue/.BinaryValue
//                                                → {"MessageAttributes": {name: {...}}}
//   SendMessageBatchRequestEntry.N.<member>      → {"Entries": [{...}, ...]}
//
// Values are not validated: integer members become Json numbers when the text is an
// integer and stay Json strings otherwise, so the handler reports InvalidParameterValue
// naming the value, exactly as for a JSON request. Binary values stay base64 text, as in
// the JSON protocol. Parameters the action does not know (Action, Version, X-Amz-*,
// AWSAccessKeyId, Signature*, Timestamp, Expires, misspellings) are ignored, as AWS does.
// When a name appears twice, the first occurrence wins (as find_param does); two map
// entries with the same key: the higher N wins. A bare list member name with an empty
// value ("Entries=", how old botocore sends an empty list) decodes as [].
//
// Errors: kInvalidAction when `action` is not an SQS action; kInvalidArgument, naming the
// parameter, for a malformed index ("Attribute.x.Name", "Attribute.0.Name",
// "Attribute.01.Name") or a map entry missing its key or string value ("Attribute.1.Value"
// without "Attribute.1.Name"). A MessageAttribute entry without any Value.* becomes {},
// left for the handler to reject (missing DataType), as with JSON.
Result<Json> query_to_json_request(std::string_view action, const FormParams& params);

// The action's JSON result object → the complete Query XML response body:
//
//   <?xml version="1.0"?><{action}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">
//   <{action}Result>...</{action}Result>
//   <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>
//
// Actions without output (DeleteQueue, ...) have no {action}Result element. Lists and maps
// are flattened into repeated elements named as the Query model names them (<QueueUrl>,
// <Message>, <Attribute><Name/><Value/></Attribute>, <Tag><Key/><Value/></Tag>, ...);
// members appear in the model's order whatever their order in `result`; members the table
// does not describe are rendered after them under their JSON names rather than dropped.
// All text is XML-escaped. Requires: `result` is an object (a handler's output).
std::string json_response_to_xml(std::string_view action, const Json& result, const std::string& request_id);

// ---- The table both directions read. Internal to the codec; handlers never need it. ----
namespace query_shapes {

// How a member travels in Query. JSON names are the current model's; Query names are the
// old model's locationNames (the flattened element name; for scalars the member name).
enum class Kind {
  kString,      // Name=text
  kInteger,     // Name=40; a Json number when the text is an integer
  kBoolean,     // Name=true; a Json boolean when the text is "true" or "false"
  kList,        // Name.N=text                              ↔ array of strings
  kStructList,  // Name.N.<member>=...                      ↔ array of objects
  kMap,         // Name.N.<key>=k & Name.N.Value=v          ↔ object of strings
  kStructMap,   // Name.N.Name=k & Name.N.Value.<member>=.. ↔ object of objects
};

struct Shape;

struct Member {
  std::string_view json_name;
  std::string_view query_name;
  Kind kind = Kind::kString;
  const Shape* shape = nullptr;        // kStructList entries, kStructMap values
  std::string_view key_name = "Name";  // maps: the element carrying the key ("Key" for tags)
};

struct Shape {
  std::span<const Member> members;  // in the model's order, which XML output follows
};

struct ActionShapes {
  std::string_view action;
  Shape input;
  const Shape* output;  // nullptr: the response has no {Action}Result element
};

// The action's shapes, or nullptr when it is not an SQS action. The table is static.
const ActionShapes* find_action(std::string_view action);

}  // namespace query_shapes

}  // namespace spool
