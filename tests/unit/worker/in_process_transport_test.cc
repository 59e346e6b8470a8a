// InProcessTransport: the transport between the workers of one process
// (local mode): frames reach the bound sink in order, on the endpoint's
// receive thread; a sender blocked on a sink that holds frames, or on a peer
// not bound, is released by Close or by Unbind.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "storm/errors.h"
#include "support/test_support.h"
#include "unit/worker/transport_test_support.h"
#include "worker/transport.h"

namespace storm {
namespace {

using namespace std::chrono_literals;
using testing::MakeFrame;
using testing::Receiver;
using testing::SendingThread;
using testing::SendRange;
using testing::WaitUntil;

TEST(InProcessTransportTest, CloseReleasesASenderBlockedOnASinkThatBlocksOrAnAbsentPeer) {
  InProcessTransport transport(1024);
  Receiver rx;
  rx.Hold();
  EXPECT_EQ(transport.Bind("a:1", &rx), 1);
  for (const std::string endpoint : {"a:1", "absent:2"}) {
    auto conn = transport.Connect(endpoint);
    SendingThread sender(*conn, 1000);
    ASSERT_TRUE(WaitUntil([&] { return conn->SendBlocked(); })) << endpoint;
    EXPECT_FALSE(sender.refused.load()) << endpoint;
    const auto start = std::chrono::steady_clock::now();
    conn->Close();
    sender.Join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << endpoint;
    EXPECT_TRUE(sender.refused.load()) << endpoint;
    FrameBytes f = MakeFrame(0, 10);
    EXPECT_FALSE(conn->Send(f)) << endpoint;
  }
  EXPECT_TRUE(rx.Holding());
  rx.Stop();
  transport.Unbind("a:1");
}

// In process, a bound endpoint's frames reach its sink in order, on one
// thread; Unbind releases a sender blocked on the endpoint's full queue.
TEST(InProcessTransportTest, FramesArriveInOrderAndUnbindReleasesABlockedSender) {
  InProcessTransport transport(64 * 1024);
  Receiver rx;
  transport.Bind("b:7", &rx);
  auto conn = transport.Connect("b:7");
  SendRange(*conn, 0, 100);
  ASSERT_TRUE(WaitUntil([&] { return rx.Count() >= 100; }));
  EXPECT_TRUE(rx.GotInOrder(100));

  rx.Hold();
  SendingThread sender(*conn, 16 * 1024);
  ASSERT_TRUE(WaitUntil([&] { return rx.Holding() && conn->SendBlocked(); }));
  // Unbind closes the queue first, which refuses the blocked sender at once;
  // then it waits for the receive thread, held in Deliver until the sink
  // lets go (as Worker::Stop makes it).
  std::thread unbind([&] { transport.Unbind("b:7"); });
  EXPECT_TRUE(WaitUntil([&] { return sender.refused.load(); }, 5s));
  rx.Stop();
  unbind.join();
  sender.Join();
}

// As over TCP: an endpoint bound already is refused, the first binding
// keeps its frames, and once unbound the endpoint may be bound again.
TEST(InProcessTransportTest, BindingABoundEndpointIsRefused) {
  InProcessTransport transport;
  Receiver first;
  Receiver second;
  EXPECT_EQ(transport.Bind("w:7", &first), 7);
  EXPECT_THROW(transport.Bind("w:7", &second), StormError);
  auto conn = transport.Connect("w:7");
  SendRange(*conn, 0, 10);
  ASSERT_TRUE(WaitUntil([&] { return first.Count() >= 10; }));
  EXPECT_EQ(second.Count(), 0u);
  transport.Unbind("w:7");
  EXPECT_EQ(transport.Bind("w:7", &second), 7);
  transport.Unbind("w:7");
}

}  // namespace
}  // namespace storm
