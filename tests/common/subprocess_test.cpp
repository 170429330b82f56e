#include "common/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

namespace spool {
namespace {

TEST(Subprocess, RunsToCompletionAndReportsTheExitCode) {
  auto code = run_to_completion({"/bin/sh", "-c", "exit 3"}, {}, std::chrono::seconds(10));
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 3);
}

TEST(Subprocess, MissingProgramIsAnError) {
  auto pid = spawn({"/nonexistent/program"});
  ASSERT_FALSE(pid);
  EXPECT_NE(pid.error().message().find("/nonexistent/program"), std::string::npos);
}

TEST(Subprocess, AppendsOutputToTheGivenFile) {
  std::string path = testing::TempDir() + "/subprocess_out.txt";
  std::remove(path.c_str());
  SpawnOptions options;
  options.output_file = path;
  options.extra_env = {"SPOOL_TEST_WORD=hello"};
  auto code = run_to_completion({"/bin/sh", "-c", "echo $SPOOL_TEST_WORD"}, options,
                                std::chrono::seconds(10));
  ASSERT_TRUE(code);
  std::ifstream in(path);
  std::string word;
  in >> word;
  EXPECT_EQ(word, "hello");
}

TEST(Subprocess, TimeoutKillsTheChild) {
  auto code = run_to_completion({"/bin/sleep", "30"}, {}, std::chrono::milliseconds(100));
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().code(), Errc::kUnavailable);
}

TEST(Subprocess, StopChildSendsTheSignal) {
  auto pid = spawn({"/bin/sleep", "30"});
  ASSERT_TRUE(pid);
  EXPECT_TRUE(process_alive(*pid));
  stop_child(*pid, SIGTERM, std::chrono::seconds(5));
  EXPECT_FALSE(process_alive(*pid));
}

}  // namespace
}  // namespace spool
