#pragma once

// Where a produced record goes (spec/topics-api.md section 4): keyed records exactly as
// Kafka's Java default partitioner places them, toPositive(murmur2(key)) % partitions,
// so a key lands on the partition a Java (or kafka-python) producer would choose.
//
// Pure functions; safe from any thread.

#include <cstdint>
#include <string_view>

namespace spool::topics {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2, seed 0x9747b28c), as the
// signed 32-bit value Java returns.
int32_t murmur2(std::string_view key);
// Utils.toPositive: clears the sign bit (not abs(), which fails for INT_MIN).
inline int32_t to_positive(int32_t n) { return n & 0x7fffffff; }
// Requires: partitions >= 1.
inline int32_t partition_for_key(std::string_view key, int32_t partitions) {
  return to_positive(murmur2(key)) % partitions;
}

}  // namespace spool::topics
