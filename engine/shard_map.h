#pragma once

// Placement: which shard owns a queue or topic. shard = hash(account, name) mod S.
//
// The hash must never change: shard directories on disk are laid out by it. It is
// 64-bit FNV-1a over "account\0name", chosen for being trivially stable across
// compilers and platforms (std::hash is neither).
//
// Safe from any thread (pure functions).

#include <cstdint>
#include <string_view>

namespace spool {

struct ShardId {
  uint32_t value = 0;
  auto operator<=>(const ShardId&) const = default;
};

uint64_t placement_hash(std::string_view account_id, std::string_view name);

// Requires: shard_count >= 1.
ShardId shard_for(std::string_view account_id, std::string_view name, uint32_t shard_count);

}  // namespace spool
