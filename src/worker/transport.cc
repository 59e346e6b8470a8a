#include "worker/transport.h"

#include <algorithm>
#include <thread>

namespace storm {

void Inbox::SetConsumer(std::function<void(const FrameBytes&)> consumer) {
  std::lock_guard<std::mutex> lock(mutex_);
  consumer_ = std::move(consumer);
}

bool Inbox::Consume(FrameBytes& frame) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
  }
  consumer_(frame);
  frame.clear();
  return true;
}

bool Inbox::Push(FrameBytes&& frame, const std::atomic<bool>* cancel) {
  if (consumer_) return Consume(frame);
  std::unique_lock<std::mutex> lock(mutex_);
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
  not_full_.wait(lock, [&] {
    return closed_ || cancelled() || bytes_ == 0 || bytes_ + frame.size() <= capacity_;
  });
  if (closed_ || cancelled()) return false;
  bytes_ += frame.size();
  frames_.push_back(std::move(frame));
  lock.unlock();
  not_empty_.notify_one();
  return true;
}

Inbox::TryPushResult Inbox::TryPush(FrameBytes& frame) {
  if (consumer_) return Consume(frame) ? TryPushResult::kPushed : TryPushResult::kClosed;
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_) return TryPushResult::kClosed;
  if (bytes_ != 0 && bytes_ + frame.size() > capacity_) return TryPushResult::kFull;
  bytes_ += frame.size();
  frames_.push_back(std::move(frame));
  lock.unlock();
  not_empty_.notify_one();
  return TryPushResult::kPushed;
}

bool Inbox::Pop(FrameBytes& out, std::chrono::microseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!not_empty_.wait_for(lock, timeout, [this] { return closed_ || !frames_.empty(); })) {
    return false;
  }
  if (frames_.empty()) return false;
  out = std::move(frames_.front());
  frames_.pop_front();
  bytes_ -= out.size();
  lock.unlock();
  not_full_.notify_one();
  return true;
}

void Inbox::WakeProducers() {
  // Under the mutex: a producer between its check and its wait is not missed.
  std::lock_guard<std::mutex> lock(mutex_);
  not_full_.notify_all();
}

void Inbox::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

namespace {

class InProcessConnection final : public Connection {
 public:
  InProcessConnection(InProcessTransport* transport, std::string endpoint)
      : transport_(transport), endpoint_(std::move(endpoint)) {}

  bool Send(FrameBytes& frame) override {
    // A peer that is not bound yet (still starting) is waited for, a while:
    // its tuples are held, not dropped.
    for (int waited_ms = 0; !closed_.load(); ++waited_ms) {
      switch (transport_->Push(endpoint_, frame, &closed_)) {
        case InProcessTransport::PushResult::kPushed:
          return true;
        case InProcessTransport::PushResult::kRefused:
          return false;
        case InProcessTransport::PushResult::kNotBound:
          if (waited_ms >= kWaitForPeerMs) return false;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          break;
      }
    }
    return false;
  }

  void Close() override {
    closed_.store(true);
    transport_->WakeSenders(endpoint_);
  }

  static constexpr int kWaitForPeerMs = 10'000;

 private:
  InProcessTransport* transport_;
  std::string endpoint_;
  std::atomic<bool> closed_{false};
};

}  // namespace

void InProcessTransport::Bind(const std::string& endpoint, Inbox* inbox) {
  std::lock_guard<std::mutex> lock(mutex_);
  bindings_.push_back(std::make_shared<Binding>(Binding{endpoint, inbox}));
}

void InProcessTransport::Unbind(const std::string& endpoint) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Binding>> gone;
  std::erase_if(bindings_, [&](const auto& b) {
    if (b->endpoint != endpoint) return false;
    gone.push_back(b);
    return true;
  });
  // Closed, a blocked Push returns; then no sender touches the inbox again.
  for (const auto& b : gone) b->inbox->Close();
  no_senders_.wait(lock, [&] {
    return std::all_of(gone.begin(), gone.end(), [](const auto& b) { return b->senders == 0; });
  });
}

InProcessTransport::PushResult InProcessTransport::Push(const std::string& endpoint,
                                                        FrameBytes& frame,
                                                        const std::atomic<bool>* cancel) {
  std::shared_ptr<Binding> binding;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& b : bindings_) {
      if (b->endpoint == endpoint) binding = b;
    }
    if (binding == nullptr) return PushResult::kNotBound;
    ++binding->senders;
  }
  const bool pushed = binding->inbox->Push(std::move(frame), cancel);
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
    if (b->endpoint == endpoint) b->inbox->WakeProducers();
  }
}

std::unique_ptr<Connection> InProcessTransport::Connect(const std::string& endpoint) {
  return std::make_unique<InProcessConnection>(this, endpoint);
}

}  // namespace storm
