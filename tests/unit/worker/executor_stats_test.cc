// What a worker reports about its executors (ExecutorStatsReporter), driven
// through a real Worker over the in-process transport: counts per stream as
// Storm keys them (a spout by its own stream, a bolt by input stream),
// latencies of the sampled tuples, why tuples failed (timed out, failed by
// the bolt, execute threw), the in-queue, the tasks' own metrics, and
// Storm's error throttle.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/config/config_loader.h"
#include "common/topology/topology_layout.h"
#include "common/util/clock.h"
#include "storm/storm.h"
#include "support/test_support.h"
#include "worker/component_factory.h"
#include "worker/executor_beat_stats.h"
#include "worker/transport.h"
#include "worker/worker.h"

namespace storm {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kPerStream = 20;

// Emits kPerStream tuples with message ids on each of "default" and "other".
class TwoStreamSpout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext&, SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    if (n_ >= kPerStream) return;
    ++n_;
    collector_->emit(Values{n_}, Value(n_));
    collector_->emit("other", Values{n_}, Value(-n_));
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declare(Fields{"n"});
    d.declareStream("other", Fields{"n"});
  }

 private:
  SpoutOutputCollector* collector_ = nullptr;
  int64_t n_ = 0;
};

// Acks "default" (re-emitting it on "out"), fails even tuples of "other"
// and throws on odd ones; counts what it sees in a metric of its own.
class JudgeBolt : public BaseRichBolt {
 public:
  void prepare(const Config&, TopologyContext& context, OutputCollector& collector) override {
    collector_ = &collector;
    seen_ = &context.registerCounter("seen");
    // The same name gives the same counter.
    if (&context.registerCounter("seen") != seen_) throw std::runtime_error("not the same");
  }
  void execute(const Tuple& input) override {
    seen_->inc();
    if (input.getSourceStreamId() == "default") {
      collector_->emit("out", input, Values{input.getLong(0)});
      collector_->ack(input);
    } else if (input.getLong(0) % 2 == 0) {
      collector_->fail(input);
    } else {
      throw std::runtime_error("odd");
    }
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declareStream("out", Fields{"n"});
  }

 private:
  OutputCollector* collector_ = nullptr;
  Counter* seen_ = nullptr;
};

// Emits three tracked tuples; its bolt never acks them.
class ThreeSpout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext&, SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    if (n_ < 3) collector_->emit(Values{++n_}, Value(n_));
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"n"}); }

 private:
  SpoutOutputCollector* collector_ = nullptr;
  int64_t n_ = 0;
};

class SilentBolt : public BaseRichBolt {
 public:
  void prepare(const Config&, TopologyContext&, OutputCollector&) override {}
  void execute(const Tuple&) override {}
  void declareOutputFields(OutputFieldsDeclarer&) override {}
};

// One worker running every executor of a topology, on a manual clock.
class RunningTopology {
 public:
  RunningTopology(const StormTopology& topology, Config extra) {
    Config conf = DefaultConfig();
    conf.put(Config::kTopologyAckerExecutors, 1);
    conf.merge(extra);
    layout_ = BuildRunningLayout("stats-1-1", topology, conf, {});
    factory_ = std::make_unique<TopologyComponentFactory>(layout_);
    WorkerSpec spec;
    spec.layout = layout_;
    spec.endpoint = "local:1";
    spec.endpoint_of_task.assign(static_cast<size_t>(layout_->max_task()) + 1, spec.endpoint);
    spec.executors = layout_->executors();
    worker_ = std::make_unique<Worker>(std::move(spec), &transport_, &clock_, factory_.get());
    reporter_ = std::make_unique<ExecutorStatsReporter>(*layout_);
    // spdlog's registry is made on first use; make it before the executors'
    // threads log, as a daemon does (InitLogging), or ThreadSanitizer cannot
    // see its lazy construction (libspdlog is not instrumented) as ordered.
    spdlog::default_logger();
    worker_->Start();
  }
  ~RunningTopology() { worker_->Stop(); }

  ExecutorBeatStats Stats(const std::string& component) {
    for (const Executor* e : worker_->executors()) {
      if (e->def().component == component) return reporter_->Report(*e, clock_.NowNanos());
    }
    ADD_FAILURE() << "no executor of " << component;
    return {};
  }

  ManualClock clock_;
  InProcessTransport transport_;
  std::shared_ptr<const TopologyLayout> layout_;
  std::unique_ptr<TopologyComponentFactory> factory_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<ExecutorStatsReporter> reporter_;
};

StormTopology JudgeTopology() {
  TopologyBuilder builder;
  builder.setSpout("src", std::make_shared<TwoStreamSpout>(), 1);
  builder.setBolt("judge", std::make_shared<JudgeBolt>(), 1)
      .shuffleGrouping("src")
      .shuffleGrouping("src", "other");
  return builder.createTopology();
}

Config SampleEverything() {
  Config conf;
  conf.put(Config::kTopologyStatsSampleRate, 1.0);
  conf.put(Config::kTopologyExecutorReceiveBufferSize, 1024);
  return conf;
}

class ExecutorStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_ = std::make_unique<RunningTopology>(JudgeTopology(), SampleEverything());
    ASSERT_TRUE(testing::WaitUntil([&] {
      const WorkerTotals t = run_->worker_->Totals();
      return t.spout_acked + t.spout_failed == 2 * kPerStream;
    }));
    // A bolt counts what it executed at the end of each input batch.
    ASSERT_TRUE(testing::WaitUntil(
        [&] { return run_->Stats("judge").AllTime().Executed() == 2 * kPerStream; }));
  }
  std::unique_ptr<RunningTopology> run_;
};

TEST_F(ExecutorStatsTest, SpoutCountsByItsOwnStream) {
  const ExecutorBeatStats s = run_->Stats("src");
  EXPECT_TRUE(s.is_spout);
  for (const char* window : kStatsWindows) {
    const WindowStats& w = s.Window(window);
    EXPECT_EQ(w.emitted.at("default"), kPerStream) << window;
    EXPECT_EQ(w.emitted.at("other"), kPerStream) << window;
    EXPECT_EQ(w.transferred.at("other"), kPerStream) << window;
    EXPECT_EQ(w.acked.at(StatsStreamId{"", "default"}), kPerStream) << window;
    EXPECT_EQ(w.acked.count(StatsStreamId{"", "other"}), 0u) << window;
    EXPECT_EQ(w.failed.at(StatsStreamId{"", "other"}), kPerStream) << window;
    // Every tree is timed; on a clock that never moved it took no time.
    EXPECT_EQ(w.complete_ms_avg.at(StatsStreamId{"", "default"}), 0.0) << window;
    EXPECT_EQ(w.failure_causes.timed_out, 0) << window;
  }
  ASSERT_TRUE(s.latency_buckets.count("complete"));
  int64_t timed = 0;
  for (const auto& [bucket, n] : s.latency_buckets.at("complete")) timed += n;
  EXPECT_EQ(timed, kPerStream);
}

TEST_F(ExecutorStatsTest, BoltCountsByInputStreamAndKnowsWhyInputsFailed) {
  const ExecutorBeatStats s = run_->Stats("judge");
  EXPECT_FALSE(s.is_spout);
  const StatsStreamId in_default{"src", "default"};
  const StatsStreamId in_other{"src", "other"};
  const WindowStats& w = s.AllTime();
  EXPECT_EQ(w.executed.at(in_default), kPerStream);
  EXPECT_EQ(w.executed.at(in_other), kPerStream);
  EXPECT_EQ(w.acked.at(in_default), kPerStream);
  EXPECT_EQ(w.failed.at(in_other), kPerStream);
  EXPECT_EQ(w.acked.count(in_other), 0u);
  EXPECT_EQ(w.emitted.at("out"), kPerStream);
  EXPECT_EQ(w.transferred.at("out"), 0);  // nobody subscribes to it
  EXPECT_EQ(w.failure_causes.failed_by_bolt, kPerStream / 2);
  EXPECT_EQ(w.failure_causes.failed_by_exception, kPerStream / 2);
  // Sampled at rate 1: both streams timed in execute; only acked ones have
  // a process latency.
  EXPECT_TRUE(w.execute_ms_avg.count(in_default));
  EXPECT_TRUE(w.execute_ms_avg.count(in_other));
  EXPECT_TRUE(w.process_ms_avg.count(in_default));
  EXPECT_FALSE(w.process_ms_avg.count(in_other));
  EXPECT_EQ(s.Window(kWindow10Min), w);
  EXPECT_TRUE(s.latency_buckets.count("execute"));
  EXPECT_TRUE(s.latency_buckets.count("process"));
}

TEST_F(ExecutorStatsTest, WindowsForgetWhatIsOlderThanThem) {
  ExecutorBeatStats s = run_->Stats("judge");
  // Heartbeats every 10 s for 11 minutes with nothing new.
  for (int i = 0; i < 66; ++i) {
    run_->clock_.AdvanceSecs(10);
    s = run_->Stats("judge");
  }
  EXPECT_EQ(s.Window(kWindow10Min).Executed(), 0);
  EXPECT_EQ(s.Window(kWindow10Min).failure_causes.Total(), 0);
  EXPECT_EQ(s.Window(kWindow3Hours).Executed(), 2 * kPerStream);
  EXPECT_EQ(s.AllTime().Executed(), 2 * kPerStream);
}

TEST_F(ExecutorStatsTest, TasksReportTheirOwnMetrics) {
  const ExecutorBeatStats s = run_->Stats("judge");
  ASSERT_EQ(s.task_metrics.size(), 1u);
  const TaskMetricSample& m = s.task_metrics[0];
  EXPECT_EQ(m.task, run_->layout_->TasksOf("judge").front());
  EXPECT_EQ(m.name, "seen");
  EXPECT_EQ(m.type, "counter");
  EXPECT_EQ(m.values.at("count"), 2.0 * kPerStream);
}

TEST_F(ExecutorStatsTest, TheInQueueIsReportedInTuples) {
  const ExecutorBeatStats s = run_->Stats("judge");
  ASSERT_TRUE(s.queue);
  EXPECT_EQ(s.queue->capacity, 1024);
  EXPECT_EQ(s.queue->population, 0);  // all done
  EXPECT_FALSE(s.queue->backpressure);
}

TEST_F(ExecutorStatsTest, OnlyMaxErrorsPerIntervalAreReported) {
  // Ten inputs threw, with no time passing: Storm's default lets 5 through.
  int judge_errors = 0;
  for (const ErrorRecord& e : run_->worker_->Errors()) {
    if (e.component == "judge") ++judge_errors;
  }
  EXPECT_EQ(judge_errors, 5);
  EXPECT_EQ(run_->worker_->Totals().errors, static_cast<uint64_t>(kPerStream / 2));
}

TEST(ExecutorStatsTimeoutTest, SpoutCountsTreesThatTimedOut) {
  TopologyBuilder builder;
  builder.setSpout("three", std::make_shared<ThreeSpout>(), 1);
  builder.setBolt("silent", std::make_shared<SilentBolt>(), 1).shuffleGrouping("three");
  RunningTopology run(builder.createTopology(), Config());
  ASSERT_TRUE(testing::WaitUntil([&] { return run.worker_->Totals().pending == 3; }));
  ASSERT_TRUE(testing::WaitUntil([&] {
    run.clock_.AdvanceSecs(31);  // past topology.message.timeout.secs
    return run.worker_->Totals().spout_failed == 3;
  }));
  const ExecutorBeatStats s = run.Stats("three");
  const WindowStats& w = s.AllTime();
  EXPECT_EQ(w.failure_causes.timed_out, 3);
  EXPECT_EQ(w.failed.at(StatsStreamId{"", "default"}), 3);
}

}  // namespace
}  // namespace storm
