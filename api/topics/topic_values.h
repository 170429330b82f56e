#pragma once

// Data values of the topics API (spec/topics-api.md section 2): how keys, record values
// and header values travel in JSON, both ways.
//
//   in:  "text" | {"type":"STRING","data":"text"} | {"type":"BINARY","data":base64}
//        | {"type":"JSON","data":<any>} | null (a null, distinct from empty)
//   out: value_format auto (a string when the bytes are UTF-8, else BINARY), string
//        (400 on non-UTF-8), base64 (BINARY always).
//
// Pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/status.h"
#include "common/utf8.h"

namespace spool {

enum class ValueFormat { kAuto, kString, kBase64 };

Result<ValueFormat> parse_value_format(std::string_view text);

// The bytes of a data value; nullopt for null or absent (`value` may be nullptr).
// kInvalidRecord naming `what` when the form is wrong.
Result<std::optional<std::string>> decode_data_value(const Json* value, std::string_view what);

// Appends the JSON form of `bytes` (null when nullopt). kInvalidArgument only for
// kString with bytes that are not UTF-8.
Status append_data_value(std::string& out, const std::optional<std::string_view>& bytes, ValueFormat format);

}  // namespace spool
