#pragma once

// Fixed-width little-endian integers: the only place Spool turns integers into on-disk
// bytes and back (docs/STYLE.md section 7). Never memcpy a struct to disk: padding and
// byte order would become part of the format by accident.
//
// Pure functions; safe from any thread.

#include <cstddef>
#include <cstdint>
#include <string>

namespace spool::coding {

inline void encode_fixed16(uint8_t* dst, uint16_t v) {
  dst[0] = static_cast<uint8_t>(v);
  dst[1] = static_cast<uint8_t>(v >> 8);
}

inline void encode_fixed32(uint8_t* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst[i] = static_cast<uint8_t>(v >> (8 * i));
}

inline void encode_fixed64(uint8_t* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<uint8_t>(v >> (8 * i));
}

inline uint16_t decode_fixed16(const uint8_t* src) {
  return static_cast<uint16_t>(src[0] | (static_cast<uint16_t>(src[1]) << 8));
}

inline uint32_t decode_fixed32(const uint8_t* src) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | src[i];
  return v;
}

inline uint64_t decode_fixed64(const uint8_t* src) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | src[i];
  return v;
}

// Appending forms, for building payloads in a std::string.
inline void put_fixed16(std::string* dst, uint16_t v) {
  uint8_t buf[2];
  encode_fixed16(buf, v);
  dst->append(reinterpret_cast<const char*>(buf), sizeof buf);
}

inline void put_fixed32(std::string* dst, uint32_t v) {
  uint8_t buf[4];
  encode_fixed32(buf, v);
  dst->append(reinterpret_cast<const char*>(buf), sizeof buf);
}

inline void put_fixed64(std::string* dst, uint64_t v) {
  uint8_t buf[8];
  encode_fixed64(buf, v);
  dst->append(reinterpret_cast<const char*>(buf), sizeof buf);
}

}  // namespace spool::coding
