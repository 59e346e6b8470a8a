// A blocking HTTP/1.1 client of 127.0.0.1 for tests of the daemons' web
// endpoints (Boost.Beast). One request per call, or several on one
// keep-alive connection with HttpConnection.
#pragma once

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <map>
#include <string>

namespace storm::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // as sent
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One connection to 127.0.0.1:port; throws boost::system::system_error when
// the server closes it or does not answer.
class HttpConnection {
 public:
  explicit HttpConnection(int port) : socket_(io_) {
    socket_.connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  }

  HttpReply Send(const std::string& method, const std::string& target, const std::string& body = "",
                 bool keep_alive = true) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(keep_alive);
    if (!body.empty() || method == "POST") {
      request.body() = body;
      request.prepare_payload();
    }
    http::write(socket_, request);
    http::response_parser<http::string_body> parser;
    parser.skip(method == "HEAD");
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    HttpReply reply;
    reply.status = static_cast<int>(parser.get().result_int());
    reply.body = parser.get().body();
    for (const auto& field : parser.get()) {
      reply.headers[std::string(field.name_string())] = std::string(field.value());
    }
    return reply;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Sends `bytes` as they are (garbage, a torn request) and returns all the
// server answers until it closes the connection; "" when it does not close
// it within `timeout`.
inline std::string RawHttpExchange(int port, const std::string& bytes,
                                   std::chrono::seconds timeout = std::chrono::seconds(10)) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  boost::system::error_code ec;
  if (!bytes.empty()) boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string answer;
  char chunk[4096];
  while (true) {
    const ssize_t n = ::recv(socket.native_handle(), chunk, sizeof chunk, 0);
    if (n == 0) return answer;  // closed by the server
    if (n < 0) return errno == ECONNRESET ? answer : "";
    answer.append(chunk, static_cast<size_t>(n));
  }
}

inline HttpReply HttpFetch(int port, const std::string& method, const std::string& target,
                           const std::string& body = "") {
  HttpConnection connection(port);
  return connection.Send(method, target, body, false);
}

inline HttpReply HttpGet(int port, const std::string& target) {
  return HttpFetch(port, "GET", target);
}

}  // namespace storm::testing
