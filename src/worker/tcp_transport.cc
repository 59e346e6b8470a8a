// TcpTransport (contract in tcp_transport.h): two Asio I/O threads, one
// serving the TcpListeners of the bound endpoints (tcp_listener.h), the other
// the TcpPeerConnections behind the Connections (tcp_peer_connection.h). The
// receiving one may block in a sink (a worker whose executor queues are
// full): that stops only the reading, never the sending.
#include "worker/tcp_transport.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/util/threads.h"
#include "storm/errors.h"
#include "worker/frame.h"
#include "worker/tcp_listener.h"
#include "worker/tcp_peer_connection.h"

namespace storm {
namespace {

namespace asio = boost::asio;

class TcpConnection final : public Connection {
 public:
  explicit TcpConnection(std::shared_ptr<TcpPeerConnection> peer) : peer_(std::move(peer)) {}
  ~TcpConnection() override { peer_->Abandon(); }
  bool Send(FrameBytes& frame) override { return peer_->Send(frame); }
  void Close() override { peer_->Close(); }
  bool SendBlocked() const override { return peer_->SendBlocked(); }

 private:
  std::shared_ptr<TcpPeerConnection> peer_;
};

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(TcpTransportOptions options)
      : options_(std::move(options)),
        hello_(MakeHelloFrame(options_.topology_id, options_.local_endpoint)),
        io_(1),
        work_(asio::make_work_guard(io_)),
        in_io_(1),
        in_work_(asio::make_work_guard(in_io_)) {
    io_thread_ = std::thread([this] { RunIo(io_, "tcp-io"); });
    // A worker's frames are consumed on it: it is the worker receive thread.
    in_io_thread_ = std::thread([this] { RunIo(in_io_, "worker-recv"); });
  }

  // Stops at once whatever the peers do: blocked senders get false. A sink
  // blocked in Deliver must have been released (see FrameSink).
  ~TcpTransport() override {
    std::vector<std::shared_ptr<TcpListener>> listeners;
    std::vector<std::shared_ptr<TcpPeerConnection>> peers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [name, listener] : listeners_) listeners.push_back(listener);
      listeners_.clear();
      peers.swap(peers_);
    }
    for (auto& p : peers) p->MarkClosed();
    in_io_.stop();
    in_io_thread_.join();
    io_.stop();
    io_thread_.join();
    // Nothing runs on io_ any more: close what it served from this thread.
    // Handlers never run are destroyed with io_.
    for (auto& p : peers) p->DestroyIo();
    for (auto& l : listeners) l->DestroyIo();
  }

  uint16_t Bind(const std::string& endpoint, FrameSink* sink) override {
    const HostPort where = ParseEndpoint(endpoint, /*allow_port_zero=*/true);
    std::lock_guard<std::mutex> lock(mutex_);
    if (where.port != 0 && listeners_.count(endpoint) > 0) {
      throw StormError("endpoint " + endpoint + " is bound already");
    }
    auto listener = std::make_shared<TcpListener>(in_io_, endpoint, sink, options_.topology_id);
    const uint16_t port = listener->Listen(where.port);
    listener->Start();
    // Known by the endpoint bound: "host:0" is now "host:<port>".
    spdlog::info("listening on port {} for {}", port, listener->name());
    listeners_.emplace(listener->name(), std::move(listener));
    return port;
  }

  void Unbind(const std::string& endpoint) override {
    std::shared_ptr<TcpListener> listener;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = listeners_.find(endpoint);
      if (it == listeners_.end()) return;
      listener = std::move(it->second);
      listeners_.erase(it);
    }
    // The port is free again, and the sink is not called any more, when
    // Unbind returns: wait for the receiving I/O thread.
    std::promise<void> closed;
    asio::post(in_io_, [&listener, &closed] {
      listener->CloseOnIoThread();
      closed.set_value();
    });
    closed.get_future().wait();
  }

  std::unique_ptr<Connection> Connect(const std::string& endpoint) override {
    HostPort target = ParseEndpoint(endpoint, /*allow_port_zero=*/false);
    auto peer = std::make_shared<TcpPeerConnection>(
        io_, endpoint, std::move(target), hello_, options_.max_held_bytes,
        [this](const TcpPeerConnection* gone) { Forget(gone); });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      peers_.push_back(peer);
    }
    peer->Start();
    return std::make_unique<TcpConnection>(std::move(peer));
  }

 private:
  // I/O thread: a Connection handle is gone and its peer connection shut.
  void Forget(const TcpPeerConnection* peer) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(peers_, [&](const auto& p) { return p.get() == peer; });
  }

  static void RunIo(asio::io_context& io, const char* name) {
    SetThreadName(name);
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw (no memory for a frame, say): keep serving.
        spdlog::error("tcp transport: I/O thread: {}", e.what());
      }
    }
  }

  const TcpTransportOptions options_;
  const FrameBytes hello_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::io_context in_io_;  // the listeners'
  asio::executor_work_guard<asio::io_context::executor_type> in_work_;
  std::thread io_thread_;
  std::thread in_io_thread_;

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<TcpListener>> listeners_;  // guarded by mutex_
  std::vector<std::shared_ptr<TcpPeerConnection>> peers_;          // guarded by mutex_
};

}  // namespace

std::unique_ptr<Transport> MakeTcpTransport(TcpTransportOptions options) {
  return std::make_unique<TcpTransport>(std::move(options));
}

}  // namespace storm
