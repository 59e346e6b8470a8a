#include "worker/tcp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storm/errors.h"
#include "support/test_support.h"
#include "worker/frame.h"

namespace storm {
namespace {

using namespace std::chrono_literals;
using testing::WaitUntil;

// --- Frames the tests can check: a kTuples header, a sequence number, and
// filler bytes that depend on it (so that a torn or mixed frame shows).

FrameBytes MakeFrame(uint64_t seq, size_t filler) {
  FrameBytes f(kFrameHeaderBytes + 8 + filler);
  const auto length = static_cast<uint32_t>(f.size() - 4);
  for (int i = 0; i < 4; ++i) f[i] = static_cast<uint8_t>(length >> (8 * i));
  f[4] = static_cast<uint8_t>(FrameType::kTuples);
  for (int i = 0; i < 8; ++i) f[5 + i] = static_cast<uint8_t>(seq >> (8 * i));
  for (size_t i = 0; i < filler; ++i) f[13 + i] = static_cast<uint8_t>(seq * 31 + i);
  return f;
}

// Sizes from a few bytes to several MB (and across the transport's 128 KB
// read buffer).
size_t FillerOf(uint64_t seq) {
  static const size_t kSizes[] = {0, 1, 100, 3000, 40'000, 131'000, 200'000, 17};
  if (seq % 50 == 49) return (3u << 20) + seq;
  return kSizes[seq % 8] + seq % 13;
}

// The sequence number of a whole, intact frame; fails the test otherwise.
uint64_t SeqOf(const FrameBytes& f) {
  EXPECT_EQ(CheckFrame(f), FrameType::kTuples);
  if (f.size() < 13) {
    ADD_FAILURE() << "a frame of " << f.size() << " bytes";
    return ~0ull;
  }
  uint64_t seq = 0;
  for (int i = 0; i < 8; ++i) seq |= static_cast<uint64_t>(f[5 + i]) << (8 * i);
  for (size_t i = 13; i < f.size(); ++i) {
    if (f[i] != static_cast<uint8_t>(seq * 31 + (i - 13))) {
      ADD_FAILURE() << "frame " << seq << " is damaged at byte " << i;
      break;
    }
  }
  return seq;
}

// An Inbox and, when started, a thread that drains it recording sequence
// numbers.
class Receiver {
 public:
  explicit Receiver(size_t capacity = 4u << 20) : inbox(capacity) {}
  ~Receiver() { StopConsuming(); }

  void StartConsuming() {
    thread_ = std::thread([this] {
      FrameBytes f;
      while (!stop_.load()) {
        if (inbox.Pop(f, 2ms)) Record(f);
      }
    });
  }
  void StopConsuming() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  void Record(const FrameBytes& f) {
    const uint64_t seq = SeqOf(f);
    std::lock_guard<std::mutex> lock(mutex_);
    seqs_.push_back(seq);
  }
  std::vector<uint64_t> Seqs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seqs_;
  }
  size_t Count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seqs_.size();
  }
  // Whether the frames received are 0 .. n-1, each once, in order.
  ::testing::AssertionResult GotInOrder(uint64_t n) const {
    const std::vector<uint64_t> seqs = Seqs();
    if (seqs.size() != n) {
      return ::testing::AssertionFailure() << seqs.size() << " frames, not " << n;
    }
    for (uint64_t i = 0; i < n; ++i) {
      if (seqs[i] != i) return ::testing::AssertionFailure() << "frame " << seqs[i] << " at " << i;
    }
    return ::testing::AssertionSuccess();
  }
  bool Has(uint64_t seq) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::find(seqs_.begin(), seqs_.end(), seq) != seqs_.end();
  }

  Inbox inbox;

 private:
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<uint64_t> seqs_;  // guarded by mutex_
};

// A port that was free a moment ago.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string Endpoint(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

TcpTransportOptions Options(size_t max_held_bytes = 8u << 20) {
  TcpTransportOptions o;
  o.topology_id = "topo-1";
  o.local_endpoint = "sender:1";
  o.max_held_bytes = max_held_bytes;
  return o;
}

// A plain blocking socket, as a misbehaving peer would use.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawClient() { ::close(fd_); }

  void Write(const std::vector<uint8_t>& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
      done += static_cast<size_t>(n);
    }
  }
  void Write(const std::string& s) { Write(std::vector<uint8_t>(s.begin(), s.end())); }

  // True when the other side closed the connection (within 10 s).
  bool ClosedByPeer() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_;
};

std::vector<uint8_t> Header(uint32_t length, uint8_t type) {
  std::vector<uint8_t> h(5);
  for (int i = 0; i < 4; ++i) h[i] = static_cast<uint8_t>(length >> (8 * i));
  h[4] = type;
  return h;
}

// Sends frames [from, to) on `conn`; every Send must succeed.
void SendRange(Connection& conn, uint64_t from, uint64_t to) {
  for (uint64_t seq = from; seq < to; ++seq) {
    FrameBytes f = MakeFrame(seq, FillerOf(seq));
    ASSERT_TRUE(conn.Send(f)) << "frame " << seq;
    ASSERT_TRUE(f.empty());
  }
}

// Sends frames 0 .. frames-1 of `filler` bytes on `conn` from a thread of
// its own, counting them in `sent`.
std::thread SendInThread(Connection& conn, size_t frames, size_t filler,
                         std::atomic<size_t>& sent) {
  return std::thread([&conn, frames, filler, &sent] {
    for (uint64_t seq = 0; seq < frames; ++seq) {
      FrameBytes f = MakeFrame(seq, filler);
      ASSERT_TRUE(conn.Send(f));
      sent.fetch_add(1);
    }
  });
}

// True once `counter` has not moved for `quiet` (a sender blocked in Send).
std::function<bool()> Stalled(const std::atomic<size_t>& counter,
                              std::chrono::milliseconds quiet = 300ms) {
  struct State {
    size_t last = ~size_t{0};
    std::chrono::steady_clock::time_point since;
  };
  auto state = std::make_shared<State>();
  return [&counter, quiet, state] {
    const size_t now = counter.load();
    const auto t = std::chrono::steady_clock::now();
    if (now != state->last) {
      state->last = now;
      state->since = t;
      return false;
    }
    return t - state->since >= quiet;
  };
}

TEST(TcpTransportTest, FramesArriveWholeAndInOrder) {
  const int port = FreePort();
  Receiver rx;
  rx.StartConsuming();
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options());
  auto conn = client->Connect(Endpoint(port));

  constexpr uint64_t kFrames = 600;
  SendRange(*conn, 0, kFrames);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; }, 60s)) << rx.Count();
  EXPECT_TRUE(rx.GotInOrder(kFrames));
}

TEST(TcpTransportTest, SeveralSendersEachInOrder) {
  const int port = FreePort();
  Receiver rx;
  rx.StartConsuming();
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options());
  constexpr uint64_t kPerSender = 2000;
  std::vector<std::thread> senders;
  for (uint64_t s = 0; s < 3; ++s) {
    senders.emplace_back([&, s] {
      auto conn = client->Connect(Endpoint(port));
      for (uint64_t i = 0; i < kPerSender; ++i) {
        const uint64_t seq = s * 1'000'000 + i;
        FrameBytes f = MakeFrame(seq, (i * 7919) % 5000);
        ASSERT_TRUE(conn->Send(f));
      }
      // Keep the connection until everything is in (destroying it drops
      // what is not written yet).
      WaitUntil([&] { return rx.Has(s * 1'000'000 + kPerSender - 1); }, 30s);
    });
  }
  for (auto& t : senders) t.join();
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= 3 * kPerSender; }));
  std::vector<uint64_t> next(3, 0);
  for (uint64_t seq : rx.Seqs()) {
    const uint64_t s = seq / 1'000'000;
    ASSERT_LT(s, 3u);
    ASSERT_EQ(seq % 1'000'000, next[s]) << "sender " << s;
    ++next[s];
  }
}

TEST(TcpTransportTest, FramesSentBeforeThePeerBindsAreHeldAndDelivered) {
  const int port = FreePort();
  auto client = MakeTcpTransport(Options());
  auto conn = client->Connect(Endpoint(port));
  constexpr uint64_t kFrames = 40;  // a few MB: under max_held_bytes
  SendRange(*conn, 0, kFrames);

  Receiver rx;
  rx.StartConsuming();
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; })) << rx.Count();
  const auto seqs = rx.Seqs();
  for (uint64_t i = 0; i < kFrames; ++i) ASSERT_EQ(seqs[i], i);
}

// The peer goes away (`unbind`: Unbind on its transport; otherwise its
// transport is destroyed) and comes back on the same port: frames sent after
// it is back arrive, in order, over the reconnected connection.
// A thread sending frames of `filler` bytes on `conn` until Send refuses
// one (or `limit` are sent); the tests look at how far it got.
class SendingThread {
 public:
  SendingThread(Connection& conn, size_t filler, uint64_t limit = ~uint64_t{0})
      : thread_([this, &conn, filler, limit] {
          for (uint64_t seq = 0; seq < limit; ++seq) {
            FrameBytes f = MakeFrame(seq, filler);
            if (!conn.Send(f)) {
              refused.store(true);
              return;
            }
            sent.fetch_add(1);
          }
        }) {}
  ~SendingThread() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  std::atomic<size_t> sent{0};
  std::atomic<bool> refused{false};

 private:
  std::thread thread_;
};

void PeerGoesAwayAndComesBack(bool unbind) {
  const int port = FreePort();
  auto client = MakeTcpTransport(Options());
  auto conn = client->Connect(Endpoint(port));

  auto first = std::make_unique<Receiver>();
  first->StartConsuming();
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &first->inbox);
  SendRange(*conn, 0, 30);
  ASSERT_TRUE(WaitUntil([&] { return first->Count() >= 30; }));

  if (unbind) {
    server->Unbind(Endpoint(port));
  } else {
    server.reset();
  }
  first->StopConsuming();
  SendRange(*conn, 30, 60);  // while nobody listens: held (the first may be lost)

  Receiver second;
  second.StartConsuming();
  if (unbind) {
    server->Bind(Endpoint(port), &second.inbox);
  } else {
    server = MakeTcpTransport(Options());
    server->Bind(Endpoint(port), &second.inbox);
  }
  SendRange(*conn, 60, 90);
  ASSERT_TRUE(WaitUntil([&] { return second.Has(89); }));
  const auto seqs = second.Seqs();
  for (size_t i = 1; i < seqs.size(); ++i) ASSERT_LT(seqs[i - 1], seqs[i]);
  for (uint64_t seq = 60; seq < 90; ++seq) EXPECT_TRUE(second.Has(seq)) << seq;
  size_t held = 0;
  for (uint64_t seq : seqs) held += seq < 60 ? 1 : 0;
  std::printf("frames sent while the peer was away and delivered after: %zu of 30\n", held);
  server.reset();  // before `second`, whose inbox it fills
}

TEST(TcpTransportTest, PeerUnboundAndBoundAgainGetsLaterFrames) {
  PeerGoesAwayAndComesBack(true);
}

TEST(TcpTransportTest, PeerRestartedOnTheSamePortGetsLaterFrames) {
  PeerGoesAwayAndComesBack(false);
}

// Send writes frames to an idle socket itself; a large frame the socket
// takes only in part is finished by the I/O thread. When the connection
// breaks with a frame half written, the rest belongs to the dead connection:
// the next one must start on a frame boundary (no torn frame, no garbage),
// and frames keep their order.
TEST(TcpTransportTest, AFrameCutByABrokenConnectionIsNotFinishedOnTheNext) {
  const int port = FreePort();
  // A peer that accepts and never reads: big frames fill the socket's
  // buffers, so Send gets to write part of one.
  const int listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listen_fd, 4), 0);

  auto client = MakeTcpTransport(Options(64u << 20));
  auto conn = client->Connect(Endpoint(port));
  const int stuck_fd = ::accept(listen_fd, nullptr, nullptr);
  ASSERT_GE(stuck_fd, 0);
  // Read the hello (its write done, the connection is idle); nothing after it.
  const timeval read_limit{10, 0};
  ::setsockopt(stuck_fd, SOL_SOCKET, SO_RCVTIMEO, &read_limit, sizeof(read_limit));
  uint8_t length_bytes[4];
  ASSERT_EQ(::recv(stuck_fd, length_bytes, 4, MSG_WAITALL), 4);
  std::vector<uint8_t> hello(length_bytes[0] | length_bytes[1] << 8 | length_bytes[2] << 16);
  ASSERT_EQ(::recv(stuck_fd, hello.data(), hello.size(), MSG_WAITALL),
            static_cast<ssize_t>(hello.size()));
  ASSERT_EQ(hello[0], static_cast<uint8_t>(FrameType::kHello));
  for (uint64_t seq = 0; seq < 5; ++seq) {
    FrameBytes f = MakeFrame(seq, 3u << 20);
    ASSERT_TRUE(conn->Send(f));
  }
  // The peer dies (reset) with frames in flight; its port comes back as a
  // real worker's.
  const linger reset{1, 0};
  ::setsockopt(stuck_fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  ::close(stuck_fd);
  ::close(listen_fd);

  Receiver rx(16u << 20);
  rx.StartConsuming();
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  SendRange(*conn, 5, 40);
  ASSERT_TRUE(WaitUntil([&] { return rx.Has(39); }));
  const auto seqs = rx.Seqs();  // SeqOf has checked each frame whole
  for (size_t i = 1; i < seqs.size(); ++i) ASSERT_LT(seqs[i - 1], seqs[i]);
  for (uint64_t seq = 5; seq < 40; ++seq) EXPECT_TRUE(rx.Has(seq)) << seq;
  server.reset();  // before `rx`, whose inbox it fills
}

TEST(TcpTransportTest, FullInboxBlocksTheSenderUntilPopped) {
  const int port = FreePort();
  Receiver rx(64 * 1024);  // nobody pops yet
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options(256 * 1024));
  auto conn = client->Connect(Endpoint(port));

  constexpr size_t kFrames = 4000;
  constexpr size_t kFiller = 16 * 1024;  // 64 MB in all
  std::atomic<size_t> sent{0};
  std::thread sender = SendInThread(*conn, kFrames, kFiller, sent);
  ASSERT_TRUE(WaitUntil(Stalled(sent)));
  const size_t blocked_at = sent.load();
  std::printf("the sender blocked after %zu frames (%zu KB)\n", blocked_at,
              blocked_at * (kFiller + 13) / 1024);
  // Bounded by the inbox, the transport's staging, the held bytes and the
  // kernel's socket buffers: far from all of it.
  EXPECT_LT(blocked_at, kFrames / 2);

  rx.StartConsuming();
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; }, 60s)) << rx.Count();
  sender.join();
  EXPECT_TRUE(rx.GotInOrder(kFrames));
}

// A worker consumes its frames on the transport's receiving thread
// (Inbox::SetConsumer). While the consumer is blocked (its executors' queues
// full), the senders are held back, and the transport still sends: the
// receiving and the sending threads are apart.
TEST(TcpTransportTest, AConsumerBlockedHoldsBackTheSendersButNotTheSending) {
  const int port = FreePort();
  const int other_port = FreePort();
  auto server = MakeTcpTransport(Options());
  ASSERT_TRUE(server->DeliversOnOneThread());
  std::atomic<bool> hold{true};
  Receiver rx;
  rx.inbox.SetConsumer([&](const FrameBytes& f) {
    hold.wait(true);
    rx.Record(f);
  });
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options(256 * 1024));
  auto conn = client->Connect(Endpoint(port));

  constexpr size_t kFrames = 4000;
  constexpr size_t kFiller = 16 * 1024;  // 64 MB in all
  std::atomic<size_t> sent{0};
  std::thread sender = SendInThread(*conn, kFrames, kFiller, sent);
  ASSERT_TRUE(WaitUntil(Stalled(sent)));
  EXPECT_LT(sent.load(), kFrames / 2);
  EXPECT_EQ(rx.Count(), 0u);

  // The server's own sending goes on meanwhile.
  Receiver other;
  other.StartConsuming();
  auto other_transport = MakeTcpTransport(Options());
  other_transport->Bind(Endpoint(other_port), &other.inbox);
  auto out = server->Connect(Endpoint(other_port));
  SendRange(*out, 0, 20);
  ASSERT_TRUE(WaitUntil([&] { return other.Count() >= 20; }));
  EXPECT_TRUE(other.GotInOrder(20));

  hold.store(false);
  hold.notify_all();
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; }, 60s)) << rx.Count();
  sender.join();
  EXPECT_TRUE(rx.GotInOrder(kFrames));
  // Once Unbind returns, nothing is consumed any more.
  server->Unbind(Endpoint(port));
  other_transport.reset();  // before `other`, whose inbox it fills
}

TEST(TcpTransportTest, BadInputClosesOnlyThatConnection) {
  const int port = FreePort();
  Receiver rx;
  rx.StartConsuming();
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options());
  auto conn = client->Connect(Endpoint(port));
  SendRange(*conn, 0, 20);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= 20; }));

  // A good raw client (no hello: allowed) with half a frame written.
  RawClient good(port);
  const FrameBytes raw_frame = MakeFrame(1'000'000, 5000);
  good.Write(std::vector<uint8_t>(raw_frame.begin(), raw_frame.begin() + 2000));

  {
    RawClient http(port);
    http.Write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_TRUE(http.ClosedByPeer());
  }
  {
    RawClient oversized(port);
    oversized.Write(Header(kMaxFrameBytes + 1, 1));
    EXPECT_TRUE(oversized.ClosedByPeer());
  }
  {
    RawClient empty(port);
    empty.Write(Header(0, 1));
    EXPECT_TRUE(empty.ClosedByPeer());
  }
  {
    RawClient unknown_type(port);
    auto bytes = Header(10, 9);
    bytes.resize(14, 0);
    unknown_type.Write(bytes);
    EXPECT_TRUE(unknown_type.ClosedByPeer());
  }
  {
    RawClient other_topology(port);
    other_topology.Write(MakeHelloFrame("another-topology", "stale:1"));
    EXPECT_TRUE(other_topology.ClosedByPeer());
  }
  {
    RawClient bad_hello(port);
    auto bytes = Header(4, static_cast<uint8_t>(FrameType::kHello));
    bytes.insert(bytes.end(), {0x7f, 'x', 'y'});  // a topology id longer than the frame
    bad_hello.Write(bytes);
    EXPECT_TRUE(bad_hello.ClosedByPeer());
  }

  good.Write(std::vector<uint8_t>(raw_frame.begin() + 2000, raw_frame.end()));
  SendRange(*conn, 20, 40);
  ASSERT_TRUE(WaitUntil([&] { return rx.Has(39) && rx.Has(1'000'000); }));
  std::vector<uint64_t> ours;
  for (uint64_t seq : rx.Seqs()) {
    if (seq < 1'000'000) ours.push_back(seq);
  }
  ASSERT_EQ(ours.size(), 40u);
  for (uint64_t i = 0; i < 40; ++i) ASSERT_EQ(ours[i], i);
}

TEST(TcpTransportTest, DestroyingWithABlockedSenderToAnAbsentPeerDoesNotHang) {
  auto client = MakeTcpTransport(Options(64 * 1024));
  auto conn = client->Connect(Endpoint(FreePort()));
  SendingThread sender(*conn, 16 * 1024);
  ASSERT_TRUE(WaitUntil(Stalled(sender.sent)));
  EXPECT_LE(sender.sent.load(), 5u);  // 64 KB held
  EXPECT_FALSE(sender.refused.load());
  const auto start = std::chrono::steady_clock::now();
  client.reset();
  sender.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(sender.refused.load());
  FrameBytes f = MakeFrame(0, 10);
  EXPECT_FALSE(conn->Send(f));  // the connection outlives its transport
}

// What Worker::Stop does before it joins its send thread: Close releases a
// sender blocked on a peer that never came, while the transport lives on.
TEST(TcpTransportTest, CloseReleasesASenderBlockedOnAnAbsentPeer) {
  auto client = MakeTcpTransport(Options(64 * 1024));
  auto conn = client->Connect(Endpoint(FreePort()));
  SendingThread sender(*conn, 16 * 1024);
  ASSERT_TRUE(WaitUntil(Stalled(sender.sent)));
  EXPECT_FALSE(sender.refused.load());
  const auto start = std::chrono::steady_clock::now();
  conn->Close();
  sender.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(sender.refused.load());
  FrameBytes f = MakeFrame(0, 10);
  EXPECT_FALSE(conn->Send(f));
  conn->Close();  // idempotent
  conn.reset();   // then abandoned, and the transport destroyed, as usual
  client.reset();
}

TEST(TcpTransportTest, CloseReleasesASenderBlockedOnAFullInbox) {
  const int port = FreePort();
  Receiver rx(64 * 1024);  // nobody pops
  Receiver rx2;            // outlives the server, which pushes into both
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options(128 * 1024));
  auto conn = client->Connect(Endpoint(port));
  SendingThread sender(*conn, 64 * 1024);
  ASSERT_TRUE(WaitUntil(Stalled(sender.sent)));
  const auto start = std::chrono::steady_clock::now();
  conn->Close();
  sender.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // Another connection of the same transport still works.
  rx2.StartConsuming();
  const int port2 = FreePort();
  server->Bind(Endpoint(port2), &rx2.inbox);
  auto conn2 = client->Connect(Endpoint(port2));
  FrameBytes f = MakeFrame(7, 10);
  ASSERT_TRUE(conn2->Send(f));
  ASSERT_TRUE(WaitUntil([&] { return rx2.Has(7); }));
}

TEST(InProcessTransportTest, CloseReleasesASenderBlockedOnAFullInboxOrAnAbsentPeer) {
  InProcessTransport transport;
  Inbox inbox(1024);
  transport.Bind("a:1", &inbox);
  for (const std::string endpoint : {"a:1", "absent:2"}) {
    auto conn = transport.Connect(endpoint);
    SendingThread sender(*conn, 1000);
    ASSERT_TRUE(WaitUntil(Stalled(sender.sent))) << endpoint;
    EXPECT_FALSE(sender.refused.load()) << endpoint;
    const auto start = std::chrono::steady_clock::now();
    conn->Close();
    sender.Join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << endpoint;
    FrameBytes f = MakeFrame(0, 10);
    EXPECT_FALSE(conn->Send(f)) << endpoint;
  }
  transport.Unbind("a:1");
}

TEST(TcpTransportTest, DestroyingWithAFullInboxAndABlockedSenderDoesNotHang) {
  const int port = FreePort();
  Receiver rx(64 * 1024);  // nobody ever pops
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options(128 * 1024));
  auto conn = client->Connect(Endpoint(port));
  SendingThread sender(*conn, 64 * 1024);
  ASSERT_TRUE(WaitUntil(Stalled(sender.sent)));
  const auto start = std::chrono::steady_clock::now();
  server.reset();  // its inbox is full, its pusher blocked in Push
  client.reset();  // its sender blocked in Send (or reconnecting)
  sender.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(TcpTransportTest, UnbindWithAFullInboxDoesNotHang) {
  const int port = FreePort();
  Receiver rx(64 * 1024);
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx.inbox);
  auto client = MakeTcpTransport(Options(128 * 1024));
  auto conn = client->Connect(Endpoint(port));
  SendingThread sender(*conn, 64 * 1024, 200);
  ASSERT_TRUE(WaitUntil(Stalled(sender.sent)));
  server->Unbind(Endpoint(port));
  // The port is free again at once.
  Receiver rx2;
  rx2.StartConsuming();
  auto again = MakeTcpTransport(Options());
  again->Bind(Endpoint(port), &rx2.inbox);
  // The sender's held frames go to the new peer (some of those written to
  // the old one are lost with it), and the sender finishes.
  ASSERT_TRUE(WaitUntil([&] { return rx2.Has(199); }, 60s));
  sender.Join();
}

TEST(TcpTransportTest, BindThrowsNamingAPortInUse) {
  const int port = FreePort();
  Receiver a;
  Receiver b;
  auto first = MakeTcpTransport(Options());
  first->Bind(Endpoint(port), &a.inbox);
  auto second = MakeTcpTransport(Options());
  try {
    second->Bind(Endpoint(port), &b.inbox);
    FAIL() << "bound a port in use";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos) << e.what();
  }
}

TEST(TcpTransportTest, ConnectRefusesAnEndpointThatIsNotHostPort) {
  auto client = MakeTcpTransport(Options());
  EXPECT_THROW(client->Connect("no-port"), StormError);
  EXPECT_THROW(client->Connect("host:"), StormError);
  EXPECT_THROW(client->Connect("host:99999"), StormError);
  EXPECT_THROW(client->Connect("host:12ab"), StormError);
  EXPECT_NO_THROW(client->Connect("localhost:1"));
}

}  // namespace
}  // namespace storm
