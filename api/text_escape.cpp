#include "api/text_escape.h"


namespace spool {

void append_xml_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      // Carriage returns would be normalised away by XML parsers; SQS escapes them.
      case '\r': out += "&#xD;"; break;
      default: out += c;
    }
  }
}


}  // namespace spool
