#pragma once

// The characters SQS accepts in a message body and in String/Number attribute values
// (spec section 5; AWS API reference, SendMessage): the XML 1.0 Char production,
//   #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF,
// carried as UTF-8. Bytes that are not well-formed UTF-8 (overlong forms, truncated
// sequences, stray continuation bytes, values past U+10FFFF) are refused as well.
//
// Pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace spool {

// True when `text` is well-formed UTF-8 made only of allowed characters. An empty
// text is allowed (emptiness is the caller's rule).
bool is_allowed_sqs_text(std::string_view text);

// The first offending character as AWS names it: "#x7", "#xFFFF", "#xD800" (uppercase
// hex, no leading zeros). For a byte that does not start a well-formed UTF-8 sequence,
// that byte ("#xC0"). nullopt when is_allowed_sqs_text(text).
std::optional<std::string> first_disallowed_character(std::string_view text);

// SendMessage's body rules, as AWS answers them:
//   empty      -> kMissingParameter "The request must contain the parameter MessageBody."
//   bad char   -> kInvalidMessageContents "Invalid binary character '#x7' was found in the
//                 message body, the set of allowed characters is #x9 | #xA | #xD | ..."
// The size limit depends on the queue and the attributes; see message_size_bytes().
Status validate_message_body(std::string_view body);

// The allowed set exactly as AWS spells it in its error messages.
inline constexpr std::string_view kAllowedCharactersText =
    "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]";

}  // namespace spool
