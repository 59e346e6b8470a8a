// Transport: the seam between workers (docs/architecture.md, "Inside a worker"
// and "Wire format"). A worker binds its endpoint with a FrameSink, to which
// the transport hands every frame sent there; it connects to its peers and
// sends them frames. In local mode the InProcessTransport moves frames between
// workers of one process; across processes the TCP transport (tcp_transport.h,
// Boost.Asio) does.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace storm {

using FrameBytes = std::vector<uint8_t>;

// An endpoint, "host:port" ("[v6 address]:port" too), taken apart.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// Throws StormError naming the endpoint when it is not host:port (port
// 1..65535, or 0 too when `allow_port_zero`).
HostPort ParseEndpoint(const std::string& endpoint, bool allow_port_zero);

// FrameSink: the worker receive side of a bound endpoint. The transport
// calls Deliver with each frame that arrives, whole (length prefix
// included), on the transport's receiving thread: the worker receive thread
// of the paper's figure. Calls never overlap, and the frames of one
// connection come in the order they were sent. Deliver may block (the
// worker's executor queues are full): that stops the receiving, so the
// senders are held back (backpressure across workers). Unbind and the
// transport's destructor wait for a Deliver under way, so the sink's owner
// makes a blocked one return first (Worker::Stop sets its stop flag).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void Deliver(const FrameBytes& frame) = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Sends a whole frame, taking its bytes (the vector is left empty).
  // Blocks while the peer is not taking frames; false when the peer is gone
  // or the connection closed.
  virtual bool Send(FrameBytes& frame) = 0;
  // Any thread, idempotent: a Send blocked now returns false at once, and so
  // does every later one; frames held for the peer are dropped. What a
  // stopping worker does so that its send thread, blocked on a peer that is
  // gone, can be joined.
  virtual void Close() = 0;
  // Any thread: whether a Send is blocked now, waiting for the peer to take
  // frames or to come. How backpressure shows on the sending side.
  virtual bool SendBlocked() const { return false; }
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts delivering the frames sent to `endpoint` ("host:port") to `sink`
  // and returns the port bound: for "host:0" one the system picks, and the
  // endpoint bound is then "host:<that port>". Throws StormError when the
  // endpoint is bound already or its port cannot be bound.
  virtual uint16_t Bind(const std::string& endpoint, FrameSink* sink) = 0;
  // Stops delivering to the sink of a bound endpoint: when Unbind returns,
  // its Deliver is not called any more and the endpoint may be bound again.
  virtual void Unbind(const std::string& endpoint) = 0;
  // A connection to a bound endpoint (possibly not bound yet: frames then
  // wait, bounded, or Send returns false when it never comes).
  virtual std::unique_ptr<Connection> Connect(const std::string& endpoint) = 0;
};

// Workers in one process (local mode and tests). Endpoints are host:port
// names, with no port bound: Bind returns the name's port. Each
// bound endpoint has a queue of frames bounded in bytes, into which
// senders push (blocking while it is full: backpressure), and a receive
// thread of its own that delivers them to the sink.
class InProcessTransport final : public Transport {
 public:
  static constexpr size_t kDefaultInboxBytes = 512 * 1024;

  // `inbox_bytes`: each endpoint's queue. One frame is always admitted into
  // an empty queue, whatever its size.
  explicit InProcessTransport(size_t inbox_bytes = kDefaultInboxBytes);
  // Unbinds what is still bound.
  ~InProcessTransport() override;

  uint16_t Bind(const std::string& endpoint, FrameSink* sink) override;
  // Also releases the senders blocked on the endpoint's queue (their Send
  // returns false) and drops the frames in it.
  void Unbind(const std::string& endpoint) override;
  std::unique_ptr<Connection> Connect(const std::string& endpoint) override;

  // Pushes into the queue of `endpoint`, blocking while it is full (with
  // `*waiting`, if given, set meanwhile); the frame is taken only when
  // kPushed. kRefused when the endpoint is being unbound, or `cancel` (if
  // given) is set and WakeSenders called.
  enum class PushResult { kPushed, kNotBound, kRefused };
  PushResult Push(const std::string& endpoint, FrameBytes& frame, const std::atomic<bool>* cancel,
                  std::atomic<bool>* waiting = nullptr);
  // Wakes the senders blocked on the queue of `endpoint`, if bound, to look
  // at their `cancel` flags.
  void WakeSenders(const std::string& endpoint);

 private:
  struct Binding;  // the endpoint's queue and receive thread (transport.cc)
  std::shared_ptr<Binding> Find(const std::string& endpoint);

  const size_t inbox_bytes_;
  std::mutex mutex_;
  std::condition_variable no_senders_;
  std::vector<std::shared_ptr<Binding>> bindings_;  // guarded by mutex_
};

}  // namespace storm
