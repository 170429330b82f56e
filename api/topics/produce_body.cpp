#include "api/topics/produce_body.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include "api/topics/topic_call.h"
#include "api/topics/topic_values.h"
#include "common/json.h"

namespace spool {
namespace {

// --- the tree decoder (the reference) ---------------------------------------------

Result<topics::ProduceRecord> record_from(const Json& item, size_t index) {
  const std::string at = "record " + std::to_string(index);
  if (!item.is_object()) return Status(Errc::kInvalidRecord, at + ": must be an object");
  if (Status s = check_fields(item, {"partition", "key", "value", "headers", "timestamp"}, at); !s.ok()) {
    return Status(Errc::kInvalidRecord, at + ": " + s.message());
  }
  topics::ProduceRecord r;
  auto partition = int_member(item, "partition");
  if (!partition) return Status(Errc::kInvalidRecord, at + ": " + partition.error().message());
  if (*partition) {
    if (**partition < 0 || **partition > INT32_MAX) return Status(Errc::kPartitionNotFound, at + ": no partition " + std::to_string(**partition));
    r.partition = static_cast<int32_t>(**partition);
  }
  auto timestamp = int_member(item, "timestamp");
  if (!timestamp) return Status(Errc::kInvalidTimestamp, at + ": " + timestamp.error().message());
  r.timestamp_ms = *timestamp;
  auto key = decode_data_value(item.find("key"), at + ": key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto value = decode_data_value(item.find("value"), at + ": value");
  if (!value) return value.error();
  r.value = std::move(*value);
  if (const Json* headers = item.find("headers"); headers != nullptr && !headers->is_null()) {
    if (headers->is_array()) {
      for (const Json& h : headers->items()) {
        const Json* name = h.is_object() ? h.find("name") : nullptr;
        if (name == nullptr || !name->is_string() || !check_fields(h, {"name", "value"}, at).ok()) {
          return Status(Errc::kInvalidRecord, at + ": a header is {\"name\": string, \"value\": data}");
        }
        auto hv = decode_data_value(h.find("value"), at + ": header " + name->text());
        if (!hv) return hv.error();
        r.headers.emplace_back(name->text(), std::move(*hv));
      }
    } else if (headers->is_object()) {  // shorthand {"name": value}
      for (const auto& [name, v] : headers->members()) {
        auto hv = decode_data_value(&v, at + ": header " + name);
        if (!hv) return hv.error();
        r.headers.emplace_back(name, std::move(*hv));
      }
    } else {
      return Status(Errc::kInvalidRecord, at + ": headers must be a list or an object");
    }
  }
  return r;
}

Result<ProduceRecords> decode_tree(std::string_view text) {
  auto body = parse_body_object(text, {"records"});
  if (!body) return body.error();
  const Json* items = body->find("records");
  if (items == nullptr || !items->is_array()) {
    return Status(Errc::kInvalidArgument, "records must be a list of records");
  }
  ProduceRecords records;
  records.reserve(items->items().size());
  for (size_t i = 0; i < items->items().size(); ++i) {
    auto r = record_from(items->items()[i], i);
    if (!r) return r.error();
    records.push_back(std::move(*r));
  }
  return records;
}

// --- the direct decoder -------------------------------------------------------------

// Reads the common shape of a produce body; every method returns false to decline
// (the tree decoder then answers). Declining must be the only way out of anything the
// tree decoder would treat differently: each accepted construct below is one the tree
// decoder accepts with the same result.
class DirectDecoder {
 public:
  explicit DirectDecoder(std::string_view text) : text_(text) {}

  bool decode(ProduceRecords& out) {
    skip_space();
    std::string_view name;
    if (!take('{') || !plain_string(name) || name != "records" || !take(':') || !take('[')) return false;
    out.reserve(std::min<size_t>(text_.size() / 16, 10'001));
    if (!take(']')) {
      do {
        if (!record(out.emplace_back())) return false;
      } while (take(','));
      if (!take(']')) return false;
    }
    return take('}') && pos_ == text_.size();
  }

 private:
  enum Field : unsigned { kPartition = 1, kKey = 2, kValue = 4, kHeaders = 8, kTimestamp = 16 };

  bool record(topics::ProduceRecord& r) {
    if (!take('{')) return false;
    if (take('}')) return true;
    unsigned seen = 0;
    do {
      std::string_view name;
      if (!plain_string(name) || !take(':')) return false;
      Field field;
      if (name == "value") field = kValue;
      else if (name == "key") field = kKey;
      else if (name == "partition") field = kPartition;
      else if (name == "timestamp") field = kTimestamp;
      else if (name == "headers") field = kHeaders;
      else return false;  // unknown: the tree decoder names it
      if ((seen & field) != 0) return false;  // a repeated member: the last one wins there
      seen |= field;
      bool ok = false;
      switch (field) {
        case kValue: ok = data(r.value); break;
        case kKey: ok = data(r.key); break;
        case kTimestamp: ok = integer(r.timestamp_ms); break;
        case kPartition: {
          std::optional<int64_t> p;
          ok = integer(p) && (!p || (*p >= 0 && *p <= INT32_MAX));
          if (p) r.partition = static_cast<int32_t>(*p);
          break;
        }
        case kHeaders: ok = literal("null") || (take('[') && take(']')); break;
      }
      if (!ok) return false;
    } while (take(','));
    return take('}');
  }

  // null, or a string without escapes (the tree decoder would copy the same bytes).
  bool data(std::optional<std::string>& out) {
    if (literal("null")) return true;
    std::string_view s;
    if (!plain_string(s)) return false;
    out.emplace(s);
    return true;
  }

  // null, or -?(0|[1-9][0-9]*) that fits in int64 (what Json::as_int accepts).
  bool integer(std::optional<int64_t>& out) {
    if (literal("null")) return true;
    size_t start = pos_;
    size_t at = pos_;
    if (at < text_.size() && text_[at] == '-') ++at;
    size_t digits = at;
    while (at < text_.size() && text_[at] >= '0' && text_[at] <= '9') ++at;
    if (at == digits || (text_[digits] == '0' && at - digits > 1)) return false;
    if (at < text_.size() && (text_[at] == '.' || text_[at] == 'e' || text_[at] == 'E')) return false;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + at, v);
    if (ec != std::errc() || end != text_.data() + at) return false;
    out = v;
    pos_ = at;
    skip_space();
    return true;
  }

  // A string with no escape and no control byte; `out` views its bytes.
  bool plain_string(std::string_view& out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    size_t at = pos_ + 1;
    while (at < text_.size() && text_[at] != '"') {
      auto c = static_cast<unsigned char>(text_[at]);
      if (c == '\\' || c < 0x20) return false;
      ++at;
    }
    if (at >= text_.size()) return false;
    out = text_.substr(pos_ + 1, at - pos_ - 1);
    pos_ = at + 1;
    skip_space();
    return true;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    skip_space();
    return true;
  }

  bool take(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    skip_space();
    return true;
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::optional<ProduceRecords> decode_direct(std::string_view body) {
  ProduceRecords records;
  if (!DirectDecoder(body).decode(records)) return std::nullopt;
  return records;
}

}  // namespace

Result<ProduceRecords> decode_produce_body(std::string_view body) {
  if (auto direct = decode_direct(body)) return std::move(*direct);
  return decode_tree(body);
}

Result<ProduceRecords> decode_produce_body_tree_for_test(std::string_view body) { return decode_tree(body); }

std::optional<ProduceRecords> decode_produce_body_direct_for_test(std::string_view body) {
  return decode_direct(body);
}

}  // namespace spool
