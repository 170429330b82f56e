// spoold as an operator meets it: the embedded default, an external PostgreSQL, start-up
// failures, signals and restarts.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/subprocess.h"
#include "tests/integration/spool_cluster.h"
#include "tests/integration/test_http.h"

namespace spool::testing_support {
namespace {

// The postmaster pid recorded in the embedded cluster, or 0.
pid_t postmaster_pid(const std::string& data_dir) {
  std::ifstream in(data_dir + "/pg/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

bool wait_until_gone(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (process_alive(pid)) {
    // A zombie (exited, not yet reaped by init in some containers) counts as gone.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    stat >> pid_field >> comm >> state;
    if (state == "Z") return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST(EmbeddedDefault, ServesHealthReadyMetricsAndStopsItsPostgres) {
  TestDir dir;
  std::string data = dir.path() + "/data";
  auto spoold = SpooldProcess::start({"--data-dir", data});
  ASSERT_TRUE(spoold) << spoold.error().message();
  int port = (*spoold)->port();

  EXPECT_EQ(http_get(port, "/health").status, 200);
  EXPECT_EQ(http_get(port, "/ready").status, 200);
  TestHttpResponse metrics = http_get(port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("spool_api_requests_total{action=\"Ready\",outcome=\"ok\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("spool_build_info"), std::string::npos);

  std::string banner = (*spoold)->output();
  EXPECT_NE(banner.find("endpoint:  http://127.0.0.1:" + std::to_string(port)), std::string::npos) << banner;
  EXPECT_NE(banner.find("access key: test   secret key: test"), std::string::npos) << banner;
  EXPECT_NE(banner.find("aws sqs list-queues --region us-east-1 --endpoint-url http://127.0.0.1:" +
                        std::to_string(port)),
            std::string::npos);

  pid_t pg = postmaster_pid(data);
  ASSERT_GT(pg, 0);
  EXPECT_TRUE(process_alive(pg));
  int status = (*spoold)->stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(wait_until_gone(pg, std::chrono::seconds(10)));
  EXPECT_FALSE(std::filesystem::exists(data + "/pg/postmaster.pid"));
}

TEST(EmbeddedDefault, RestartsAfterSigkillAndReusesTheCluster) {
  TestDir dir;
  std::string data = dir.path() + "/data";
  {
    auto first = SpooldProcess::start({"--data-dir", data});
    ASSERT_TRUE(first) << first.error().message();
    pid_t pg = postmaster_pid(data);
    ASSERT_GT(pg, 0);
    (*first)->stop(SIGKILL);
    // The parent-death signal makes the orphaned postmaster shut down by itself.
    EXPECT_TRUE(wait_until_gone(pg, std::chrono::seconds(30)));
  }
  auto second = SpooldProcess::start({"--data-dir", data});
  ASSERT_TRUE(second) << second.error().message();
  std::string out = (*second)->output();
  EXPECT_EQ(out.find("creating the embedded PostgreSQL cluster"), std::string::npos) << out;
  EXPECT_EQ(http_get((*second)->port(), "/ready").status, 200);
  EXPECT_EQ((*second)->stop(SIGINT), 0);
}

TEST(EmbeddedDefault, RestartsWhileTheOldPostmasterIsStillRunning) {
  TestDir dir;
  std::string data = dir.path() + "/data";
  auto first = SpooldProcess::start({"--data-dir", data});
  ASSERT_TRUE(first) << first.error().message();
  // Stop the postmaster's shutdown from completing quickly: SIGSTOP it, kill spoold, and
  // let the next start find a live postmaster whose owner is gone.
  pid_t pg = postmaster_pid(data);
  ASSERT_GT(pg, 0);
  ::kill(pg, SIGSTOP);
  (*first)->stop(SIGKILL);
  ::kill(pg, SIGCONT);
  auto second = SpooldProcess::start({"--data-dir", data});
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(http_get((*second)->port(), "/ready").status, 200);
  EXPECT_TRUE(wait_until_gone(pg, std::chrono::seconds(30)));
}

TEST(EmbeddedDefault, SecondProcessOnTheSameDataDirIsRefused) {
  TestDir dir;
  std::string data = dir.path() + "/data";
  auto first = SpooldProcess::start({"--data-dir", data});
  ASSERT_TRUE(first) << first.error().message();
  SpooldRun second = run_spoold({"--data-dir", data, "--listen", "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.output.find("is in use by another spoold (pid " + std::to_string((*first)->pid()) + ")"),
            std::string::npos)
      << second.output;
  EXPECT_EQ(http_get((*first)->port(), "/ready").status, 200);
}

TEST(ExternalDatabase, ServesWithoutTheDefaultTenant) {
  TestDir dir;
  std::string db = TestPostgres::instance().fresh_database();
  auto spoold = SpooldProcess::start({"--data-dir", dir.path() + "/data", "--database-url", db});
  ASSERT_TRUE(spoold) << spoold.error().message();
  EXPECT_EQ(http_get((*spoold)->port(), "/ready").status, 200);
  std::string out = (*spoold)->output();
  EXPECT_NE(out.find("catalog=external"), std::string::npos) << out;
  EXPECT_NE(out.find("create a tenant with `spoold admin tenant create --name NAME`"), std::string::npos);
  EXPECT_EQ(out.find("secret key: test"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/data/pg"));
}

TEST(ExternalDatabase, ShardCountIsFixedAtCreation) {
  TestDir dir;
  std::string db = TestPostgres::instance().fresh_database();
  {
    auto first = SpooldProcess::start({"--data-dir", dir.path() + "/a", "--database-url", db, "--shards", "3"});
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_NE((*first)->output().find("shards=3"), std::string::npos);
  }
  SpooldRun clash = run_spoold({"--data-dir", dir.path() + "/b", "--database-url", db, "--shards", "5",
                                "--listen", "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_NE(clash.output.find("--shards is 5 but this cluster was created with 3 shards"), std::string::npos)
      << clash.output;
  // Without --shards the stored count is used.
  auto again = SpooldProcess::start({"--data-dir", dir.path() + "/c", "--database-url", db});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_NE((*again)->output().find("shards=3"), std::string::npos);
}

TEST(ExternalDatabase, UnreachableServerFailsFastWithAClearMessage) {
  TestDir dir;
  int closed_port = free_port();
  SpooldRun run = run_spoold({"--data-dir", dir.path() + "/data", "--database-url",
                              "postgresql://spool@127.0.0.1:" + std::to_string(closed_port) + "/spool",
                              "--listen", "127.0.0.1:" + std::to_string(free_port())},
                             30);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_LT(run.seconds, 10.0);
  EXPECT_NE(run.output.find("spoold: cannot connect to PostgreSQL"), std::string::npos) << run.output;
}

TEST(CommandLine, BadValueExitsTwoWithOneLine) {
  SpooldRun run = run_spoold({"--fsync", "sometimes"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output,
            "spoold: --fsync is 'sometimes'; must be batch, always, none or interval:<ms> with 1..60000 ms\n");
}

TEST(Http, UnknownPathsAndActionsGetWellFormedErrors) {
  TestDir dir;
  std::string db = TestPostgres::instance().fresh_database();
  auto spoold = SpooldProcess::start({"--data-dir", dir.path() + "/data", "--database-url", db});
  ASSERT_TRUE(spoold) << spoold.error().message();
  int port = (*spoold)->port();

  TestHttpResponse path = http_get(port, "/no/such/path");
  EXPECT_EQ(path.status, 404);
  EXPECT_NE(path.body.find("<Code>InvalidAddress</Code>"), std::string::npos) << path.body;

  TestHttpResponse query = http_request(port, "POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                                        "Action=Frobnicate&Version=2012-11-05");
  EXPECT_EQ(query.status, 400);
  EXPECT_NE(query.body.find("<Code>InvalidAction</Code>"), std::string::npos) << query.body;

  TestHttpResponse json = http_request(
      port, "POST", "/",
      {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "AmazonSQS.Frobnicate"}}, "{}");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(json.headers["x-amzn-query-error"], "InvalidAction;Sender");
  EXPECT_NE(json.body.find("\"__type\":\"com.amazonaws.sqs#UnknownOperationException\""), std::string::npos);

  TestHttpResponse empty = http_request(port, "POST", "/", {}, "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("<Code>MissingAction</Code>"), std::string::npos) << empty.body;
}

}  // namespace
}  // namespace spool::testing_support
