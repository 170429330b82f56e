#pragma once

// The ids a FIFO send carries (spec section 7; AWS API reference, SendMessage):
// MessageGroupId and MessageDeduplicationId are 1..128 characters of ASCII letters,
// digits and punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~). With
// ContentBasedDeduplication the deduplication id is the hex SHA-256 of the body.
//
// Pure functions; safe from any thread.

#include <string>
#include <string_view>

#include "common/status.h"

namespace spool {

// kInvalidArgument "Value <v> for parameter <parameter> is invalid. Reason: ..." when
// `value` is empty, longer than 128 or has another character.
Status validate_fifo_id(std::string_view parameter, std::string_view value);

// The deduplication id ContentBasedDeduplication derives: lowercase hex SHA-256 of the
// body's bytes (64 characters, a valid id itself).
std::string content_deduplication_id(std::string_view body);

}  // namespace spool
