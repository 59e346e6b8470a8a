// Micro-benchmarks (Google Benchmark) of the hot path's pieces: tuple
// serialization, the fields grouping hash, the acker's table and a batch
// handed between two threads through a BatchQueue.
//
//   build/bin/storm-micro-bench [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <thread>

#include "acker/acker_bolt.h"
#include "common/serialization.h"
#include "worker/batch_queue.h"
#include "worker/grouping.h"
#include "worker/id_generator.h"

namespace storm {
namespace {

Tuple SampleTuple() {
  Tuple t;
  t.mutableValues() = Values{int64_t{42}, "some data", 2.5};
  t.mutableMessageId().putXor(0x1234, 0x5678);
  return t;
}

void BM_SerializeTuple(benchmark::State& state) {
  Tuple t = SampleTuple();
  std::vector<uint8_t> buf;
  for (auto _ : state) {
    buf.clear();
    ByteWriter w(buf);
    SerializeTuple(t, w);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeTuple);

void BM_DeserializeTuple(benchmark::State& state) {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  SerializeTuple(SampleTuple(), w);
  Tuple out;
  for (auto _ : state) {
    ByteReader r(buf.data(), buf.size());
    benchmark::DoNotOptimize(DeserializeTuple(r, out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DeserializeTuple);

void BM_StableHashString(benchmark::State& state) {
  Value word("streaming");
  for (auto _ : state) benchmark::DoNotOptimize(StableHash(word));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StableHashString);

void BM_AckerTree(benchmark::State& state) {
  // One tree of two edges: init, two acks; the table holds ~10k live trees.
  AckerCore core;
  IdGenerator ids(1);
  int task = 0;
  for (auto _ : state) {
    const uint64_t root = ids.Next(), e1 = ids.Next(), e2 = ids.Next();
    core.Init(root, e1, 7, &task);
    core.Ack(root, e1 ^ e2, &task);
    benchmark::DoNotOptimize(core.Ack(root, e2, &task));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AckerTree);

void BM_BatchQueueHandoff(benchmark::State& state) {
  // Pointers handed to a consumer thread and back through a second queue.
  BatchQueue<int> forward("forward", 1024);
  BatchQueue<int> back("back", 1024);
  std::atomic<bool> stop{false};
  std::vector<int> items(512);
  for (int& i : items) back.TryPush(&i);
  std::thread consumer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (int* item = forward.TryPop()) {
        back.Push(item, stop);
      }
    }
  });
  for (auto _ : state) {
    int* item;
    while ((item = back.TryPop()) == nullptr) {
    }
    forward.Push(item, stop);
  }
  stop = true;
  consumer.join();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BatchQueueHandoff);

}  // namespace
}  // namespace storm

BENCHMARK_MAIN();
