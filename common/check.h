#pragma once

// SPOOL_CHECK: a broken invariant is a bug, not an error. It logs and aborts; restart and
// recovery are tested paths. Never CHECK what a client, a disk or the network can cause.
// SPOOL_DCHECK compiles away in NDEBUG builds.

namespace spool {
[[noreturn]] void check_failed(const char* file, int line, const char* expr);
}

#define SPOOL_CHECK(cond) \
  ((cond) ? (void)0 : ::spool::check_failed(__FILE__, __LINE__, #cond))

#ifdef NDEBUG
#define SPOOL_DCHECK(cond) ((void)0)
#else
#define SPOOL_DCHECK(cond) SPOOL_CHECK(cond)
#endif
