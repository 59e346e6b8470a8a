// TcpTransport (contract in tcp_transport.h). Three kinds of object share
// one Asio I/O thread:
//   Listener  a bound endpoint: its acceptor, its accepted InConns, and the
//             hand-off of their frames to the Inbox through a pusher thread;
//   InConn    one accepted connection, parsing frames out of a read buffer;
//   OutConn   one Connect()ed peer: the frames Send queued, the socket, the
//             reconnect loop.
// Who touches what is written next to each member: "I/O thread" members are
// only touched by the I/O thread (and by the destructor once it is joined).
#include "worker/tcp_transport.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "common/serialization.h"
#include "storm/errors.h"
#include "worker/executor.h"  // SetThreadName
#include "worker/frame.h"

namespace storm {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Each accepted connection reads into a buffer this large; a frame that does
// not fit is read straight into its own vector instead.
constexpr size_t kReadBufferBytes = 128 * 1024;
// Read again without compacting the buffer while this much room is left.
constexpr size_t kMinReadRoom = 16 * 1024;
// Frames read but not yet pushed into the inbox, per bound endpoint. Past
// this, connections stop reading until the pusher has drained half of it:
// a full inbox then fills the TCP windows and blocks the senders.
constexpr size_t kStagedBytesLimit = 512 * 1024;
constexpr std::chrono::milliseconds kFirstBackoff(100);
constexpr std::chrono::milliseconds kMaxBackoff(5000);
constexpr std::chrono::milliseconds kAcceptRetry(100);
// Written frames handed back to the sender for its next frame (Send swaps
// one into the vector it empties), so that a steady sender allocates nothing.
constexpr size_t kMaxSpareFrames = 4;
constexpr size_t kMaxSpareCapacity = 1u << 20;

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

HostPort ParseEndpoint(const std::string& endpoint, bool allow_port_zero) {
  const size_t colon = endpoint.rfind(':');
  const auto bad = [&] { return StormError("endpoint '" + endpoint + "' is not host:port"); };
  if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size()) throw bad();
  HostPort out;
  out.host = endpoint.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
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

uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

bool KnownType(uint8_t type) {
  return type >= static_cast<uint8_t>(FrameType::kTuples) &&
         type <= static_cast<uint8_t>(FrameType::kBackpressure);
}

std::string PeerName(const tcp::socket& socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "an unknown peer";
  return peer.address().to_string() + ":" + std::to_string(peer.port());
}

class Listener;

// ---------------------------------------------------------------------------
// InConn: one accepted connection; I/O thread only.
class InConn : public std::enable_shared_from_this<InConn> {
 public:
  InConn(tcp::socket socket, std::shared_ptr<Listener> listener, std::string peer)
      : socket_(std::move(socket)),
        listener_(std::move(listener)),
        peer_(std::move(peer)),
        buf_(kReadBufferBytes) {}

  // Hands over the complete frames buffered, then reads more (unless the
  // listener paused this connection: it calls Continue again later).
  void Continue();
  void Close();

 private:
  void Parse();
  void ReadMore();
  void ReadLarge();
  void OnRead(const error_code& ec, size_t n);
  void OnLargeRead(const error_code& ec);
  void ReadFailed(const error_code& ec);
  // A hello is the transport's own: checked and logged, not passed on.
  bool TakeHello(const uint8_t* payload, size_t size);
  void Reject(const std::string& why);

  tcp::socket socket_;
  std::shared_ptr<Listener> listener_;
  const std::string peer_;
  std::vector<uint8_t> buf_;  // bytes [begin_, end_) are read, not parsed yet
  size_t begin_ = 0;
  size_t end_ = 0;
  FrameBytes large_;          // a frame larger than buf_, being read into place
  size_t large_have_ = 0;     // bytes of large_ read so far
  std::vector<FrameBytes> parsed_;  // complete frames not yet staged (reused)
  bool closed_ = false;
};

// ---------------------------------------------------------------------------
// Listener: one bound endpoint.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, std::string name, Inbox* inbox, std::string topology_id)
      : io_(io), name_(std::move(name)), topology_id_(std::move(topology_id)), inbox_(inbox) {}

  const std::string& name() const { return name_; }
  const std::string& topology_id() const { return topology_id_; }

  // Caller's thread, before Start: throws StormError naming the port.
  void Listen(uint16_t port) {
    const tcp::endpoint any(tcp::v4(), port);
    acceptor_.emplace(io_);
    error_code ec;
    acceptor_->open(any.protocol(), ec);
    if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_->bind(any, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      acceptor_.reset();
      throw StormError("cannot listen on port " + std::to_string(port) + " for " + name_ + ": " +
                       ec.message());
    }
  }

  void Start() {
    pusher_ = std::thread([this] { PushLoop(); });
    asio::post(io_, [self = shared_from_this()] { self->Accept(); });
  }

  // I/O thread: stops accepting and closes every connection.
  void CloseOnIoThread() {
    closed_ = true;
    error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    if (retry_timer_) retry_timer_->cancel();
    std::vector<std::shared_ptr<InConn>> conns;
    conns.swap(conns_);
    paused_.clear();
    for (auto& c : conns) c->Close();
  }

  // After the I/O thread is joined: closes and destroys the Asio objects,
  // which must not outlive the io_context.
  void DestroyIo() {
    CloseOnIoThread();
    acceptor_.reset();
    retry_timer_.reset();
  }

  // Any thread but the I/O thread: drops what is staged and joins the pusher.
  // The inbox is closed, since the pusher may be blocked pushing into it.
  void StopPusher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      staged_.clear();
      staged_bytes_ = 0;
    }
    staged_ready_.notify_all();
    inbox_->Close();
    if (pusher_.joinable()) pusher_.join();
  }

  // I/O thread: takes `frames` (leaves it empty). False when `conn` must stop
  // reading; it is continued once the pusher has caught up.
  bool Stage(std::vector<FrameBytes>& frames, const std::shared_ptr<InConn>& conn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      frames.clear();
      return true;
    }
    const bool was_empty = staged_.empty();
    for (FrameBytes& f : frames) {
      staged_bytes_ += f.size();
      staged_.push_back(std::move(f));
    }
    frames.clear();
    if (was_empty) staged_ready_.notify_one();
    if (staged_bytes_ <= kStagedBytesLimit) return true;
    paused_.push_back(conn);
    resume_wanted_ = true;
    return false;
  }

  // I/O thread.
  void Forget(const InConn* conn) {
    std::erase_if(conns_, [&](const auto& c) { return c.get() == conn; });
    std::erase_if(paused_, [&](const auto& c) { return c.get() == conn; });
  }

 private:
  void Accept() {
    if (closed_) return;
    acceptor_->async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
      self->OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(const error_code& ec, tcp::socket socket) {
    if (closed_) return;
    if (ec) {
      // Out of descriptors, most likely: try again a little later.
      spdlog::warn("{}: accept failed: {}", name_, ec.message());
      if (!retry_timer_) retry_timer_.emplace(io_);
      retry_timer_->expires_after(kAcceptRetry);
      retry_timer_->async_wait([self = shared_from_this()](const error_code& e) {
        if (!e) self->Accept();
      });
      return;
    }
    std::string peer = PeerName(socket);
    spdlog::debug("{}: accepted a connection from {}", name_, peer);
    auto conn = std::make_shared<InConn>(std::move(socket), shared_from_this(), std::move(peer));
    conns_.push_back(conn);
    conn->Continue();
    Accept();
  }

  // The pusher thread: moves staged frames into the inbox, blocking there
  // while it is full (never on the I/O thread).
  void PushLoop() {
    SetThreadName("tcp-inbox");
    FrameBytes frame;
    size_t in_hand = 0;  // counted in staged_bytes_ until pushed
    bool warned = false;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      staged_bytes_ -= in_hand;
      in_hand = 0;
      if (resume_wanted_ && staged_bytes_ <= kStagedBytesLimit / 2) {
        resume_wanted_ = false;
        asio::post(io_, [self = shared_from_this()] { self->ResumePaused(); });
      }
      staged_ready_.wait(lock, [this] { return stopping_ || !staged_.empty(); });
      if (stopping_) return;
      frame = std::move(staged_.front());
      staged_.pop_front();
      in_hand = frame.size();
      lock.unlock();
      const bool pushed = inbox_->Push(std::move(frame));
      lock.lock();
      if (!pushed && !stopping_ && !warned) {
        warned = true;
        spdlog::warn("{}: the inbox is closed; received frames are dropped", name_);
      }
    }
  }

  // I/O thread.
  void ResumePaused() {
    if (closed_) return;
    std::vector<std::shared_ptr<InConn>> conns;
    conns.swap(paused_);
    for (auto& c : conns) c->Continue();
  }

  asio::io_context& io_;
  const std::string name_;
  const std::string topology_id_;
  Inbox* const inbox_;

  // I/O thread.
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> retry_timer_;
  std::vector<std::shared_ptr<InConn>> conns_;
  std::vector<std::shared_ptr<InConn>> paused_;  // stopped reading until the pusher catches up
  bool closed_ = false;

  // The hand-off to the pusher thread: the I/O thread produces, the pusher
  // consumes.
  std::mutex mutex_;
  std::condition_variable staged_ready_;
  std::deque<FrameBytes> staged_;  // guarded by mutex_
  size_t staged_bytes_ = 0;        // guarded by mutex_; includes the frame in hand
  bool resume_wanted_ = false;     // guarded by mutex_
  bool stopping_ = false;          // guarded by mutex_
  std::thread pusher_;
};

// ---------------------------------------------------------------------------
// InConn's methods (they need Listener).

void InConn::Continue() {
  if (closed_) return;
  if (large_have_ < large_.size()) {
    ReadLarge();
    return;
  }
  Parse();
  if (closed_) return;
  if (!parsed_.empty() && !listener_->Stage(parsed_, shared_from_this())) return;
  if (large_have_ < large_.size()) {
    ReadLarge();
  } else {
    ReadMore();
  }
}

// Moves the complete frames of buf_ into parsed_; a frame too large for
// buf_ moves into large_ to be read into place.
void InConn::Parse() {
  while (end_ - begin_ >= 4) {
    const uint8_t* p = buf_.data() + begin_;
    const size_t avail = end_ - begin_;
    const uint32_t length = Load32(p);
    if (length < 1 || length > kMaxFrameBytes) {
      Reject("a frame length of " + std::to_string(length) + " bytes (1 to " +
             std::to_string(kMaxFrameBytes) + " allowed)");
      return;
    }
    if (avail < 5) return;
    if (!KnownType(p[4])) {
      Reject("unknown frame type " + std::to_string(p[4]));
      return;
    }
    const size_t total = 4 + static_cast<size_t>(length);
    if (avail < total) {
      if (total > buf_.size()) {
        large_.resize(total);
        std::memcpy(large_.data(), p, avail);
        large_have_ = avail;
        begin_ = end_ = 0;
      }
      return;
    }
    if (p[4] == static_cast<uint8_t>(FrameType::kHello)) {
      if (!TakeHello(p + 5, length - 1)) return;
    } else {
      parsed_.emplace_back(p, p + total);
    }
    begin_ += total;
  }
}

void InConn::ReadMore() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0 && buf_.size() - end_ < kMinReadRoom) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  socket_.async_read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_),
                          [self = shared_from_this()](const error_code& ec, size_t n) {
                            self->OnRead(ec, n);
                          });
}

void InConn::ReadLarge() {
  asio::async_read(socket_, asio::buffer(large_.data() + large_have_, large_.size() - large_have_),
                   [self = shared_from_this()](const error_code& ec, size_t) {
                     self->OnLargeRead(ec);
                   });
}

void InConn::OnRead(const error_code& ec, size_t n) {
  if (closed_) return;
  if (ec) {
    ReadFailed(ec);
    return;
  }
  end_ += n;
  Continue();
}

void InConn::OnLargeRead(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    ReadFailed(ec);
    return;
  }
  FrameBytes frame = std::move(large_);
  large_.clear();
  large_have_ = 0;
  if (frame[4] == static_cast<uint8_t>(FrameType::kHello)) {
    if (!TakeHello(frame.data() + 5, frame.size() - 5)) return;
  } else {
    parsed_.push_back(std::move(frame));
  }
  Continue();
}

void InConn::ReadFailed(const error_code& ec) {
  const size_t partial = end_ - begin_ + large_have_;
  if (ec == asio::error::eof && partial == 0) {
    spdlog::debug("{}: {} closed its connection", listener_->name(), peer_);
  } else if (ec != asio::error::operation_aborted) {
    spdlog::warn("{}: connection from {} ended ({}) with {} bytes of a frame unread",
                 listener_->name(), peer_, ec.message(), partial);
  }
  Close();
}

bool InConn::TakeHello(const uint8_t* payload, size_t size) {
  std::string topology;
  std::string sender;
  try {
    ByteReader r(payload, size);
    size_t n = r.GetLength("topology id");
    topology.assign(reinterpret_cast<const char*>(r.GetBytes(n)), n);
    n = r.GetLength("sender endpoint");
    sender.assign(reinterpret_cast<const char*>(r.GetBytes(n)), n);
    if (!r.AtEnd()) r.Fail("bytes after the hello");
  } catch (const SerializationError& e) {
    Reject(std::string("a malformed hello: ") + e.what());
    return false;
  }
  // A worker of another topology (one left over from an old assignment of
  // this port, say) must not feed tuples to this one. An empty id on either
  // side skips the check.
  const std::string& ours = listener_->topology_id();
  if (!ours.empty() && !topology.empty() && topology != ours) {
    Reject("a hello from " + sender + " of topology " + topology + ", this endpoint serves " +
           ours);
    return false;
  }
  spdlog::debug("{}: {} is {} of topology {}", listener_->name(), peer_, sender, topology);
  return true;
}

void InConn::Reject(const std::string& why) {
  spdlog::error("{}: closing the connection from {}: {}", listener_->name(), peer_, why);
  Close();
}

void InConn::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.close(ignored);
  parsed_.clear();
  large_.clear();
  large_have_ = 0;
  listener_->Forget(this);  // the caller's handler still holds a reference to us
}

// ---------------------------------------------------------------------------
// OutConn: one connection to a peer's endpoint, shared by the Connection
// handle (the sender) and the I/O thread.

class TcpTransport;

class OutConn : public std::enable_shared_from_this<OutConn> {
 public:
  OutConn(asio::io_context& io, TcpTransport* owner, std::string endpoint, HostPort target,
          FrameBytes hello, size_t max_held_bytes)
      : io_(io),
        owner_(owner),
        endpoint_(std::move(endpoint)),
        target_(std::move(target)),
        hello_(std::move(hello)),
        max_held_bytes_(max_held_bytes),
        socket_(std::in_place, io),
        timer_(std::in_place, io),
        resolver_(std::in_place, io) {}

  void Start() {
    asio::post(io_, [self = shared_from_this()] { self->StartConnect(); });
  }

  // The sender's thread.
  bool Send(FrameBytes& frame) {
    const size_t size = frame.size();
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] {
      return closed_ || held_bytes_ == 0 || held_bytes_ + size <= max_held_bytes_;
    });
    if (closed_) return false;
    held_bytes_ += size;
    queued_.push_back(std::move(frame));
    frame.clear();
    if (!spare_.empty()) {
      frame.swap(spare_.back());
      spare_.pop_back();
    }
    if (connected_ && !writer_active_) {
      writer_active_ = true;
      asio::post(io_, [self = shared_from_this()] { self->StartWrite(); });
    }
    return true;
  }

  // The Connection handle is gone: stop, dropping what is queued.
  void Abandon();

  // The transport is going: Send returns false from now on.
  void MarkClosed() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    space_.notify_all();
  }

  // After the I/O thread is joined: the Asio objects must not outlive the
  // io_context (the Connection handle may).
  void DestroyIo() {
    socket_.reset();
    timer_.reset();
    resolver_.reset();
  }

 private:
  bool closed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

  // --- I/O thread from here on.
  void StartConnect() {
    if (closed()) return;
    error_code ec;
    const asio::ip::address address = asio::ip::make_address(target_.host, ec);
    if (!ec) {
      socket_->async_connect(tcp::endpoint(address, target_.port),
                             [self = shared_from_this()](const error_code& e) {
                               self->OnConnect(e);
                             });
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
          asio::async_connect(*self->socket_, results,
                              [self](const error_code& e2, const tcp::endpoint&) {
                                self->OnConnect(e2);
                              });
        });
  }

  void OnConnect(const error_code& ec) {
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
    }
    WatchForClose();
    // A write of the connection before may still be completing (cancelled):
    // its handler puts the frames back and starts the next write.
    if (!writing_) StartWrite();
  }

  void ConnectFailed(const error_code& ec) {
    if (++failures_ == 1) {
      spdlog::warn("cannot connect to {}: {}; retrying, frames are held", endpoint_, ec.message());
    } else {
      spdlog::debug("cannot connect to {}: {} (attempt {})", endpoint_, ec.message(), failures_);
    }
    error_code ignored;
    socket_->close(ignored);
    ScheduleReconnect();
  }

  void ScheduleReconnect() {
    timer_->expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    timer_->async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->StartConnect();
    });
  }

  // The peer never sends anything: data or end of stream on our socket both
  // mean the connection is over. Noticing it while idle, before writing into
  // a dead connection, saves the frames of that write.
  void WatchForClose() {
    socket_->async_read_some(asio::buffer(probe_),
                             [self = shared_from_this(), gen = generation_](const error_code& ec,
                                                                            size_t) {
                               if (gen != self->generation_ || self->closed()) return;
                               self->Broken(ec ? ec.message() : "the peer sent bytes");
                             });
  }

  void Broken(const std::string& why) {
    ++generation_;  // handlers of this connection are stale from now on
    {
      std::lock_guard<std::mutex> lock(mutex_);
      connected_ = false;
    }
    ++failures_;
    spdlog::warn("connection to {} lost: {}; reconnecting, frames are held", endpoint_, why);
    error_code ignored;
    socket_->close(ignored);
    ScheduleReconnect();
  }

  void StartWrite() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_ || !connected_ || (queued_.empty() && !hello_due_)) {
        writer_active_ = false;
        return;
      }
      batch_.swap(queued_);  // batch_ is empty here; both keep their capacity
    }
    batch_bytes_ = 0;
    buffers_.clear();
    if (hello_due_) buffers_.push_back(asio::buffer(hello_));
    for (const FrameBytes& f : batch_) {
      batch_bytes_ += f.size();
      buffers_.push_back(asio::buffer(f));
    }
    writing_ = true;
    // A span, not the vector: async_write copies its buffer sequence.
    asio::async_write(*socket_, std::span<const asio::const_buffer>(buffers_),
                      [self = shared_from_this(), gen = generation_](const error_code& ec,
                                                                     size_t) {
                        self->OnWrite(ec, gen);
                      });
  }

  void OnWrite(const error_code& ec, uint64_t gen) {
    writing_ = false;
    if (closed()) return;
    if (ec || gen != generation_) {
      // Failed, or written into a connection found dead since: send the
      // batch again on the next connection (duplicates are harmless, the
      // acker times them out; lost frames would cost a replay).
      Requeue();
      if (gen == generation_) {
        Broken(ec.message());
      } else {
        ResumeIfConnected();
      }
      return;
    }
    hello_due_ = false;
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
  void Requeue() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (FrameBytes& f : queued_) batch_.push_back(std::move(f));
    queued_.clear();
    queued_.swap(batch_);
    writer_active_ = false;
  }

  void ResumeIfConnected() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!connected_ || writer_active_) return;
      writer_active_ = true;
    }
    StartWrite();
  }

  void ShutdownOnIoThread() {
    ++generation_;
    error_code ignored;
    socket_->close(ignored);
    timer_->cancel();
    resolver_->cancel();
  }

  asio::io_context& io_;
  TcpTransport* const owner_;
  const std::string endpoint_;
  const HostPort target_;
  const FrameBytes hello_;
  const size_t max_held_bytes_;

  // Shared between the sender and the I/O thread.
  std::mutex mutex_;
  std::condition_variable space_;  // held_bytes_ went down, or closed_
  std::vector<FrameBytes> queued_;  // guarded by mutex_; taken by the next write
  std::vector<FrameBytes> spare_;   // guarded by mutex_; written, emptied, reusable
  size_t held_bytes_ = 0;           // guarded by mutex_; queued_ and batch_
  bool connected_ = false;          // guarded by mutex_
  bool writer_active_ = false;      // guarded by mutex_; a StartWrite is posted or writing
  bool closed_ = false;             // guarded by mutex_

  // I/O thread.
  std::optional<tcp::socket> socket_;
  std::optional<asio::steady_timer> timer_;
  std::optional<tcp::resolver> resolver_;
  std::vector<FrameBytes> batch_;            // being written
  size_t batch_bytes_ = 0;
  std::vector<asio::const_buffer> buffers_;  // batch_'s buffers (and the hello)
  bool writing_ = false;
  bool hello_due_ = false;
  uint64_t generation_ = 0;  // bumped when a connection ends
  int failures_ = 0;         // since the last successful write
  std::chrono::milliseconds backoff_ = kFirstBackoff;
  std::array<uint8_t, 1> probe_{};
};

class TcpConnection final : public Connection {
 public:
  explicit TcpConnection(std::shared_ptr<OutConn> conn) : conn_(std::move(conn)) {}
  ~TcpConnection() override { conn_->Abandon(); }
  bool Send(FrameBytes& frame) override { return conn_->Send(frame); }

 private:
  std::shared_ptr<OutConn> conn_;
};

// ---------------------------------------------------------------------------

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(TcpTransportOptions options)
      : options_(std::move(options)),
        hello_(MakeHelloFrame(options_.topology_id, options_.local_endpoint)),
        io_(1),
        work_(asio::make_work_guard(io_)) {
    io_thread_ = std::thread([this] { RunIo(); });
  }

  ~TcpTransport() override {
    std::vector<std::shared_ptr<Listener>> listeners;
    std::vector<std::shared_ptr<OutConn>> conns;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [name, l] : listeners_) listeners.push_back(l);
      listeners_.clear();
      conns.swap(out_conns_);
    }
    for (auto& c : conns) c->MarkClosed();
    for (auto& l : listeners) l->StopPusher();
    io_.stop();
    io_thread_.join();
    // Nothing runs on io_ any more: close what it served from this thread.
    for (auto& c : conns) c->DestroyIo();
    for (auto& l : listeners) l->DestroyIo();
  }

  void Bind(const std::string& endpoint, Inbox* inbox) override {
    const HostPort where = ParseEndpoint(endpoint, /*allow_port_zero=*/true);
    std::lock_guard<std::mutex> lock(mutex_);
    if (listeners_.count(endpoint) > 0) throw StormError("endpoint " + endpoint + " is bound already");
    auto listener = std::make_shared<Listener>(io_, endpoint, inbox, options_.topology_id);
    listener->Listen(where.port);
    listener->Start();
    listeners_.emplace(endpoint, std::move(listener));
    spdlog::info("listening on port {} for {}", where.port, endpoint);
  }

  void Unbind(const std::string& endpoint) override {
    std::shared_ptr<Listener> listener;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = listeners_.find(endpoint);
      if (it == listeners_.end()) return;
      listener = std::move(it->second);
      listeners_.erase(it);
    }
    // The port must be free when Unbind returns: wait for the I/O thread.
    std::promise<void> closed;
    asio::post(io_, [listener, &closed] {
      listener->CloseOnIoThread();
      closed.set_value();
    });
    closed.get_future().wait();
    listener->StopPusher();
  }

  std::unique_ptr<Connection> Connect(const std::string& endpoint) override {
    HostPort target = ParseEndpoint(endpoint, /*allow_port_zero=*/false);
    auto conn = std::make_shared<OutConn>(io_, this, endpoint, std::move(target), hello_,
                                          options_.max_held_bytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      out_conns_.push_back(conn);
    }
    conn->Start();
    return std::make_unique<TcpConnection>(std::move(conn));
  }

  // I/O thread: a Connection handle is gone.
  void Forget(const OutConn* conn) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(out_conns_, [&](const auto& c) { return c.get() == conn; });
  }

 private:
  void RunIo() {
    SetThreadName("tcp-io");
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw (out of memory for a frame, say): keep serving.
        spdlog::error("tcp transport: I/O thread: {}", e.what());
      }
    }
  }

  const TcpTransportOptions options_;
  const FrameBytes hello_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread io_thread_;

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Listener>> listeners_;  // guarded by mutex_
  std::vector<std::shared_ptr<OutConn>> out_conns_;             // guarded by mutex_
};

void OutConn::Abandon() {
  std::lock_guard<std::mutex> lock(mutex_);
  // Once the transport has marked us closed, io_ may be gone: post nothing.
  if (closed_) return;
  closed_ = true;
  asio::post(io_, [self = shared_from_this()] {
    self->ShutdownOnIoThread();
    self->owner_->Forget(self.get());
  });
}

}  // namespace

std::unique_ptr<Transport> MakeTcpTransport(TcpTransportOptions options) {
  return std::make_unique<TcpTransport>(std::move(options));
}

}  // namespace storm
