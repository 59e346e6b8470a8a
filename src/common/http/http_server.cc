#include "common/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "common/http/http_session.h"
#include "common/util/threads.h"

namespace storm::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string Request::Param(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

Response Response::Json(int status, std::string body) {
  return Response{status, "application/json;charset=utf-8", std::move(body), {}};
}

Response Response::Text(int status, std::string body) {
  return Response{status, "text/plain; charset=utf-8", std::move(body), {}};
}

Response Response::Error(int status, const std::string& message) {
  const nlohmann::json body = {{"error", StatusText(status)}, {"errorMessage", message}};
  return Json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string StatusText(int status) {
  const auto text = boost::beast::http::obsolete_reason(
      boost::beast::http::int_to_status(static_cast<unsigned>(status)));
  return std::string(text.data(), text.size());
}

void Router::Add(std::string method, std::string path, bool prefix, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(path), prefix, std::move(handler)});
}

Response Router::Dispatch(const Request& request) const {
  const Route* best = nullptr;
  std::string allowed;
  // The best match of any method first: the path decides 404, the method 405.
  auto better = [](const Route& r, const Route* than) {
    if (than == nullptr) return true;
    if (r.prefix != than->prefix) return !r.prefix;
    return r.path.size() > than->path.size();
  };
  const Route* best_path = nullptr;
  for (const Route& route : routes_) {
    const bool matches =
        route.prefix ? request.path.rfind(route.path, 0) == 0 : request.path == route.path;
    if (!matches) continue;
    if (better(route, best_path)) best_path = &route;
  }
  if (best_path == nullptr) return Response::Error(404, "no such path: " + request.path);
  for (const Route& route : routes_) {
    if (route.path != best_path->path || route.prefix != best_path->prefix) continue;
    allowed += (allowed.empty() ? "" : ", ") + route.method;
    if (route.method == request.method) best = &route;
  }
  if (best == nullptr) {
    Response response = Response::Error(
        405, request.method + " is not allowed on " + request.path + " (allowed: " + allowed + ")");
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  return best->handler(request);
}

struct Server::Impl {
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;

  void Accept(std::shared_ptr<const Router> router, const ServerOptions& options) {
    acceptor->async_accept(
        asio::make_strand(io),
        [this, router, &options](boost::system::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted) return;
          if (ec) {
            spdlog::warn("{}: accept failed: {}", options.name, ec.message());
          } else {
            std::make_shared<Session>(std::move(socket), router, options)->Run();
          }
          Accept(router, options);
        });
  }
};

Server::Server(ServerOptions options)
    : options_(std::move(options)), router_(std::make_shared<Router>()) {}

Server::~Server() {
  Stop();
}

void Server::Handle(std::string method, std::string path, Handler handler) {
  router_->Add(std::move(method), std::move(path), false, std::move(handler));
}

void Server::HandlePrefix(std::string method, std::string prefix, Handler handler) {
  router_->Add(std::move(method), std::move(prefix), true, std::move(handler));
}

int Server::Start() {
  if (impl_) throw ServerError("the " + options_.name + " server is already started");
  impl_ = std::make_unique<Impl>();
  const std::string address = options_.host + ":" + std::to_string(options_.port);
  try {
    tcp::resolver resolver(impl_->io);
    const auto endpoints =
        resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive);
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    impl_->acceptor.emplace(impl_->io);
    impl_->acceptor->open(endpoint.protocol());
    impl_->acceptor->set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor->bind(endpoint);
    impl_->acceptor->listen(asio::socket_base::max_listen_connections);
    port_ = impl_->acceptor->local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    impl_.reset();
    throw ServerError("cannot serve HTTP on " + address + ": " + e.code().message());
  }
  impl_->Accept(router_, options_);
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    impl_->threads.emplace_back([this, i] {
      SetThreadName(options_.name + "-" + std::to_string(i));
      impl_->io.run();
    });
  }
  spdlog::info("{}: serving HTTP on {}:{}", options_.name, options_.host, port_);
  return port_;
}

void Server::Stop() {
  if (!impl_) return;
  impl_->io.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  // The acceptor goes before the io_context; the sessions still waiting on a
  // read go with the io_context's pending handlers, closing their sockets.
  impl_->acceptor.reset();
  impl_.reset();
}

}  // namespace storm::http
