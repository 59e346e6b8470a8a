// TcpListener: one endpoint a TcpTransport has bound (tcp_transport.h). It
// accepts connections on the endpoint's port, parses length-prefixed frames
// out of each (docs/architecture.md#wire-format) and delivers them to the endpoint's
// FrameSink on the transport's receiving I/O thread, the worker receive
// thread. A sink that blocks (its worker's executor queues are full) blocks
// that thread, so no connection is read until it returns and TCP's flow
// control slows the senders down: backpressure across workers.
//
// A length outside 1..kMaxFrameBytes, an unknown frame type, a malformed hello
// or a hello of another topology closes that connection only, with a logged
// error naming the peer. Hello frames are the transport's own and are not
// passed on; every other frame goes to the sink whole, length prefix
// included, as Worker::Deliver expects.
//
// Threads: Listen and Start on the owner's thread; CloseOnIoThread on the
// transport's receiving I/O thread; DestroyIo once that thread is joined.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "worker/transport.h"

namespace storm {

class InboundConnection;

class TcpListener : public std::enable_shared_from_this<TcpListener> {
 public:
  // `topology_id`: hellos naming another topology are refused (empty: any).
  TcpListener(boost::asio::io_context& io, std::string name, FrameSink* sink,
              std::string topology_id);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  const std::string& name() const { return name_; }
  const std::string& topology_id() const { return topology_id_; }

  // Opens the port on every interface (SO_REUSEADDR) and returns it: for
  // port 0, the one the system picked, which then replaces the 0 in name().
  // Throws StormError naming the port when it cannot.
  uint16_t Listen(uint16_t port);
  // Starts accepting.
  void Start();
  // I/O thread: stops accepting and closes every connection; the sink is
  // not called any more.
  void CloseOnIoThread();
  // After the I/O thread is joined: the Asio objects must go before the
  // io_context does.
  void DestroyIo();

 private:
  friend class InboundConnection;

  void Accept();
  void OnAccept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  // I/O thread: hands `frames` to the sink, in order, and empties it.
  void Deliver(std::vector<FrameBytes>& frames);
  // I/O thread: `conn` is closed.
  void Forget(const InboundConnection* conn);

  boost::asio::io_context& io_;
  std::string name_;  // the endpoint; set before Start
  const std::string topology_id_;
  FrameSink* const sink_;

  // I/O thread.
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::optional<boost::asio::steady_timer> retry_timer_;
  std::vector<std::shared_ptr<InboundConnection>> conns_;
  bool closed_ = false;
};

}  // namespace storm
