#pragma once

// Escaping for XML responses (JSON strings: common/json.h). Pure functions; safe from any thread.

#include <string>
#include <string_view>

namespace spool {

// Appends `text` escaped for XML character data and attribute values.
void append_xml_escaped(std::string& out, std::string_view text);

}  // namespace spool
