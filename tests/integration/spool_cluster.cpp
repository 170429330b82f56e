#include "tests/integration/spool_cluster.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/subprocess.h"
#include "storage/embedded_postgres.h"
#include "storage/pg_connection.h"
#include "tests/integration/test_http.h"

namespace spool::testing_support {
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::atomic<int> g_output_counter{0};

}  // namespace

TestDir::TestDir() {
  char tmpl[] = "/tmp/spool-it-XXXXXX";
  char* made = ::mkdtemp(tmpl);
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = made;
  ::chmod(path_.c_str(), 0755);
}

TestDir::~TestDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

struct TestPostgres::State {
  TestDir dir;
  std::unique_ptr<EmbeddedPostgres> server;
  std::unique_ptr<PgConnection> admin;
  int next_db = 0;
};

TestPostgres::TestPostgres() : state_(std::make_unique<State>()) {
  auto server = EmbeddedPostgres::start(state_->dir.path());
  if (!server) throw std::runtime_error("test PostgreSQL: " + server.error().to_string());
  state_->server = std::move(*server);
  auto admin = PgConnection::connect(state_->server->conninfo());
  if (!admin) throw std::runtime_error("test PostgreSQL: " + admin.error().to_string());
  state_->admin = std::move(*admin);
}

TestPostgres::~TestPostgres() = default;

namespace {
TestPostgres* g_postgres = nullptr;  // created on first use, stopped by the environment
}  // namespace

TestPostgres& TestPostgres::instance() {
  if (g_postgres == nullptr) g_postgres = new TestPostgres();
  return *g_postgres;
}

namespace {
// Stops the binary's PostgreSQL at the end of the run, even when tests failed.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete g_postgres;
    g_postgres = nullptr;
  }
};
[[maybe_unused]] auto* g_env = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);
}  // namespace

std::string TestPostgres::fresh_database() {
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(state_->next_db++);
  auto created = state_->admin->exec_script("CREATE DATABASE " + name);
  if (!created.ok()) throw std::runtime_error("CREATE DATABASE: " + created.to_string());
  std::string info = state_->server->conninfo();
  return info.substr(0, info.rfind("dbname=")) + "dbname=" + name;
}

Result<std::unique_ptr<SpooldProcess>> SpooldProcess::start(const std::vector<std::string>& args) {
  std::unique_ptr<SpooldProcess> p(new SpooldProcess());
  std::vector<std::string> argv = {SPOOLD_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  bool has_listen = false;
  for (const auto& a : args) has_listen = has_listen || a.rfind("--listen", 0) == 0;
  if (!has_listen) {
    p->port_ = free_port();
    argv.push_back("--listen");
    argv.push_back("127.0.0.1:" + std::to_string(p->port_));
  } else {
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--listen") p->port_ = std::stoi(args[i + 1].substr(args[i + 1].rfind(':') + 1));
    }
  }
  p->output_file_ = "/tmp/spoold-it-" + std::to_string(::getpid()) + "-" +
                    std::to_string(g_output_counter++) + ".log";
  std::remove(p->output_file_.c_str());
  SpawnOptions options;
  options.output_file = p->output_file_;
  options.parent_death_signal = SIGKILL;
  auto pid = spawn(argv, options);
  if (!pid) return pid.error();
  p->pid_ = *pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto status = wait_child(p->pid_, std::chrono::milliseconds(0))) {
      p->pid_ = 0;
      return Status(Errc::kUnavailable, "spoold exited during start-up (status " +
                                            std::to_string(*status) + "):\n" + p->output());
    }
    if (http_get(p->port_, "/ready").status == 200) return p;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status(Errc::kUnavailable, "spoold was not ready within 60 s:\n" + p->output());
}

SpooldProcess::~SpooldProcess() {
  if (pid_ > 0) stop_child(pid_, SIGKILL, std::chrono::seconds(10));
  std::remove(output_file_.c_str());
}

std::string SpooldProcess::output() const { return read_file(output_file_); }

int SpooldProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  auto status = wait_child(pid_, std::chrono::seconds(30));
  if (!status) {
    stop_child(pid_, SIGKILL, std::chrono::seconds(5));
    pid_ = 0;
    return -1;
  }
  pid_ = 0;
  return *status;
}

SpooldRun run_spoold(const std::vector<std::string>& args, int timeout_s) {
  SpooldRun run;
  std::string out = "/tmp/spoold-run-" + std::to_string(::getpid()) + "-" +
                    std::to_string(g_output_counter++) + ".log";
  std::remove(out.c_str());
  std::vector<std::string> argv = {SPOOLD_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions options;
  options.output_file = out;
  options.parent_death_signal = SIGKILL;
  auto start = std::chrono::steady_clock::now();
  auto code = run_to_completion(argv, options, std::chrono::seconds(timeout_s));
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.exit_code = code ? *code : -1;
  run.output = read_file(out);
  std::remove(out.c_str());
  return run;
}

}  // namespace spool::testing_support
