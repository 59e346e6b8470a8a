#include "worker/tcp_listener.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <chrono>
#include <cstring>

#include "common/topology/serialization.h"
#include "storm/errors.h"
#include "worker/frame.h"

namespace storm {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// Each connection reads into a buffer this large (several frames per read);
// a frame that does not fit is read straight into its own vector instead.
constexpr size_t kReadBufferBytes = 128 * 1024;
// Read again without compacting the buffer while this much room is left.
constexpr size_t kMinReadRoom = 16 * 1024;
constexpr std::chrono::milliseconds kAcceptRetry(100);

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

}  // namespace

// One accepted connection; I/O thread only.
class InboundConnection : public std::enable_shared_from_this<InboundConnection> {
 public:
  InboundConnection(tcp::socket socket, std::shared_ptr<TcpListener> listener, std::string peer)
      : socket_(std::move(socket)),
        listener_(std::move(listener)),
        peer_(std::move(peer)),
        buf_(kReadBufferBytes) {}

  // Delivers the complete frames buffered, then reads more.
  void Continue();
  void Close();

 private:
  void Parse();
  void ReadMore();
  void ReadLarge();
  void OnRead(const error_code& ec, size_t n);
  void OnLargeRead(const error_code& ec);
  void ReadFailed(const error_code& ec);
  bool TakeHello(const uint8_t* payload, size_t size);
  void Reject(const std::string& why);

  tcp::socket socket_;
  std::shared_ptr<TcpListener> listener_;
  const std::string peer_;
  std::vector<uint8_t> buf_;  // bytes [begin_, end_) are read, not parsed yet
  size_t begin_ = 0;
  size_t end_ = 0;
  FrameBytes large_;                // a frame larger than buf_, read in place
  size_t large_have_ = 0;           // bytes of large_ read so far
  std::vector<FrameBytes> parsed_;  // complete frames not delivered yet (reused)
  bool closed_ = false;
};

// ---------------------------------------------------------------------------
// TcpListener

TcpListener::TcpListener(asio::io_context& io, std::string name, FrameSink* sink,
                         std::string topology_id)
    : io_(io), name_(std::move(name)), topology_id_(std::move(topology_id)), sink_(sink) {}

TcpListener::~TcpListener() = default;

uint16_t TcpListener::Listen(uint16_t port) {
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
  const tcp::endpoint bound = acceptor_->local_endpoint(ec);
  if (ec) {
    acceptor_.reset();
    throw StormError("cannot tell the port bound for " + name_ + ": " + ec.message());
  }
  if (port == 0) name_ = name_.substr(0, name_.rfind(':') + 1) + std::to_string(bound.port());
  return bound.port();
}

void TcpListener::Start() {
  asio::post(io_, [self = shared_from_this()] { self->Accept(); });
}

void TcpListener::CloseOnIoThread() {
  closed_ = true;
  error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  if (retry_timer_) retry_timer_->cancel();
  std::vector<std::shared_ptr<InboundConnection>> conns;
  conns.swap(conns_);
  for (auto& c : conns) c->Close();
}

void TcpListener::DestroyIo() {
  CloseOnIoThread();
  acceptor_.reset();
  retry_timer_.reset();
}

void TcpListener::Accept() {
  if (closed_) return;
  acceptor_->async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  });
}

void TcpListener::OnAccept(const error_code& ec, tcp::socket socket) {
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
  auto conn =
      std::make_shared<InboundConnection>(std::move(socket), shared_from_this(), std::move(peer));
  conns_.push_back(conn);
  conn->Continue();
  Accept();
}

void TcpListener::Deliver(std::vector<FrameBytes>& frames) {
  for (const FrameBytes& f : frames) sink_->Deliver(f);
  frames.clear();
}

void TcpListener::Forget(const InboundConnection* conn) {
  std::erase_if(conns_, [&](const auto& c) { return c.get() == conn; });
}

// ---------------------------------------------------------------------------
// InboundConnection

void InboundConnection::Continue() {
  if (closed_) return;
  if (large_have_ < large_.size()) {
    ReadLarge();
    return;
  }
  Parse();
  if (closed_) return;
  // May block in the sink: no connection is read meanwhile (backpressure).
  if (!parsed_.empty()) listener_->Deliver(parsed_);
  if (large_have_ < large_.size()) {
    ReadLarge();
  } else {
    ReadMore();
  }
}

// Moves the complete frames of buf_ into parsed_; a frame too large for
// buf_ moves into large_, to be read in place.
void InboundConnection::Parse() {
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

void InboundConnection::ReadMore() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0 && buf_.size() - end_ < kMinReadRoom) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  socket_.async_read_some(
      asio::buffer(buf_.data() + end_, buf_.size() - end_),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void InboundConnection::ReadLarge() {
  asio::async_read(
      socket_, asio::buffer(large_.data() + large_have_, large_.size() - large_have_),
      [self = shared_from_this()](const error_code& ec, size_t) { self->OnLargeRead(ec); });
}

void InboundConnection::OnRead(const error_code& ec, size_t n) {
  if (closed_) return;
  if (ec) {
    ReadFailed(ec);
    return;
  }
  end_ += n;
  Continue();
}

void InboundConnection::OnLargeRead(const error_code& ec) {
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

void InboundConnection::ReadFailed(const error_code& ec) {
  const size_t partial = end_ - begin_ + large_have_;
  if (ec == asio::error::eof && partial == 0) {
    spdlog::debug("{}: {} closed its connection", listener_->name(), peer_);
  } else if (ec != asio::error::operation_aborted) {
    spdlog::warn("{}: connection from {} ended ({}) with {} bytes of a frame unread",
                 listener_->name(), peer_, ec.message(), partial);
  }
  Close();
}

// A hello is checked and logged here, not passed on.
bool InboundConnection::TakeHello(const uint8_t* payload, size_t size) {
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
  // this port, say) must not feed tuples to this one.
  const std::string& ours = listener_->topology_id();
  if (!ours.empty() && !topology.empty() && topology != ours) {
    Reject("a hello from " + sender + " of topology " + topology + ", this endpoint serves " +
           ours);
    return false;
  }
  spdlog::debug("{}: {} is {} of topology {}", listener_->name(), peer_, sender, topology);
  return true;
}

void InboundConnection::Reject(const std::string& why) {
  spdlog::error("{}: closing the connection from {}: {}", listener_->name(), peer_, why);
  Close();
}

void InboundConnection::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.close(ignored);
  parsed_.clear();
  large_.clear();
  large_have_ = 0;
  listener_->Forget(this);  // our caller's handler still holds a reference
}

}  // namespace storm
