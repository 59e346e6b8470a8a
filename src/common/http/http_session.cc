#include "common/http/http_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <cctype>
#include <exception>

#include "common/http/url.h"

namespace storm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

// How long a connection closed after an error answer still reads (and
// drops) what the client sends, so that the client reads the answer before
// the connection is reset.
constexpr std::chrono::milliseconds kDrainTime{1000};

bool IsHttpError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// The Request handlers see, or nullopt when the target is not a path with
// valid escapes.
std::optional<Request> ToRequest(const bhttp::request<bhttp::string_body>& in) {
  const std::string_view target(in.target().data(), in.target().size());
  if (target.empty() || target.front() != '/') return std::nullopt;
  const size_t mark = target.find('?');
  Request request;
  request.raw_path = std::string(target.substr(0, mark));
  auto path = UrlDecode(request.raw_path, false);
  if (!path) return std::nullopt;
  request.path = std::move(*path);
  if (mark != std::string_view::npos) {
    auto query = ParseQuery(target.substr(mark + 1));
    if (!query) return std::nullopt;
    request.query = std::move(*query);
  }
  request.method = std::string(in.method_string());
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    request.headers.emplace(std::move(name), std::string(field.value()));
  }
  request.body = in.body();
  return request;
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<const Router> router,
                 const ServerOptions& options)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      router_(std::move(router)),
      options_(options) {}

void Session::Run() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->Read(); });
}

void Session::Read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
  parser_->body_limit(options_.max_body_bytes);
  ArmTimer();
  bhttp::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

void Session::OnRead(beast::error_code ec) {
  timer_.cancel();
  if (ec) {
    OnReadError(ec);
    return;
  }
  const BeastRequest& request = parser_->get();
  keep_alive_ = request.keep_alive();
  Write(Answer(request), keep_alive_, request.method() == bhttp::verb::head);
}

void Session::OnReadError(beast::error_code ec) {
  if (timed_out_) {
    // A client that sent part of a request is told; an idle one just closed.
    if (parser_->got_some() || buffer_.size() > 0) {
      Write(Response::Error(408, "the request was not complete within " +
                                     std::to_string(options_.read_timeout.count()) + " ms"),
            false, false);
    } else {
      Close();
    }
    return;
  }
  if (ec == bhttp::error::body_limit) {
    Write(Response::Error(413, "the request body is over " +
                                   std::to_string(options_.max_body_bytes) + " bytes"),
          false, false);
  } else if (ec == bhttp::error::header_limit) {
    Write(Response::Error(431, "the request headers are over " +
                                   std::to_string(options_.max_header_bytes) + " bytes"),
          false, false);
  } else if (IsHttpError(ec) && ec != bhttp::error::end_of_stream &&
             ec != bhttp::error::partial_message) {
    spdlog::debug("{}: bad request: {}", options_.name, ec.message());
    Write(Response::Error(400, "not an HTTP/1.1 request: " + ec.message()), false, false);
  } else {
    Close();  // the client went away
  }
}

Response Session::Answer(const BeastRequest& in) const {
  auto request = ToRequest(in);
  if (!request)
    return Response::Error(400, "malformed request target: " + std::string(in.target()));
  if (request->method == "HEAD") request->method = "GET";
  try {
    return router_->Dispatch(*request);
  } catch (const std::exception& e) {
    spdlog::warn("{}: {} {} failed: {}", options_.name, request->method, request->path, e.what());
    return Response::Error(500, e.what());
  } catch (...) {
    return Response::Error(500, "unknown error");
  }
}

void Session::Write(const Response& response, bool keep_alive, bool head) {
  keep_alive_ = keep_alive;
  response_ = std::make_shared<BeastResponse>();
  BeastResponse& out = *response_;
  out.version(11);
  out.result(static_cast<unsigned>(response.status));
  out.set(bhttp::field::server, "storm-cpp");
  out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  if (head) {
    out.content_length(response.body.size());  // the GET's length, no body
  } else {
    out.body() = response.body;
    out.prepare_payload();
  }
  ArmTimer();
  bhttp::async_write(socket_, out, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnWrite(ec);
  });
}

void Session::OnWrite(beast::error_code ec) {
  timer_.cancel();
  response_.reset();
  if (ec) {
    Close();
    return;
  }
  if (!keep_alive_) {
    Drain();
    return;
  }
  Read();
}

void Session::Drain() {
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  ArmTimer(std::min<std::chrono::milliseconds>(options_.read_timeout, kDrainTime));
  drain_buffer_.resize(16 * 1024);
  socket_.async_read_some(asio::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) {  // end of stream, the linger time up, or a reset
                              self->timer_.cancel();
                              self->Close();
                            } else {
                              self->DrainMore();
                            }
                          });
}

void Session::DrainMore() {
  socket_.async_read_some(asio::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) {
                              self->timer_.cancel();
                              self->Close();
                            } else {
                              self->DrainMore();
                            }
                          });
}

void Session::ArmTimer() {
  ArmTimer(options_.read_timeout);
}

void Session::ArmTimer(std::chrono::milliseconds timeout) {
  timed_out_ = false;
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the read or write finished first
    // Fired just before it was cancelled, and the timer was armed again since.
    if (self->timer_.expiry() > std::chrono::steady_clock::now()) return;
    self->timed_out_ = true;
    beast::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Session::Close() {
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

}  // namespace storm::http
