#include "worker/transport.h"

#include <algorithm>
#include <deque>
#include <thread>

#include "common/util/threads.h"
#include "storm/errors.h"

namespace storm {

namespace {

// A queue of frames bounded in bytes. Producers: the senders' threads
// (InProcessTransport::Push); consumer: the endpoint's receive thread. A full
// inbox blocks its producers. One frame is always admitted into an empty
// inbox, whatever its size (frames are bounded by kMaxFrameBytes).
class Inbox {
 public:
  explicit Inbox(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // Blocks while full, with `*waiting` set meanwhile; false when the inbox
  // is closed, or when `cancel` (if given) is set and WakeProducers called.
  bool Push(FrameBytes& frame, const std::atomic<bool>* cancel, std::atomic<bool>* waiting) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
    const auto ready = [&] {
      return closed_ || cancelled() || bytes_ == 0 || bytes_ + frame.size() <= capacity_;
    };
    if (!ready()) {
      if (waiting != nullptr) waiting->store(true);
      not_full_.wait(lock, ready);
      if (waiting != nullptr) waiting->store(false);
    }
    if (closed_ || cancelled()) return false;
    bytes_ += frame.size();
    frames_.push_back(std::move(frame));
    frame.clear();
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }
  // Waits for a frame; false once closed.
  bool Pop(FrameBytes& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [this] { return closed_ || !frames_.empty(); });
    if (closed_) return false;
    out = std::move(frames_.front());
    frames_.pop_front();
    bytes_ -= out.size();
    lock.unlock();
    not_full_.notify_one();
    return true;
  }
  // Wakes producers blocked in Push to look at their `cancel` flags.
  void WakeProducers() {
    // Under the mutex: a producer between its check and its wait is not missed.
    std::lock_guard<std::mutex> lock(mutex_);
    not_full_.notify_all();
  }
  // Drops what is queued; Push and Pop return false from now on.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      frames_.clear();
      bytes_ = 0;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<FrameBytes> frames_;  // guarded by mutex_
  size_t bytes_ = 0;               // guarded by mutex_
  bool closed_ = false;            // guarded by mutex_
};

}  // namespace

HostPort ParseEndpoint(const std::string& endpoint, bool allow_port_zero) {
  const size_t colon = endpoint.rfind(':');
  const auto bad = [&] { return StormError("endpoint '" + endpoint + "' is not host:port"); };
  if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size()) throw bad();
  HostPort out;
  out.host = endpoint.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);  // [v6 address]:port
  }
  uint32_t port = 0;
  for (size_t i = colon + 1; i < endpoint.size(); ++i) {
    const char c = endpoint[i];
    if (c < '0' || c > '9' || port > 65535) throw bad();
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535 || (port == 0 && !allow_port_zero)) throw bad();
  out.port = static_cast<uint16_t>(port);
  return out;
}

struct InProcessTransport::Binding {
  Binding(std::string endpoint, FrameSink* sink, size_t inbox_bytes)
      : endpoint(std::move(endpoint)), sink(sink), inbox(inbox_bytes) {}

  // The worker receive thread of the endpoint.
  void ReceiveThread() {
    SetThreadName("worker-recv");
    FrameBytes frame;
    while (inbox.Pop(frame)) sink->Deliver(frame);
  }

  const std::string endpoint;
  FrameSink* const sink;
  Inbox inbox;
  std::thread receive_thread;
  int senders = 0;  // guarded by the transport's mutex_; pushing into inbox now
};

namespace {

class InProcessConnection final : public Connection {
 public:
  InProcessConnection(InProcessTransport* transport, std::string endpoint)
      : transport_(transport), endpoint_(std::move(endpoint)) {}

  bool Send(FrameBytes& frame) override {
    // A peer that is not bound yet (still starting) is waited for, a while:
    // its tuples are held, not dropped.
    for (int waited_ms = 0; !closed_.load(); ++waited_ms) {
      switch (transport_->Push(endpoint_, frame, &closed_, &blocked_)) {
        case InProcessTransport::PushResult::kPushed:
          return true;
        case InProcessTransport::PushResult::kRefused:
          return false;
        case InProcessTransport::PushResult::kNotBound:
          if (waited_ms >= kWaitForPeerMs) return false;
          blocked_.store(true);
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          blocked_.store(false);
          break;
      }
    }
    return false;
  }

  void Close() override {
    closed_.store(true);
    transport_->WakeSenders(endpoint_);
  }

  bool SendBlocked() const override { return blocked_.load(); }

  static constexpr int kWaitForPeerMs = 10'000;

 private:
  InProcessTransport* transport_;
  std::string endpoint_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> blocked_{false};
};

}  // namespace

InProcessTransport::InProcessTransport(size_t inbox_bytes) : inbox_bytes_(inbox_bytes) {}

InProcessTransport::~InProcessTransport() {
  std::vector<std::string> bound;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& b : bindings_) bound.push_back(b->endpoint);
  }
  for (const std::string& endpoint : bound) Unbind(endpoint);
}

uint16_t InProcessTransport::Bind(const std::string& endpoint, FrameSink* sink) {
  const uint16_t port = ParseEndpoint(endpoint, /*allow_port_zero=*/true).port;
  auto binding = std::make_shared<Binding>(endpoint, sink, inbox_bytes_);
  std::lock_guard<std::mutex> lock(mutex_);
  if (Find(endpoint) != nullptr) throw StormError("endpoint " + endpoint + " is bound already");
  bindings_.reserve(bindings_.size() + 1);  // the push_back below cannot throw
  Binding* b = binding.get();
  binding->receive_thread = std::thread([b] { b->ReceiveThread(); });
  bindings_.push_back(std::move(binding));
  return port;
}

void InProcessTransport::Unbind(const std::string& endpoint) {
  std::vector<std::shared_ptr<Binding>> gone;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    std::erase_if(bindings_, [&](const auto& b) {
      if (b->endpoint != endpoint) return false;
      gone.push_back(b);
      return true;
    });
    // Closed, a blocked Push returns; then no sender touches the inbox again.
    for (const auto& b : gone) b->inbox.Close();
    no_senders_.wait(lock, [&] {
      return std::all_of(gone.begin(), gone.end(), [](const auto& b) { return b->senders == 0; });
    });
  }
  // Outside the mutex: a Deliver under way may wait for a peer's Push.
  for (const auto& b : gone) b->receive_thread.join();
}

std::shared_ptr<InProcessTransport::Binding> InProcessTransport::Find(const std::string& endpoint) {
  for (const auto& b : bindings_) {
    if (b->endpoint == endpoint) return b;
  }
  return nullptr;
}

InProcessTransport::PushResult InProcessTransport::Push(const std::string& endpoint,
                                                        FrameBytes& frame,
                                                        const std::atomic<bool>* cancel,
                                                        std::atomic<bool>* waiting) {
  std::shared_ptr<Binding> binding;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    binding = Find(endpoint);
    if (binding == nullptr) return PushResult::kNotBound;
    ++binding->senders;
  }
  const bool pushed = binding->inbox.Push(frame, cancel, waiting);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --binding->senders;
  }
  no_senders_.notify_all();
  return pushed ? PushResult::kPushed : PushResult::kRefused;
}

void InProcessTransport::WakeSenders(const std::string& endpoint) {
  // Under mutex_: a bound inbox is not unbound (and freed) meanwhile.
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& b : bindings_) {
    if (b->endpoint == endpoint) b->inbox.WakeProducers();
  }
}

std::unique_ptr<Connection> InProcessTransport::Connect(const std::string& endpoint) {
  return std::make_unique<InProcessConnection>(this, endpoint);
}

}  // namespace storm
