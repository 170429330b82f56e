#include "api/api_config.h"

namespace spool {

std::string ApiConfig::base_url() const {
  if (!public_url.empty()) return public_url;
  bool is_ipv6 = listen_host.find(':') != std::string::npos;
  std::string host = is_ipv6 ? "[" + listen_host + "]" : listen_host;
  return "http://" + host + ":" + std::to_string(listen_port);
}

}  // namespace spool
