#include "common/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/http/url.h"
#include "support/http_client.h"

namespace storm::http {
namespace {

using testing::HttpConnection;
using testing::HttpFetch;
using testing::HttpGet;
using testing::RawHttpExchange;

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options);
    server_->Handle("GET", "/hello", [](const Request&) { return Response::Text(200, "hello"); });
    server_->Handle("GET", "/echo", [](const Request& r) {
      nlohmann::json query = r.query;
      return Response::Json(200, nlohmann::json{{"path", r.path}, {"query", query}}.dump());
    });
    server_->Handle("POST", "/echo", [](const Request& r) { return Response::Text(201, r.body); });
    server_->HandlePrefix("GET", "/items/", [](const Request& r) {
      return Response::Text(200, "item " + r.path.substr(7));
    });
    server_->Handle("GET", "/items/special",
                    [](const Request&) { return Response::Text(200, "special"); });
    server_->Handle("GET", "/throws", [](const Request&) -> Response {
      throw std::runtime_error("the handler broke");
    });
    port_ = server_->Start();
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TEST(UrlTest, DecodesEscapesAndPlusInQueries) {
  EXPECT_EQ(UrlDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(UrlDecode("a+b", false), "a+b");
  EXPECT_EQ(UrlDecode("a+b", true), "a b");
  EXPECT_FALSE(UrlDecode("%4", false));
  EXPECT_FALSE(UrlDecode("%zz", false));
  auto query = ParseQuery("window=600&id=a%3Ab&sys&x=1&x=2");
  ASSERT_TRUE(query);
  EXPECT_EQ((*query)["window"], "600");
  EXPECT_EQ((*query)["id"], "a:b");
  EXPECT_EQ((*query)["sys"], "");
  EXPECT_EQ((*query)["x"], "1");
  EXPECT_FALSE(ParseQuery("a=%G0"));
  EXPECT_EQ(UrlEncode("word count-1 /x"), "word%20count-1%20%2Fx");
}

TEST_F(HttpServerTest, RoutesExactAndPrefixPaths) {
  StartServer();
  auto reply = HttpGet(port_, "/hello");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "hello");
  EXPECT_EQ(HttpGet(port_, "/items/42").body, "item 42");
  EXPECT_EQ(HttpGet(port_, "/items/special").body, "special");  // exact beats prefix
  auto posted = HttpFetch(port_, "POST", "/echo", "a body");
  EXPECT_EQ(posted.status, 201);
  EXPECT_EQ(posted.body, "a body");
}

TEST_F(HttpServerTest, DecodesPathAndQuery) {
  StartServer();
  auto reply = HttpGet(port_, "/echo?window=%3Aall-time&name=word+count&flag");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Header("Content-Type"), "application/json;charset=utf-8");
  auto json = nlohmann::json::parse(reply.body);
  EXPECT_EQ(json["path"], "/echo");
  EXPECT_EQ(json["query"]["window"], ":all-time");
  EXPECT_EQ(json["query"]["name"], "word count");
  EXPECT_EQ(json["query"]["flag"], "");
  EXPECT_EQ(HttpGet(port_, "/items/a%20b").body, "item a b");
  EXPECT_EQ(HttpGet(port_, "/echo?bad=%zz").status, 400);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithJsonError) {
  StartServer();
  auto missing = HttpGet(port_, "/nope");
  EXPECT_EQ(missing.status, 404);
  auto error = nlohmann::json::parse(missing.body);
  EXPECT_EQ(error["error"], "Not Found");
  EXPECT_NE(error["errorMessage"].get<std::string>().find("/nope"), std::string::npos);

  auto wrong = HttpFetch(port_, "DELETE", "/hello");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("Allow"), "GET");
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"], "Method Not Allowed");
}

TEST_F(HttpServerTest, HeadAnswersLikeGetWithoutBody) {
  StartServer();
  auto reply = HttpFetch(port_, "HEAD", "/hello");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(reply.Header("Content-Length"), "5");
}

TEST_F(HttpServerTest, HandlerExceptionIs500WithMessageAndServerGoesOn) {
  StartServer();
  auto reply = HttpGet(port_, "/throws");
  EXPECT_EQ(reply.status, 500);
  auto error = nlohmann::json::parse(reply.body);
  EXPECT_EQ(error["error"], "Internal Server Error");
  EXPECT_EQ(error["errorMessage"], "the handler broke");
  EXPECT_EQ(HttpGet(port_, "/hello").status, 200);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  HttpConnection connection(port_);
  for (int i = 0; i < 5; ++i) {
    auto reply = connection.Send("GET", "/items/" + std::to_string(i));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "item " + std::to_string(i));
  }
  // An error answer on a kept-alive connection does not end it.
  EXPECT_EQ(connection.Send("GET", "/nope").status, 404);
  EXPECT_EQ(connection.Send("GET", "/hello").body, "hello");
}

TEST_F(HttpServerTest, GarbageGets400AndIsClosed) {
  StartServer();
  const std::string answer = RawHttpExchange(port_, std::string("\x01\x02garbage\r\n\r\n", 13));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_EQ(HttpGet(port_, "/hello").status, 200);
}

TEST_F(HttpServerTest, OversizedBodyGets413AndOversizedHeadersGet431) {
  StartServer({.max_header_bytes = 1024, .max_body_bytes = 100});
  const std::string big_body = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n";
  EXPECT_EQ(RawHttpExchange(port_, big_body).rfind("HTTP/1.1 413", 0), 0u);
  const std::string big_header =
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n";
  EXPECT_EQ(RawHttpExchange(port_, big_header).rfind("HTTP/1.1 431", 0), 0u);
  EXPECT_EQ(HttpGet(port_, "/hello").status, 200);
}

TEST_F(HttpServerTest, ClientSendingABigBodyStillReadsThe413) {
  StartServer({.max_body_bytes = 100});
  const std::string request =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n" + std::string(300000, 'b');
  EXPECT_EQ(RawHttpExchange(port_, request).rfind("HTTP/1.1 413", 0), 0u);
}

TEST_F(HttpServerTest, IncompleteRequestGets408AfterTheReadTimeout) {
  StartServer({.read_timeout = std::chrono::milliseconds(200)});
  const std::string answer = RawHttpExchange(port_, "GET /hello HTTP/1.1\r\nHost:");
  EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
  // An idle connection is closed without a word.
  EXPECT_EQ(RawHttpExchange(port_, ""), "");
  EXPECT_EQ(HttpGet(port_, "/hello").status, 200);
}

TEST_F(HttpServerTest, ServesConcurrentClients) {
  StartServer();
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 8; ++c) {
    clients.push_back(std::async(std::launch::async, [this, c] {
      HttpConnection connection(port_);
      int ok = 0;
      for (int i = 0; i < 20; ++i) {
        const std::string id = std::to_string(c) + "-" + std::to_string(i);
        auto reply = connection.Send("GET", "/items/" + id);
        if (reply.status == 200 && reply.body == "item " + id) ++ok;
      }
      return ok;
    }));
  }
  for (auto& client : clients) EXPECT_EQ(client.get(), 20);
}

TEST_F(HttpServerTest, StopClosesConnectedClients) {
  StartServer();
  HttpConnection idle(port_);
  EXPECT_EQ(idle.Send("GET", "/hello").status, 200);
  server_->Stop();
  EXPECT_ANY_THROW(idle.Send("GET", "/hello"));
  server_->Stop();  // idempotent
}

TEST(HttpServerBindTest, BusyPortIsAClearError) {
  Server first({.host = "127.0.0.1", .port = 0});
  const int port = first.Start();
  Server second({.host = "127.0.0.1", .port = port});
  try {
    second.Start();
    FAIL() << "bound a busy port";
  } catch (const ServerError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  }
}

}  // namespace
}  // namespace storm::http
