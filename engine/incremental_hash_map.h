#pragma once

// IncrementalHashMap: a hash map that grows without stopping its caller for a rehash of
// the whole table.
//
// std::unordered_map relinks every node when it doubles: 17.5 ms at 712k entries and
// 33 ms at 1.4M, measured here. On a shard's executor that stalls every queue of the
// shard (SendMessageBatch's slowest request was 36-43 ms; a FIFO queue, which grows
// three such maps in step, 120-154 ms). This map grows by opening a second table with
// twice the buckets and moving a few entries across on each change (node handles: a
// move allocates nothing and keeps every entry at its address), so no single call
// touches more than a handful of entries. Lookups check both tables while a move is
// under way. RAM per entry is std::unordered_map's; during a move the old bucket array
// lives on until the last entry leaves it.
//
// Not thread-safe (one owner, as the maps it replaces). Pointers to values stay valid
// until their entry is erased.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>

namespace spool {

template <class K, class V, class Hash = std::hash<K>, class Eq = std::equal_to<K>>
class IncrementalHashMap {
 public:
  using Table = std::unordered_map<K, V, Hash, Eq>;

  // Entries moved to the new table per insert or erase. Two would do (the new table has
  // room for twice the old entries, so the move ends before it fills); eight finishes
  // sooner, so lookups check a single table again quickly.
  static constexpr size_t kMovesPerChange = 8;

  size_t size() const { return table_.size() + old_.size(); }
  bool empty() const { return size() == 0; }

  V* find(const K& key) {
    if (auto it = table_.find(key); it != table_.end()) return &it->second;
    if (!old_.empty()) {
      if (auto it = old_.find(key); it != old_.end()) return &it->second;
    }
    return nullptr;
  }
  const V* find(const K& key) const { return const_cast<IncrementalHashMap*>(this)->find(key); }

  // The value of `key`, value-initialised when it is new; true when new.
  std::pair<V*, bool> try_emplace(const K& key) {
    move_some(kMovesPerChange);
    if (!old_.empty()) {
      if (auto it = old_.find(key); it != old_.end()) return {&adopt(it)->second, false};
    } else if (table_.size() + 1 > capacity(table_)) {
      start_growing();
    }
    auto [it, fresh] = table_.try_emplace(key);
    return {&it->second, fresh};
  }

  bool erase(const K& key) {
    move_some(kMovesPerChange);
    if (table_.erase(key) > 0) return true;
    return old_.erase(key) > 0;
  }

  void clear() {
    table_.clear();
    old_ = Table();
  }

  // Moves up to `budget` entries into the new table (idle work: a shard's tick). True
  // when no move is under way afterwards.
  bool step(size_t budget) {
    move_some(budget);
    return old_.empty();
  }
  bool growing() const { return !old_.empty(); }

  // Changes whenever a move starts, that is, whenever the buckets of table() are
  // renumbered: a walk by bucket index must start again.
  uint64_t layout() const { return layout_; }
  // The table for walks by bucket index; it holds every entry only while !growing().
  const Table& table() const { return table_; }

  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [k, v] : old_) fn(k, v);
    for (const auto& [k, v] : table_) fn(k, v);
  }
  template <class Fn>
  void for_each(Fn&& fn) {
    for (auto& [k, v] : old_) fn(k, v);
    for (auto& [k, v] : table_) fn(k, v);
  }

 private:
  static size_t capacity(const Table& t) {
    return static_cast<size_t>(static_cast<double>(t.bucket_count()) * t.max_load_factor());
  }

  void start_growing() {
    ++layout_;
    old_ = std::move(table_);
    table_ = Table();
    // Room for everything moved plus as many new entries again: the move ends (at
    // kMovesPerChange a change) long before this table would need to grow itself.
    table_.reserve(2 * old_.size() + 16);
  }

  typename Table::iterator adopt(typename Table::iterator it) {
    auto node = old_.extract(it);
    auto result = table_.insert(std::move(node));
    if (old_.empty()) old_ = Table();  // free the old bucket array now
    return result.position;
  }

  void move_some(size_t budget) {
    for (; budget > 0 && !old_.empty(); --budget) adopt(old_.begin());
  }

  Table table_;
  Table old_;  // draining into table_; empty when no move is under way
  uint64_t layout_ = 0;
};

}  // namespace spool
