#pragma once

// Cryptographically strong random bytes (OpenSSL's RAND_bytes), for keys, secrets and
// ids that must not be guessed. Safe from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace spool {

// n random bytes. Aborts if the system's generator fails (nothing sane can continue).
std::string random_bytes(size_t n);
// The same into `out`, without an allocation (a message id per message sent).
void random_fill(void* out, size_t n);

// n random characters from `alphabet`, without modulo bias.
std::string random_string(size_t n, std::string_view alphabet);

std::string hex_encode(std::string_view bytes);
// The same into out[0, 2 * bytes.size()), for callers that append it somewhere anyway;
// returns the end.
char* hex_encode_to(std::string_view bytes, char* out);
// False when `hex` has odd length or a non-hex character.
bool hex_decode(std::string_view hex, std::string* out);

}  // namespace spool

namespace spool {
// A random (version 4) UUID in its 36-character text form, for request ids.
std::string uuid_v4();
// 16 bytes as a UUID's text, 8-4-4-4-12 lower-case hex digits, into out[0, 36) (request
// ids here, MessageIds in the engine).
void uuid_text_to(std::string_view bytes16, char* out);
}  // namespace spool
