// Transport: the seam between workers (DESIGN section 2 and 6). A worker
// binds its endpoint and receives whole frames into its Inbox, which its
// worker receive thread drains; it connects to peers and sends frames.
// In local mode the InProcessTransport moves frames between workers of one
// process; across processes a TCP transport (Boost.Asio) does.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace storm {

using FrameBytes = std::vector<uint8_t>;

// A queue of received frames bounded in bytes. Producers: the transport's
// threads (or, in process, the peers' send threads); consumer: the worker
// receive thread. A full inbox blocks its producers, which is how
// backpressure crosses workers. One frame is always admitted into an empty
// inbox, whatever its size (frames are bounded by kMaxFrameBytes).
class Inbox {
 public:
  explicit Inbox(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // Blocks while full; false when the inbox is closed, or when `cancel` (if
  // given) is set and WakeProducers called.
  bool Push(FrameBytes&& frame, const std::atomic<bool>* cancel = nullptr);
  // Never blocks: takes the frame (moving it out) when there is room, or
  // drops it when the inbox is closed; leaves it to the caller when full.
  enum class TryPushResult { kPushed, kClosed, kFull };
  TryPushResult TryPush(FrameBytes& frame);
  // Wakes producers blocked in Push to look at their `cancel` flags.
  void WakeProducers();
  // Waits up to `timeout`; false when nothing came.
  bool Pop(FrameBytes& out, std::chrono::microseconds timeout);
  void Close();

  // From now on, frames pushed go to `consumer`, called on the pushing
  // thread, instead of the queue; a push returns once `consumer` has (and
  // Push then never blocks of its own; TryPush never says kFull). Only for
  // a transport that pushes from one thread (Transport::DeliversOnOneThread),
  // before it is bound. After Close, frames are dropped as before.
  void SetConsumer(std::function<void(const FrameBytes&)> consumer);

 private:
  // With a consumer: hands the frame to it (clearing it) unless closed.
  bool Consume(FrameBytes& frame);

  const size_t capacity_;
  std::function<void(const FrameBytes&)> consumer_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<FrameBytes> frames_;  // guarded by mutex_
  size_t bytes_ = 0;               // guarded by mutex_
  bool closed_ = false;            // guarded by mutex_
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
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts delivering frames sent to `endpoint` into `inbox`.
  virtual void Bind(const std::string& endpoint, Inbox* inbox) = 0;
  virtual void Unbind(const std::string& endpoint) = 0;
  // Whether every frame reaches the inboxes from one thread of the
  // transport's own, which may block in Inbox::Push (stopping only the
  // receiving, so that TCP's flow control slows the senders down), and
  // stops doing so once Unbind returns. A worker then consumes its frames
  // on that thread (Inbox::SetConsumer): one thread hand-off less.
  virtual bool DeliversOnOneThread() const { return false; }
  // A connection to a bound endpoint (possibly not bound yet: frames then
  // wait, bounded, or Send returns false when it never comes).
  virtual std::unique_ptr<Connection> Connect(const std::string& endpoint) = 0;
};

// Workers in one process (local mode and tests). Unbind closes the inbox
// and returns once no sender is pushing into it any more, so that its owner
// may free it.
class InProcessTransport final : public Transport {
 public:
  void Bind(const std::string& endpoint, Inbox* inbox) override;
  void Unbind(const std::string& endpoint) override;
  std::unique_ptr<Connection> Connect(const std::string& endpoint) override;

  // Pushes into the inbox bound at `endpoint`, blocking while it is full;
  // false when none is bound or it is closed (or `cancel` is set, see
  // Inbox::Push). The frame is taken only when true.
  enum class PushResult { kPushed, kNotBound, kRefused };
  PushResult Push(const std::string& endpoint, FrameBytes& frame, const std::atomic<bool>* cancel);
  // Wakes the senders blocked on the inbox of `endpoint`, if bound.
  void WakeSenders(const std::string& endpoint);

 private:
  struct Binding {
    std::string endpoint;
    Inbox* inbox;
    int senders = 0;  // guarded by mutex_; pushing into inbox now
  };
  std::mutex mutex_;
  std::condition_variable no_senders_;
  std::vector<std::shared_ptr<Binding>> bindings_;  // guarded by mutex_
};

}  // namespace storm
