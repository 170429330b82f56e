#pragma once

// The generator's command line (see sqs_load.cpp's header for the flags) and its target,
// which must be a loopback address.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace spool_bench {

struct Args {
  std::string target = "127.0.0.1:9324";
  std::string scenario = "send";
  int connections = 16;
  int threads = 0;  // 0 = auto
  double seconds = 10;
  uint64_t max_requests = 10'000'000;
  size_t body_size = 256;
  int wait_time = 0;         // receive-delete: WaitTimeSeconds
  uint64_t prefill = 100000; // receive-delete: messages sent before receiving
  double rate = 1000;        // latency: messages/s
  int senders = 32;          // latency: connections the paced sender may use (idle until their slot)
  int receivers = 4;         // latency: long-polling receivers
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string region = "us-east-1";
  std::string label = "spool";
  std::string queue;  // default: bench-<scenario>-<pid>-<time>
  int groups = 0;     // > 0: a FIFO queue; sends spread over this many MessageGroupIds
  bool selftest = false;
};

// Prints fmt (one %s: v) and exits 2.
[[noreturn]] void die(const char* fmt, const std::string& v);
// Exits 2 with a message on a bad flag; --help prints usage and exits 0.
Args parse_args(int argc, char** argv);

struct Target {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host_header;  // as signed and sent: "127.0.0.1:9324" / "[::1]:9324"
};

// host:port of 127.0.0.0/8, [::1] or localhost; anything else exits 2.
Target parse_target(const std::string& t);

}  // namespace spool_bench
