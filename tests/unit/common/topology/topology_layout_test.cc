#include "common/topology/topology_layout.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "storm/component.h"
#include "storm/config.h"
#include "storm/errors.h"
#include "storm/topology_builder.h"
#include "support/declaring_components.h"

namespace storm {
namespace {

using testing::DeclaringBoltFactory;
using testing::DeclaringSpoutFactory;
using testing::Streams;

const Streams kWordStream = {{"default", {Fields{"word"}, false}}};

// By default a spout declaring [word] and a bolt declaring nothing.
SpoutFactory Spout(Streams streams = kWordStream) {
  return DeclaringSpoutFactory(std::move(streams));
}
BoltFactory Bolt(Streams streams = {}) { return DeclaringBoltFactory(std::move(streams)); }

std::shared_ptr<const TopologyLayout> Build(TopologyBuilder& b, const Config& conf = Config()) {
  return TopologyLayout::Build("topo-1", b.createTopology(), conf);
}

std::vector<int> Range(int first, int last) {
  std::vector<int> v;
  for (int t = first; t <= last; ++t) v.push_back(t);
  return v;
}

// The message of the InvalidTopologyError that building `b` throws.
std::string BuildError(TopologyBuilder& b) {
  try {
    Build(b);
  } catch (const InvalidTopologyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InvalidTopologyError";
  return "";
}

// ---- Task numbering and executors ----

TEST(TopologyLayoutTest, TasksAreNumberedFromOneInComponentIdOrder) {
  TopologyBuilder b;
  b.setSpout("spout", Spout(), 2);
  b.setBolt("b-split", Bolt(), 3).shuffleGrouping("spout");
  b.setBolt("a-count", Bolt(), 1).setNumTasks(2).shuffleGrouping("spout");
  const auto layout = Build(b);  // one worker: one acker task

  EXPECT_EQ(layout->TasksOf(kAckerComponentId), Range(1, 1));
  EXPECT_EQ(layout->TasksOf("a-count"), Range(2, 3));
  EXPECT_EQ(layout->TasksOf("b-split"), Range(4, 6));
  EXPECT_EQ(layout->TasksOf("spout"), Range(7, 8));
  EXPECT_EQ(layout->max_task(), 8);
  EXPECT_EQ(layout->ComponentIds(),
            (std::vector<std::string>{"__acker", "a-count", "b-split", "spout"}));
}

TEST(TopologyLayoutTest, ComponentOfTaskMapsBackAndRejectsUnknownTasks) {
  TopologyBuilder b;
  b.setSpout("spout", Spout(), 2);
  b.setBolt("bolt", Bolt(), 3).shuffleGrouping("spout");
  const auto layout = Build(b);
  for (int task = 1; task <= layout->max_task(); ++task) {
    const std::string* component = layout->ComponentOfTask(task);
    ASSERT_NE(component, nullptr) << task;
    const auto& tasks = layout->TasksOf(*component);
    EXPECT_NE(std::find(tasks.begin(), tasks.end(), task), tasks.end()) << task;
  }
  EXPECT_EQ(layout->ComponentOfTask(0), nullptr);
  EXPECT_EQ(layout->ComponentOfTask(kSystemTaskId), nullptr);
  EXPECT_EQ(layout->ComponentOfTask(layout->max_task() + 1), nullptr);
  EXPECT_TRUE(layout->TasksOf("nobody").empty());
}

TEST(TopologyLayoutTest, ExecutorsSplitTasksWithTheFirstRangesOneLonger) {
  TopologyBuilder b;
  b.setSpout("spout", Spout(), 1);
  b.setBolt("five", Bolt(), 2).setNumTasks(5).shuffleGrouping("spout");
  b.setBolt("seven", Bolt(), 3).setNumTasks(7).shuffleGrouping("spout");
  const auto layout = Build(b, Config().setNumAckers(0));
  // No acker: five 1-5, seven 6-12, spout 13.
  const std::vector<ExecutorDef> expected = {
      {"five", 1, 3},  {"five", 4, 5},   {"seven", 6, 8}, {"seven", 9, 10},
      {"seven", 11, 12}, {"spout", 13, 13}};
  EXPECT_EQ(layout->executors(), expected);
}

TEST(TopologyLayoutTest, OneExecutorPerTaskByDefault) {
  TopologyBuilder b;
  b.setSpout("spout", Spout(), 3);
  const auto layout = Build(b, Config().setNumAckers(0));
  const std::vector<ExecutorDef> expected = {{"spout", 1, 1}, {"spout", 2, 2}, {"spout", 3, 3}};
  EXPECT_EQ(layout->executors(), expected);
}

// ---- The acker ----

TEST(TopologyLayoutTest, AckerParallelismFollowsTopologyAckerExecutors) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  const auto layout = Build(b, Config().setNumWorkers(2).setNumAckers(3));
  EXPECT_EQ(layout->num_ackers(), 3);
  EXPECT_EQ(layout->TasksOf(kAckerComponentId).size(), 3u);
  ASSERT_NE(layout->Component(kAckerComponentId), nullptr);
  EXPECT_EQ(layout->Component(kAckerComponentId)->parallelism, 3);
}

TEST(TopologyLayoutTest, AckerParallelismDefaultsToTheWorkerCount) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  EXPECT_EQ(Build(b, Config().setNumWorkers(4))->num_ackers(), 4);

  TopologyBuilder b2;
  b2.setSpout("spout", Spout());
  Config null_ackers = Config().setNumWorkers(2);
  null_ackers.put(Config::kTopologyAckerExecutors, nullptr);
  EXPECT_EQ(Build(b2, null_ackers)->num_ackers(), 2);

  TopologyBuilder b3;
  b3.setSpout("spout", Spout());
  EXPECT_EQ(Build(b3)->num_ackers(), 1);  // topology.workers defaults to 1
}

TEST(TopologyLayoutTest, ZeroAckersMeansNoAckerComponent) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).shuffleGrouping("spout");
  const auto layout = Build(b, Config().setNumAckers(0));
  EXPECT_EQ(layout->num_ackers(), 0);
  EXPECT_EQ(layout->Component(kAckerComponentId), nullptr);
  EXPECT_TRUE(layout->TasksOf(kAckerComponentId).empty());
  EXPECT_EQ(layout->max_task(), 2);
  // Nothing subscribes to the ack streams.
  EXPECT_TRUE(layout->Subscribers(layout->StreamIndex("spout", kAckInitStreamId)).empty());
  EXPECT_TRUE(layout->Subscribers(layout->StreamIndex("bolt", kAckAckStreamId)).empty());
}

TEST(TopologyLayoutTest, NegativeAckerCountIsAConfigError) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  EXPECT_THROW(Build(b, Config().setNumAckers(-1)), ConfigError);
}

TEST(TopologyLayoutTest, AckerTicksAtTheMessageTimeout) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  const auto layout = Build(b, Config().setMessageTimeoutSecs(17));
  EXPECT_EQ(layout->ComponentConf(kAckerComponentId).getInt(Config::kTopologyTickTupleFreqSecs),
            17);
}

// ---- Streams ----

TEST(TopologyLayoutTest, SystemStreamsAreDeclaredAndSubscribed) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).shuffleGrouping("spout");
  const auto layout = Build(b);

  const int init = layout->StreamIndex("spout", kAckInitStreamId);
  ASSERT_GE(init, 0);
  EXPECT_EQ(layout->Schema(init).fields, (Fields{"id", "ack-val", "spout-task"}));
  ASSERT_EQ(layout->Subscribers(init).size(), 1u);
  EXPECT_EQ(layout->Subscribers(init)[0].component, kAckerComponentId);
  EXPECT_EQ(layout->Subscribers(init)[0].grouping.kind, GroupingKind::kFields);
  EXPECT_EQ(layout->Subscribers(init)[0].grouping.fields, Fields{"id"});

  for (const char* stream : {kAckAckStreamId, kAckFailStreamId}) {
    const int from_bolt = layout->StreamIndex("bolt", stream);
    ASSERT_GE(from_bolt, 0) << stream;
    ASSERT_EQ(layout->Subscribers(from_bolt).size(), 1u) << stream;
    EXPECT_EQ(layout->Subscribers(from_bolt)[0].component, kAckerComponentId);

    // The acker answers the spout task directly.
    const int from_acker = layout->StreamIndex(kAckerComponentId, stream);
    ASSERT_GE(from_acker, 0) << stream;
    EXPECT_TRUE(layout->Component(kAckerComponentId)->streams.at(stream).direct);
    ASSERT_EQ(layout->Subscribers(from_acker).size(), 1u) << stream;
    EXPECT_EQ(layout->Subscribers(from_acker)[0].component, "spout");
    EXPECT_EQ(layout->Subscribers(from_acker)[0].grouping.kind, GroupingKind::kDirect);
  }
  // Spouts do not ack; bolts do not init.
  EXPECT_EQ(layout->StreamIndex("spout", kAckAckStreamId), -1);
  EXPECT_EQ(layout->StreamIndex("bolt", kAckInitStreamId), -1);
}

TEST(TopologyLayoutTest, TickStreamBelongsToTheSystemComponent) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  const auto layout = Build(b);
  const int tick = layout->StreamIndex(kSystemComponentId, kTickStreamId);
  ASSERT_GE(tick, 0);
  EXPECT_EQ(&layout->TickSchema(), &layout->Schema(tick));
  EXPECT_EQ(layout->TickSchema().component, kSystemComponentId);
  EXPECT_EQ(layout->TickSchema().stream, kTickStreamId);
}

TEST(TopologyLayoutTest, EveryStreamHasItsIndexAndSchema) {
  TopologyBuilder b;
  b.setSpout("spout", Spout({{"default", {Fields{"word"}, false}}, {"b", {Fields{"x"}, true}}}));
  b.setBolt("bolt", Bolt({{"out", {Fields{"y", "z"}, false}}})).shuffleGrouping("spout");
  const auto layout = Build(b);
  for (int i = 0; i < layout->num_streams(); ++i) {
    const TupleSchema& schema = layout->Schema(i);
    EXPECT_EQ(schema.stream_index, i);
    EXPECT_EQ(layout->StreamIndex(schema.component, schema.stream), i);
  }
  EXPECT_EQ(layout->Schema(layout->StreamIndex("bolt", "out")).fields, (Fields{"y", "z"}));
  EXPECT_EQ(layout->StreamIndex("bolt", "default"), -1);
  EXPECT_EQ(layout->StreamIndex("ghost", "default"), -1);
}

TEST(TopologyLayoutTest, SubscriptionsListTheSubscribersSortedTasks) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("count", Bolt(), 2).setNumTasks(3).fieldsGrouping("spout", Fields{"word"});
  const auto layout = Build(b, Config().setNumAckers(0));
  const auto& subs = layout->Subscribers(layout->StreamIndex("spout", "default"));
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].component, "count");
  EXPECT_EQ(subs[0].grouping.kind, GroupingKind::kFields);
  EXPECT_EQ(subs[0].tasks, Range(1, 3));
}

TEST(TopologyLayoutTest, ComponentConfIsMergedOverTheTopologyConf) {
  TopologyBuilder b;
  b.setSpout("spout", Spout()).setMaxSpoutPending(5);
  Config conf;
  conf.setMaxSpoutPending(100).setDebug(true);
  const auto layout = Build(b, conf);
  EXPECT_EQ(layout->ComponentConf("spout").getInt(Config::kTopologyMaxSpoutPending), 5);
  EXPECT_TRUE(layout->ComponentConf("spout").getBool(Config::kTopologyDebug));
  EXPECT_EQ(layout->ComponentConf("unknown").getInt(Config::kTopologyMaxSpoutPending), 100);
}

// ---- Validation ----

TEST(TopologyLayoutTest, UnknownComponentIsRejectedByName) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).shuffleGrouping("ghost");
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'ghost'"), std::string::npos) << error;
  EXPECT_NE(error.find("'bolt'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, UndeclaredStreamIsRejectedByName) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).shuffleGrouping("spout", "missing-stream");
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'missing-stream'"), std::string::npos) << error;
  EXPECT_NE(error.find("'spout'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, FieldsGroupingOnAnUndeclaredFieldIsRejectedByName) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).fieldsGrouping("spout", Fields{"word", "colour"});
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'colour'"), std::string::npos) << error;
  EXPECT_NE(error.find("'bolt'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, FieldsGroupingWithNoFieldsIsRejected) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).fieldsGrouping("spout", Fields{});
  EXPECT_NE(BuildError(b).find("'bolt'"), std::string::npos);
}

TEST(TopologyLayoutTest, ParallelismZeroIsRejectedByName) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("lazy-bolt", Bolt(), 0).shuffleGrouping("spout");
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'lazy-bolt'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, FewerTasksThanExecutorsIsRejected) {
  TopologyBuilder b;
  b.setSpout("spout", Spout(), 3).setNumTasks(2);
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'spout'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, DirectGroupingOnANonDirectStreamIsRejectedByName) {
  TopologyBuilder b;
  b.setSpout("spout", Spout());
  b.setBolt("bolt", Bolt()).directGrouping("spout");
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'default'"), std::string::npos) << error;
  EXPECT_NE(error.find("'bolt'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, NonDirectGroupingOnADirectStreamIsRejectedByName) {
  TopologyBuilder b;
  b.setSpout("spout", Spout({{"targeted", {Fields{"word"}, true}}}));
  b.setBolt("bolt", Bolt()).shuffleGrouping("spout", "targeted");
  const std::string error = BuildError(b);
  EXPECT_NE(error.find("'targeted'"), std::string::npos) << error;
}

TEST(TopologyLayoutTest, TopologyWithoutSpoutIsRejected) {
  TopologyBuilder b;
  b.setBolt("bolt", Bolt());
  EXPECT_NE(BuildError(b).find("no spout"), std::string::npos);
}

}  // namespace
}  // namespace storm
