// Micro-benchmarks (Google Benchmark) of the hot path's pieces: tuple
// serialization, the fields grouping hash, the acker's table, a batch
// handed between two threads through a BatchQueue, and frames through a
// TcpTransport over loopback.
//
//   build/bin/storm-micro-bench [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <thread>

#include "acker/acker_bolt.h"
#include "common/topology/serialization.h"
#include "worker/batch_queue.h"
#include "worker/frame.h"
#include "worker/grouping.h"
#include "worker/id_generator.h"
#include "worker/tcp_transport.h"

namespace storm {
namespace {

Tuple SampleTuple() {
  Tuple t;
  MutableValues(t) = Values{int64_t{42}, "some data", 2.5};
  MutableMessageId(t).putXor(0x1234, 0x5678);
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

// What the worker send and receive threads do per tuple: the perf
// topology's tuples (a data tuple with one anchor, acker tuples of two and
// three ints) written into frames, and frames read back into tuples.
std::vector<Tuple> PerfTopologyTuples() {
  std::vector<Tuple> tuples(3);
  MutableValues(tuples[0]) = Values{"some data"};
  MutableMessageId(tuples[0]).putXor(0x9e3779b97f4a7c15ULL, 0x7f4a7c159e3779b9ULL);
  MutableValues(tuples[1]) = Values{int64_t{-0x61c8864680b583ebLL}, int64_t{0x3c6ef372fe94f82aLL}};
  MutableValues(tuples[2]) = Values{int64_t{0x1b873593ab0e9789LL}, int64_t{0x5be0cd19137e2179LL},
                                     int64_t{3}};
  return tuples;
}

void BM_TupleFrameWrite(benchmark::State& state) {
  const std::vector<Tuple> tuples = PerfTopologyTuples();
  TupleFrameWriter writer;
  std::vector<uint8_t> frame;
  size_t i = 0;
  for (auto _ : state) {
    writer.Add(7, tuples[i++ % tuples.size()]);
    if (writer.count() == 256) {
      writer.Finish(frame);
      benchmark::DoNotOptimize(frame.data());
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TupleFrameWrite);

void BM_TupleFrameRead(benchmark::State& state) {
  const std::vector<Tuple> tuples = PerfTopologyTuples();
  TupleFrameWriter writer;
  for (size_t i = 0; i < 256; ++i) writer.Add(7, tuples[i % tuples.size()]);
  std::vector<uint8_t> frame;
  writer.Finish(frame);
  Tuple out;
  for (auto _ : state) {
    ForEachTuple(frame, [&](int, ByteReader& bytes) {
      benchmark::DoNotOptimize(DeserializeTuple(bytes, out));
    });
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_TupleFrameRead);

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

// Counts the frames delivered to it (on the transport's receiving thread).
class CountingSink final : public FrameSink {
 public:
  void Deliver(const FrameBytes&) override { received.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<uint64_t> received{0};
};

void BM_TcpTransportFrames(benchmark::State& state) {
  // Tuple frames of range(0) bytes from one sender to a receiver that only
  // counts them, on the transport's receiving thread (a worker's receive
  // thread decodes them there). tuples/s counts SampleTuple-sized tuples;
  // the frame is refilled with a copy each time, as the worker send thread
  // refills its reused buffer.
  const auto frame_bytes = static_cast<size_t>(state.range(0));
  CountingSink sink;
  TcpTransportOptions options;
  options.topology_id = "bench";
  auto server = MakeTcpTransport(options);
  const std::string endpoint = "127.0.0.1:" + std::to_string(server->Bind("127.0.0.1:0", &sink));
  auto client = MakeTcpTransport(options);
  auto conn = client->Connect(endpoint);

  TupleFrameWriter writer;
  const Tuple tuple = SampleTuple();
  while (writer.bytes() < frame_bytes) writer.Add(3, tuple);
  const size_t tuples_per_frame = writer.count();
  FrameBytes proto;
  writer.Finish(proto);
  FrameBytes frame;
  uint64_t sent = 0;
  for (auto _ : state) {
    frame.assign(proto.begin(), proto.end());
    conn->Send(frame);
    ++sent;
  }
  while (sink.received.load() < sent) std::this_thread::yield();
  server->Unbind(endpoint);
  state.SetBytesProcessed(static_cast<int64_t>(sent * proto.size()));
  state.counters["tuples/s"] =
      benchmark::Counter(static_cast<double>(sent * tuples_per_frame), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TcpTransportFrames)->Arg(1024)->Arg(32 * 1024)->Arg(256 * 1024)->UseRealTime();

}  // namespace
}  // namespace storm

BENCHMARK_MAIN();
