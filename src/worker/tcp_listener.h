// TcpListener: one endpoint a TcpTransport has bound (tcp_transport.h). It
// accepts connections on the endpoint's port, parses length-prefixed frames
// out of each (DESIGN section 6) and hands them to the worker's Inbox.
//
// The I/O thread puts frames into the inbox itself while it has room (no
// thread hand-off on the way). When it is full, frames wait in a small
// staging queue for a pusher thread of the listener's own, which blocks in
// Inbox::Push: the I/O thread never does. When staging is full too, the
// connections stop reading until it has drained, so TCP's flow control slows
// the senders down (backpressure across workers). An inbox with a consumer
// (Inbox::SetConsumer) is never full: the consumer runs on the I/O thread,
// which then blocks while it does, and that stops the reading alike.
//
// A length outside 1..kMaxFrameBytes, an unknown frame type, a malformed hello
// or a hello of another topology closes that connection only, with a logged
// error naming the peer. Hello frames are the transport's own and are not
// passed on; every other frame goes to the inbox whole, length prefix
// included, as Worker::HandleFrame expects.
//
// Threads: Listen, Start and StopPusher on the owner's thread; CloseOnIoThread
// on the transport's I/O thread; DestroyIo once that thread is joined.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "worker/transport.h"

namespace storm {

class InboundConnection;

class TcpListener : public std::enable_shared_from_this<TcpListener> {
 public:
  // `topology_id`: hellos naming another topology are refused (empty: any).
  TcpListener(boost::asio::io_context& io, std::string name, Inbox* inbox, std::string topology_id);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  const std::string& name() const { return name_; }
  const std::string& topology_id() const { return topology_id_; }

  // Opens the port on every interface (SO_REUSEADDR); throws StormError
  // naming the port when it cannot.
  void Listen(uint16_t port);
  // Starts the pusher thread and accepting.
  void Start();
  // I/O thread: stops accepting and closes every connection.
  void CloseOnIoThread();
  // Drops the staged frames, closes the inbox (the pusher may be blocked in
  // Push on it) and joins the pusher. Not on the I/O thread.
  void StopPusher();
  // After the I/O thread is joined: the Asio objects must go before the
  // io_context does.
  void DestroyIo();

 private:
  friend class InboundConnection;

  void Accept();
  void OnAccept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void PushLoop();
  void ResumePaused();
  // I/O thread: takes `frames` (leaves it empty). False when `conn` must
  // stop reading; ResumePaused continues it once the pusher has caught up.
  bool Stage(std::vector<FrameBytes>& frames, const std::shared_ptr<InboundConnection>& conn);
  // I/O thread: `conn` is closed.
  void Forget(const InboundConnection* conn);

  boost::asio::io_context& io_;
  const std::string name_;
  const std::string topology_id_;
  Inbox* const inbox_;

  // I/O thread.
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::optional<boost::asio::steady_timer> retry_timer_;
  std::vector<std::shared_ptr<InboundConnection>> conns_;
  std::vector<std::shared_ptr<InboundConnection>> paused_;  // waiting for the pusher
  bool closed_ = false;

  // Staging: the I/O thread produces, the pusher thread consumes.
  std::mutex mutex_;
  std::condition_variable staged_ready_;
  std::deque<FrameBytes> staged_;  // guarded by mutex_
  size_t staged_bytes_ = 0;        // guarded by mutex_; includes the frame being pushed
  size_t pushing_bytes_ = 0;       // guarded by mutex_; the frame the pusher has in hand
  bool resume_wanted_ = false;     // guarded by mutex_; some connection is paused
  bool stopping_ = false;          // guarded by mutex_
  std::thread pusher_;
};

}  // namespace storm
