// The logviewer's HTTP API: Storm's routes, parameters and JSON, and the
// refusal of paths outside the log dir, over a real server on a free port.
#include "logviewer/logviewer_handlers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

class LogviewerHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("logs/workers-artifacts/wc-1-1/6700/worker.log",
               "start\nINFO first\nERROR boom\nINFO after\n");
    dir_.Write("logs/nimbus.log", "nimbus started\n");
    dir_.Write("secret.txt", "secret\n");
    handlers_.Register(server_);
    port_ = server_.Start();
  }
  void TearDown() override { server_.Stop(); }

  testing::HttpReply Get(const std::string& target) {
    testing::HttpConnection connection(port_);
    return connection.Send("GET", target);
  }

  testing::TempDir dir_;
  LogviewerHandlers handlers_{LogFiles((dir_ / "logs").string()), "http://host1:8000"};
  http::Server server_{http::ServerOptions{}};
  int port_ = 0;
};

TEST_F(LogviewerHandlersTest, LogShowsTheEndOfAWorkerLog) {
  const auto reply = Get("/api/v1/log?file=wc-1-1%2F6700%2Fworker.log&format=text");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "start\nINFO first\nERROR boom\nINFO after\n");
  const auto page = Get("/api/v1/log?file=wc-1-1/6700/worker.log&start=6&length=10&format=text");
  EXPECT_EQ(page.body, "INFO first");
  const auto html = Get("/api/v1/log?file=wc-1-1/6700/worker.log");
  EXPECT_NE(html.body.find("<pre id=\"logContent\">start\nINFO first"), std::string::npos);
  EXPECT_NE(html.Header("Content-Type").find("text/html"), std::string::npos);
}

TEST_F(LogviewerHandlersTest, DaemonLogAndDownload) {
  EXPECT_NE(Get("/api/v1/daemonlog?file=nimbus.log").body.find("nimbus started"),
            std::string::npos);
  const auto download = Get("/api/v1/download?file=wc-1-1/6700/worker.log");
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, "start\nINFO first\nERROR boom\nINFO after\n");
  EXPECT_NE(download.Header("Content-Disposition").find("worker.log"), std::string::npos);
}

TEST_F(LogviewerHandlersTest, SearchAnswersStormsJson) {
  const auto reply =
      Get("/api/v1/search?file=wc-1-1/6700/worker.log&search-string=ERROR&num-matches=5");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto json = nlohmann::json::parse(reply.body);
  EXPECT_EQ(json["searchString"], "ERROR");
  EXPECT_EQ(json["startByteOffset"], 0);
  ASSERT_EQ(json["matches"].size(), 1u);
  const auto& m = json["matches"][0];
  EXPECT_EQ(m["byteOffset"], 17);
  EXPECT_EQ(m["matchString"], "ERROR");
  EXPECT_EQ(m["beforeString"], "start\nINFO first\n");
  EXPECT_EQ(m["afterString"], " boom\nINFO after\n");
  EXPECT_EQ(m["logviewerURL"],
            "http://host1:8000/api/v1/log?file=wc-1-1%2F6700%2Fworker.log&start=0&length=51200");
  EXPECT_FALSE(json.contains("nextByteOffset"));
}

TEST_F(LogviewerHandlersTest, BadParametersAre400WithAReason) {
  auto reply = Get("/api/v1/search?file=wc-1-1/6700/worker.log");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("search-string"), std::string::npos);
  reply = Get("/api/v1/log?file=wc-1-1/6700/worker.log&start=abc");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("'start'"), std::string::npos);
  reply = Get("/api/v1/search?file=wc-1-1/6700/worker.log&search-string=" + std::string(1025, 'a'));
  EXPECT_EQ(reply.status, 400);
}

TEST_F(LogviewerHandlersTest, PathsOutsideTheLogDirAreRefused) {
  for (const std::string target :
       {"/api/v1/log?file=../../secret.txt", "/api/v1/log?file=..%2F..%2Fsecret.txt",
        "/api/v1/download?file=%2Fetc%2Fpasswd", "/api/v1/daemonlog?file=..%2Fsecret.txt",
        "/api/v1/search?file=..%2F..%2Fsecret.txt&search-string=secret"}) {
    const auto reply = Get(target);
    EXPECT_EQ(reply.status, 400) << target;
    EXPECT_EQ(reply.body.find("secret\n"), std::string::npos) << target;
  }
  fs::create_symlink(dir_ / "secret.txt", dir_ / "logs/workers-artifacts/wc-1-1/6700/x.log");
  EXPECT_EQ(Get("/api/v1/download?file=wc-1-1/6700/x.log").status, 403);
  EXPECT_EQ(Get("/api/v1/log?file=wc-1-1/6799/worker.log").status, 404);
}

TEST_F(LogviewerHandlersTest, ListsLogs) {
  EXPECT_EQ(nlohmann::json::parse(Get("/api/v1/listLogs?topologyId=wc-1-1&port=6700").body),
            nlohmann::json({"wc-1-1/6700/worker.log"}));
  EXPECT_EQ(nlohmann::json::parse(Get("/api/v1/listLogs?topologyId=other").body),
            nlohmann::json::array());
  EXPECT_EQ(nlohmann::json::parse(Get("/api/v1/daemonLogs").body), nlohmann::json({"nimbus.log"}));
  EXPECT_EQ(Get("/api/v1/listLogs?port=x").status, 400);
}

}  // namespace
}  // namespace storm
