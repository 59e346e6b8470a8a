// A topology library whose topology is invalid in the way its first
// argument says: unknown-component, undeclared-stream, undeclared-field,
// zero-parallelism.
#include "storm/storm.h"

namespace {
class Spout : public storm::BaseRichSpout {
 public:
  void open(const storm::Config&, storm::TopologyContext&, storm::SpoutOutputCollector&) override {}
  void nextTuple() override {}
  void declareOutputFields(storm::OutputFieldsDeclarer& d) override {
    d.declare(storm::Fields{"word"});
  }
};
class Bolt : public storm::BaseBasicBolt {
 public:
  void execute(const storm::Tuple&, storm::BasicOutputCollector&) override {}
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}
};
}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  const std::string how = args.empty() ? "unknown-component" : args[0];
  storm::TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<Spout>());
  if (how == "unknown-component") {
    builder.setBolt("bolt", std::make_shared<Bolt>()).shuffleGrouping("nowhere");
  } else if (how == "undeclared-stream") {
    builder.setBolt("bolt", std::make_shared<Bolt>()).shuffleGrouping("spout", "other");
  } else if (how == "undeclared-field") {
    builder.setBolt("bolt", std::make_shared<Bolt>()).fieldsGrouping("spout", storm::Fields{"w"});
  } else {
    builder.setBolt("bolt", std::make_shared<Bolt>(), 0).shuffleGrouping("spout");
  }
  storm::StormSubmitter::submitTopology("invalid", storm::Config(), builder.createTopology());
}
