#pragma once

// ApiConfig: the HTTP face of spoold. Filled once at start-up (flags, then SPOOL_*).

#include <cstdint>
#include <string>

#include "api/http_server.h"

namespace spool {

struct ApiConfig {
  std::string listen_host = "127.0.0.1";  // address to bind; "0.0.0.0" or "::" for all
  uint16_t listen_port = 9324;            // 1..65535
  // Base of queue URLs handed to clients, no trailing slash; empty: http://<listen>.
  std::string public_url;
  std::string region = "us-east-1";       // in ARNs and the SigV4 credential scope
  int http_threads = 0;                   // HTTP I/O threads; 0: one per core (min 2)
  HttpEngine http_engine = HttpEngine::kNative;
  // Larger request bodies are refused (413) without being kept in memory; 1 KiB..64 MiB.
  // 8 MiB: the topics spec's largest produce call, and room for a 1 MiB SQS message
  // even when the Query protocol percent-encodes every byte.
  int64_t max_request_bytes = 8 * 1024 * 1024;

  // The public base URL after defaults: public_url or http://host:port.
  std::string base_url() const;
};

}  // namespace spool
