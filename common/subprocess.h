#pragma once

// Starting and stopping child processes: the embedded PostgreSQL, and spoold itself in
// integration tests.
//
// Call spawn() from a thread that lives as long as the child should: with
// `parent_death_signal` set, Linux signals the child when the *thread* that forked it
// exits. Safe from any thread otherwise.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool {

struct SpawnOptions {
  // Run as this user (setgid/initgroups/setuid) when we are root; empty: as we are.
  std::string run_as_user;
  // Append the child's stdout and stderr to this file; empty: inherit ours.
  std::string output_file;
  // Put the child in its own process group, so a terminal's Ctrl-C reaches only us and
  // we stop the child in our own order.
  bool new_process_group = false;
  // Signal delivered to the child when we die, even by SIGKILL (0: none).
  int parent_death_signal = 0;
  // Extra environment entries "NAME=value", added to ours.
  std::vector<std::string> extra_env;
};

// Starts argv[0] (a path) with the arguments. Fails when fork fails or the program
// can't be executed.
Result<pid_t> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Waits up to `timeout` for our child to exit; its wait status, or nullopt on timeout.
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout);

// Runs a program to completion (bounded by `timeout`, then SIGKILL); its exit code, or
// an error naming the program. Output goes where options say.
Result<int> run_to_completion(const std::vector<std::string>& argv, const SpawnOptions& options,
                              std::chrono::milliseconds timeout);

// Sends `first`, waits up to `grace`, then SIGKILL and reaps. For our own children.
void stop_child(pid_t pid, int first, std::chrono::milliseconds grace);

// True when a process with this pid exists (any parent).
bool process_alive(pid_t pid);

}  // namespace spool
