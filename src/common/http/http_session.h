// One HTTP connection of http::Server (internal to storm_http): reads
// requests (bounded in size and time), answers them through the Router, and
// keeps the connection alive while the client asks to.
//
// Thread safety: all of a session's work runs on its socket's strand; the
// session lives as long as one of its asynchronous operations holds it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "common/http/http_server.h"

namespace storm::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<const Router> router,
          const ServerOptions& options);
  void Run();

 private:
  using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
  using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

  void Read();
  void OnRead(boost::beast::error_code ec);
  void OnReadError(boost::beast::error_code ec);
  Response Answer(const BeastRequest& request) const;
  void Write(const Response& response, bool keep_alive, bool head);
  void OnWrite(boost::beast::error_code ec);
  // Closes after an answer that ends the connection: stops sending, then
  // drops what the client still sends (for a short while) before closing.
  void Drain();
  void DrainMore();
  // Cancels the pending read or write when the time is up.
  void ArmTimer();
  void ArmTimer(std::chrono::milliseconds timeout);
  void Close();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<const Router> router_;
  const ServerOptions& options_;  // the server's, which outlives its sessions
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<BeastResponse> response_;
  std::vector<char> drain_buffer_;
  bool keep_alive_ = false;
  bool timed_out_ = false;
};

}  // namespace storm::http
