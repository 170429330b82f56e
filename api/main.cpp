// spoold's composition root: builds every layer and wires them together (the one place
// allowed to name them all, as Envoy's source/exe/). Start-up order: flags → data
// directory lock → PostgreSQL (embedded or given) → catalog and migrations → cluster
// layout → tenants → credentials → queue engine (shards recover) → topic engine
// (partitions recover) → HTTP. Shutdown runs the reverse: stop accepting, drain the
// partitions and the shards, then the catalog, then PostgreSQL.

#include <prometheus/registry.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "api/admin_command.h"
#include "api/api_metrics.h"
#include "api/dispatcher.h"
#include "api/http_server.h"
#include "api/readiness.h"
#include "api/spoold_flags.h"
#include "api/sqs_service.h"
#include "api/topics_service.h"
#include "auth/credentials.h"
#include "auth/secret_box.h"
#include "auth/tenants.h"
#include "common/clock.h"
#include "common/log.h"
#include "engine/engine_metrics.h"
#include "engine/queue_engine.h"
#include "engine/topics/topic_engine.h"
#include "storage/data_dir_lock.h"
#include "storage/embedded_postgres.h"
#include "storage/pg_catalog.h"
#include "storage/pg_topic_catalog.h"

namespace spool {
namespace {

// Exit codes: 2 for a bad command line or configuration, 1 for any failure to start.
constexpr int kExitUsage = 2;
constexpr int kExitStartFailed = 1;

int fail_start(const Status& st) {
  std::fprintf(stderr, "spoold: %s\n", st.message().c_str());
  return kExitStartFailed;
}

void print_banner(const SpooldConfig& config, bool default_tenant) {
  const std::string url = config.api.base_url();
  std::string out;
  out += "\nSpool is ready.\n";
  out += "  endpoint:  " + url + "\n";
  out += "  region:    " + config.api.region + "\n";
  if (default_tenant) {
    out += "  account:   " + std::string(kDefaultAccountId) + "\n";
    out += "  access key: " + std::string(kDefaultAccessKeyId) + "   secret key: " +
           std::string(kDefaultSecret) + "\n\n";
    out += "Try it:\n  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws sqs list-queues "
           "--region " + config.api.region + " --endpoint-url " + url + "\n\n";
  } else {
    out += "  credentials: create a tenant with `spoold admin tenant create --name NAME`\n\n";
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

int run(const SpooldConfig& config) {
  set_log_level(config.log_level);
  // Signals are taken synchronously by the main thread (sigwait); every thread created
  // from here on inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto lock = DataDirLock::acquire(config.storage.data_dir);
  if (!lock) return fail_start(lock.error());

  std::unique_ptr<EmbeddedPostgres> embedded;
  std::string conninfo = config.storage.database_url;
  const bool is_embedded = conninfo.empty();
  if (is_embedded) {
    auto pg = EmbeddedPostgres::start(config.storage.data_dir);
    if (!pg) return fail_start(pg.error());
    embedded = std::move(*pg);
    conninfo = embedded->conninfo();
  }
  auto catalog = PgCatalog::open(conninfo);
  if (!catalog) return fail_start(catalog.error());

  auto layout = (*catalog)->ensure_cluster(config.engine.shards);
  if (!layout) return fail_start(layout.error());
  if (config.shards_given && layout->shard_count != config.engine.shards) {
    std::fprintf(stderr,
                 "spoold: --shards is %d but this cluster was created with %d shards; shards "
                 "are fixed at cluster creation\n",
                 config.engine.shards, layout->shard_count);
    return kExitUsage;
  }

  SystemClock clock;
  auto box = SecretBox::load_or_create(config.storage.data_dir);
  if (!box) return fail_start(box.error());
  Tenants tenants(**catalog, *box, clock);
  bool has_default_tenant = false;
  if (is_embedded) {
    // Only the embedded default gets the documented test/test tenant; a real database
    // starts without any credentials anyone could guess.
    auto created = tenants.ensure_default_tenant();
    if (!created) return fail_start(created.error());
    auto accounts = (*catalog)->find_account(kDefaultAccountId);
    has_default_tenant = accounts && accounts->has_value();
  }

  auto credentials = CredentialStore::start(**catalog, *box, std::chrono::seconds(2));
  if (!credentials) return fail_start(credentials.error());

  auto registry = std::make_shared<prometheus::Registry>();
  EngineMetrics engine_metrics(registry);
  QueueEngineOptions engine_options;
  engine_options.data_dir = config.storage.data_dir;
  engine_options.fsync = config.storage.fsync;
  engine_options.repair = config.storage.repair;
  engine_options.clock = &clock;
  engine_options.metrics = &engine_metrics;
  engine_options.move_task_catalog = catalog->get();
  auto engine = QueueEngine::open(engine_options, **catalog, *layout);
  if (!engine) return fail_start(engine.error());
  SqsService sqs(**engine, **credentials, config.api, config.quotas, clock);

  auto topic_catalog = PgTopicCatalog::open(conninfo);
  if (!topic_catalog) return fail_start(topic_catalog.error());
  topics::TopicMetrics topic_metrics(registry);
  topics::TopicEngineOptions topic_options;
  topic_options.data_dir = config.storage.data_dir;
  topic_options.fsync = config.storage.fsync;
  topic_options.shard_count = static_cast<uint32_t>(layout->shard_count);
  topic_options.clock = &clock;
  topic_options.metrics = &topic_metrics;
  topic_options.max_partitions_per_account = static_cast<size_t>(config.engine.max_partitions_per_tenant);
  topic_options.max_partitions = static_cast<size_t>(config.engine.max_partitions);
  auto topic_engine = topics::TopicEngine::open(topic_options, **topic_catalog);
  if (!topic_engine) return fail_start(topic_engine.error());
  TopicService topic_service(**topic_engine, **credentials, config.api, clock);

  ApiMetrics metrics(registry);
  Catalog* catalog_ptr = catalog->get();
  auto readiness = std::make_unique<Readiness>([catalog_ptr] { return catalog_ptr->ping(); },
                                               std::chrono::seconds(1));
  Dispatcher dispatcher(metrics, [r = readiness.get()] { return r->ready(); }, &sqs, &topic_service);

  int threads = config.api.http_threads;
  if (threads == 0) threads = std::max(2u, std::thread::hardware_concurrency());
  HttpServerOptions http_options;
  http_options.host = config.api.listen_host;
  http_options.port = config.api.listen_port;
  http_options.max_body_bytes = config.api.max_request_bytes;
  http_options.threads = threads;
  http_options.engine = config.api.http_engine;
  http_options.too_large = [&dispatcher](const std::string& path, int64_t limit) {
    return dispatcher.too_large(path, limit);
  };
  HttpServer server(http_options, [&dispatcher](HttpRequest request, Reply reply) {
    dispatcher.handle(std::move(request), std::move(reply));
  });
  Status st = server.start();
  if (!st.ok()) return fail_start(st);
  log_info("api", "listening",
           {{"listen", config.api.listen_host + ":" + std::to_string(config.api.listen_port)},
            {"shards", layout->shard_count},
            {"fsync", to_string(config.storage.fsync)},
            {"http_threads", threads},
            {"http_engine", config.api.http_engine == HttpEngine::kNative ? "native" : "cpprestsdk"},
            {"catalog", is_embedded ? "embedded" : "external"}});
  print_banner(config, has_default_tenant);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log_info("api", "stopping", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  server.stop();
  readiness.reset();  // its thread pings the catalog
  topic_engine->reset();  // drains every partition's log
  topic_catalog->reset();
  engine->reset();    // drains every shard's log
  credentials->reset();
  catalog->reset();
  if (embedded) embedded->stop();
  log_info("api", "stopped");
  return 0;
}

}  // namespace
}  // namespace spool

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "admin") {
    return spool::run_admin_command({args.begin() + 1, args.end()}, spool::process_env);
  }
  auto command = spool::parse_spoold_flags(args, spool::process_env);
  if (!command) {
    std::fprintf(stderr, "spoold: %s\n", command.error().message().c_str());
    return spool::kExitUsage;
  }
  if (command->help) {
    std::fputs(spool::spoold_help().c_str(), stdout);
    return 0;
  }
  if (!command->positional.empty()) {
    std::fprintf(stderr, "spoold: unknown command '%s'; see spoold --help\n",
                 command->positional.front().c_str());
    return spool::kExitUsage;
  }
  return spool::run(command->config);
}
