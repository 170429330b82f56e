#include "common/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace spool {
namespace {

struct UserIds {
  uid_t uid;
  gid_t gid;
};

// After fork only async-signal-safe calls are allowed, so everything the child needs
// (user ids, argv/envp arrays) is prepared before forking.
[[noreturn]] void child_exec(const std::vector<char*>& argv, const std::vector<char*>& envp,
                             const SpawnOptions& options, const std::optional<UserIds>& user,
                             pid_t parent, int error_pipe) {
  auto fail = [error_pipe](int err) {
    ssize_t ignored = ::write(error_pipe, &err, sizeof err);
    (void)ignored;
    _exit(127);
  };
  if (options.new_process_group) ::setpgid(0, 0);
  if (user) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(user->gid) != 0 || ::setuid(user->uid) != 0) {
      fail(errno);
    }
  }
  // Set after the uid change: changing credentials clears the parent-death signal.
  if (options.parent_death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, options.parent_death_signal);
    if (::getppid() != parent) _exit(1);  // the parent died before prctl took effect
  }
  if (!options.output_file.empty()) {
    int fd = ::open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) fail(errno);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
  }
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // we may have blocked signals for sigwait
  ::execve(argv[0], argv.data(), envp.data());
  fail(errno);
  _exit(127);
}

}  // namespace

Result<pid_t> spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return Status(Errc::kInvalidArgument, "spawn: empty argv");
  std::optional<UserIds> user;
  if (!options.run_as_user.empty() && ::geteuid() == 0) {
    struct passwd* pw = ::getpwnam(options.run_as_user.c_str());
    if (pw == nullptr) {
      return Status(Errc::kUnavailable, "no system user '" + options.run_as_user + "'");
    }
    user = UserIds{pw->pw_uid, pw->pw_gid};
  }
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  for (const auto& e : options.extra_env) env_storage.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage = argv;
  std::vector<char*> cargv;
  for (auto& a : argv_storage) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  // A CLOEXEC pipe tells us whether exec succeeded: it closes empty on success.
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Status(Errc::kIoError, std::string("pipe: ") + std::strerror(errno));
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return Status(Errc::kIoError, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    child_exec(cargv, envp, options, user, parent, pipe_fds[1]);
  }
  ::close(pipe_fds[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(pipe_fds[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(pipe_fds[0]);
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
    return Status(Errc::kUnavailable,
                  "cannot run " + argv[0] + ": " + std::strerror(child_errno));
  }
  return pid;
}

std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return 0;  // not our child, or already reaped
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Result<int> run_to_completion(const std::vector<std::string>& argv, const SpawnOptions& options,
                              std::chrono::milliseconds timeout) {
  auto pid = spawn(argv, options);
  if (!pid) return pid.error();
  auto status = wait_child(*pid, timeout);
  if (!status) {
    ::kill(*pid, SIGKILL);
    ::waitpid(*pid, nullptr, 0);
    return Status(Errc::kUnavailable, argv[0] + " did not finish within " +
                                          std::to_string(timeout.count()) + " ms");
  }
  if (WIFEXITED(*status)) return WEXITSTATUS(*status);
  return 128 + WTERMSIG(*status);
}

void stop_child(pid_t pid, int first, std::chrono::milliseconds grace) {
  ::kill(pid, first);
  if (wait_child(pid, grace)) return;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

bool process_alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace spool
