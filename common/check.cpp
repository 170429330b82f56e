#include "common/check.h"

#include <cstdlib>

#include "common/log.h"

namespace spool {

void check_failed(const char* file, int line, const char* expr) {
  log_error("check", "invariant broken", {{"file", file}, {"line", line}, {"expr", expr}});
  std::abort();
}

}  // namespace spool
