// Worker: Stop returns although its send thread is blocked sending to a peer
// that is gone (more than max_held_bytes held): it closes its connections.
// Tuples from the wire that claim a wrong origin are rejected, and so are
// malformed acker packs; malformed frames are counted, and the worker goes
// on delivering good ones.
#include "worker/worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/util/clock.h"
#include "common/config/config_loader.h"
#include "common/topology/topology_layout.h"
#include "common/topology/topology_library.h"
#include "support/ports.h"
#include "support/temp_dir.h"
#include "support/test_support.h"
#include "support/topology_code.h"
#include "worker/component_factory.h"
#include "worker/event_log.h"
#include "worker/frame.h"
#include "worker/tcp_transport.h"
#include "worker/transport.h"

namespace storm {
namespace {

using namespace std::chrono_literals;

// A Transport over another that keeps the connections it makes, for the
// test to look at while the worker that owns them runs.
class ObservedTransport final : public Transport {
 public:
  explicit ObservedTransport(std::unique_ptr<Transport> inner) : inner_(std::move(inner)) {}
  uint16_t Bind(const std::string& endpoint, FrameSink* sink) override {
    return inner_->Bind(endpoint, sink);
  }
  void Unbind(const std::string& endpoint) override { inner_->Unbind(endpoint); }
  std::unique_ptr<Connection> Connect(const std::string& endpoint) override {
    auto connection = inner_->Connect(endpoint);
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.push_back(connection.get());
    return connection;
  }
  bool AnySendBlocked() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Connection* c : connections_) {
      if (c->SendBlocked()) return true;
    }
    return false;
  }

 private:
  std::unique_ptr<Transport> inner_;
  std::mutex mutex_;
  std::vector<Connection*> connections_;  // guarded by mutex_
};

// A Transport that only takes the sink a worker binds, so that the test
// itself is the worker receive thread: each Deliver has had all its effects
// on the worker's counters when it returns. Frames the worker sends are
// dropped.
class TestIsTheReceiveThread final : public Transport {
 public:
  uint16_t Bind(const std::string&, FrameSink* sink) override {
    sink_ = sink;
    return 0;
  }
  void Unbind(const std::string&) override { sink_ = nullptr; }
  std::unique_ptr<Connection> Connect(const std::string&) override {
    return std::make_unique<DroppingConnection>();
  }
  void Deliver(const FrameBytes& frame) { sink_->Deliver(frame); }

 private:
  class DroppingConnection final : public Connection {
   public:
    bool Send(FrameBytes& frame) override {
      frame.clear();
      return true;
    }
    void Close() override {}
  };
  FrameSink* sink_ = nullptr;
};

// Storm's ConstSpoutNullBoltTopo without ackers, laid out as perf-1-1.
class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = TopologyLibrary::Load(testing::ExamplesDir() + "/libconst_spout_null_bolt.so");
    std::vector<Submission> submissions = library_->Run({"perf"});
    ASSERT_EQ(submissions.size(), 1u);
    Config conf = DefaultConfig();
    conf.merge(submissions[0].conf);
    conf.put(Config::kTopologyAckerExecutors, 0);
    layout_ = BuildRunningLayout("perf-1-1", submissions[0].topology, conf, {});
    factory_ = std::make_unique<TopologyComponentFactory>(layout_);
  }

  // A worker running only the bolt (nothing else sends it tuples).
  WorkerSpec BoltOnly(const std::string& endpoint) const {
    WorkerSpec spec;
    spec.layout = layout_;
    spec.endpoint = endpoint;
    spec.endpoint_of_task.assign(static_cast<size_t>(layout_->max_task()) + 1, endpoint);
    for (const ExecutorDef& e : layout_->executors()) {
      if (e.component == "bolt") spec.executors.push_back(e);
    }
    return spec;
  }

  std::shared_ptr<TopologyLibrary> library_;  // loaded while its objects live
  std::shared_ptr<const TopologyLayout> layout_;
  std::unique_ptr<TopologyComponentFactory> factory_;
};

TEST_F(WorkerTest, StopReturnsWhileTheSendThreadIsBlockedOnAPeerThatIsGone) {
  // Without ackers nothing bounds what the spout emits but the transport's
  // held bytes.

  // The spout here (at a port the system picks), the bolt at a port nobody
  // listens on.
  const testing::RefusingPort absent;
  WorkerSpec spec;
  spec.layout = layout_;
  spec.endpoint = "127.0.0.1:0";
  spec.endpoint_of_task.resize(static_cast<size_t>(layout_->max_task()) + 1);
  for (const ExecutorDef& e : layout_->executors()) {
    const bool spout = e.component == "spout";
    if (spout) spec.executors.push_back(e);
    for (int t = e.first_task; t <= e.last_task; ++t) {
      spec.endpoint_of_task[t] = spout ? spec.endpoint : absent.endpoint();
    }
  }
  ASSERT_EQ(spec.executors.size(), 1u);
  TcpTransportOptions options;
  options.topology_id = "perf-1-1";
  options.local_endpoint = spec.endpoint;
  options.max_held_bytes = 256 * 1024;
  ObservedTransport transport(MakeTcpTransport(options));
  Worker worker(std::move(spec), &transport, RealClock::Get(), factory_.get());
  EXPECT_NE(worker.Bind(), 0);
  worker.Start();
  // Until the worker send thread is blocked in Send: the peer never takes
  // what it holds.
  ASSERT_TRUE(testing::WaitUntil([&] { return transport.AnySendBlocked(); }, 30s));
  EXPECT_GT(worker.Totals().emitted, 0u);
  const auto start = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// Nimbus's debug switch: with sampling on, a component's emits go to the
// worker's events.log (one in round(100 / percent)); a component's own
// entry wins over the topology's (""); off stops the sampling. No file until
// the first event.
TEST_F(WorkerTest, DebugSamplingLogsEmitsToTheEventLog) {
  testing::TempDir dir;
  const std::filesystem::path path = dir / "perf-1-1" / "6700" / "events.log";
  EventLog events(path.string(), 1 << 20, 2);
  WorkerSpec spec;
  spec.layout = layout_;
  spec.endpoint = "local:1";
  spec.endpoint_of_task.assign(static_cast<size_t>(layout_->max_task()) + 1, spec.endpoint);
  spec.executors = layout_->executors();
  spec.events = &events;
  InProcessTransport transport;
  Worker worker(std::move(spec), &transport, RealClock::Get(), factory_.get());
  const auto percent = [&](const std::string& component) {
    for (const Executor* e : worker.executors()) {
      if (e->def().component == component) return e->EventSamplingPercent();
    }
    return -1.0;
  };
  worker.SetDebug({{"", DebugOptions{true, 10}}, {"bolt", DebugOptions{false, 0}}});
  EXPECT_DOUBLE_EQ(percent("spout"), 10);
  EXPECT_DOUBLE_EQ(percent("bolt"), 0);
  worker.SetDebug({});
  EXPECT_DOUBLE_EQ(percent("spout"), 0);

  worker.Start();
  ASSERT_TRUE(testing::WaitUntil([&] { return worker.Totals().emitted > 1000; }, 30s));
  EXPECT_FALSE(std::filesystem::exists(path));
  worker.SetDebug({{"spout", DebugOptions{true, 100}}});
  EXPECT_DOUBLE_EQ(percent("spout"), 100);
  const auto lines = [&] {
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    return all;
  };
  ASSERT_TRUE(testing::WaitUntil([&] { return lines().size() >= 10; }, 30s));
  const std::string first = lines().front();
  EXPECT_TRUE(std::regex_match(
      first, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ts=\d{13}, component=spout, task=)" +
                            std::to_string(layout_->TasksOf("spout")[0]) +
                            R"(, stream=default, messageId=\d+, values=\["some data"\])")))
      << first;
  worker.SetDebug({{"spout", DebugOptions{false, 100}}});
  EXPECT_DOUBLE_EQ(percent("spout"), 0);
  worker.Stop();
}

// A frame from the wire may claim any origin: a tuple from a task of a
// component that does not emit its stream is rejected and counted, and the
// frame's other tuples are delivered.
TEST_F(WorkerTest, RejectsATupleFromATaskThatDoesNotEmitItsStream) {
  WorkerSpec spec = BoltOnly("local:1");
  ASSERT_EQ(spec.executors.size(), 1u);
  InProcessTransport transport;
  Worker worker(std::move(spec), &transport, RealClock::Get(), factory_.get());
  worker.Start();

  const int spout_task = layout_->TasksOf("spout").front();
  const int bolt_task = layout_->TasksOf("bolt").front();
  const TupleSchema* spout_stream = &layout_->Schema(layout_->StreamIndex("spout", "default"));
  TupleFrameWriter writer;
  Tuple tuple;
  MutableValues(tuple) = Values{"some data"};
  SetOrigin(tuple, spout_stream, spout_task);
  writer.Add(bolt_task, tuple);
  SetOrigin(tuple, spout_stream, bolt_task);  // the bolt does not emit the spout's stream
  writer.Add(bolt_task, tuple);
  SetOrigin(tuple, spout_stream, spout_task);
  writer.Add(bolt_task, tuple);
  FrameBytes frame;
  writer.Finish(frame);
  ASSERT_EQ(transport.Push("local:1", frame, nullptr), InProcessTransport::PushResult::kPushed);

  EXPECT_TRUE(testing::WaitUntil([&] { return worker.Totals().executed == 2; }, 10s));
  EXPECT_EQ(worker.Totals().rejected_tuples, 1u);
  worker.Stop();
}

// Frames from the wire may be anything. Random bytes (their length field
// never matches) and valid frames to a task this worker does not run, with
// random bytes changed (all but the frame type, which may turn them into a
// control frame, and the destination tasks, which may turn them into tuples
// the bolt accepts): every such frame is counted as rejected (random bytes
// exactly once), none is executed, and a good frame afterwards is.
TEST_F(WorkerTest, RandomFramesAreCountedAsRejectedAndGoodOnesStillDelivered) {
  WorkerSpec spec = BoltOnly("local:1");
  ASSERT_EQ(spec.executors.size(), 1u);
  TestIsTheReceiveThread transport;
  Worker worker(std::move(spec), &transport, RealClock::Get(), factory_.get());
  worker.Start();

  const int spout_task = layout_->TasksOf("spout").front();
  const int bolt_task = layout_->TasksOf("bolt").front();
  const TupleSchema* spout_stream = &layout_->Schema(layout_->StreamIndex("spout", "default"));
  const auto frame_of = [&](int task, int tuples) {
    TupleFrameWriter writer;
    Tuple tuple;
    SetOrigin(tuple, spout_stream, spout_task);
    for (int i = 0; i < tuples; ++i) {
      MutableValues(tuple) = Values{"tuple " + std::to_string(i)};
      writer.Add(task, tuple);
    }
    FrameBytes frame;
    writer.Finish(frame);
    return frame;
  };
  // Three tuples to task 1000 (a two-byte varint), which the topology lacks.
  const FrameBytes elsewhere = frame_of(1000, 3);
  std::set<size_t> fixed = {4};  // the type; then each tuple's task
  for (size_t at = kFrameHeaderBytes + 4; at < elsewhere.size();) {
    fixed.insert({at, at + 1});
    const size_t size = elsewhere[at + 2] | elsewhere[at + 3] << 8 | elsewhere[at + 4] << 16 |
                        static_cast<size_t>(elsewhere[at + 5]) << 24;
    at += 6 + size;
  }

  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  constexpr int kFrames = 400;
  for (int i = 0; i < kFrames; ++i) {
    FrameBytes frame;
    bool random_bytes = i % 2 == 0;
    if (random_bytes) {
      frame.resize(rng() % 80);
      for (auto& b : frame) b = static_cast<uint8_t>(byte(rng));
      if (frame.size() >= 4) frame[3] |= 0x80;  // a length field past 2 GB: never right
    } else {
      frame = elsewhere;
      for (int k = 0; k < 1 + i % 3; ++k) {
        size_t at;
        do {
          at = rng() % frame.size();
        } while (fixed.count(at) != 0);
        frame[at] = static_cast<uint8_t>(byte(rng));
      }
    }
    const uint64_t before = worker.Totals().rejected_tuples;
    transport.Deliver(frame);
    const uint64_t rejected = worker.Totals().rejected_tuples - before;
    if (random_bytes) {
      ASSERT_EQ(rejected, 1u) << "frame " << i;
    } else {
      // At least one; at most the frame and each tuple read from it (a tuple
      // takes at least a task byte and a size).
      ASSERT_GE(rejected, 1u) << "frame " << i;
      ASSERT_LE(rejected, 1 + (frame.size() - kFrameHeaderBytes - 4) / 5) << "frame " << i;
    }
  }
  EXPECT_EQ(worker.Totals().executed, 0u);

  const uint64_t rejected = worker.Totals().rejected_tuples;
  transport.Deliver(frame_of(bolt_task, 100));
  EXPECT_EQ(worker.Totals().rejected_tuples, rejected);
  EXPECT_TRUE(testing::WaitUntil([&] { return worker.Totals().executed == 100; }, 10s))
      << worker.Totals().executed;
  EXPECT_TRUE(worker.Errors().empty());
  worker.Stop();
}

// Acker messages travel packed (acker/ack_pack.h). A pack from the wire that
// is not whole entries, or not a pack at all, is refused: the acker reports
// an error naming the stream, the spout logs and drops it, and the trees
// the topology is acking meanwhile still complete.
TEST(WorkerAckerTest, MalformedAckerPacksAreRefusedAndAckingGoesOn) {
  auto library =
      TopologyLibrary::Load(testing::ExamplesDir() + "/libconst_spout_id_bolt_null_bolt.so");
  std::vector<Submission> submissions = library->Run({"acked"});
  ASSERT_EQ(submissions.size(), 1u);
  Config conf = DefaultConfig();
  conf.merge(submissions[0].conf);
  conf.put(Config::kTopologyAckerExecutors, 1);
  conf.put(Config::kTopologyMaxSpoutPending, 100);
  auto layout = BuildRunningLayout("acked-1-1", submissions[0].topology, conf, {});
  TopologyComponentFactory factory(layout);

  WorkerSpec spec;
  spec.layout = layout;
  spec.endpoint = "local:1";
  spec.endpoint_of_task.assign(static_cast<size_t>(layout->max_task()) + 1, spec.endpoint);
  spec.executors = layout->executors();
  InProcessTransport transport;
  Worker worker(std::move(spec), &transport, RealClock::Get(), &factory);
  worker.Start();
  ASSERT_TRUE(testing::WaitUntil([&] { return worker.Totals().spout_acked > 0; }, 10s));

  const int spout_task = layout->TasksOf("spout").front();
  const int acker_task = layout->TasksOf(kAckerComponentId).front();
  TupleFrameWriter writer;
  Tuple tuple;
  // To the acker: 17 bytes on __ack_init, and a plain value on __ack_ack.
  SetOrigin(tuple, &layout->Schema(layout->StreamIndex("spout", kAckInitStreamId)), spout_task);
  MutableValues(tuple) = Values{Value(Bytes{std::string(17, 'x')})};
  writer.Add(acker_task, tuple);
  SetOrigin(tuple, &layout->Schema(layout->StreamIndex("bolt1", kAckAckStreamId)),
                  layout->TasksOf("bolt1").front());
  MutableValues(tuple) = Values{int64_t{42}};
  writer.Add(acker_task, tuple);
  // To the spout: 5 bytes of roots on the acker's __ack_ack.
  SetOrigin(tuple, &layout->Schema(layout->StreamIndex(kAckerComponentId, kAckAckStreamId)),
                  acker_task);
  MutableValues(tuple) = Values{Value(Bytes{std::string(5, 'x')})};
  writer.Add(spout_task, tuple);
  FrameBytes frame;
  writer.Finish(frame);
  ASSERT_EQ(transport.Push("local:1", frame, nullptr), InProcessTransport::PushResult::kPushed);

  ASSERT_TRUE(testing::WaitUntil([&] { return worker.Errors().size() >= 2; }, 10s));
  const std::vector<ErrorRecord> errors = worker.Errors();
  EXPECT_EQ(errors[0].component, kAckerComponentId);
  EXPECT_NE(errors[0].error.find(kAckInitStreamId), std::string::npos) << errors[0].error;
  EXPECT_NE(errors[1].error.find(kAckAckStreamId), std::string::npos) << errors[1].error;
  const uint64_t acked = worker.Totals().spout_acked;
  EXPECT_TRUE(testing::WaitUntil([&] { return worker.Totals().spout_acked > acked + 1000; }, 10s));
  EXPECT_EQ(worker.Totals().spout_failed, 0u);
  worker.Stop();
}

}  // namespace
}  // namespace storm
