#include "api/topics/fetch_json.h"

#include <charconv>
#include <cstring>

#include "api/topics/topic_errors.h"

namespace spool {
namespace {

void append_int(std::string& out, int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// The decimal text of a run of integers that mostly repeat (timestamps of one batch) or
// count up by one (offsets): the last text is kept and, for n + 1, incremented in place.
// to_chars of two integers per record was a seventh of a JSON fetch under callgrind.
class IntText {
 public:
  void append_to(std::string& out, int64_t n) {
    if (!has_ || n < 0 || (n != last_ && n != last_ + 1)) {
      auto [end, ec] = std::to_chars(buf_, buf_ + sizeof buf_, n);
      begin_ = 0;
      size_ = static_cast<size_t>(end - buf_);
      // Right-align, leaving room for a carry into a new leading digit.
      std::memmove(buf_ + sizeof buf_ - size_, buf_, size_);
      begin_ = sizeof buf_ - size_;
    } else if (n == last_ + 1) {
      size_t i = sizeof buf_;
      while (i > begin_ && buf_[i - 1] == '9') buf_[--i] = '0';
      if (i > begin_) {
        ++buf_[i - 1];
      } else {
        buf_[--begin_] = '1';
        ++size_;
      }
    }
    has_ = n >= 0;
    last_ = n;
    out.append(buf_ + begin_, size_);
  }

 private:
  char buf_[24];
  size_t begin_ = 0, size_ = 0;
  int64_t last_ = 0;
  bool has_ = false;
};

}  // namespace

Status append_fetch_reply(std::string& out, std::string_view topic, int32_t partition,
                          const topics::FetchReply& reply, ValueFormat format) {
  size_t estimate = 128 + topic.size();
  for (const auto& r : reply.records) estimate += record_batch::record_bytes(r) * 4 / 3 + 96;
  out.reserve(out.size() + estimate);
  out += "{\"topic\":";
  append_json_string(out, topic);
  out += ",\"partition\":";
  append_int(out, partition);
  out += ",\"records\":[";
  IntText offsets, timestamps;
  for (size_t i = 0; i < reply.records.size(); ++i) {
    const auto& r = reply.records[i];
    if (i > 0) out += ',';
    // Appended piece by piece: a chain of + built several temporaries per record.
    out += "{\"offset\":";
    offsets.append_to(out, r.offset);
    out += ",\"timestamp\":";
    timestamps.append_to(out, r.timestamp_ms);
    out += r.log_append_time ? ",\"timestamp_type\":\"LogAppendTime\",\"key\":"
                             : ",\"timestamp_type\":\"CreateTime\",\"key\":";
    if (Status s = append_data_value(out, r.key, format); !s.ok()) return s;
    out += ",\"value\":";
    if (Status s = append_data_value(out, r.value, format); !s.ok()) return s;
    out += ",\"headers\":[";
    for (size_t h = 0; h < r.headers.size(); ++h) {
      if (h > 0) out += ',';
      out += "{\"name\":";
      append_json_string(out, r.headers[h].name);
      out += ",\"value\":";
      if (Status s = append_data_value(out, r.headers[h].value, format); !s.ok()) return s;
      out += '}';
    }
    out += "]}";
  }
  out += "],\"next_offset\":";
  append_int(out, reply.next_offset);
  out += ",\"high_watermark\":";
  append_int(out, reply.bounds.high_watermark);
  out += ",\"log_start_offset\":";
  append_int(out, reply.bounds.log_start_offset);
  out += '}';
  return Status();
}

void append_partition_error(std::string& out, std::string_view topic, int32_t partition, const Status& error,
                            const std::optional<PartitionBounds>& bounds) {
  out += "{\"topic\":";
  append_json_string(out, topic);
  out += ",\"partition\":";
  append_int(out, partition);
  out += ",\"error_code\":";
  append_json_string(out, topic_error_code(error.code()));
  out += ",\"message\":";
  append_json_string(out, error.message());
  if (bounds) {
    out += ",\"log_start_offset\":";
    append_int(out, bounds->log_start_offset);
    out += ",\"high_watermark\":";
    append_int(out, bounds->high_watermark);
  }
  out += '}';
}

Result<int64_t> offset_param(const TopicCall& call, std::string_view name, bool required) {
  const std::string* text = call.param(name);
  if (text == nullptr) {
    if (required) return Status(Errc::kInvalidArgument, std::string(name) + " is required");
    return topics::kLatest;
  }
  if (*text == "earliest") return topics::kEarliest;
  if (*text == "latest") return topics::kLatest;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || text->empty() || v < 0) {
    return Status(Errc::kInvalidArgument, std::string(name) + " is '" + *text +
                                              "'; must be an integer >= 0, earliest or latest");
  }
  return v;
}

Json range_details(const PartitionBounds& b) {
  Json details = Json::object();
  details.set("log_start_offset", Json::number(b.log_start_offset));
  details.set("high_watermark", Json::number(b.high_watermark));
  return details;
}

Json fetch_error_details(const TopicCall& call, const topics::TopicPtr& topic, int32_t p, const Status& error) {
  if (error.code() != Errc::kOffsetOutOfRange) return Json();
  auto stats = call.engine.partition_stats(topic, p);
  return stats ? range_details(stats->bounds) : Json();
}

}  // namespace spool
