#include "worker/tcp_peer_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <span>

#include <sys/socket.h>

namespace storm {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::chrono::milliseconds kFirstBackoff(100);
constexpr std::chrono::milliseconds kMaxBackoff(5000);
// Written frames kept for Send to hand back to the sender, so that a steady
// sender (TupleFrameWriter swaps the vector in) allocates nothing per frame.
constexpr size_t kMaxSpareFrames = 4;
constexpr size_t kMaxSpareCapacity = 1u << 20;

}  // namespace

TcpPeerConnection::TcpPeerConnection(asio::io_context& io, std::string endpoint, HostPort target,
                                     FrameBytes hello, size_t max_held_bytes,
                                     std::function<void(const TcpPeerConnection*)> forget)
    : io_(io),
      endpoint_(std::move(endpoint)),
      target_(std::move(target)),
      hello_(std::move(hello)),
      max_held_bytes_(max_held_bytes),
      forget_(std::move(forget)),
      socket_(std::in_place, io),
      timer_(std::in_place, io),
      resolver_(std::in_place, io),
      backoff_(kFirstBackoff) {}

void TcpPeerConnection::Start() {
  asio::post(io_, [self = shared_from_this()] { self->StartConnect(); });
}

bool TcpPeerConnection::Send(FrameBytes& frame) {
  const size_t size = frame.size();
  std::unique_lock<std::mutex> lock(mutex_);
  const auto room = [&] {
    return closed_ || held_bytes_ == 0 || held_bytes_ + size <= max_held_bytes_;
  };
  if (!room()) {
    send_blocked_ = true;
    space_.wait(lock, room);
    send_blocked_ = false;
  }
  if (closed_) return false;
  if (connected_ && !writer_active_ && queued_.empty() && fd_ >= 0) {
    // The I/O thread closes fd_ only after DisconnectLocked, under mutex_.
    const ssize_t n = ::send(fd_, frame.data(), size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(size)) {
      frame.clear();  // its capacity stays for the sender's next frame
      return true;
    }
    if (n > 0) {
      frame.erase(frame.begin(), frame.begin() + n);
      front_is_rest_ = true;
    }
    // The socket's buffer is full, or the connection failed: the I/O thread
    // writes the frame, or finds the failure.
  }
  held_bytes_ += frame.size();
  queued_.push_back(std::move(frame));
  frame.clear();
  if (!spare_.empty()) {
    frame.swap(spare_.back());
    spare_.pop_back();
  }
  // While a write is under way, its completion takes what queued meanwhile.
  if (connected_ && !writer_active_) {
    writer_active_ = true;
    asio::post(io_, [self = shared_from_this()] { self->StartWrite(); });
  }
  return true;
}

bool TcpPeerConnection::SendBlocked() {
  std::lock_guard<std::mutex> lock(mutex_);
  return send_blocked_;
}

void TcpPeerConnection::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Marked closed by the transport, io_ may be gone: post nothing. Else the
    // transport waits on this mutex before it stops io_.
    if (closed_) return;
    closed_ = true;
    asio::post(io_, [self = shared_from_this()] { self->ShutdownOnIoThread(); });
  }
  space_.notify_all();
}

void TcpPeerConnection::Abandon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (io_gone_ || abandoned_) return;  // io_ may be gone: post nothing (see Close)
    abandoned_ = true;
    closed_ = true;
    // Shut again if Close did already: ShutdownOnIoThread is idempotent.
    asio::post(io_, [self = shared_from_this()] {
      self->ShutdownOnIoThread();
      self->forget_(self.get());
    });
  }
  space_.notify_all();
}

void TcpPeerConnection::MarkClosed() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    io_gone_ = true;
  }
  space_.notify_all();
}

void TcpPeerConnection::DestroyIo() {
  socket_.reset();
  timer_.reset();
  resolver_.reset();
}

bool TcpPeerConnection::closed() {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

// --- The I/O thread from here on.

void TcpPeerConnection::StartConnect() {
  if (closed()) return;
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(target_.host, ec);
  if (!ec) {
    socket_->async_connect(
        tcp::endpoint(address, target_.port),
        [self = shared_from_this()](const error_code& e) { self->OnConnect(e); });
    return;
  }
  resolver_->async_resolve(
      target_.host, std::to_string(target_.port),
      [self = shared_from_this()](const error_code& e, tcp::resolver::results_type results) {
        if (self->closed()) return;
        if (e) {
          self->ConnectFailed(e);
          return;
        }
        asio::async_connect(
            *self->socket_, results,
            [self](const error_code& e2, const tcp::endpoint&) { self->OnConnect(e2); });
      });
}

void TcpPeerConnection::OnConnect(const error_code& ec) {
  if (closed()) return;
  if (ec) {
    ConnectFailed(ec);
    return;
  }
  error_code ignored;
  socket_->set_option(tcp::no_delay(true), ignored);
  if (failures_ > 0) spdlog::info("connected to {}", endpoint_);
  hello_due_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connected_ = true;
    writer_active_ = true;
    fd_ = socket_->native_handle();
  }
  WatchForClose();
  // A write on the connection before may still be completing (cancelled):
  // its handler puts its frames back and starts the next write.
  if (!writing_) StartWrite();
}

void TcpPeerConnection::ConnectFailed(const error_code& ec) {
  if (++failures_ == 1) {
    spdlog::warn("cannot connect to {}: {}; retrying, frames are held", endpoint_, ec.message());
  } else {
    spdlog::debug("cannot connect to {}: {} (attempt {})", endpoint_, ec.message(), failures_);
  }
  error_code ignored;
  socket_->close(ignored);
  ScheduleReconnect();
}

void TcpPeerConnection::ScheduleReconnect() {
  timer_->expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  timer_->async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->StartConnect();
  });
}

// Peers send nothing: bytes or the end of the stream both end the connection.
void TcpPeerConnection::WatchForClose() {
  socket_->async_read_some(asio::buffer(probe_), [self = shared_from_this(), gen = generation_](
                                                     const error_code& ec, size_t) {
    if (gen != self->generation_ || self->closed()) return;
    self->Broken(ec ? ec.message() : "the peer sent bytes");
  });
}

void TcpPeerConnection::DisconnectLocked() {
  connected_ = false;
  fd_ = -1;
  if (front_is_rest_) {
    front_is_rest_ = false;
    held_bytes_ -= queued_.front().size();
    queued_.erase(queued_.begin());
    space_.notify_all();
  }
}

void TcpPeerConnection::Broken(const std::string& why) {
  ++generation_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    DisconnectLocked();
  }
  ++failures_;
  spdlog::warn("connection to {} lost: {}; reconnecting, frames are held", endpoint_, why);
  error_code ignored;
  socket_->close(ignored);
  ScheduleReconnect();
}

void TcpPeerConnection::StartWrite() {
  if (writing_) return;  // its completion goes on with what is queued
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || !connected_ || (queued_.empty() && !hello_due_)) {
      writer_active_ = false;
      return;
    }
    batch_.swap(queued_);  // batch_ is empty here; both keep their capacity
    batch_front_is_rest_ = front_is_rest_;
    front_is_rest_ = false;
  }
  batch_bytes_ = 0;
  buffers_.clear();
  if (hello_due_) buffers_.push_back(asio::buffer(hello_));
  for (const FrameBytes& f : batch_) {
    batch_bytes_ += f.size();
    buffers_.push_back(asio::buffer(f));
  }
  writing_ = true;
  // A span over buffers_, not the vector: async_write copies the sequence.
  asio::async_write(*socket_, std::span<const asio::const_buffer>(buffers_),
                    [self = shared_from_this(), gen = generation_](const error_code& ec, size_t) {
                      self->OnWrite(ec, gen);
                    });
}

void TcpPeerConnection::OnWrite(const error_code& ec, uint64_t generation) {
  writing_ = false;
  if (closed()) return;
  if (!ec && generation == generation_) {
    WriteDone();
    return;
  }
  // Failed, or written into a connection found dead since: write the batch
  // again on the next connection. Duplicates are harmless (the acker times
  // them out); a lost frame costs a replay of its trees.
  Requeue();
  if (generation == generation_) {
    Broken(ec.message());
  } else {
    ResumeIfConnected();
  }
}

void TcpPeerConnection::WriteDone() {
  hello_due_ = false;
  batch_front_is_rest_ = false;
  if (!batch_.empty()) {
    backoff_ = kFirstBackoff;
    failures_ = 0;
  }
  bool more = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    held_bytes_ -= batch_bytes_;
    for (FrameBytes& f : batch_) {
      if (spare_.size() == kMaxSpareFrames) break;
      if (f.capacity() <= kMaxSpareCapacity) {
        f.clear();
        spare_.push_back(std::move(f));
      }
    }
    more = !queued_.empty();
    if (!more) writer_active_ = false;
  }
  space_.notify_all();
  batch_.clear();
  if (more) StartWrite();
}

// Puts batch_ back in front of what was queued since.
void TcpPeerConnection::Requeue() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (batch_front_is_rest_) {
    // The rest of a frame begun on the connection that failed: no other
    // connection can take it.
    batch_front_is_rest_ = false;
    held_bytes_ -= batch_.front().size();
    batch_.erase(batch_.begin());
    space_.notify_all();
  }
  for (FrameBytes& f : queued_) batch_.push_back(std::move(f));
  queued_.clear();
  queued_.swap(batch_);
  writer_active_ = false;
}

void TcpPeerConnection::ResumeIfConnected() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!connected_ || writer_active_) return;
    writer_active_ = true;
  }
  StartWrite();
}

void TcpPeerConnection::ShutdownOnIoThread() {
  ++generation_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    DisconnectLocked();
  }
  error_code ignored;
  socket_->close(ignored);
  timer_->cancel();
  resolver_->cancel();
}

}  // namespace storm
