// The SDK topology to Thrift and back, through Thrift's binary protocol, as
// the CLI sends it to Nimbus and Nimbus stores it.
#include <gtest/gtest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "common/topology/topology_thrift.h"
#include "storm/errors.h"
#include "storm/storm.h"
#include "sdk/topology_def.h"

namespace storm {
namespace {

class Spout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext&, SpoutOutputCollector&) override {}
  void nextTuple() override {}
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declare(Fields{"word", "n"});
    d.declareStream("control", true, Fields{"cmd"});
  }
};

class Bolt : public BaseBasicBolt {
 public:
  void execute(const Tuple&, BasicOutputCollector&) override {}
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"out"}); }
};

StormTopology EveryGrouping() {
  TopologyBuilder b;
  b.setSpout("spout", std::make_shared<Spout>(), 2).setNumTasks(4).addConfiguration("k", 7);
  b.setBolt("shuffle", std::make_shared<Bolt>(), 3).shuffleGrouping("spout");
  b.setBolt("fields", std::make_shared<Bolt>()).fieldsGrouping("spout", Fields{"word"});
  b.setBolt("all", std::make_shared<Bolt>()).allGrouping("spout");
  b.setBolt("global", std::make_shared<Bolt>()).globalGrouping("spout");
  b.setBolt("none", std::make_shared<Bolt>()).noneGrouping("spout");
  b.setBolt("direct", std::make_shared<Bolt>()).directGrouping("spout", "control");
  b.setBolt("local", std::make_shared<Bolt>()).localOrShuffleGrouping("fields");
  return b.createTopology();
}

gen::StormTopology ThroughTheWire(const gen::StormTopology& in) {
  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
  apache::thrift::protocol::TBinaryProtocol protocol(buffer);
  in.write(&protocol);
  gen::StormTopology out;
  out.read(&protocol);
  return out;
}

void ExpectSameShape(const StormTopology& a, const StormTopology& b) {
  ASSERT_EQ(TopologyComponents(a).size(), TopologyComponents(b).size());
  for (const auto& [id, x] : TopologyComponents(a)) {
    const ComponentDef* y = FindComponent(b, id);
    ASSERT_NE(y, nullptr) << id;
    EXPECT_EQ(x.is_spout, y->is_spout) << id;
    EXPECT_EQ(x.parallelism, y->parallelism) << id;
    EXPECT_EQ(x.num_tasks, y->num_tasks) << id;
    EXPECT_EQ(x.class_name, y->class_name) << id;
    EXPECT_EQ(x.conf, y->conf) << id;
    ASSERT_EQ(x.inputs.size(), y->inputs.size()) << id;
    for (size_t i = 0; i < x.inputs.size(); ++i) {
      EXPECT_EQ(x.inputs[i].component, y->inputs[i].component);
      EXPECT_EQ(x.inputs[i].stream, y->inputs[i].stream);
      EXPECT_EQ(x.inputs[i].grouping.kind, y->inputs[i].grouping.kind) << id;
      EXPECT_EQ(x.inputs[i].grouping.fields, y->inputs[i].grouping.fields) << id;
    }
    ASSERT_EQ(x.streams.size(), y->streams.size()) << id;
    for (const auto& [stream, decl] : x.streams) {
      EXPECT_EQ(decl.fields, y->streams.at(stream).fields);
      EXPECT_EQ(decl.direct, y->streams.at(stream).direct);
    }
  }
}

TEST(TopologyThriftTest, EveryGroupingSurvivesTheWire) {
  StormTopology topology = EveryGrouping();
  StormTopology back = TopologyFromThrift(ThroughTheWire(TopologyToThrift(topology)));
  ExpectSameShape(topology, back);
  EXPECT_NO_THROW(ValidateTopology(back));
}

TEST(TopologyThriftTest, GlobalGroupingIsAFieldsGroupingOnNoFieldsAsInStorm) {
  gen::StormTopology thrift = TopologyToThrift(EveryGrouping());
  const auto& inputs = thrift.bolts.at("global").common.inputs;
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_TRUE(inputs.begin()->second.__isset.fields);
  EXPECT_TRUE(inputs.begin()->second.fields.empty());
  EXPECT_EQ(thrift.spouts.at("spout").spout_object.cpp_object.class_name, "storm::(anonymous namespace)::Spout");
}

TEST(TopologyThriftTest, WhatStormCppCannotRunIsRefused) {
  gen::StormTopology java = TopologyToThrift(EveryGrouping());
  java.spouts.at("spout").spout_object = gen::ComponentObject();
  java.spouts.at("spout").spout_object.__set_serialized_java("\xac\xed");
  EXPECT_THROW(TopologyFromThrift(java), InvalidTopologyError);

  gen::StormTopology custom = TopologyToThrift(EveryGrouping());
  auto& grouping = custom.bolts.at("shuffle").common.inputs.begin()->second;
  grouping = gen::Grouping();
  grouping.__set_custom_serialized("x");
  EXPECT_THROW(TopologyFromThrift(custom), InvalidTopologyError);

  gen::StormTopology bad_conf = TopologyToThrift(EveryGrouping());
  bad_conf.bolts.at("all").common.__set_json_conf("{not json");
  EXPECT_THROW(TopologyFromThrift(bad_conf), InvalidTopologyError);
}

}  // namespace
}  // namespace storm
