#include "engine/shard_map.h"

#include "common/check.h"

namespace spool {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

uint64_t placement_hash(std::string_view account_id, std::string_view name) {
  uint64_t h = fnv1a(kFnvOffset, account_id);
  h = fnv1a(h, std::string_view("\0", 1));
  return fnv1a(h, name);
}

ShardId shard_for(std::string_view account_id, std::string_view name, uint32_t shard_count) {
  SPOOL_CHECK(shard_count >= 1);
  // FNV's low bits mix poorly for short inputs; fold the high half in before the modulo.
  uint64_t h = placement_hash(account_id, name);
  h ^= h >> 32;
  return ShardId{static_cast<uint32_t>(h % shard_count)};
}

}  // namespace spool
