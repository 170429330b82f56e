#include "storage/embedded_postgres.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/log.h"
#include "common/subprocess.h"
#include "storage/pg_connection.h"

namespace spool {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPgUser = "postgres";  // system user that runs the cluster as root
constexpr int kPgPort = 5432;                 // only names the socket file; no TCP listener

std::string run_as_user() { return ::geteuid() == 0 ? kPgUser : ""; }

Status chown_tree(const std::string& path) {
  if (::geteuid() != 0) return Status();
  struct passwd* pw = ::getpwnam(kPgUser);
  if (pw == nullptr) {
    return Status(Errc::kUnavailable,
                  "spoold runs as root, and the embedded PostgreSQL must run as the 'postgres' "
                  "system user, which does not exist; install the postgresql package or pass "
                  "--database-url");
  }
  std::error_code ec;
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return Status(Errc::kIoError, "cannot chown " + path);
  }
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    ::lchown(it->path().c_str(), pw->pw_uid, pw->pw_gid);
  }
  return Status();
}

// The child opens its log file after dropping to the postgres user, so the file must
// exist and belong to that user first.
Status prepare_log_file(const std::string& path) {
  std::ofstream touch(path, std::ios::app);
  if (!touch) return Status(Errc::kIoError, "cannot create " + path);
  touch.close();
  if (::geteuid() == 0) {
    if (struct passwd* pw = ::getpwnam(kPgUser)) ::chown(path.c_str(), pw->pw_uid, pw->pw_gid);
  }
  return Status();
}

std::string tail_of(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > max_bytes) text = text.substr(text.size() - max_bytes);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

std::string socket_conninfo(const std::string& dir, const std::string& db) {
  return "host=" + dir + " port=" + std::to_string(kPgPort) + " user=spool dbname=" + db;
}

// A postmaster left by a predecessor: either one that got our parent-death signal and is
// still shutting down, or an orphan. Ask it to stop and wait; a stale file (no such
// process, or the pid now belongs to something else) is removed.
Status clear_previous_postmaster(const std::string& cluster_dir) {
  std::string pid_file = cluster_dir + "/postmaster.pid";
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return Status();
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  comm >> name;
  if (!process_alive(static_cast<pid_t>(pid)) || name.rfind("postgres", 0) != 0) {
    log_info("storage", "removing stale postmaster.pid", {{"pid", pid}});
    fs::remove(pid_file);
    return Status();
  }
  log_warn("storage", "stopping the embedded PostgreSQL left by a previous spoold", {{"pid", pid}});
  ::kill(static_cast<pid_t>(pid), SIGINT);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (process_alive(static_cast<pid_t>(pid))) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(static_cast<pid_t>(pid), SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status();
}

Status init_cluster(const std::string& bin_dir, const std::string& data_dir,
                    const std::string& cluster_dir) {
  // initdb into a temporary directory and rename: an interrupted initdb never leaves a
  // half-made cluster where the next start would look.
  std::string tmp = data_dir + "/pg.tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Status(Errc::kIoError, "cannot create " + tmp + ": " + ec.message());
  ::chmod(tmp.c_str(), 0700);
  Status st = chown_tree(tmp);
  if (!st.ok()) return st;
  std::string log_file = data_dir + "/pg.log";
  st = prepare_log_file(log_file);
  if (!st.ok()) return st;
  SpawnOptions options;
  options.run_as_user = run_as_user();
  options.output_file = log_file;
  // `postgres` must be able to reach the directory: check as that user before initdb
  // fails with a less helpful message.
  auto reachable = run_to_completion({"/usr/bin/test", "-w", tmp}, options, std::chrono::seconds(10));
  if (!reachable || *reachable != 0) {
    return Status(Errc::kUnavailable,
                  "the '" + std::string(kPgUser) + "' user cannot write " + tmp +
                      "; put --data-dir under a directory every user may traverse "
                      "(e.g. /var/lib/spool or /tmp) or pass --database-url");
  }
  log_info("storage", "creating the embedded PostgreSQL cluster", {{"dir", cluster_dir}});
  auto code = run_to_completion({bin_dir + "/initdb", "-D", tmp, "-U", "spool", "-A", "trust",
                                 "-E", "UTF8", "--locale=C", "--no-instructions"},
                                options, std::chrono::minutes(2));
  if (!code) return code.error();
  if (*code != 0) {
    return Status(Errc::kUnavailable, "initdb failed (exit " + std::to_string(*code) +
                                          "): " + tail_of(log_file, 400));
  }
  fs::rename(tmp, cluster_dir, ec);
  if (ec) return Status(Errc::kIoError, "cannot rename " + tmp + ": " + ec.message());
  return Status();
}

Status create_spool_database(const std::string& cluster_dir) {
  auto conn = PgConnection::connect(socket_conninfo(cluster_dir, "postgres"));
  if (!conn) return conn.error();
  auto rows = (*conn)->exec("SELECT 1 FROM pg_database WHERE datname = 'spool'");
  if (!rows) return rows.error();
  if (rows->size() == 1) return Status();
  return (*conn)->exec_script("CREATE DATABASE spool");
}

}  // namespace

Result<std::string> find_postgres_bin_dir() {
  if (const char* env = std::getenv("SPOOL_PG_BIN"); env != nullptr && *env != '\0') {
    if (fs::exists(std::string(env) + "/postgres")) return std::string(env);
    return Status(Errc::kUnavailable, std::string("SPOOL_PG_BIN=") + env + " has no postgres binary");
  }
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string name = entry.path().filename().string();
    int version = std::atoi(name.c_str());
    if (version > best_version && fs::exists(entry.path() / "bin" / "postgres")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  if (best.empty()) {
    return Status(Errc::kUnavailable,
                  "PostgreSQL server binaries not found under /usr/lib/postgresql; install them "
                  "(apt-get install -y postgresql) or pass --database-url");
  }
  return best;
}

Result<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::start(const std::string& data_dir,
                                                                  std::chrono::seconds timeout) {
  auto bin_dir = find_postgres_bin_dir();
  if (!bin_dir) return bin_dir.error();
  std::string cluster_dir = data_dir + "/pg";
  // The socket lives in the cluster directory; sun_path caps its length.
  std::string socket_path = cluster_dir + "/.s.PGSQL." + std::to_string(kPgPort);
  if (socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Status(Errc::kInvalidArgument,
                  "data directory path is too long for a unix socket (" +
                      std::to_string(socket_path.size()) + " bytes; limit " +
                      std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + "): " + data_dir);
  }
  if (!fs::exists(cluster_dir + "/PG_VERSION")) {
    Status st = init_cluster(*bin_dir, data_dir, cluster_dir);
    if (!st.ok()) return st;
  }
  Status st = clear_previous_postmaster(cluster_dir);
  if (!st.ok()) return st;

  std::string log_file = data_dir + "/pg.log";
  st = prepare_log_file(log_file);
  if (!st.ok()) return st;
  SpawnOptions options;
  options.run_as_user = run_as_user();
  options.output_file = log_file;
  options.new_process_group = true;
  options.parent_death_signal = SIGINT;
  auto pid = spawn({*bin_dir + "/postgres", "-D", cluster_dir, "-p", std::to_string(kPgPort),
                    "-c", "listen_addresses=", "-c", "unix_socket_directories=" + cluster_dir,
                    "-c", "unix_socket_permissions=0700", "-c", "max_connections=64",
                    "-c", "shared_buffers=64MB", "-c", "logging_collector=off"},
                   options);
  if (!pid) return pid.error();
  std::unique_ptr<EmbeddedPostgres> pg(new EmbeddedPostgres(cluster_dir, *pid));

  std::string ping_info = socket_conninfo(cluster_dir, "postgres") + " connect_timeout=2";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (PQping(ping_info.c_str()) != PQPING_OK) {
    if (auto exited = wait_child(*pid, std::chrono::milliseconds(50))) {
      pg->pid_ = 0;
      return Status(Errc::kUnavailable, "the embedded PostgreSQL exited during start-up: " +
                                            tail_of(log_file, 600));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      pg->stop();
      return Status(Errc::kUnavailable, "the embedded PostgreSQL did not accept connections within " +
                                            std::to_string(timeout.count()) + " s; see " + log_file);
    }
  }
  st = create_spool_database(cluster_dir);
  if (!st.ok()) return st;
  log_info("storage", "embedded PostgreSQL started", {{"pid", *pid}, {"socket_dir", cluster_dir}});
  return pg;
}

std::string EmbeddedPostgres::conninfo() const { return socket_conninfo(cluster_dir_, "spool"); }

std::string embedded_conninfo(const std::string& data_dir) { return socket_conninfo(data_dir + "/pg", "spool"); }

bool has_embedded_cluster(const std::string& data_dir) { return fs::exists(data_dir + "/pg/PG_VERSION"); }

void EmbeddedPostgres::stop() {
  if (pid_ <= 0) return;
  // SIGINT is PostgreSQL's fast shutdown: roll back sessions, checkpoint, exit.
  stop_child(pid_, SIGINT, std::chrono::seconds(30));
  log_info("storage", "embedded PostgreSQL stopped", {{"pid", pid_}});
  pid_ = 0;
}

EmbeddedPostgres::~EmbeddedPostgres() { stop(); }

}  // namespace spool
