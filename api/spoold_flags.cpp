#include "api/spoold_flags.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace spool {
namespace {

struct Flag {
  const char* name;      // without "--"
  const char* env;       // SPOOL_*
  const char* fallback;  // shown in --help
  const char* help;
  bool is_switch;        // takes no value
  std::function<Status(SpooldConfig&, const std::string&)> apply;
};

Status bad(const std::string& flag, const std::string& value, const std::string& rule) {
  return Status(Errc::kInvalidArgument, "--" + flag + " is '" + value + "'; " + rule);
}

bool parse_int(const std::string& text, int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

Status apply_listen(SpooldConfig& c, const std::string& v) {
  size_t colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return bad("listen", v, "must be host:port, e.g. 127.0.0.1:9324 or [::1]:9324");
  }
  std::string host = v.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return bad("listen", v, "IPv6 hosts go in brackets");
    host = host.substr(1, host.size() - 2);
  }
  int64_t port = 0;
  if (!parse_int(v.substr(colon + 1), &port) || port < 1 || port > 65535) {
    return bad("listen", v, "port must be 1..65535");
  }
  c.api.listen_host = host;
  c.api.listen_port = static_cast<uint16_t>(port);
  return Status();
}

Status apply_public_url(SpooldConfig& c, const std::string& v) {
  if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
    return bad("public-url", v, "must start with http:// or https://");
  }
  std::string url = v;
  while (url.size() > 8 && url.back() == '/') url.pop_back();
  c.api.public_url = url;
  return Status();
}

Status apply_region(SpooldConfig& c, const std::string& v) {
  bool ok = !v.empty() && v.size() <= 32;
  for (char ch : v) ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
  if (!ok) return bad("region", v, "must be 1..32 of a-z, 0-9 and '-', e.g. us-east-1");
  c.api.region = v;
  return Status();
}

Status apply_shards(SpooldConfig& c, const std::string& v) {
  int64_t n = 0;
  if (!parse_int(v, &n) || n < 1 || n > 4096) return bad("shards", v, "must be 1..4096");
  c.engine.shards = static_cast<int>(n);
  c.shards_given = true;
  return Status();
}

Status apply_fsync(SpooldConfig& c, const std::string& v) {
  auto mode = parse_fsync_mode(v);
  if (!mode) return bad("fsync", v, "must be batch, always, none or interval:<ms> with 1..60000 ms");
  c.storage.fsync = *mode;
  return Status();
}

Status apply_data_dir(SpooldConfig& c, const std::string& v) {
  if (v.empty()) return bad("data-dir", v, "must not be empty");
  std::error_code ec;
  auto absolute = std::filesystem::absolute(v, ec);
  if (ec) return bad("data-dir", v, "cannot be made absolute: " + ec.message());
  c.storage.data_dir = absolute.lexically_normal().string();
  while (c.storage.data_dir.size() > 1 && c.storage.data_dir.back() == '/') {
    c.storage.data_dir.pop_back();
  }
  return Status();
}

Status apply_log_level(SpooldConfig& c, const std::string& v) {
  if (!parse_log_level(v, &c.log_level)) return bad("log-level", v, "must be debug, info, warn or error");
  return Status();
}

Status apply_http_threads(SpooldConfig& c, const std::string& v) {
  int64_t n = 0;
  if (!parse_int(v, &n) || n < 0 || n > 256) return bad("http-threads", v, "must be 0..256 (0: one per core)");
  c.api.http_threads = static_cast<int>(n);
  return Status();
}

Status apply_http_engine(SpooldConfig& c, const std::string& v) {
  if (v == "native") {
    c.api.http_engine = HttpEngine::kNative;
  } else if (v == "cpprestsdk") {
    c.api.http_engine = HttpEngine::kCpprestsdk;
  } else {
    return bad("http-engine", v, "must be native or cpprestsdk");
  }
  return Status();
}

// An integer in [min, max] for the flag `name`, stored through `store`.
template <class Store>
std::function<Status(SpooldConfig&, const std::string&)> bounded_int(const char* name, int64_t min, int64_t max,
                                                                     Store store) {
  return [=](SpooldConfig& c, const std::string& v) {
    int64_t n = 0;
    if (!parse_int(v, &n) || n < min || n > max) {
      return bad(name, v, "must be " + std::to_string(min) + ".." + std::to_string(max));
    }
    store(c, n);
    return Status();
  };
}

const std::vector<Flag>& flags() {
  static const std::vector<Flag> kFlags = {
      {"listen", "SPOOL_LISTEN", "127.0.0.1:9324", "address and port to serve HTTP on", false,
       apply_listen},
      {"data-dir", "SPOOL_DATA_DIR", "./.spool",
       "segments, server key and the embedded PostgreSQL live here", false, apply_data_dir},
      {"database-url", "SPOOL_DATABASE_URL", "(empty: embedded)",
       "PostgreSQL for the catalog (postgresql://user:pass@host:port/db); empty starts a "
       "private one under the data directory",
       false, [](SpooldConfig& c, const std::string& v) {
         c.storage.database_url = v;
         return Status();
       }},
      {"public-url", "SPOOL_PUBLIC_URL", "http://<listen>", "base of the queue URLs handed to clients",
       false, apply_public_url},
      {"region", "SPOOL_REGION", "us-east-1", "region in ARNs and in the SigV4 scope", false,
       apply_region},
      {"shards", "SPOOL_SHARDS", "number of cores", "shards of a new cluster (1..4096); fixed afterwards",
       false, apply_shards},
      {"fsync", "SPOOL_FSYNC", "batch", "batch | always | interval:<ms> | none (see README)", false,
       apply_fsync},
      {"http-threads", "SPOOL_HTTP_THREADS", "0", "HTTP worker threads; 0: one per core (at least 2)",
       false, apply_http_threads},
      {"http-engine", "SPOOL_HTTP_ENGINE", "native",
       "native (Spool's epoll HTTP/1.1 server) | cpprestsdk (the library's listener, for comparison)",
       false, apply_http_engine},
      {"max-request-bytes", "SPOOL_MAX_REQUEST_BYTES", "8388608",
       "larger request bodies are refused with 413 (1024..67108864)", false,
       bounded_int("max-request-bytes", 1024, 64 << 20,
                   [](SpooldConfig& c, int64_t n) { c.api.max_request_bytes = n; })},
      {"default-max-queues", "SPOOL_DEFAULT_MAX_QUEUES", "1000",
       "live queues per tenant unless its own quota says otherwise; 0: no limit", false,
       bounded_int("default-max-queues", 0, 1000000, [](SpooldConfig& c, int64_t n) { c.quotas.max_queues = n; })},
      {"default-max-requests-per-second", "SPOOL_DEFAULT_MAX_REQUESTS_PER_SECOND", "0",
       "requests per second per tenant and node unless its own quota says otherwise; 0: no limit", false,
       bounded_int("default-max-requests-per-second", 0, 1000000,
                   [](SpooldConfig& c, int64_t n) { c.quotas.max_requests_per_second = n; })},
      {"max-partitions-per-tenant", "SPOOL_MAX_PARTITIONS_PER_TENANT", "2048",
       "topic partitions per tenant (each partition runs two threads)", false,
       bounded_int("max-partitions-per-tenant", 1, 1 << 20,
                   [](SpooldConfig& c, int64_t n) { c.engine.max_partitions_per_tenant = static_cast<int>(n); })},
      {"max-partitions", "SPOOL_MAX_PARTITIONS", "8192", "topic partitions on this node, all tenants together",
       false, bounded_int("max-partitions", 1, 1 << 20,
                          [](SpooldConfig& c, int64_t n) { c.engine.max_partitions = static_cast<int>(n); })},
      {"log-level", "SPOOL_LOG_LEVEL", "info", "debug | info | warn | error", false, apply_log_level},
      {"repair", "SPOOL_REPAIR", "off", "start despite corrupt segments, skipping and reporting them",
       true, [](SpooldConfig& c, const std::string& v) {
         if (v != "1" && v != "true" && v != "on" && v != "0" && v != "false" && v != "off") {
           return bad("repair", v, "must be true or false");
         }
         c.storage.repair = v == "1" || v == "true" || v == "on";
         return Status();
       }},
  };
  return kFlags;
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<SpooldCommand> parse_spoold_flags(const std::vector<std::string>& args, const EnvLookup& env) {
  SpooldCommand command;
  std::map<std::string, std::string> given;  // flag name -> value from the command line
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      command.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      command.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags()) {
      if (name == f.name) flag = &f;
    }
    if (flag == nullptr) {
      return Status(Errc::kInvalidArgument, "unknown flag --" + name + "; see spoold --help");
    }
    if (!has_value) {
      if (flag->is_switch) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status(Errc::kInvalidArgument, "--" + name + " needs a value; see spoold --help");
      }
    }
    given[name] = value;
  }
  for (const Flag& f : flags()) {
    std::optional<std::string> value;
    if (auto it = given.find(f.name); it != given.end()) {
      value = it->second;
    } else if (auto from_env = env(f.env)) {
      value = *from_env;
    }
    if (!value) continue;
    Status st = f.apply(command.config, *value);
    if (!st.ok()) {
      bool from_flag = given.contains(f.name);
      return Status(Errc::kInvalidArgument,
                    from_flag ? st.message() : std::string(f.env) + ": " + st.message());
    }
  }
  if (!given.contains("data-dir") && !env("SPOOL_DATA_DIR")) {
    Status st = apply_data_dir(command.config, command.config.storage.data_dir);
    if (!st.ok()) return st;
  }
  return command;
}

std::string spoold_help() {
  std::string out =
      "spoold: an SQS-compatible queue service with Kafka-style topics.\n\n"
      "Usage: spoold [flags]\n"
      "       spoold admin COMMAND [flags]   (tenants, keys, quotas; spoold admin help)\n\n"
      "Every flag may also be set through its environment variable; the flag wins.\n\n";
  for (const Flag& f : flags()) {
    std::string left = std::string("  --") + f.name + (f.is_switch ? "" : " VALUE");
    if (left.size() < 26) left.resize(26, ' ');
    out += left + f.help + "\n";
    out += std::string(26, ' ') + "env " + f.env + "; default " + f.fallback + "\n";
  }
  return out;
}

}  // namespace spool
