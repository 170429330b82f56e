// MD5 runs through OpenSSL's low-level MD5_* functions, deprecated in OpenSSL 3 but still
// built: EVP_DigestInit allocates a provider context on every call (one allocation and
// ~20% of an MD5 of a 256-byte body), and every message sent needs one.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "common/md5_lanes.h"

#include <openssl/md5.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define SPOOL_MD5_LANES 1
#endif

#include <algorithm>
#include <cstring>
#include <utility>

#include "common/check.h"

namespace spool {
namespace {

#if SPOOL_MD5_LANES
constexpr size_t kLanes = 8;
constexpr size_t kBlock = 64;

// RFC 1321's table T[i] = floor(2^32 * |sin(i + 1)|), and the per-step rotations.
constexpr uint32_t kT[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr int kShift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

constexpr int word_index(int step) {
  switch (step / 16) {
    case 0: return step;
    case 1: return (5 * step + 1) % 16;
    case 2: return (3 * step + 5) % 16;
    default: return (7 * step) % 16;
  }
}

// One of the 64 steps on all lanes: a = b + rotl(a + f(b, c, d) + T[i] + X[k], s).
template <int kStep>
__attribute__((target("avx2"), always_inline)) inline void step(__m256i& a, __m256i b, __m256i c, __m256i d,
                                                                const __m256i* x) {
  __m256i f;
  if constexpr (kStep < 16) {
    f = _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d)));
  } else if constexpr (kStep < 32) {
    f = _mm256_xor_si256(c, _mm256_and_si256(d, _mm256_xor_si256(b, c)));
  } else if constexpr (kStep < 48) {
    f = _mm256_xor_si256(_mm256_xor_si256(b, c), d);
  } else {
    f = _mm256_xor_si256(c, _mm256_or_si256(b, _mm256_xor_si256(d, _mm256_set1_epi32(-1))));
  }
  constexpr int s = kShift[kStep / 16][kStep % 4];
  __m256i t = _mm256_add_epi32(_mm256_add_epi32(a, f),
                               _mm256_add_epi32(x[word_index(kStep)], _mm256_set1_epi32(static_cast<int>(kT[kStep]))));
  t = _mm256_or_si256(_mm256_slli_epi32(t, s), _mm256_srli_epi32(t, 32 - s));
  a = _mm256_add_epi32(b, t);
}

// Steps 4q..4q+3; the roles of a, b, c, d rotate by one each step.
template <int kFirst>
__attribute__((target("avx2"), always_inline)) inline void four_steps(__m256i& a, __m256i& b, __m256i& c,
                                                                      __m256i& d, const __m256i* x) {
  step<kFirst>(a, b, c, d, x);
  step<kFirst + 1>(d, a, b, c, x);
  step<kFirst + 2>(c, d, a, b, x);
  step<kFirst + 3>(b, c, d, a, x);
}

template <int... kQuads>
__attribute__((target("avx2"), always_inline)) inline void all_steps(__m256i& a, __m256i& b, __m256i& c,
                                                                     __m256i& d, const __m256i* x,
                                                                     std::integer_sequence<int, kQuads...>) {
  (four_steps<kQuads * 4>(a, b, c, d, x), ...);
}

// rows[l] holds lane l's 8 words; afterwards out[j] holds word j of every lane.
__attribute__((target("avx2"))) void transpose8(const __m256i* rows, __m256i* out) {
  __m256i t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_epi32(rows[i], rows[i + 1]);
    t[i + 1] = _mm256_unpackhi_epi32(rows[i], rows[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);
    u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);
    u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);
    u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int j = 0; j < 4; ++j) {
    out[j] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x20);
    out[j + 4] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x31);
  }
}

// The padded message is the input, 0x80, zeros, then the bit length (little-endian
// 64 bits) ending on a block boundary. Its last one or two blocks are built here; the
// blocks before them are read from the input in place.
struct PaddedTail {
  size_t first_block = 0;  // index of the tail's first block
  size_t blocks = 0;       // blocks in the whole padded message
  alignas(32) uint8_t bytes[2 * kBlock];
};

void pad_tail(std::string_view input, PaddedTail& tail) {
  const size_t full = input.size() / kBlock;
  const size_t rest = input.size() % kBlock;
  const size_t tail_blocks = rest < kBlock - 8 ? 1 : 2;
  tail.first_block = full;
  tail.blocks = full + tail_blocks;
  std::memset(tail.bytes, 0, sizeof tail.bytes);
  if (rest != 0) std::memcpy(tail.bytes, input.data() + full * kBlock, rest);
  tail.bytes[rest] = 0x80;
  const uint64_t bits = static_cast<uint64_t>(input.size()) * 8;
  for (int i = 0; i < 8; ++i) tail.bytes[tail_blocks * kBlock - 8 + i] = static_cast<uint8_t>(bits >> (8 * i));
}

const uint8_t* block_of(std::string_view input, const PaddedTail& tail, size_t b) {
  if (b < tail.first_block) return reinterpret_cast<const uint8_t*>(input.data()) + b * kBlock;
  return tail.bytes + (b - tail.first_block) * kBlock;
}

// Up to eight digests, one per lane. Lanes past inputs.size() and lanes whose message
// has ended keep their state: the block's sum is masked out for them.
__attribute__((target("avx2"))) void md5_eight(std::span<const std::string_view> inputs, std::span<Md5Digest> out) {
  const size_t n = inputs.size();
  PaddedTail tails[kLanes];
  alignas(32) int32_t lane_blocks[kLanes] = {};
  size_t max_blocks = 0;
  for (size_t l = 0; l < n; ++l) {
    pad_tail(inputs[l], tails[l]);
    lane_blocks[l] = static_cast<int32_t>(tails[l].blocks);
    max_blocks = std::max(max_blocks, tails[l].blocks);
  }
  const __m256i blocks_vec = _mm256_load_si256(reinterpret_cast<const __m256i*>(lane_blocks));
  __m256i sa = _mm256_set1_epi32(0x67452301);
  __m256i sb = _mm256_set1_epi32(static_cast<int>(0xefcdab89));
  __m256i sc = _mm256_set1_epi32(static_cast<int>(0x98badcfe));
  __m256i sd = _mm256_set1_epi32(0x10325476);
  static const uint8_t kZeroBlock[kBlock] = {};

  for (size_t b = 0; b < max_blocks; ++b) {
    __m256i lo[kLanes], hi[kLanes], x[16];
    for (size_t l = 0; l < kLanes; ++l) {
      const uint8_t* p = l < n && b < tails[l].blocks ? block_of(inputs[l], tails[l], b) : kZeroBlock;
      lo[l] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      hi[l] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    }
    transpose8(lo, x);
    transpose8(hi, x + 8);
    __m256i a = sa, bb = sb, c = sc, d = sd;
    all_steps(a, bb, c, d, x, std::make_integer_sequence<int, 16>{});
    const __m256i live = _mm256_cmpgt_epi32(blocks_vec, _mm256_set1_epi32(static_cast<int>(b)));
    sa = _mm256_add_epi32(sa, _mm256_and_si256(a, live));
    sb = _mm256_add_epi32(sb, _mm256_and_si256(bb, live));
    sc = _mm256_add_epi32(sc, _mm256_and_si256(c, live));
    sd = _mm256_add_epi32(sd, _mm256_and_si256(d, live));
  }

  alignas(32) uint32_t words[4][kLanes];
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[0]), sa);
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[1]), sb);
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[2]), sc);
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[3]), sd);
  for (size_t l = 0; l < n; ++l) {
    for (int w = 0; w < 4; ++w) {
      for (int i = 0; i < 4; ++i) out[l][w * 4 + i] = static_cast<uint8_t>(words[w][l] >> (8 * i));
    }
  }
}

#endif  // SPOOL_MD5_LANES

}  // namespace

Md5Digest md5(std::string_view input) {
  Md5Digest out;
  MD5_CTX ctx;
  MD5_Init(&ctx);
  MD5_Update(&ctx, input.data(), input.size());
  MD5_Final(out.data(), &ctx);
  return out;
}

bool md5_many_uses_avx2() {
#if SPOOL_MD5_LANES
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
#else
  return false;
#endif
}

void md5_many(std::span<const std::string_view> inputs, std::span<Md5Digest> out) {
  SPOOL_CHECK(inputs.size() == out.size());
  size_t i = 0;
#if SPOOL_MD5_LANES
  // A vector pass over a block costs about what one scalar block does, so two inputs
  // already pay for it.
  if (md5_many_uses_avx2()) {
    while (inputs.size() - i >= 2) {
      const size_t n = std::min(kLanes, inputs.size() - i);
      md5_eight(inputs.subspan(i, n), out.subspan(i, n));
      i += n;
    }
  }
#endif
  for (; i < inputs.size(); ++i) out[i] = md5(inputs[i]);
}

}  // namespace spool
