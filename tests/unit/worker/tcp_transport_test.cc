#include "worker/tcp_transport.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storm/errors.h"
#include "support/ports.h"
#include "support/raw_connection.h"
#include "support/test_support.h"
#include "unit/worker/transport_test_support.h"
#include "worker/frame.h"

namespace storm {
namespace {

using namespace std::chrono_literals;
using testing::MakeFrame;
using testing::RawConnection;
using testing::Receiver;
using testing::SendingThread;
using testing::SendRange;
using testing::WaitUntil;

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

std::vector<uint8_t> Header(uint32_t length, uint8_t type) {
  std::vector<uint8_t> h(5);
  for (int i = 0; i < 4; ++i) h[i] = static_cast<uint8_t>(length >> (8 * i));
  h[4] = type;
  return h;
}

// A server transport with `rx` bound at port 0; returns the port bound.
int BindAnyPort(Transport& server, Receiver& rx) {
  const uint16_t port = server.Bind(Endpoint(0), &rx);
  EXPECT_NE(port, 0);
  return port;
}

// A server transport bound at port 0 and a client connected to it.
class TcpTransportConnectedTest : public ::testing::Test {
 protected:
  Receiver rx;  // first: it outlives the server that delivers to it
  std::unique_ptr<Transport> server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, rx);
  std::unique_ptr<Transport> client = MakeTcpTransport(Options());
  std::unique_ptr<Connection> conn = client->Connect(Endpoint(port));
};

TEST_F(TcpTransportConnectedTest, FramesArriveWholeAndInOrder) {

  constexpr uint64_t kFrames = 600;
  SendRange(*conn, 0, kFrames);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; }, 60s)) << rx.Count();
  EXPECT_TRUE(rx.GotInOrder(kFrames));
}

TEST(TcpTransportTest, SeveralSendersEachInOrder) {
  Receiver rx;
  auto server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, rx);
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

// Port 0 binds a port the system picks, a new one each time; the endpoint
// bound is "host:<port>", for peers and for Unbind.
TEST(TcpTransportTest, BindingPortZeroReturnsThePortBound) {
  Receiver a;
  Receiver b;
  auto server = MakeTcpTransport(Options());
  const int port_a = BindAnyPort(*server, a);
  const int port_b = BindAnyPort(*server, b);
  EXPECT_NE(port_a, port_b);
  auto client = MakeTcpTransport(Options());
  auto to_a = client->Connect(Endpoint(port_a));
  auto to_b = client->Connect(Endpoint(port_b));
  SendRange(*to_a, 0, 3);
  SendRange(*to_b, 0, 5);
  ASSERT_TRUE(WaitUntil([&] { return a.Count() >= 3 && b.Count() >= 5; }));
  EXPECT_TRUE(a.GotInOrder(3));
  EXPECT_TRUE(b.GotInOrder(5));

  // Unbound by that endpoint, the port is free: bound again, with another
  // sink, it gets the frames sent there from now on.
  server->Unbind(Endpoint(port_a));
  Receiver again;
  EXPECT_EQ(server->Bind(Endpoint(port_a), &again), port_a);
  SendRange(*to_a, 3, 6);
  ASSERT_TRUE(WaitUntil([&] { return again.Has(5); }));
  EXPECT_EQ(a.Count(), 3u);
  server.reset();  // before the sinks
}

TEST(TcpTransportTest, FramesSentBeforeThePeerBindsAreHeldAndDelivered) {
  testing::RefusingPort absent;  // the peer's port, until it comes up
  auto client = MakeTcpTransport(Options());
  auto conn = client->Connect(absent.endpoint());
  constexpr uint64_t kFrames = 40;  // a few MB: under max_held_bytes
  SendRange(*conn, 0, kFrames);

  Receiver rx;
  auto server = MakeTcpTransport(Options());
  absent.Release();
  server->Bind(absent.endpoint(), &rx);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; })) << rx.Count();
  EXPECT_TRUE(rx.GotInOrder(kFrames));
}

// The peer goes away (`unbind`: Unbind on its transport; otherwise its
// transport is destroyed) and comes back on the same port: frames sent after
// it is back arrive, in order, over the reconnected connection.
void PeerGoesAwayAndComesBack(bool unbind) {
  auto first = std::make_unique<Receiver>();
  auto server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, *first);
  auto client = MakeTcpTransport(Options());
  auto conn = client->Connect(Endpoint(port));
  SendRange(*conn, 0, 30);
  ASSERT_TRUE(WaitUntil([&] { return first->Count() >= 30; }));

  if (unbind) {
    server->Unbind(Endpoint(port));
  } else {
    server.reset();
  }
  SendRange(*conn, 30, 60);  // while nobody listens: held (the first may be lost)

  // The same port again, as a restarted worker binds its slot's.
  Receiver second;
  if (!unbind) server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &second);
  SendRange(*conn, 60, 90);
  ASSERT_TRUE(WaitUntil([&] { return second.Has(89); }));
  const auto seqs = second.Seqs();
  for (size_t i = 1; i < seqs.size(); ++i) ASSERT_LT(seqs[i - 1], seqs[i]);
  for (uint64_t seq = 60; seq < 90; ++seq) EXPECT_TRUE(second.Has(seq)) << seq;
  size_t held = 0;
  for (uint64_t seq : seqs) held += seq < 60 ? 1 : 0;
  std::printf("frames sent while the peer was away and delivered after: %zu of 30\n", held);
  server.reset();  // before `second`, its sink
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
  // A peer that accepts and never reads: big frames fill the socket's
  // buffers, so Send gets to write part of one.
  int port = 0;
  const int listen_fd = testing::BindLoopbackPort(port, "cannot bind a port");
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

  Receiver rx;
  auto server = MakeTcpTransport(Options());
  server->Bind(Endpoint(port), &rx);
  SendRange(*conn, 5, 40);
  ASSERT_TRUE(WaitUntil([&] { return rx.Has(39); }));
  const auto seqs = rx.Seqs();  // SeqOf has checked each frame whole
  for (size_t i = 1; i < seqs.size(); ++i) ASSERT_LT(seqs[i - 1], seqs[i]);
  for (uint64_t seq = 5; seq < 40; ++seq) EXPECT_TRUE(rx.Has(seq)) << seq;
  server.reset();  // before `rx`, its sink
}

// A sink that blocks (a worker whose executor queues are full) stops the
// receiving: the sender is held back, after what the socket buffers and
// max_held_bytes take, far from all it has to send; the transport's own
// sending goes on meanwhile (its receiving and sending threads are apart).
// Once the sink takes frames again, all arrive, in order.
TEST(TcpTransportTest, ASinkThatBlocksHoldsBackTheSendersButNotTheSending) {
  Receiver rx;
  rx.Hold();
  auto server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, rx);
  auto client = MakeTcpTransport(Options(256 * 1024));
  auto conn = client->Connect(Endpoint(port));

  constexpr size_t kFrames = 4000;
  constexpr size_t kFiller = 16 * 1024;  // 64 MB in all
  SendingThread sender(*conn, kFiller, kFrames);
  ASSERT_TRUE(WaitUntil([&] { return rx.Holding() && conn->SendBlocked(); }, 60s))
      << sender.sent.load() << " frames sent";
  const size_t blocked_at = sender.sent.load();
  std::printf("the sender blocked after %zu frames (%zu KB)\n", blocked_at,
              blocked_at * (kFiller + 13) / 1024);
  EXPECT_LT(blocked_at, kFrames / 2);
  EXPECT_EQ(rx.Count(), 0u);

  // The server's own sending goes on meanwhile.
  Receiver other;
  auto other_transport = MakeTcpTransport(Options());
  const int other_port = BindAnyPort(*other_transport, other);
  auto out = server->Connect(Endpoint(other_port));
  SendRange(*out, 0, 20);
  ASSERT_TRUE(WaitUntil([&] { return other.Count() >= 20; }));
  EXPECT_TRUE(other.GotInOrder(20));

  rx.Release();
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= kFrames; }, 60s)) << rx.Count();
  sender.Join();
  EXPECT_FALSE(sender.refused.load());
  EXPECT_TRUE(rx.GotInOrder(kFrames));
  // Once Unbind returns, nothing is delivered any more.
  server->Unbind(Endpoint(port));
  other_transport.reset();  // before `other`, its sink
}

TEST_F(TcpTransportConnectedTest, BadInputClosesOnlyThatConnection) {
  SendRange(*conn, 0, 20);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= 20; }));

  // A good raw client (no hello: allowed) with half a frame written.
  RawConnection good(port);
    ASSERT_TRUE(good.connected());
  const FrameBytes raw_frame = MakeFrame(1'000'000, 5000);
  ASSERT_TRUE(good.Send(std::vector<uint8_t>(raw_frame.begin(), raw_frame.begin() + 2000)));

  {
    RawConnection http(port);
    ASSERT_TRUE(http.connected());
    ASSERT_TRUE(http.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    EXPECT_TRUE(http.ClosedByPeer());
  }
  {
    RawConnection oversized(port);
    ASSERT_TRUE(oversized.connected());
    ASSERT_TRUE(oversized.Send(Header(kMaxFrameBytes + 1, 1)));
    EXPECT_TRUE(oversized.ClosedByPeer());
  }
  {
    RawConnection empty(port);
    ASSERT_TRUE(empty.connected());
    ASSERT_TRUE(empty.Send(Header(0, 1)));
    EXPECT_TRUE(empty.ClosedByPeer());
  }
  {
    RawConnection unknown_type(port);
    ASSERT_TRUE(unknown_type.connected());
    auto bytes = Header(10, 9);
    bytes.resize(14, 0);
    ASSERT_TRUE(unknown_type.Send(bytes));
    EXPECT_TRUE(unknown_type.ClosedByPeer());
  }
  {
    RawConnection other_topology(port);
    ASSERT_TRUE(other_topology.connected());
    ASSERT_TRUE(other_topology.Send(MakeHelloFrame("another-topology", "stale:1")));
    EXPECT_TRUE(other_topology.ClosedByPeer());
  }
  {
    RawConnection bad_hello(port);
    ASSERT_TRUE(bad_hello.connected());
    auto bytes = Header(4, static_cast<uint8_t>(FrameType::kHello));
    bytes.insert(bytes.end(), {0x7f, 'x', 'y'});  // a topology id longer than the frame
    ASSERT_TRUE(bad_hello.Send(bytes));
    EXPECT_TRUE(bad_hello.ClosedByPeer());
  }

  ASSERT_TRUE(good.Send(std::vector<uint8_t>(raw_frame.begin() + 2000, raw_frame.end())));
  SendRange(*conn, 20, 40);
  ASSERT_TRUE(WaitUntil([&] { return rx.Has(39) && rx.Has(1'000'000); }));
  std::vector<uint64_t> ours;
  for (uint64_t seq : rx.Seqs()) {
    if (seq < 1'000'000) ours.push_back(seq);
  }
  ASSERT_EQ(ours.size(), 40u);
  for (uint64_t i = 0; i < 40; ++i) ASSERT_EQ(ours[i], i);
}

// Random bytes that no frame starts with (a length outside 1..kMaxFrameBytes
// or a type the transport does not know), each on a connection of its own,
// after a random number of good frames: every such connection is closed by
// the server, and what is delivered from it is whole good frames in order
// (good frames read together with the garbage are dropped with the
// connection). A connection sending good frames meanwhile is not disturbed:
// all its frames arrive, in order.
TEST_F(TcpTransportConnectedTest, RandomGarbageClosesItsConnectionAndGoodFramesStillArrive) {

  std::mt19937_64 rng(2024);
  std::uniform_int_distribution<int> byte(0, 255);
  constexpr int kConnections = 60;
  uint64_t good_seq = 0;
  uint64_t raw_seq = 2'000'000;
  for (int i = 0; i < kConnections; ++i) {
    std::vector<uint8_t> garbage(1 + rng() % 64);
    for (auto& b : garbage) b = static_cast<uint8_t>(byte(rng));
    if (garbage.size() < 5) garbage.resize(5, 0);
    uint32_t length =
        garbage[0] | garbage[1] << 8 | garbage[2] << 16 | static_cast<uint32_t>(garbage[3]) << 24;
    if (i % 2 == 0) {
      // A plausible length and a type nobody uses.
      length = 1 + static_cast<uint32_t>(rng() % 1000);
      garbage[4] = static_cast<uint8_t>(16 + rng() % 240);
    } else if (length >= 1 && length <= kMaxFrameBytes) {
      length = kMaxFrameBytes + 1 + static_cast<uint32_t>(rng() % 1000);
    }
    for (int k = 0; k < 4; ++k) garbage[k] = static_cast<uint8_t>(length >> (8 * k));

    RawConnection raw(port);
    ASSERT_TRUE(raw.connected());
    const uint64_t good_frames = rng() % 3;
    for (uint64_t g = 0; g < good_frames; ++g) {
      ASSERT_TRUE(raw.Send(MakeFrame(raw_seq++, rng() % 3000)));
    }
    ASSERT_TRUE(raw.Send(garbage));
    EXPECT_TRUE(raw.ClosedByPeer()) << "connection " << i;
    SendRange(*conn, good_seq, good_seq + 5);
    good_seq += 5;
  }
  ASSERT_TRUE(WaitUntil([&] { return rx.Has(good_seq - 1); }));
  std::vector<uint64_t> ours;
  uint64_t raw_last = 0;
  for (uint64_t seq : rx.Seqs()) {
    if (seq < 1'000'000) {
      ours.push_back(seq);
    } else {
      ASSERT_LT(seq, raw_seq);
      ASSERT_GT(seq, raw_last) << "frames of the garbage connections out of order";
      raw_last = seq;
    }
  }
  ASSERT_EQ(ours.size(), good_seq);
  for (uint64_t i = 0; i < good_seq; ++i) ASSERT_EQ(ours[i], i);
}

TEST(TcpTransportTest, DestroyingWithABlockedSenderToAnAbsentPeerDoesNotHang) {
  testing::RefusingPort absent;
  auto client = MakeTcpTransport(Options(64 * 1024));
  auto conn = client->Connect(absent.endpoint());
  SendingThread sender(*conn, 16 * 1024);
  ASSERT_TRUE(WaitUntil([&] { return conn->SendBlocked(); }));
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
  testing::RefusingPort absent;
  auto client = MakeTcpTransport(Options(64 * 1024));
  auto conn = client->Connect(absent.endpoint());
  SendingThread sender(*conn, 16 * 1024);
  ASSERT_TRUE(WaitUntil([&] { return conn->SendBlocked(); }));
  EXPECT_FALSE(sender.refused.load());
  const auto start = std::chrono::steady_clock::now();
  conn->Close();
  sender.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(sender.refused.load());
  EXPECT_FALSE(conn->SendBlocked());
  FrameBytes f = MakeFrame(0, 10);
  EXPECT_FALSE(conn->Send(f));
  conn->Close();  // idempotent
  conn.reset();   // then abandoned, and the transport destroyed, as usual
  client.reset();
}

TEST(TcpTransportTest, CloseReleasesASenderBlockedOnASinkThatBlocks) {
  Receiver rx;
  rx.Hold();
  Receiver rx2;  // outlives the server, which delivers to both
  auto server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, rx);
  auto client = MakeTcpTransport(Options(128 * 1024));
  auto conn = client->Connect(Endpoint(port));
  SendingThread sender(*conn, 64 * 1024);
  ASSERT_TRUE(WaitUntil([&] { return rx.Holding() && conn->SendBlocked(); }, 60s));
  const auto start = std::chrono::steady_clock::now();
  conn->Close();
  sender.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(sender.refused.load());
  // Another connection of the same client transport still works (the
  // server's receiving is stopped by `rx`: it goes to another server).
  auto server2 = MakeTcpTransport(Options());
  const int port2 = BindAnyPort(*server2, rx2);
  auto conn2 = client->Connect(Endpoint(port2));
  FrameBytes f = MakeFrame(7, 10);
  ASSERT_TRUE(conn2->Send(f));
  ASSERT_TRUE(WaitUntil([&] { return rx2.Has(7); }));
  rx.Stop();  // as a stopping worker does, before its transport goes
}

// Destroying both ends while the receiving sink holds frames: the client's
// sender, blocked on the full connection, is released at once, and the
// server goes once its sink has let go (Worker::Stop does before a worker's
// transport goes).
TEST(TcpTransportTest, DestroyingBothEndsWhileTheSinkHoldsDoesNotHang) {
  Receiver rx;
  rx.Hold();
  auto server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, rx);
  auto client = MakeTcpTransport(Options(128 * 1024));
  auto conn = client->Connect(Endpoint(port));
  SendingThread sender(*conn, 64 * 1024);
  ASSERT_TRUE(WaitUntil([&] { return rx.Holding() && conn->SendBlocked(); }, 60s));
  const auto start = std::chrono::steady_clock::now();
  client.reset();  // its sender blocked in Send
  sender.Join();
  EXPECT_TRUE(sender.refused.load());
  rx.Stop();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// Unbind while the sink holds a frame (once it lets go, as a stopping worker
// does): the port is free again at once, and the sender's held frames go to
// the next peer bound there (some written to the old one are lost with it).
TEST(TcpTransportTest, UnbindWhileTheSinkHoldsReturnsAndThePortIsFreeAgain) {
  Receiver rx;
  rx.Hold();
  auto server = MakeTcpTransport(Options());
  const int port = BindAnyPort(*server, rx);
  auto client = MakeTcpTransport(Options(128 * 1024));
  auto conn = client->Connect(Endpoint(port));
  SendingThread sender(*conn, 64 * 1024, 200);
  ASSERT_TRUE(WaitUntil([&] { return rx.Holding() && conn->SendBlocked(); }, 60s));
  rx.Stop();
  server->Unbind(Endpoint(port));
  Receiver rx2;
  auto again = MakeTcpTransport(Options());
  again->Bind(Endpoint(port), &rx2);
  ASSERT_TRUE(WaitUntil([&] { return rx2.Has(199); }, 60s));
  sender.Join();
  EXPECT_FALSE(sender.refused.load());
  EXPECT_EQ(rx.Count(), 0u);
}

TEST(TcpTransportTest, BindThrowsNamingAPortInUse) {
  Receiver a;
  Receiver b;
  auto first = MakeTcpTransport(Options());
  const int port = BindAnyPort(*first, a);
  auto second = MakeTcpTransport(Options());
  try {
    second->Bind(Endpoint(port), &b);
    FAIL() << "bound a port in use";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos) << e.what();
  }
  // And the same transport refuses to bind an endpoint twice.
  EXPECT_THROW(first->Bind(Endpoint(port), &b), StormError);
}

TEST(TcpTransportTest, ConnectRefusesAnEndpointThatIsNotHostPort) {
  auto client = MakeTcpTransport(Options());
  EXPECT_THROW(client->Connect("no-port"), StormError);
  EXPECT_THROW(client->Connect("host:"), StormError);
  EXPECT_THROW(client->Connect("host:99999"), StormError);
  EXPECT_THROW(client->Connect("host:12ab"), StormError);
  EXPECT_THROW(client->Connect("host:0"), StormError);
  EXPECT_NO_THROW(client->Connect("localhost:1"));
}

}  // namespace
}  // namespace storm
