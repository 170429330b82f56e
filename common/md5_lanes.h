#pragma once

// MD5 of many short inputs at once. SendMessageBatch must answer with the MD5 of every
// body it accepts; one MD5 at a time was about a tenth of the batch's instructions on the
// HTTP threads. With AVX2 the digests are computed eight to a vector register, each lane
// an independent MD5 (RFC 1321); without AVX2, one at a time. Identical results either
// way, checked against OpenSSL in tests/common/md5_lanes_test.cpp.
//
// Pure function; safe from any thread.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace spool {

using Md5Digest = std::array<uint8_t, 16>;

// MD5(input), one at a time (OpenSSL's low-level MD5, which allocates nothing).
Md5Digest md5(std::string_view input);

// out[i] = MD5(inputs[i]); requires out.size() == inputs.size().
void md5_many(std::span<const std::string_view> inputs, std::span<Md5Digest> out);

// Whether md5_many uses the eight-lane AVX2 path on this CPU.
bool md5_many_uses_avx2();

}  // namespace spool
