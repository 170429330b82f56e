#include "api/query_codec.h"

#include <algorithm>

#include "api/sqs_protocol.h"
#include "api/text_escape.h"

namespace spool {
namespace {

using query_shapes::Kind;
using query_shapes::Member;
using query_shapes::Shape;

void open_element(std::string& out, std::string_view name) {
  out += '<';
  out += name;
  out += '>';
}

void close_element(std::string& out, std::string_view name) {
  out += "</";
  out += name;
  out += '>';
}

void append_element(std::string& out, std::string_view name, std::string_view text) {
  open_element(out, name);
  append_xml_escaped(out, text);
  close_element(out, name);
}

bool is_scalar(const Json& value) { return value.is_string() || value.is_number() || value.is_bool(); }

std::string_view scalar_text(const Json& value) {
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return value.text();
}

// For members the table does not describe: nested elements named after the JSON.
void render_untyped(std::string& out, std::string_view name, const Json& value) {
  if (value.is_null()) return;
  if (is_scalar(value)) {
    append_element(out, name, scalar_text(value));
  } else if (value.is_array()) {
    for (const Json& item : value.items()) render_untyped(out, name, item);
  } else {
    open_element(out, name);
    for (const auto& [member_name, member_value] : value.members()) {
      render_untyped(out, member_name, member_value);
    }
    close_element(out, name);
  }
}

void render_struct(std::string& out, const Shape& shape, const Json& value);

void render_member(std::string& out, const Member& member, const Json& value) {
  std::string_view element = member.query_name;
  switch (member.kind) {
    case Kind::kString:
    case Kind::kInteger:
    case Kind::kBoolean:
      if (is_scalar(value)) {
        append_element(out, element, scalar_text(value));
      } else {
        render_untyped(out, member.json_name, value);  // a handler bug; show it rather than drop it
      }
      return;
    case Kind::kList:
      for (const Json& item : value.items()) render_untyped(out, element, item);
      return;
    case Kind::kStructList:
      for (const Json& item : value.items()) {
        open_element(out, element);
        render_struct(out, *member.shape, item);
        close_element(out, element);
      }
      return;
    case Kind::kMap:
    case Kind::kStructMap:
      for (const auto& [key, item] : value.members()) {
        open_element(out, element);
        append_element(out, member.key_name, key);
        if (member.kind == Kind::kMap) {
          render_untyped(out, "Value", item);
        } else {
          open_element(out, "Value");
          render_struct(out, *member.shape, item);
          close_element(out, "Value");
        }
        close_element(out, element);
      }
      return;
  }
}

bool shape_has(const Shape& shape, std::string_view json_name) {
  return std::any_of(shape.members.begin(), shape.members.end(),
                     [&](const Member& m) { return m.json_name == json_name; });
}

void render_struct(std::string& out, const Shape& shape, const Json& value) {
  for (const Member& member : shape.members) {
    const Json* item = value.find(member.json_name);
    if (item != nullptr && !item->is_null()) render_member(out, member, *item);
  }
  for (const auto& [name, item] : value.members()) {
    if (!shape_has(shape, name)) render_untyped(out, name, item);
  }
}

}  // namespace

std::string json_response_to_xml(std::string_view action, const Json& result, const std::string& request_id) {
  std::string response_element = std::string(action) + "Response";
  std::string result_element = std::string(action) + "Result";
  std::string out = "<?xml version=\"1.0\"?>";
  out += '<';
  out += response_element;
  out += " xmlns=\"";
  out += kSqsXmlNamespace;
  out += "\">";
  const query_shapes::ActionShapes* shapes = query_shapes::find_action(action);
  if (shapes != nullptr && shapes->output != nullptr) {
    open_element(out, result_element);
    render_struct(out, *shapes->output, result);
    close_element(out, result_element);
  } else if (shapes == nullptr && !result.members().empty()) {
    // Not an SQS action (callers reject those first); render what there is.
    render_untyped(out, result_element, result);
  }
  open_element(out, "ResponseMetadata");
  append_element(out, "RequestId", request_id);
  close_element(out, "ResponseMetadata");
  close_element(out, response_element);
  return out;
}

}  // namespace spool
