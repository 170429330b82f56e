#include "load_args.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>

namespace spool_bench {

[[noreturn]] void die(const char* fmt, const std::string& v) {
  std::fprintf(stderr, fmt, v.c_str());
  std::fputc('\n', stderr);
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--selftest") {
      a.selftest = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::printf(
          "usage: spool_bench_sqs --scenario=send|send-batch|receive-delete|latency "
          "[--target=127.0.0.1:9324] [--connections=N] [--threads=W] [--seconds=S] "
          "[--max-requests=N] [--body-size=B] [--wait-time=0|1] [--prefill=N] [--rate=R] "
          "[--senders=N] [--receivers=N] [--access-key=K] [--secret-key=S] [--region=R] "
          "[--label=L] [--queue=NAME] [--groups=N (FIFO queue)] | --selftest\n");
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0) die("unexpected argument %s", arg);
    std::string key, val;
    auto eq = arg.find('=');
    if (eq != std::string::npos) {
      key = arg.substr(2, eq - 2);
      val = arg.substr(eq + 1);
    } else {
      key = arg.substr(2);
      if (i + 1 >= argc) die("missing value for %s", arg);
      val = argv[++i];
    }
    auto num = [&](double lo, double hi) {
      char* end = nullptr;
      double d = std::strtod(val.c_str(), &end);
      if (end == val.c_str() || *end != 0 || d < lo || d > hi)
        die("bad value for --%s", key + "=" + val);
      return d;
    };
    if (key == "target") a.target = val;
    else if (key == "scenario") a.scenario = val;
    else if (key == "connections") a.connections = static_cast<int>(num(1, 4096));
    else if (key == "threads") a.threads = static_cast<int>(num(0, 4096));
    else if (key == "seconds") a.seconds = num(0.1, 3600);
    else if (key == "max-requests") a.max_requests = static_cast<uint64_t>(num(1, 1e12));
    else if (key == "body-size") a.body_size = static_cast<size_t>(num(32, 262144));
    else if (key == "wait-time") a.wait_time = static_cast<int>(num(0, 20));
    else if (key == "prefill") a.prefill = static_cast<uint64_t>(num(0, 1e9));
    else if (key == "rate") a.rate = num(1, 1e7);
    else if (key == "senders") a.senders = static_cast<int>(num(1, 1024));
    else if (key == "receivers") a.receivers = static_cast<int>(num(1, 1024));
    else if (key == "access-key") a.access_key = val;
    else if (key == "secret-key") a.secret_key = val;
    else if (key == "region") a.region = val;
    else if (key == "label") a.label = val;
    else if (key == "groups") a.groups = static_cast<int>(num(0, 1e6));
    else if (key == "queue") a.queue = val;
    else die("unknown flag --%s", key);
  }
  return a;
}

Target parse_target(const std::string& t) {
  std::string host, port;
  if (!t.empty() && t[0] == '[') {
    auto close = t.find(']');
    if (close == std::string::npos || close + 1 >= t.size() || t[close + 1] != ':')
      die("--target must be host:port, got %s", t);
    host = t.substr(1, close - 1);
    port = t.substr(close + 2);
  } else {
    auto colon = t.rfind(':');
    if (colon == std::string::npos) die("--target must be host:port, got %s", t);
    host = t.substr(0, colon);
    port = t.substr(colon + 1);
  }
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != 0 || p < 1 || p > 65535) die("bad port in --target %s", t);
  Target out;
  if (host == "localhost") host = "127.0.0.1";
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127)
      die("refusing non-loopback --target %s (127.0.0.0/8 or ::1 only)", t);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(p));
    out.addr_len = sizeof(sockaddr_in);
    out.host_header = host + ":" + port;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr))
      die("refusing non-loopback --target %s (127.0.0.0/8 or ::1 only)", t);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(p));
    out.addr_len = sizeof(sockaddr_in6);
    out.host_header = "[" + host + "]:" + port;
  } else {
    die("refusing --target %s: host must be a literal loopback address or localhost", t);
  }
  return out;
}

}  // namespace spool_bench
