// At-least-once processing end to end on a InProcessCluster: the acker, tuple
// trees with anchoring and multi-anchoring, fails, timeouts on a manual
// clock, replay, and at-most-once without ackers.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <random>

#include "common/util/clock.h"
#include "storm/storm.h"
#include "local/in_process_cluster.h"
#include "support/test_support.h"

namespace storm {
namespace {

using testing::Recorder;
using testing::WaitUntil;

// Emits ids [0, count) split over its tasks, each with its id as message id,
// an id only once `may_emit(id)` (when given) allows it. Records "emit",
// "ack", "fail", "activate" and "deactivate"; replays failed ids when
// `replay` is set.
class IdSpout : public BaseRichSpout {
 public:
  IdSpout(std::string recorder, int64_t count, bool replay = false,
          std::function<bool(int64_t)> may_emit = nullptr)
      : recorder_(std::move(recorder)),
        count_(count),
        replay_(replay),
        may_emit_(std::move(may_emit)) {}

  void open(const Config&, TopologyContext& context, SpoutOutputCollector& collector) override {
    collector_ = &collector;
    next_ = context.getThisTaskIndex();
    stride_ = static_cast<int64_t>(context.getComponentTasks(context.getThisComponentId()).size());
  }
  void nextTuple() override {
    int64_t id;
    if (!replays_.empty()) {
      id = replays_.back();
      replays_.pop_back();
    } else if (next_ < count_ && (!may_emit_ || may_emit_(next_))) {
      id = next_;
      next_ += stride_;
    } else {
      return;
    }
    Recorder::Get(recorder_).Add("emit", id);
    collector_->emit(Values{id}, Value(id));
  }
  void ack(const Value& id) override { Recorder::Get(recorder_).Add("ack", id.asInt()); }
  void activate() override { Recorder::Get(recorder_).Add("activate", 0); }
  void deactivate() override { Recorder::Get(recorder_).Add("deactivate", 0); }
  void fail(const Value& id) override {
    Recorder::Get(recorder_).Add("fail", id.asInt());
    if (replay_) replays_.push_back(id.asInt());
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"id"}); }

 private:
  std::string recorder_;
  int64_t count_;
  bool replay_;
  std::function<bool(int64_t)> may_emit_;
  SpoutOutputCollector* collector_ = nullptr;
  int64_t next_ = 0;
  int64_t stride_ = 1;
  std::vector<int64_t> replays_;
};

enum class Action { kAck, kFail, kHold, kThrow, kForward };

// Decides per input what to do; kForward emits [id] anchored, then acks.
class ScriptedBolt : public BaseRichBolt {
 public:
  using Script = std::function<Action(int64_t id, int attempt)>;
  ScriptedBolt(std::string recorder, std::string name, Script script, bool declare = true)
      : recorder_(std::move(recorder)), name_(std::move(name)), script_(std::move(script)),
        declare_(declare) {}

  void prepare(const Config&, TopologyContext&, OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const Tuple& input) override {
    if (input.isTick()) return;
    const int64_t id = input.getLong(0);
    Recorder::Get(recorder_).Add(name_, id);
    switch (script_(id, ++attempts_[id])) {
      case Action::kAck: collector_->ack(input); break;
      case Action::kFail: collector_->fail(input); break;
      case Action::kHold: held_.push_back(input); break;
      case Action::kThrow: throw std::runtime_error("scripted failure");
      case Action::kForward:
        collector_->emit(input, Values{id});
        collector_->ack(input);
        break;
    }
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    if (declare_) d.declare(Fields{"id"});
  }

 private:
  std::string recorder_;
  std::string name_;
  Script script_;
  bool declare_;
  OutputCollector* collector_ = nullptr;
  std::map<int64_t, int> attempts_;
  std::vector<Tuple> held_;
};

Config TestConf(int64_t ackers = 1) {
  Config conf;
  conf.setNumWorkers(2).setNumAckers(ackers).setMessageTimeoutSecs(30);
  return conf;
}

InProcessClusterOptions WithClock(Clock* clock) {
  InProcessClusterOptions options;
  options.clock = clock;
  return options;
}

// Storm's own acker scenario: of three tuples two are acked and one is held
// by its bolt; the held one fails when the message timeout passes.
TEST(AckingTest, TreeNotCompletedWithinTimeoutFails) {
  ManualClock clock;
  InProcessCluster cluster(WithClock(&clock));
  const std::string r = "timeout";
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<IdSpout>(r, 3));
  builder.setBolt("bolt", std::make_shared<ScriptedBolt>(r, "bolt", [](int64_t id, int) {
                    return id == 1 ? Action::kHold : Action::kAck;
                  }), 2)
      .shuffleGrouping("spout");
  cluster.SubmitTopology("timeout", TestConf(), builder.createTopology());

  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("ack") == 2; }));
  EXPECT_EQ(Recorder::Get(r).Count("fail"), 0u);
  EXPECT_EQ(Recorder::Get(r).IdSet("ack"), (std::set<int64_t>{0, 2}));
  // Pending trees expire after one to two timeout periods (rotating buckets).
  for (int i = 0; i < 4 && Recorder::Get(r).Count("fail") == 0; ++i) {
    clock.AdvanceSecs(31);
    WaitUntil([&] { return Recorder::Get(r).Count("fail") > 0; }, std::chrono::milliseconds(300));
  }
  // Nothing more can come once no tree is pending at the spout.
  ASSERT_TRUE(WaitUntil([&] { return cluster.Totals("timeout").totals.pending == 0; }));
  EXPECT_EQ(Recorder::Get(r).Ids("fail"), std::vector<int64_t>{1});
  EXPECT_EQ(Recorder::Get(r).Count("ack"), 2u);
}

// A gate bolt that holds its inputs of id 0 until `gate_open` is set, then
// acks them on its next tick; it acks other ids at once. Records "gate" for
// each held input and "tick" for each tick it has handled.
std::atomic<bool> gate_open{false};
// Whether the tree test's spout may emit its marker, id 1.
std::atomic<bool> marker_released{false};

class GateBolt : public BaseRichBolt {
 public:
  explicit GateBolt(std::string recorder) : recorder_(std::move(recorder)) {}
  void prepare(const Config&, TopologyContext&, OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const Tuple& input) override {
    if (!input.isTick()) {
      if (input.getLong(0) != 0) {
        collector_->ack(input);
        return;
      }
      Recorder::Get(recorder_).Add("gate", input.getLong(0));
      held_.push_back(input);
      return;
    }
    if (gate_open.load()) {
      for (const Tuple& t : held_) collector_->ack(t);
      held_.clear();
    }
    Recorder::Get(recorder_).Add("tick", 0);
  }
  Config getComponentConfiguration() override {
    Config c;
    c.put(Config::kTopologyTickTupleFreqSecs, 1);
    return c;
  }
  void declareOutputFields(OutputFieldsDeclarer&) override {}

 private:
  std::string recorder_;
  OutputCollector* collector_ = nullptr;
  std::vector<Tuple> held_;
};

// Emits two children per input, anchored to it.
class FanBolt : public BaseRichBolt {
 public:
  void prepare(const Config&, TopologyContext&, OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const Tuple& input) override {
    collector_->emit(input, Values{input.getLong(0), int64_t{0}});
    collector_->emit(input, Values{input.getLong(0), int64_t{1}});
    collector_->ack(input);
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"id", "child"}); }

 private:
  OutputCollector* collector_ = nullptr;
};

// Waits for both children of an id, then emits one tuple anchored to both
// (multi-anchoring) and acks them; or fails the second when `fail_second`.
class JoinBolt : public BaseRichBolt {
 public:
  explicit JoinBolt(bool fail_second) : fail_second_(fail_second) {}
  void prepare(const Config&, TopologyContext&, OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const Tuple& input) override {
    const int64_t id = input.getLong(0);
    auto it = first_.find(id);
    if (it == first_.end()) {
      first_.emplace(id, input);
      return;
    }
    if (fail_second_) {
      collector_->fail(input);
      collector_->ack(it->second);
    } else {
      collector_->emit({&it->second, &input}, Values{id});
      collector_->ack(it->second);
      collector_->ack(input);
    }
    first_.erase(it);
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"id"}); }

 private:
  bool fail_second_;
  OutputCollector* collector_ = nullptr;
  std::map<int64_t, Tuple> first_;
};

// spout -> fan -> join -> gate, each bolt with `parallelism` executors; the
// spout emits `ids` ids as `may_emit` allows.
StormTopology TreeTopology(const std::string& r, bool fail_second, int parallelism = 2,
                           int64_t ids = 1, std::function<bool(int64_t)> may_emit = nullptr) {
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<IdSpout>(r, ids, false, std::move(may_emit)));
  builder.setBolt("fan", std::make_shared<FanBolt>(), parallelism).shuffleGrouping("spout");
  builder.setBolt("join", std::make_shared<JoinBolt>(fail_second), parallelism)
      .fieldsGrouping("fan", Fields{"id"});
  builder.setBolt("gate", std::make_shared<GateBolt>(r), 1).shuffleGrouping("join");
  return builder.createTopology();
}

// Tree 0 is held at its last edge; that it is not acked before is shown by
// a marker, tree 1, sent after it along the same path and acked: every
// executor has one task (parallelism 1, one acker), and messages from one
// executor to another keep their order, so the acker has handled all of
// tree 0's other acks (and the spout any reply for it) before tree 1's.
TEST(AckingTest, TreeIsAckedExactlyWhenItsLastEdgeIsAcked) {
  ManualClock clock;
  gate_open = false;
  marker_released = false;
  InProcessCluster cluster(WithClock(&clock));
  const std::string r = "tree";
  cluster.SubmitTopology("tree", TestConf(),
                         TreeTopology(r, false, /*parallelism=*/1, /*ids=*/2,
                                      [](int64_t id) { return id == 0 || marker_released; }));

  // The whole tree but its last edge is done: spout -> fan -> 2 children ->
  // join -> one multi-anchored tuple held by the gate.
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("gate") == 1; }));
  clock.AdvanceSecs(2);  // ticks reach the gate, which is still closed
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("tick") > 0; }));
  marker_released = true;
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).IdSet("ack").count(1) == 1; }))
      << "the marker tree was not acked";
  EXPECT_EQ(Recorder::Get(r).IdSet("ack").count(0), 0u) << "acked before its last edge";

  gate_open = true;
  clock.AdvanceSecs(2);
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("ack") == 2; }))
      << "pending " << cluster.Totals("tree").totals.pending << ", bolt acks "
      << cluster.Totals("tree").totals.bolt_acked << ", executed "
      << cluster.Totals("tree").totals.executed;
  EXPECT_EQ(Recorder::Get(r).Count("fail"), 0u);
}

TEST(AckingTest, FailAnywhereFailsTheRootAtOnce) {
  ManualClock clock;  // never advanced: the fail cannot be a timeout
  InProcessCluster cluster(WithClock(&clock));
  const std::string r = "fail-anywhere";
  cluster.SubmitTopology("fail-anywhere", TestConf(), TreeTopology(r, true));
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("fail") == 1; }));
  EXPECT_EQ(Recorder::Get(r).Count("ack"), 0u);
  EXPECT_EQ(Recorder::Get(r).Count("gate"), 0u);
}

// Deterministic pseudo-random choice per (id, attempt).
uint64_t Mix(int64_t id, int attempt) {
  uint64_t z = static_cast<uint64_t>(id) * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(attempt);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  return z ^ (z >> 31);
}

TEST(AckingTest, EveryMessageIdEndsInExactlyOneAckOrFail) {
  ManualClock clock;
  InProcessCluster cluster(WithClock(&clock));
  const std::string r = "exactly-one";
  constexpr int64_t kCount = 3000;
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<IdSpout>(r, kCount), 2);
  builder.setBolt("first", std::make_shared<ScriptedBolt>(r, "first", [](int64_t id, int a) {
                    switch (Mix(id, a) % 10) {
                      case 0: return Action::kFail;
                      case 1: return Action::kThrow;
                      default: return Action::kForward;
                    }
                  }), 3)
      .shuffleGrouping("spout");
  builder.setBolt("second", std::make_shared<ScriptedBolt>(r, "second", [](int64_t id, int a) {
                    return Mix(id, a + 7) % 10 == 0 ? Action::kFail : Action::kAck;
                  }, false), 2)
      .fieldsGrouping("first", Fields{"id"});
  Config conf = TestConf();
  conf.setMaxSpoutPending(200);
  cluster.SubmitTopology("exactly-one", conf, builder.createTopology());

  auto done = [&] { return Recorder::Get(r).Count("ack") + Recorder::Get(r).Count("fail"); };
  ASSERT_TRUE(WaitUntil([&] { return done() == kCount; })) << done();
  // No late extra callback can come: every id was emitted once (no replay)
  // and no tree is left pending at the spouts, which call ack or fail only
  // for a tree they hold.
  ASSERT_TRUE(WaitUntil([&] { return cluster.Totals("exactly-one").totals.pending == 0; }))
      << cluster.Totals("exactly-one").totals.pending << " trees still pending";
  EXPECT_EQ(Recorder::Get(r).Count("emit"), static_cast<size_t>(kCount));
  std::map<int64_t, int> callbacks;
  for (int64_t id : Recorder::Get(r).Ids("ack")) ++callbacks[id];
  for (int64_t id : Recorder::Get(r).Ids("fail")) ++callbacks[id];
  ASSERT_EQ(callbacks.size(), static_cast<size_t>(kCount));
  for (const auto& [id, n] : callbacks) EXPECT_EQ(n, 1) << "message id " << id;
  EXPECT_GT(Recorder::Get(r).Count("fail"), 0u);
  TopologyTotals totals = cluster.Totals("exactly-one");
  EXPECT_GT(totals.totals.errors, 0u);  // the throwing bolt was reported
}

TEST(AckingTest, ReplayingSpoutWithRandomFailuresCountsEveryInput) {
  InProcessCluster cluster;
  const std::string r = "replay";
  constexpr int64_t kCount = 1000;
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<IdSpout>(r, kCount, /*replay=*/true), 2);
  builder.setBolt("flaky", std::make_shared<ScriptedBolt>(r, "flaky", [](int64_t id, int a) {
                    return Mix(id, a) % 5 == 0 ? Action::kFail : Action::kForward;
                  }), 3)
      .shuffleGrouping("spout");
  builder.setBolt("counter", std::make_shared<ScriptedBolt>(r, "counter", [](int64_t, int) {
                    return Action::kAck;
                  }, false), 2)
      .fieldsGrouping("flaky", Fields{"id"});
  cluster.SubmitTopology("replay", TestConf(), builder.createTopology());

  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).IdSet("ack").size() == kCount; }));
  const auto counted = Recorder::Get(r).IdSet("counter");
  for (int64_t id = 0; id < kCount; ++id) EXPECT_TRUE(counted.count(id)) << id;
  EXPECT_GT(Recorder::Get(r).Count("fail"), 0u);
  EXPECT_EQ(Recorder::Get(r).Count("ack"), static_cast<size_t>(kCount));
}

TEST(AckingTest, WithoutAckersEveryMessageIdIsAckedAtOnce) {
  InProcessCluster cluster;
  const std::string r = "at-most-once";
  constexpr int64_t kCount = 500;
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<IdSpout>(r, kCount));
  builder.setBolt("bolt", std::make_shared<ScriptedBolt>(r, "bolt", [](int64_t id, int) {
                    return id % 2 ? Action::kFail : Action::kHold;
                  }, false))
      .shuffleGrouping("spout");
  cluster.SubmitTopology("at-most-once", TestConf(/*ackers=*/0), builder.createTopology());
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("ack") == kCount; }));
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("bolt") == kCount; }));
  EXPECT_EQ(Recorder::Get(r).Count("fail"), 0u);
  EXPECT_EQ(cluster.Layout("at-most-once").Component("__acker"), nullptr);
}

TEST(AckingTest, MaxSpoutPendingCapsTreesInFlight) {
  ManualClock clock;  // no timeouts: held trees stay pending
  InProcessCluster cluster(WithClock(&clock));
  const std::string r = "max-pending";
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<IdSpout>(r, 1000));
  builder.setBolt("hold", std::make_shared<ScriptedBolt>(r, "hold", [](int64_t, int) {
                    return Action::kHold;
                  }, false), 2)
      .shuffleGrouping("spout");
  Config conf = TestConf();
  conf.setMaxSpoutPending(25);
  cluster.SubmitTopology("max-pending", conf, builder.createTopology());
  ASSERT_TRUE(WaitUntil([&] { return Recorder::Get(r).Count("hold") == 25; }));
  // No 26th comes: the spout's loop calls activate() and, in the same turn,
  // checks max pending before it would emit; deactivate() runs in a later
  // turn. So between the two callbacks there was a whole active turn at 25
  // pending, and it emitted nothing.
  auto count = [&](const char* event) { return Recorder::Get(r).Count(event); };
  const size_t activations = count("activate");
  cluster.Deactivate("max-pending");
  ASSERT_TRUE(WaitUntil([&] { return count("deactivate") == 1; }));
  cluster.Activate("max-pending");
  ASSERT_TRUE(WaitUntil([&] { return count("activate") == activations + 1; }));
  cluster.Deactivate("max-pending");
  ASSERT_TRUE(WaitUntil([&] { return count("deactivate") == 2; }));
  EXPECT_EQ(Recorder::Get(r).Count("emit"), 25u);
  EXPECT_EQ(cluster.Totals("max-pending").totals.pending, 25u);
}

}  // namespace
}  // namespace storm
