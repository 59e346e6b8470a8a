// http::Server: a small HTTP/1.1 server (Boost.Beast) for the daemons' web
// endpoints: storm-ui's REST API and page, the logviewer, and every daemon's
// Prometheus `GET /metrics`.
//
//   http::Server server({.host = "0.0.0.0", .port = 8080});
//   server.Handle("GET", "/api/v1/cluster/summary", [](const http::Request& r) {
//     return http::Response::Json(200, R"({"supervisors": 1})");
//   });
//   server.HandlePrefix("GET", "/api/v1/topology/", ...);  // any path under it
//   int port = server.Start();   // binds; port 0 picks a free port
//   ...
//   server.Stop();               // or the destructor
//
// Routing: an exact route wins over a prefix route; among prefix routes the
// longest prefix wins. A path no route matches is 404; a path some route
// matches, but not with the request's method, is 405 with an Allow header.
// HEAD is answered by the GET route, without the body. Bodies of errors the
// server makes itself are Storm UI's JSON error object:
// {"error": "<status text>", "errorMessage": "<why>"}.
//
// Bad clients: a request that is not HTTP gets 400, headers over
// max_header_bytes 431, a body over max_body_bytes 413, a request not
// complete within read_timeout 408 (an idle keep-alive connection is just
// closed); then the connection is closed and the server goes on. A handler
// that throws makes a 500 with the exception's message.
//
// Threads: handlers run on the server's `threads` threads, several at once;
// a handler must be thread-safe and should not block long (it holds one of
// the threads). Routes are added before Start(), never after. Start() and
// Stop() are called from one thread; Stop() waits for running handlers,
// closes every connection and is idempotent. A server is started once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace storm::http {

struct Request {
  std::string method;    // "GET", "POST", ...
  std::string path;      // percent-decoded, without the query: "/api/v1/topology/wc-1-1"
  std::string raw_path;  // as sent (still encoded): to split on '/' before decoding
  std::map<std::string, std::string> query;    // decoded; the first of repeated names
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // The query parameter `name`, or `fallback` when absent.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
  bool HasParam(const std::string& name) const { return query.count(name) > 0; }
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  // Storm UI's error object: {"error": <status text>, "errorMessage": message}.
  static Response Error(int status, const std::string& message);
};

// The reason phrase of a status code ("Not Found").
std::string StatusText(int status);

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0: a free port (see Server::port())
  int threads = 2;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  std::string name = "http";  // for log lines
};

class ServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The route table, shared read-only by the sessions once the server runs.
class Router {
 public:
  void Add(std::string method, std::string path, bool prefix, Handler handler);
  // The answer for `request`: a handler's, or 404 / 405.
  Response Dispatch(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Handle(std::string method, std::string path, Handler handler);
  void HandlePrefix(std::string method, std::string prefix, Handler handler);

  // Binds host:port and starts serving; returns the port bound. Throws
  // ServerError naming the address when it cannot bind.
  int Start();
  void Stop();

  int port() const { return port_; }

 private:
  struct Impl;
  ServerOptions options_;
  std::shared_ptr<Router> router_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace storm::http
