#include "storm/topology_builder.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "storm/component.h"
#include "storm/config.h"
#include "storm/errors.h"
#include "sdk/topology_def.h"

namespace storm {
namespace {

class WordSpout : public BaseRichSpout {
 public:
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declare(Fields{"word"});
    d.declareStream("direct", true, Fields{"word", "n"});
  }
  Config getComponentConfiguration() override {
    Config c;
    c.setMaxSpoutPending(10).setDebug(true);
    return c;
  }
  void open(const Config&, TopologyContext&, SpoutOutputCollector&) override {}
  void nextTuple() override {}
};

class TwiceDeclaringBolt : public BaseRichBolt {
 public:
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declare(Fields{"a"});
    d.declare(Fields{"b"});
  }
  void prepare(const Config&, TopologyContext&, OutputCollector&) override {}
  void execute(const Tuple&) override {}
};

TEST(TopologyBuilderTest, CreateTopologyCollectsDeclaredStreams) {
  TopologyBuilder b;
  b.setSpout("words", std::make_shared<WordSpout>(), 2);
  const StormTopology topology = b.createTopology();
  const ComponentDef* spout = FindComponent(topology, "words");
  ASSERT_NE(spout, nullptr);
  EXPECT_TRUE(spout->is_spout);
  EXPECT_EQ(spout->parallelism, 2);
  ASSERT_EQ(spout->streams.size(), 2u);
  EXPECT_EQ(spout->streams.at("default").fields, Fields{"word"});
  EXPECT_FALSE(spout->streams.at("default").direct);
  EXPECT_TRUE(spout->streams.at("direct").direct);
  EXPECT_NE(spout->class_name.find("WordSpout"), std::string::npos) << spout->class_name;
}

TEST(TopologyBuilderTest, DeclarerConfigurationWinsOverTheComponents) {
  TopologyBuilder b;
  b.setSpout("words", std::make_shared<WordSpout>()).setMaxSpoutPending(3);
  const StormTopology topology = b.createTopology();
  const Config& conf = FindComponent(topology, "words")->conf;
  EXPECT_EQ(conf.getInt(Config::kTopologyMaxSpoutPending), 3);
  EXPECT_TRUE(conf.getBool(Config::kTopologyDebug));
}

TEST(TopologyBuilderTest, DuplicateReservedAndEmptyIdsAreRejected) {
  TopologyBuilder b;
  b.setSpout("words", std::make_shared<WordSpout>());
  EXPECT_THROW(b.setSpout("words", std::make_shared<WordSpout>()), InvalidTopologyError);
  EXPECT_THROW(b.setSpout("__acker", std::make_shared<WordSpout>()), InvalidTopologyError);
  EXPECT_THROW(b.setSpout("", std::make_shared<WordSpout>()), InvalidTopologyError);
}

TEST(TopologyBuilderTest, DeclaringAStreamTwiceIsRejected) {
  TopologyBuilder b;
  b.setSpout("words", std::make_shared<WordSpout>());
  b.setBolt("twice", std::make_shared<TwiceDeclaringBolt>()).shuffleGrouping("words");
  EXPECT_THROW(b.createTopology(), InvalidTopologyError);
}

TEST(TopologyBuilderTest, ValidTopologyPassesValidation) {
  TopologyBuilder ok;
  ok.setSpout("words", std::make_shared<WordSpout>(), 2).setNumTasks(4);
  EXPECT_NO_THROW(ValidateTopology(ok.createTopology()));
}

TEST(TopologyBuilderTest, ParallelismZeroIsRefusedAtValidation) {
  TopologyBuilder b;
  b.setSpout("words", std::make_shared<WordSpout>(), 0);
  StormTopology topology = b.createTopology();
  EXPECT_THROW(ValidateTopology(topology), InvalidTopologyError);
}

}  // namespace
}  // namespace storm
