#pragma once

// CRC32C (Castagnoli, polynomial 0x1EDC6F41 reflected as 0x82F63B78), the checksum of
// every segment header and frame (docs/format.md).
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time) and a
// slicing-by-8 table otherwise; both give identical results.
//
// Pure functions; safe from any thread.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace spool::crc32c {

// The CRC of data[0, n) continued from `crc` (the CRC of the bytes before it).
uint32_t extend(uint32_t crc, const void* data, size_t n);

inline uint32_t value(const void* data, size_t n) { return extend(0, data, n); }
inline uint32_t value(std::string_view s) { return extend(0, s.data(), s.size()); }

// Stored CRCs are masked as LevelDB does: a CRC computed over bytes that themselves
// contain CRCs (a frame carrying a frame) would otherwise be easy to confuse.
constexpr uint32_t kMaskDelta = 0xa282ead8u;

constexpr uint32_t mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

constexpr uint32_t unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// True when the hardware path is in use (reported by the benchmark).
bool uses_hardware();

// The table-driven path regardless of the CPU, so tests can check both paths agree.
uint32_t extend_portable_for_test(uint32_t crc, const void* data, size_t n);

}  // namespace spool::crc32c
