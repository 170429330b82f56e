#pragma once

// application/x-www-form-urlencoded, as the AWS Query protocol sends it (in the body of
// a POST or the query string of a GET). Pure functions; safe from any thread.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX and '+' (space). Malformed escapes are kept literally, as browsers do.
std::string url_decode(std::string_view text);

// "a=1&b=2" → {{"a","1"},{"b","2"}}, in order, decoded. Empty pieces are skipped.
FormParams parse_form(std::string_view text);

// The first value of `name`, or nullptr.
const std::string* find_param(const FormParams& params, std::string_view name);

}  // namespace spool
