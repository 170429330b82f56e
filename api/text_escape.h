#pragma once

// Escaping for the two response syntaxes. Pure functions; safe from any thread.

#include <string>
#include <string_view>

namespace spool {

// Appends `text` escaped for XML character data and attribute values.
void append_xml_escaped(std::string& out, std::string_view text);
// Appends `text` as a JSON string literal, quotes included. `text` is UTF-8.
void append_json_string(std::string& out, std::string_view text);

}  // namespace spool
