#include "engine/topics/group_offsets.h"

#include "storage/coding.h"

namespace spool::topics {
namespace {

constexpr uint8_t kTypeCommit = 0x20;
constexpr uint8_t kTypeDelete = 0x21;

void put_string16(std::string* out, const std::string& s) {
  coding::put_fixed16(out, static_cast<uint16_t>(s.size()));
  out->append(s);
}

// Bounds-checked reader over one frame's payload.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view in) : in_(in) {}
  bool u16(uint16_t* v) { return fixed(2, [&](const uint8_t* p) { *v = coding::decode_fixed16(p); }); }
  bool u32(uint32_t* v) { return fixed(4, [&](const uint8_t* p) { *v = coding::decode_fixed32(p); }); }
  bool u64(uint64_t* v) { return fixed(8, [&](const uint8_t* p) { *v = coding::decode_fixed64(p); }); }
  bool string16(std::string* s) {
    uint16_t n = 0;
    if (!u16(&n) || n > in_.size() - at_) return false;
    s->assign(in_.substr(at_, n));
    at_ += n;
    return true;
  }

 private:
  template <class F>
  bool fixed(size_t n, F f) {
    if (n > in_.size() - at_) return false;
    f(reinterpret_cast<const uint8_t*>(in_.data() + at_));
    at_ += n;
    return true;
  }
  std::string_view in_;
  size_t at_ = 0;
};

}  // namespace

Result<std::unique_ptr<GroupOffsets>> GroupOffsets::open(const std::string& dir, FsyncMode fsync,
                                                         const Clock& clock) {
  std::unique_ptr<GroupOffsets> g(new GroupOffsets(clock));
  SegmentLogOptions options;
  options.dir = dir;
  options.fsync = fsync;
  options.segment_bytes = 16ull << 20;
  options.preallocate_bytes = 1ull << 20;
  options.clock = &clock;
  Status replayed;
  auto log = SegmentLog::open(options, [&](const LogRecordView& frame) {
    if (replayed.ok()) replayed = g->apply(frame);
  });
  if (!log) return log.error();
  if (!replayed.ok()) return replayed;
  g->log_ = std::move(*log);
  return g;
}

Status GroupOffsets::apply(const LogRecordView& frame) {
  PayloadReader in(frame.payload);
  std::string account, group;
  uint64_t topic_id = 0;
  auto corrupt = [&] {
    return Status(Errc::kCorruption, "group offsets frame " + std::to_string(frame.seq.value) +
                                         " does not parse");
  };
  if (!in.string16(&account) || !in.string16(&group) || !in.u64(&topic_id)) return corrupt();
  std::lock_guard lock(mu_);
  if (frame.type == kTypeDelete) {
    for (auto it = offsets_.begin(); it != offsets_.end();) {
      const auto& [a, g, t] = it->first;
      bool match = a == account && t == topic_id && (group.empty() || g == group);
      it = match ? offsets_.erase(it) : std::next(it);
    }
    return Status();
  }
  if (frame.type != kTypeCommit) return Status();  // a newer binary's frame
  uint32_t n = 0;
  if (!in.u32(&n)) return corrupt();
  auto& partitions = offsets_[Key{account, group, topic_id}];
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t partition = 0;
    uint64_t offset = 0, commit_ms = 0;
    CommittedOffset c;
    if (!in.u32(&partition) || !in.u64(&offset) || !in.u64(&commit_ms) || !in.string16(&c.metadata)) {
      return corrupt();
    }
    c.offset = static_cast<int64_t>(offset);
    c.commit_ms = static_cast<int64_t>(commit_ms);
    partitions[partition] = std::move(c);
  }
  return Status();
}

Status GroupOffsets::commit(const std::string& account, const std::string& group, uint64_t topic_id,
                            std::vector<OffsetCommit> commits, std::function<void(Status)> done) {
  std::string payload;
  put_string16(&payload, account);
  put_string16(&payload, group);
  coding::put_fixed64(&payload, topic_id);
  coding::put_fixed32(&payload, static_cast<uint32_t>(commits.size()));
  const uint64_t now = static_cast<uint64_t>(clock_.now_ms());
  for (const OffsetCommit& c : commits) {
    coding::put_fixed32(&payload, c.partition);
    coding::put_fixed64(&payload, static_cast<uint64_t>(c.offset));
    coding::put_fixed64(&payload, now);
    put_string16(&payload, c.metadata);
  }
  // Applied to RAM from the frame itself once durable: the same code as replay, so what
  // a reader sees after a restart is exactly what it saw before.
  auto placed = log_->append(kTypeCommit, payload,
                             [this, payload, done = std::move(done)](Status s) {
                               if (s.ok()) {
                                 s = apply(LogRecordView{SeqNo{}, kTypeCommit, 0, payload, {}});
                               }
                               done(s);
                             });
  return placed.status();
}

Status GroupOffsets::drop(const std::string& account, const std::string& group, uint64_t topic_id,
                          std::function<void(Status)> done) {
  std::string payload;
  put_string16(&payload, account);
  put_string16(&payload, group);
  coding::put_fixed64(&payload, topic_id);
  auto placed = log_->append(kTypeDelete, payload, [this, payload, done = std::move(done)](Status s) {
    if (s.ok()) s = apply(LogRecordView{SeqNo{}, kTypeDelete, 0, payload, {}});
    if (done) done(s);
  });
  return placed.status();
}

Status GroupOffsets::drop_topic(const std::string& account, uint64_t topic_id) {
  return drop(account, "", topic_id, nullptr);
}

std::map<uint32_t, CommittedOffset> GroupOffsets::committed(const std::string& account,
                                                            const std::string& group,
                                                            uint64_t topic_id) const {
  std::lock_guard lock(mu_);
  auto it = offsets_.find(Key{account, group, topic_id});
  return it == offsets_.end() ? std::map<uint32_t, CommittedOffset>() : it->second;
}

std::vector<uint64_t> GroupOffsets::topics_of(const std::string& account, const std::string& group) const {
  std::lock_guard lock(mu_);
  std::vector<uint64_t> out;
  for (auto it = offsets_.lower_bound(Key{account, group, 0});
       it != offsets_.end() && std::get<0>(it->first) == account && std::get<1>(it->first) == group; ++it) {
    if (!it->second.empty()) out.push_back(std::get<2>(it->first));
  }
  return out;
}

std::vector<std::pair<std::string, uint64_t>> GroupOffsets::groups_of(const std::string& account) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, uint64_t>> out;
  for (auto it = offsets_.lower_bound(Key{account, "", 0});
       it != offsets_.end() && std::get<0>(it->first) == account; ++it) {
    if (!it->second.empty()) out.emplace_back(std::get<1>(it->first), std::get<2>(it->first));
  }
  return out;
}

void GroupOffsets::for_each(const std::function<void(const std::string&, const std::string&, uint64_t,
                                                     uint32_t, const CommittedOffset&)>& fn) const {
  std::lock_guard lock(mu_);
  for (const auto& [key, partitions] : offsets_) {
    for (const auto& [p, c] : partitions) fn(std::get<0>(key), std::get<1>(key), std::get<2>(key), p, c);
  }
}

}  // namespace spool::topics
