// TcpPeerConnection: what a TcpTransport Connection (tcp_transport.h) is
// made of: the frames its sender queued, the socket to the peer's endpoint,
// and the reconnect loop.
//
// Send writes a frame to the socket itself when the connection is up and
// idle (nothing queued, no write under way) and the socket takes it without
// blocking: no thread hand-off on the way. Otherwise it moves the frame (or
// the rest of it) into the queue and returns; the I/O thread writes all that
// is queued in one gather write (many frames per syscall) while the sender
// goes on queueing. The rest of a frame partly written by Send belongs to
// that connection only: if it breaks first, the rest is dropped (a frame cut
// in two is lost, as one lost in a write that failed). Send blocks while more than max_held_bytes are
// queued or being written. The connection is made in the background with a
// hello frame first; after an error it is made again with backoff (100 ms
// doubling up to 5 s), and the frames of a write that failed are written
// again first (at least once: the peer may see some twice, never out of
// order on one connection). The socket is also read, though peers send
// nothing, so that a peer that went away is noticed before the next write.
//
// Threads: Send (and the Connection handle's Abandon) on the sender's
// thread; Close on any; MarkClosed and DestroyIo on the transport's, which joins its I/O
// thread between them; the rest on the I/O thread. Shared state is under
// mutex_; the I/O thread's own is marked as such.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "worker/transport.h"

namespace storm {

class TcpPeerConnection : public std::enable_shared_from_this<TcpPeerConnection> {
 public:
  // `forget` runs on the I/O thread once an abandoned connection is shut.
  TcpPeerConnection(boost::asio::io_context& io, std::string endpoint, HostPort target,
                    FrameBytes hello, size_t max_held_bytes,
                    std::function<void(const TcpPeerConnection*)> forget);
  TcpPeerConnection(const TcpPeerConnection&) = delete;
  TcpPeerConnection& operator=(const TcpPeerConnection&) = delete;

  // Starts connecting.
  void Start();
  // Takes the frame (leaving the vector empty, possibly with the capacity of
  // an earlier frame for the sender to reuse); false once closed.
  bool Send(FrameBytes& frame);
  // Any thread: whether a Send is waiting for room now.
  bool SendBlocked();
  // Any thread: Send returns false from now on, a blocked one at once; the
  // socket is shut, what is queued dropped. The transport keeps the object
  // until Abandon.
  void Close();
  // The Connection handle is gone: shuts down, dropping what is queued.
  void Abandon();
  // The transport is going: Send returns false from now on, at once.
  void MarkClosed();
  // After the I/O thread is joined: the Asio objects must go before the
  // io_context does (this object may outlive it, held by its handle).
  void DestroyIo();

 private:
  bool closed();
  // I/O thread.
  void StartConnect();
  void OnConnect(const boost::system::error_code& ec);
  void ConnectFailed(const boost::system::error_code& ec);
  void ScheduleReconnect();
  void WatchForClose();
  void Broken(const std::string& why);
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec, uint64_t generation);
  void WriteDone();
  void Requeue();
  void ResumeIfConnected();
  void ShutdownOnIoThread();
  // Under mutex_: the connection is down; drops the rest of a frame begun on it.
  void DisconnectLocked();

  boost::asio::io_context& io_;
  const std::string endpoint_;
  const HostPort target_;
  const FrameBytes hello_;
  const size_t max_held_bytes_;
  const std::function<void(const TcpPeerConnection*)> forget_;

  // Shared by the sender and the I/O thread.
  std::mutex mutex_;
  std::condition_variable space_;   // held_bytes_ went down, or closed_
  std::vector<FrameBytes> queued_;  // guarded by mutex_; taken whole by the next write
  std::vector<FrameBytes> spare_;   // guarded by mutex_; written and emptied, for reuse
  size_t held_bytes_ = 0;           // guarded by mutex_; queued_ and batch_
  bool connected_ = false;          // guarded by mutex_
  bool writer_active_ = false;      // guarded by mutex_; a StartWrite is posted or writing
  bool closed_ = false;             // guarded by mutex_
  bool send_blocked_ = false;       // guarded by mutex_; a Send waits on space_
  bool io_gone_ = false;            // guarded by mutex_; MarkClosed: post nothing to io_
  bool abandoned_ = false;          // guarded by mutex_
  int fd_ = -1;                     // guarded by mutex_; the socket while connected_
  // guarded by mutex_; queued_.front() is the rest of a frame Send began.
  bool front_is_rest_ = false;

  // I/O thread.
  std::optional<boost::asio::ip::tcp::socket> socket_;
  std::optional<boost::asio::steady_timer> timer_;
  std::optional<boost::asio::ip::tcp::resolver> resolver_;
  std::vector<FrameBytes> batch_;  // being written
  bool batch_front_is_rest_ = false;
  size_t batch_bytes_ = 0;
  std::vector<boost::asio::const_buffer> buffers_;  // the hello and batch_
  bool writing_ = false;
  bool hello_due_ = false;
  uint64_t generation_ = 0;  // bumped when a connection ends: its handlers are stale
  int failures_ = 0;         // since the last write of frames
  std::chrono::milliseconds backoff_;
  std::array<uint8_t, 1> probe_{};
};

}  // namespace storm
