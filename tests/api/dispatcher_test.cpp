#include "api/dispatcher.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>

namespace spool {
namespace {

class DispatcherTest : public testing::Test {
 protected:
  HttpResponse call(HttpRequest request) {
    HttpResponse out;
    int replies = 0;
    dispatcher_.handle(std::move(request), [&](HttpResponse r) {
      out = std::move(r);
      ++replies;
    });
    EXPECT_EQ(replies, 1);
    return out;
  }
  static HttpRequest get(std::string path) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    return r;
  }

  std::atomic<bool> ready_{true};
  ApiMetrics metrics_{std::make_shared<prometheus::Registry>()};
  Dispatcher dispatcher_{metrics_, [this] { return ready_.load(); }};
};

TEST_F(DispatcherTest, HealthIsAlwaysOk) {
  ready_ = false;
  HttpResponse r = call(get("/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST_F(DispatcherTest, ReadyFollowsTheProbe) {
  EXPECT_EQ(call(get("/ready")).status, 200);
  ready_ = false;
  HttpResponse r = call(get("/ready"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "catalog unreachable\n");
}

TEST_F(DispatcherTest, MetricsCountEarlierRequests) {
  call(get("/health"));
  call(get("/health"));
  HttpResponse r = call(get("/metrics"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("spool_api_requests_total{action=\"Health\",outcome=\"ok\"} 2"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("spool_build_info{version=\"" SPOOL_VERSION "\"} 1"), std::string::npos);
}

TEST_F(DispatcherTest, UnknownPathGetsAnXmlInvalidAddress) {
  HttpResponse r = call(get("/favicon.ico"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<Code>InvalidAddress</Code>"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, UnknownQueryActionIsInvalidAction) {
  HttpRequest r = get("/");
  r.query = "Action=Frobnicate&Version=2012-11-05";
  HttpResponse out = call(r);
  EXPECT_EQ(out.status, 400);
  EXPECT_NE(out.body.find("<Code>InvalidAction</Code>"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("Frobnicate"), std::string::npos);
}

TEST_F(DispatcherTest, UnknownJsonTargetIsUnknownOperation) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.add_header("x-amz-target", "AmazonSQS.Frobnicate");
  r.add_header("content-type", "application/x-amz-json-1.0");
  r.body = "{}";
  HttpResponse out = call(r);
  EXPECT_EQ(out.status, 400);
  EXPECT_EQ(out.content_type, "application/x-amz-json-1.0");
  EXPECT_NE(out.body.find("\"__type\":\"com.amazonaws.sqs#UnknownOperationException\""), std::string::npos)
      << out.body;
}

TEST_F(DispatcherTest, OutcomesAreCountedByErrorCode) {
  HttpRequest r = get("/");
  r.query = "Action=Frobnicate";
  call(r);
  HttpResponse m = call(get("/metrics"));
  EXPECT_NE(m.body.find("spool_api_requests_total{action=\"Unknown\",outcome=\"InvalidAction\"} 1"),
            std::string::npos)
      << m.body;
}

}  // namespace
}  // namespace spool
