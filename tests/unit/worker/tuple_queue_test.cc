// TupleQueue: bounded by slots and by the tuples its batches hold, so that a
// queue of one-tuple batches and one of full batches hold about as many
// tuples (topology.executor.receive.buffer.size and
// topology.transfer.buffer.size count tuples).
#include "worker/tuple_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace storm {
namespace {

TupleBatch* Filled(TupleQueue& queue, size_t tuples) {
  TupleBatch* batch = queue.AcquireEmpty();
  for (size_t i = 0; i < tuples; ++i) batch->Append().task = static_cast<int>(i);
  return batch;
}

TEST(TupleQueueTest, HoldsAboutAsManyTuplesAsItsBoundWhateverTheBatchSize) {
  BatchPool pool(64);
  TupleQueue queue("in:bolt", /*slots=*/64, /*max_tuples=*/100, &pool);
  // Forty batches of one tuple take forty slots and forty tuples of the bound.
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(queue.TryPush(Filled(queue, 1)));
  // Then 60 more tuples fit, not 61.
  TupleBatch* sixty = Filled(queue, 60);
  TupleBatch* one = Filled(queue, 1);
  ASSERT_TRUE(queue.TryPush(sixty));
  EXPECT_FALSE(queue.TryPush(one));
  EXPECT_TRUE(queue.NoRoomFor(one));
  EXPECT_EQ(queue.WeightApprox(), 100u);
  // A pop makes room for what it took.
  TupleBatch* popped = queue.TryPop();
  ASSERT_NE(popped, nullptr);
  EXPECT_EQ(popped->size(), 1u);
  queue.Recycle(popped);
  EXPECT_TRUE(queue.TryPush(one));
  while (TupleBatch* b = queue.TryPop()) queue.Recycle(b);
  EXPECT_EQ(queue.WeightApprox(), 0u);
}

TEST(TupleQueueTest, AnEmptyQueueTakesABatchLargerThanItsBound) {
  BatchPool pool(64);
  TupleQueue queue("transfer", 16, /*max_tuples=*/10, &pool);
  TupleBatch* big = Filled(queue, 64);
  ASSERT_TRUE(queue.TryPush(big));
  TupleBatch* one = Filled(queue, 1);
  EXPECT_FALSE(queue.TryPush(one));
  queue.Recycle(queue.TryPop());
  EXPECT_TRUE(queue.TryPush(one));
  queue.Recycle(queue.TryPop());
}

TEST(TupleQueueTest, APushWaitingForRoomGoesThroughOnceTheConsumerTakes) {
  BatchPool pool(64);
  TupleQueue queue("out:spout", 16, /*max_tuples=*/64, &pool);
  ASSERT_TRUE(queue.TryPush(Filled(queue, 64)));
  TupleBatch* waiting = Filled(queue, 8);
  std::atomic<bool> stop{false};
  std::atomic<bool> pushed{false};
  std::thread producer([&] { pushed = queue.Push(waiting, stop); });
  TupleBatch* first = nullptr;
  while ((first = queue.TryPop()) == nullptr) std::this_thread::yield();
  EXPECT_EQ(first->size(), 64u);
  queue.Recycle(first);
  producer.join();
  EXPECT_TRUE(pushed);
  TupleBatch* second = queue.TryPop();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->size(), 8u);
  queue.Recycle(second);
}

TEST(TupleQueueTest, APushWaitingForRoomGivesUpOnStop) {
  BatchPool pool(64);
  TupleQueue queue("in:bolt", 16, /*max_tuples=*/64, &pool);
  ASSERT_TRUE(queue.TryPush(Filled(queue, 64)));
  TupleBatch* waiting = Filled(queue, 8);
  std::atomic<bool> stop{false};
  std::atomic<bool> pushed{true};
  std::thread producer([&] { pushed = queue.Push(waiting, stop); });
  stop = true;
  producer.join();
  EXPECT_FALSE(pushed);
  queue.Recycle(waiting);
}

TEST(TupleQueueTest, AConsumerWaitingForRoomInAnotherQueueIsWokenWhenThatHasRoom) {
  // A spout's in-queue and out-queue: held back by a full out-queue, the
  // spout parks on its in-queue until acks come or the out-queue has room.
  BatchPool pool(64);
  TupleQueue in("in:spout", 16, /*max_tuples=*/64, &pool);
  TupleQueue out("out:spout", 16, /*max_tuples=*/64, &pool);
  out.WakeOnRoom(in);
  ASSERT_TRUE(out.TryPush(Filled(out, 64)));
  TupleBatch* overflow = Filled(out, 8);
  ASSERT_TRUE(out.NoRoomFor(overflow));
  std::atomic<bool> parking{false};
  std::thread spout([&] {
    in.WaitForItems(std::chrono::hours(1), [&] {
      const bool no_room = out.NoRoomFor(overflow);
      if (no_room) parking = true;  // it stays parked until woken
      return no_room;
    });
  });
  while (!parking) std::this_thread::yield();
  out.Recycle(out.TryPop());  // makes room, which wakes the spout
  const uint64_t wakeups = in.consumer_parker().wakeups();
  if (wakeups == 0) in.WakeConsumer();  // not woken: let it go (and fail)
  spout.join();
  EXPECT_EQ(wakeups, 1u);
  EXPECT_TRUE(out.TryPush(overflow));
  out.Recycle(out.TryPop());
}

}  // namespace
}  // namespace storm
