// Worker: Stop returns although its send thread is blocked sending to a peer
// that is gone (more than max_held_bytes held): it closes its connections.
// Tuples from the wire that claim a wrong origin are rejected, and so are
// malformed acker packs.
#include "worker/worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/util/clock.h"
#include "common/config/config_loader.h"
#include "common/topology/topology_layout.h"
#include "common/topology/topology_library.h"
#include "support/test_support.h"
#include "support/topology_code.h"
#include "support/zookeeper_server.h"
#include "worker/component_factory.h"
#include "worker/frame.h"
#include "worker/tcp_transport.h"
#include "worker/transport.h"

namespace storm {
namespace {

using namespace std::chrono_literals;

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

  std::shared_ptr<TopologyLibrary> library_;  // loaded while its objects live
  std::shared_ptr<const TopologyLayout> layout_;
  std::unique_ptr<TopologyComponentFactory> factory_;
};

TEST_F(WorkerTest, StopReturnsWhileTheSendThreadIsBlockedOnAPeerThatIsGone) {
  // Without ackers nothing bounds what the spout emits but the transport's
  // held bytes.

  // The spout here, the bolt at a port nobody listens on.
  const int port = testing::zookeeper_detail::FreePort();
  const int absent = testing::zookeeper_detail::FreePort();
  WorkerSpec spec;
  spec.layout = layout_;
  spec.port = port;
  spec.endpoint = "127.0.0.1:" + std::to_string(port);
  spec.endpoint_of_task.resize(static_cast<size_t>(layout_->max_task()) + 1);
  for (const ExecutorDef& e : layout_->executors()) {
    const bool spout = e.component == "spout";
    if (spout) spec.executors.push_back(e);
    for (int t = e.first_task; t <= e.last_task; ++t) {
      spec.endpoint_of_task[t] = spout ? spec.endpoint : "127.0.0.1:" + std::to_string(absent);
    }
  }
  ASSERT_EQ(spec.executors.size(), 1u);
  TcpTransportOptions options;
  options.topology_id = "perf-1-1";
  options.local_endpoint = spec.endpoint;
  options.max_held_bytes = 256 * 1024;
  auto transport = MakeTcpTransport(options);
  Worker worker(std::move(spec), transport.get(), RealClock::Get(), factory_.get());
  worker.Start();
  // Until the spout stops emitting: the send thread is blocked in Send and
  // the transfer queue is full.
  uint64_t emitted = 0;
  ASSERT_TRUE(testing::WaitUntil([&] {
    const uint64_t before = worker.Totals().emitted;
    std::this_thread::sleep_for(300ms);
    emitted = worker.Totals().emitted;
    return emitted > 0 && emitted == before;
  }, 30s));
  const auto start = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// A frame from the wire may claim any origin: a tuple from a task of a
// component that does not emit its stream is rejected and counted, and the
// frame's other tuples are delivered.
TEST_F(WorkerTest, RejectsATupleFromATaskThatDoesNotEmitItsStream) {

  // Only the bolt here: nothing else sends it tuples.
  WorkerSpec spec;
  spec.layout = layout_;
  spec.endpoint = "local:1";
  spec.endpoint_of_task.assign(static_cast<size_t>(layout_->max_task()) + 1, spec.endpoint);
  for (const ExecutorDef& e : layout_->executors()) {
    if (e.component == "bolt") spec.executors.push_back(e);
  }
  ASSERT_EQ(spec.executors.size(), 1u);
  InProcessTransport transport;
  Worker worker(std::move(spec), &transport, RealClock::Get(), factory_.get());
  worker.Start();

  const int spout_task = layout_->TasksOf("spout").front();
  const int bolt_task = layout_->TasksOf("bolt").front();
  const TupleSchema* spout_stream = &layout_->Schema(layout_->StreamIndex("spout", "default"));
  TupleFrameWriter writer;
  Tuple tuple;
  tuple.mutableValues() = Values{"some data"};
  tuple.setOrigin(spout_stream, spout_task);
  writer.Add(bolt_task, tuple);
  tuple.setOrigin(spout_stream, bolt_task);  // the bolt does not emit the spout's stream
  writer.Add(bolt_task, tuple);
  tuple.setOrigin(spout_stream, spout_task);
  writer.Add(bolt_task, tuple);
  FrameBytes frame;
  writer.Finish(frame);
  ASSERT_EQ(transport.Push("local:1", frame, nullptr), InProcessTransport::PushResult::kPushed);

  EXPECT_TRUE(testing::WaitUntil([&] { return worker.Totals().executed == 2; }, 10s));
  EXPECT_EQ(worker.Totals().rejected_tuples, 1u);
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
  tuple.setOrigin(&layout->Schema(layout->StreamIndex("spout", kAckInitStreamId)), spout_task);
  tuple.mutableValues() = Values{Value(Bytes{std::string(17, 'x')})};
  writer.Add(acker_task, tuple);
  tuple.setOrigin(&layout->Schema(layout->StreamIndex("bolt1", kAckAckStreamId)),
                  layout->TasksOf("bolt1").front());
  tuple.mutableValues() = Values{int64_t{42}};
  writer.Add(acker_task, tuple);
  // To the spout: 5 bytes of roots on the acker's __ack_ack.
  tuple.setOrigin(&layout->Schema(layout->StreamIndex(kAckerComponentId, kAckAckStreamId)),
                  acker_task);
  tuple.mutableValues() = Values{Value(Bytes{std::string(5, 'x')})};
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
