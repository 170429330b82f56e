#pragma once

// Integration fixtures: a real PostgreSQL per test binary, a fresh database per test,
// and real spoold processes on ports picked at run time. Everything is torn down even
// when a test fails (destructors, and the parent-death signal if the binary crashes).

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool::testing_support {

// A temporary directory under /tmp that every user may traverse (the embedded
// PostgreSQL runs as `postgres` when tests run as root). Removed on destruction.
class TestDir {
 public:
  TestDir();
  ~TestDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The binary's PostgreSQL, started on first use and stopped when the binary exits.
class TestPostgres {
 public:
  static TestPostgres& instance();
  // libpq conninfo of a new, empty database.
  std::string fresh_database();
  // Stops the server (for tests of an unreachable database). Irreversible.
  ~TestPostgres();

 private:
  TestPostgres();
  struct State;
  std::unique_ptr<State> state_;
};

class SpooldProcess {
 public:
  // Starts spoold with `args` (plus --listen on a free port unless args set --listen)
  // and waits until /ready answers 200, at most 60 s. On failure, the error holds the
  // process's output.
  static Result<std::unique_ptr<SpooldProcess>> start(const std::vector<std::string>& args);
  ~SpooldProcess();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Everything the process printed so far (stdout and stderr).
  std::string output() const;
  // Sends `signal` and waits for the exit, at most 30 s; the wait status.
  int stop(int signal);

 private:
  SpooldProcess() = default;
  pid_t pid_ = 0;
  int port_ = 0;
  std::string output_file_;
};

// Runs spoold to completion with `args` (for start-up failures); exit code and output.
struct SpooldRun {
  int exit_code = -1;
  std::string output;
  double seconds = 0;
};
SpooldRun run_spoold(const std::vector<std::string>& args, int timeout_s = 60);

}  // namespace spool::testing_support
