#pragma once

// Escaping for XML responses (JSON strings: common/json.h). Pure functions; safe from any thread.

#include <string>
#include <string_view>

namespace spool {

// Appends `text` escaped for XML character data and attribute values. Characters XML 1.0
// does not allow, and bytes that are not well-formed UTF-8, are written as U+FFFD, so
// the document always parses.
void append_xml_escaped(std::string& out, std::string_view text);

}  // namespace spool
