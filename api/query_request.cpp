#include "api/query_codec.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace spool {
namespace {

using query_shapes::Kind;
using query_shapes::Member;
using query_shapes::Shape;

// Parameter names split at '.': "Attribute.1.Name" is Attribute → 1 → Name. Views point
// into the FormParams, which outlive the tree.
struct ParamNode {
  std::string_view first_name;  // the first parameter reaching this node, for messages
  std::string_view path;        // the name up to this node: "Attribute.1"
  const std::string* value = nullptr;
  std::map<std::string_view, ParamNode, std::less<>> children;

  const ParamNode* child(std::string_view segment) const {
    auto it = children.find(segment);
    return it == children.end() ? nullptr : &it->second;
  }
};

ParamNode build_param_tree(const FormParams& params) {
  ParamNode root;
  for (const auto& [name_string, value] : params) {
    std::string_view name = name_string;
    ParamNode* node = &root;
    size_t start = 0;
    while (true) {
      size_t dot = name.find('.', start);
      size_t end = dot == std::string_view::npos ? name.size() : dot;
      auto [it, inserted] = node->children.try_emplace(name.substr(start, end - start));
      node = &it->second;
      if (inserted) {
        node->first_name = name;
        node->path = name.substr(0, end);
      }
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    if (node->value == nullptr) node->value = &value;
  }
  return root;
}

// "1", "2", ... "10": no sign, no leading zero. Nine digits is far beyond any SQS limit.
std::optional<uint32_t> parse_index(std::string_view segment) {
  if (segment.empty() || segment.size() > 9 || segment[0] == '0') return std::nullopt;
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), n);
  if (ec != std::errc() || end != segment.data() + segment.size()) return std::nullopt;
  return n;
}

// Appended piece by piece: g++ 12 misreports `"'" + std::string` with -Wrestrict.
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

// The children of a list or map node, ordered by N numerically (so 10 follows 9).
Result<std::vector<const ParamNode*>> indexed_entries(const ParamNode& node) {
  std::vector<std::pair<uint32_t, const ParamNode*>> numbered;
  for (const auto& [segment, entry] : node.children) {
    std::optional<uint32_t> n = parse_index(segment);
    if (!n) {
      return Status(Errc::kInvalidArgument,
                    "Parameter " + std::string(entry.first_name) + " is malformed: " + quoted(segment) +
                        " is not an index; members of " + std::string(node.path) + " are numbered from 1");
    }
    numbered.emplace_back(*n, &entry);
  }
  std::sort(numbered.begin(), numbered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const ParamNode*> ordered;
  ordered.reserve(numbered.size());
  for (const auto& [n, entry] : numbered) ordered.push_back(entry);
  return ordered;
}

Json scalar_to_json(Kind kind, const std::string& text) {
  if (kind == Kind::kInteger) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return Json::number(n);
  } else if (kind == Kind::kBoolean) {
    if (text == "true") return Json::boolean(true);
    if (text == "false") return Json::boolean(false);
  }
  return Json::string(text);
}

// A map entry's key: "Attribute.N.Name" (or ".Key" for tags). Required: without it the
// value has nowhere to go.
Result<std::string> map_key(const Member& member, const ParamNode& entry) {
  const ParamNode* key = entry.child(member.key_name);
  if (key == nullptr || key->value == nullptr) {
    return Status(Errc::kInvalidArgument, "Parameter " + std::string(entry.first_name) + " has no matching " +
                                              std::string(entry.path) + "." + std::string(member.key_name));
  }
  return *key->value;
}

Result<Json> decode_struct(const Shape& shape, const ParamNode& node);

Result<Json> decode_list(const Member& member, const std::vector<const ParamNode*>& entries) {
  Json list = Json::array();
  for (const ParamNode* entry : entries) {
    if (member.kind == Kind::kList) {
      // "AttributeName.1.x" alone carries no list item; ignored like other unknown names.
      if (entry->value != nullptr) list.push(Json::string(*entry->value));
      continue;
    }
    auto item = decode_struct(*member.shape, *entry);
    if (!item) return item.error();
    list.push(std::move(*item));
  }
  return list;
}

// A later entry with the same key replaces an earlier one, as a JSON object's would.
Result<Json> decode_map(const Member& member, const std::vector<const ParamNode*>& entries) {
  Json map = Json::object();
  for (const ParamNode* entry : entries) {
    auto key = map_key(member, *entry);
    if (!key) return key.error();
    const ParamNode* value = entry->child("Value");
    if (member.kind == Kind::kMap) {
      if (value == nullptr || value->value == nullptr) {
        return Status(Errc::kInvalidArgument, "Parameter " + std::string(entry->first_name) +
                                                  " has no matching " + std::string(entry->path) + ".Value");
      }
      map.set(std::move(*key), Json::string(*value->value));
      continue;
    }
    // A struct value with no members at all becomes {}: the handler then reports the
    // missing DataType, as it would for a JSON request.
    Json item = Json::object();
    if (value != nullptr) {
      auto decoded = decode_struct(*member.shape, *value);
      if (!decoded) return decoded.error();
      item = std::move(*decoded);
    }
    map.set(std::move(*key), std::move(item));
  }
  return map;
}

// Adds `member`, read from `node` (the parameters under its Query name), to `out`.
Status decode_member(const Member& member, const ParamNode& node, Json& out) {
  std::string name(member.json_name);
  switch (member.kind) {
    case Kind::kString:
    case Kind::kInteger:
    case Kind::kBoolean:
      if (node.value != nullptr) out.set(name, scalar_to_json(member.kind, *node.value));
      return Status();
    case Kind::kList:
    case Kind::kStructList:
    case Kind::kMap:
    case Kind::kStructMap:
      break;
  }
  // A bare "AttributeName=x" has no entries; like any unknown name it is ignored.
  if (node.children.empty()) return Status();
  auto entries = indexed_entries(node);
  if (!entries) return entries.error();
  bool is_list = member.kind == Kind::kList || member.kind == Kind::kStructList;
  auto value = is_list ? decode_list(member, *entries) : decode_map(member, *entries);
  if (!value) return value.error();
  out.set(std::move(name), std::move(*value));
  return Status();
}

// Old botocore sends an empty list as its bare member name with no value ("Entries=",
// "AttributeNames="). Decoding that as [] lets the handler answer exactly as it does for
// a JSON client's [] (EmptyBatchRequest, for instance).
bool is_empty_list_marker(const Member& member, const ParamNode& node) {
  if (member.kind != Kind::kList && member.kind != Kind::kStructList) return false;
  const ParamNode* bare = node.child(member.json_name);
  return bare != nullptr && bare->value != nullptr && bare->value->empty();
}

Result<Json> decode_struct(const Shape& shape, const ParamNode& node) {
  Json out = Json::object();
  for (const Member& member : shape.members) {
    const ParamNode* child = node.child(member.query_name);
    if (child == nullptr) {
      if (is_empty_list_marker(member, node)) out.set(std::string(member.json_name), Json::array());
      continue;
    }
    Status status = decode_member(member, *child, out);
    if (!status.ok()) return status;
  }
  return out;
}

}  // namespace

Result<Json> query_to_json_request(std::string_view action, const FormParams& params) {
  const query_shapes::ActionShapes* shapes = query_shapes::find_action(action);
  if (shapes == nullptr) {
    return Status(Errc::kInvalidAction,
                  "The action " + std::string(action) + " is not valid for this endpoint.");
  }
  ParamNode root = build_param_tree(params);
  return decode_struct(shapes->input, root);
}

}  // namespace spool
