#pragma once

// QueueMeta: what Spool knows about a queue outside its messages — identity, placement,
// attributes as set, tags. Immutable once published: a change makes a new QueueMeta
// that replaces the old one in the QueueEngine's directory, so readers on any thread
// hold a consistent snapshot through a shared_ptr without locking.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace spool {

struct QueueMeta {
  uint64_t queue_id = 0;
  std::string account_id;
  std::string name;
  bool is_fifo = false;
  uint32_t shard = 0;
  std::map<std::string, std::string> attributes;  // settable attributes, as set
  std::map<std::string, std::string> tags;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

using QueueMetaPtr = std::shared_ptr<const QueueMeta>;

}  // namespace spool
