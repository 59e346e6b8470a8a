// Groupings end to end on a InProcessCluster with several workers: tuples cross
// in-process workers (serialized) and reach the tasks Storm would send them
// to; emits return the target tasks; the context names tasks right.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "storm/storm.h"
#include "local/in_process_cluster.h"
#include "support/test_support.h"

namespace storm {
namespace {

using testing::Recorder;
using testing::WaitUntil;
using namespace std::chrono_literals;

constexpr int64_t kCount = 400;

// Emits [i, "word<i % 10>"] on the default stream, and on a direct stream
// to the task of bolt "direct" whose index is i % its task count.
class SourceSpout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext& context, SpoutOutputCollector& collector) override {
    collector_ = &collector;
    direct_tasks_ = context.getComponentTasks("direct");
  }
  void nextTuple() override {
    if (next_ == kCount) return;
    const int64_t i = next_++;
    const TaskIds& targets = collector_->emit(Values{i, "word" + std::to_string(i % 10)});
    Recorder::Get("groupings").Add("targets", static_cast<int64_t>(targets.size()));
    const int task = direct_tasks_[static_cast<size_t>(i) % direct_tasks_.size()];
    collector_->emitDirect(task, "control", Values{i, int64_t{task}});
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declare(Fields{"i", "word"});
    d.declareStream("control", true, Fields{"i", "task"});
  }

 private:
  SpoutOutputCollector* collector_ = nullptr;
  std::vector<int> direct_tasks_;
  int64_t next_ = 0;
};

// Records (its task id, what it got) under its component's name.
class RecordingBolt : public BaseRichBolt {
 public:
  void prepare(const Config&, TopologyContext& context, OutputCollector& collector) override {
    collector_ = &collector;
    task_ = context.getThisTaskId();
    name_ = context.getThisComponentId();
    EXPECT_EQ(context.getComponentId(task_), name_);
  }
  void execute(const Tuple& input) override {
    Recorder& r = Recorder::Get("groupings");
    r.Add(name_ + ":task", task_);
    if (name_ == "fields") r.Add("fields:" + input.getStringByField("word"), task_);
    if (name_ == "direct" && input.getLongByField("task") != task_) r.Add("direct:wrong", task_);
    collector_->ack(input);
  }
  void declareOutputFields(OutputFieldsDeclarer&) override {}

 private:
  OutputCollector* collector_ = nullptr;
  int task_ = 0;
  std::string name_;
};

TEST(GroupingE2eTest, TuplesReachTheTasksTheirGroupingsName) {
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<SourceSpout>());
  builder.setBolt("shuffle", std::make_shared<RecordingBolt>(), 4).shuffleGrouping("spout");
  builder.setBolt("fields", std::make_shared<RecordingBolt>(), 3).fieldsGrouping("spout", Fields{"word"});
  builder.setBolt("all", std::make_shared<RecordingBolt>(), 3).allGrouping("spout");
  builder.setBolt("global", std::make_shared<RecordingBolt>(), 3).globalGrouping("spout");
  builder.setBolt("direct", std::make_shared<RecordingBolt>(), 3).directGrouping("spout", "control");
  Config conf;
  conf.setNumWorkers(3);
  InProcessCluster cluster;
  cluster.SubmitTopology("groupings", conf, builder.createTopology());
  Recorder& r = Recorder::Get("groupings");
  // shuffle, fields and global get each tuple once, all three times; direct once.
  ASSERT_TRUE(WaitUntil([&] { return r.Count("direct:task") == kCount && r.Count("all:task") == 3 * kCount; }));
  ASSERT_TRUE(WaitUntil([&] {
    return r.Count("global:task") == kCount && r.Count("shuffle:task") == kCount &&
           r.Count("fields:task") == kCount;
  }));
  const TopologyLayout& layout = cluster.Layout("groupings");

  // Every emit on the default stream went to 1 + 1 + 3 + 1 tasks.
  for (int64_t n : r.Ids("targets")) EXPECT_EQ(n, 6);
  // Shuffle: even over the four tasks.
  std::map<int64_t, int> shuffle;
  for (int64_t task : r.Ids("shuffle:task")) ++shuffle[task];
  ASSERT_EQ(shuffle.size(), 4u);
  for (const auto& [task, n] : shuffle) EXPECT_EQ(n, kCount / 4) << "task " << task;
  // Fields: each word always at one task.
  for (int w = 0; w < 10; ++w) {
    EXPECT_EQ(r.IdSet("fields:word" + std::to_string(w)).size(), 1u) << w;
  }
  // All: every task got every tuple.
  std::map<int64_t, int> all;
  for (int64_t task : r.Ids("all:task")) ++all[task];
  ASSERT_EQ(all.size(), 3u);
  for (const auto& [task, n] : all) EXPECT_EQ(n, kCount);
  // Global: only the lowest task id.
  const auto& global_tasks = layout.TasksOf("global");
  EXPECT_EQ(r.IdSet("global:task"), std::set<int64_t>{global_tasks.front()});
  // Direct: each tuple at the task named by the spout, and only there.
  EXPECT_EQ(r.Count("direct:task"), static_cast<size_t>(kCount));
  EXPECT_EQ(r.Count("direct:wrong"), 0u);
  EXPECT_EQ(r.IdSet("direct:task").size(), 3u);
}

// Emits 0, 1, 2, ... up to kOrderedCount, each to every task of "relay"
// (fields grouping on a value that changes every tuple, so every batch has
// several destinations) and to "last" by shuffle.
constexpr int64_t kOrderedCount = 200000;

class SequenceSpout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext&, SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    for (int n = 0; n < 64 && next_ < kOrderedCount; ++n) {
      const int64_t i = next_++;
      collector_->emit(Values{i, i % 7});
    }
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"i", "key"}); }

 private:
  SpoutOutputCollector* collector_ = nullptr;
  int64_t next_ = 0;
};

// Checks that from each source task the values come in increasing order,
// and passes them on; now and then it stalls, so that queues fill up and
// drain again (tuples then take the executor send thread's way, and then
// again the user logic thread's).
class OrderCheckingBolt : public BaseRichBolt {
 public:
  void prepare(const Config&, TopologyContext& context, OutputCollector& collector) override {
    collector_ = &collector;
    name_ = context.getThisComponentId();
  }
  void execute(const Tuple& input) override {
    Recorder& r = Recorder::Get("ordering");
    const int64_t i = input.getLongByField("i");
    auto [it, first] = last_of_source_.try_emplace(input.getSourceTask(), i);
    if (!first && i <= it->second) r.Add(name_ + ":out-of-order", i);
    it->second = i;
    r.Add(name_ + ":got", 1);
    if (++seen_ % 20000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (name_ == "relay") {
      // Its own sequence: what it got from two spout tasks is interleaved.
      collector_->emit(Values{relayed_, relayed_ % 5});
      ++relayed_;
    }
    collector_->ack(input);
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"i", "key"}); }

 private:
  OutputCollector* collector_ = nullptr;
  std::string name_;
  std::map<int, int64_t> last_of_source_;
  int64_t seen_ = 0;
  int64_t relayed_ = 0;
};

// Storm keeps the order of the tuples one task sends to another: what an
// executor hands on by itself and what its send thread hands on must never
// overtake each other, in a worker or between workers.
TEST(GroupingE2eTest, TuplesFromOneTaskReachAnotherInEmitOrder) {
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<SequenceSpout>(), 2);
  builder.setBolt("relay", std::make_shared<OrderCheckingBolt>(), 3)
      .fieldsGrouping("spout", Fields{"key"});
  builder.setBolt("last", std::make_shared<OrderCheckingBolt>(), 3)
      .fieldsGrouping("relay", Fields{"key"});
  Config conf;
  conf.setNumWorkers(2);
  conf.put(Config::kTopologyAckerExecutors, 0);
  InProcessCluster cluster;
  cluster.SubmitTopology("ordering", conf, builder.createTopology());
  Recorder& r = Recorder::Get("ordering");
  ASSERT_TRUE(WaitUntil([&] { return r.Count("last:got") == 2 * kOrderedCount; }, 120s));
  EXPECT_EQ(r.Count("relay:got"), static_cast<size_t>(2 * kOrderedCount));
  EXPECT_EQ(r.Count("relay:out-of-order"), 0u);
  EXPECT_EQ(r.Count("last:out-of-order"), 0u);
}

}  // namespace
}  // namespace storm
