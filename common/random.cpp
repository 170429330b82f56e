#include "common/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

#include "common/check.h"

namespace spool {

namespace {

constexpr size_t kPool = 4096;

// A thread's pool lives on the heap, made on its first use: a thread_local array would sit
// in static TLS, which every thread of the process carries (topic partitions run two each),
// whether or not it ever asks for random bytes.
struct RandomPool {
  std::unique_ptr<unsigned char[]> bytes;
  size_t used = kPool;
  ~RandomPool() {
    if (bytes) OPENSSL_cleanse(bytes.get(), kPool);
  }
};

}  // namespace

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  random_fill(out.data(), n);
  return out;
}

void random_fill(void* out, size_t n) {
  // RAND_bytes costs about 1.4 us a call whatever the size (locking, provider dispatch),
  // which was 9% of a SendMessageBatch's CPU with one UUID per message. Small requests
  // are served from a per-thread pool refilled 4 KiB at a time; the bytes are the same
  // DRBG output, just fetched in bulk.
  if (n == 0) return;
  if (n > kPool / 16) {
    SPOOL_CHECK(RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(n)) == 1);
    return;
  }
  thread_local RandomPool pool;
  if (!pool.bytes) pool.bytes = std::make_unique<unsigned char[]>(kPool);
  if (kPool - pool.used < n) {
    SPOOL_CHECK(RAND_bytes(pool.bytes.get(), static_cast<int>(kPool)) == 1);
    pool.used = 0;
  }
  std::memcpy(out, pool.bytes.get() + pool.used, n);
  std::memset(pool.bytes.get() + pool.used, 0, n);  // handed out once: no copy stays behind
  pool.used += n;
}

std::string random_string(size_t n, std::string_view alphabet) {
  SPOOL_CHECK(!alphabet.empty() && alphabet.size() <= 256);
  // Reject bytes past the largest multiple of the alphabet size so every symbol is equally
  // likely.
  const size_t limit = 256 - (256 % alphabet.size());
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (unsigned char b : random_bytes(n)) {
      if (b >= limit) continue;
      out += alphabet[b % alphabet.size()];
      if (out.size() == n) break;
    }
  }
  return out;
}

char* hex_encode_to(std::string_view bytes, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    *out++ = kDigits[b >> 4];
    *out++ = kDigits[b & 0xf];
  }
  return out;
}

std::string hex_encode(std::string_view bytes) {
  // Written in place: appending a character at a time re-checks the capacity and moves
  // the terminator for each, twice the cost over a SendMessageBatch's thirty digests and ids.
  std::string out(bytes.size() * 2, '\0');
  hex_encode_to(bytes, out.data());
  return out;
}

bool hex_decode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

}  // namespace spool

namespace spool {

std::string uuid_v4() {
  char b[16];
  random_fill(b, sizeof b);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string out(36, '\0');  // written in place: one per request
  uuid_text_to(std::string_view(b, sizeof b), out.data());
  return out;
}

void uuid_text_to(std::string_view bytes16, char* out) {
  // Groups of 4, 2, 2, 2 and 6 bytes, a dash after each but the last.
  size_t at = 0;
  for (size_t bytes : {4, 2, 2, 2, 6}) {
    if (at != 0) *out++ = '-';
    out = hex_encode_to(bytes16.substr(at, bytes), out);
    at += bytes;
  }
}

}  // namespace spool
