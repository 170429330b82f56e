#pragma once

// One line per event on stderr: time, level, module, message, then key=value pairs.
//   2026-11-27T01:02:03.456Z info storage recovered segments=3 bytes_cut=0
// info is for lifecycle, warn for trouble survived, error for a lost capability; nothing
// per request above debug. Never log secrets, signatures, bodies or attribute values.
//
// Safe from any thread: each line is written with a single write(2).

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>

namespace spool {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn", "error"; false for anything else.
bool parse_log_level(std::string_view text, LogLevel* out);
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

struct LogField {
  std::string_view key;
  std::string value;

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <class N>
    requires std::integral<N> || std::floating_point<N>
  LogField(std::string_view k, N v) : key(k), value(std::to_string(v)) {}
};

void log_line(LogLevel level, std::string_view module, std::string_view message,
              std::initializer_list<LogField> fields = {});

inline void log_debug(std::string_view module, std::string_view message,
                      std::initializer_list<LogField> fields = {}) {
  if (log_enabled(LogLevel::kDebug)) log_line(LogLevel::kDebug, module, message, fields);
}
inline void log_info(std::string_view module, std::string_view message,
                     std::initializer_list<LogField> fields = {}) {
  log_line(LogLevel::kInfo, module, message, fields);
}
inline void log_warn(std::string_view module, std::string_view message,
                     std::initializer_list<LogField> fields = {}) {
  log_line(LogLevel::kWarn, module, message, fields);
}
inline void log_error(std::string_view module, std::string_view message,
                      std::initializer_list<LogField> fields = {}) {
  log_line(LogLevel::kError, module, message, fields);
}

}  // namespace spool
