#include "api/text_escape.h"

#include "common/utf8.h"

namespace spool {

void append_xml_escaped(std::string& out, std::string_view text) {
  size_t run = 0;  // start of the bytes not yet appended, which need no escape
  auto replace = [&](size_t at, size_t length, std::string_view with) {
    out.append(text.data() + run, at - run);
    out += with;
    run = at + length;
  };
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 || c < 0x20) {
      // Only characters XML allows, well-formed: error messages quote what clients
      // sent, and a document with a NUL or a stray byte would not parse at all.
      Utf8Sequence s = decode_utf8(text, i);
      if (!s.ok || !is_xml_char(s.code_point)) {
        replace(i, s.length, "\xEF\xBF\xBD");  // U+FFFD
      } else if (c == '\r') {
        replace(i, 1, "&#xD;");  // parsers would normalise a raw one away; SQS escapes it
      }
      i += s.length;
      continue;
    }
    switch (c) {
      case '&': replace(i, 1, "&amp;"); break;
      case '<': replace(i, 1, "&lt;"); break;
      case '>': replace(i, 1, "&gt;"); break;
      case '"': replace(i, 1, "&quot;"); break;
      case '\'': replace(i, 1, "&apos;"); break;
      default: break;
    }
    ++i;
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace spool
