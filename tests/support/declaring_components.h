// Spouts and bolts that only declare streams, for tests that build a
// topology's layout and never run its components.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "storm/component.h"
#include "storm/output_fields_declarer.h"
#include "storm/topology.h"

namespace storm::testing {

// Stream name -> its fields and whether it is direct.
using Streams = std::map<std::string, StreamDeclaration>;

inline void DeclareStreams(const Streams& streams, OutputFieldsDeclarer& d) {
  for (const auto& [name, decl] : streams) d.declareStream(name, decl.direct, decl.fields);
}

class DeclaringSpout : public BaseRichSpout {
 public:
  explicit DeclaringSpout(Streams streams) : streams_(std::move(streams)) {}
  void declareOutputFields(OutputFieldsDeclarer& d) override { DeclareStreams(streams_, d); }
  void open(const Config&, TopologyContext&, SpoutOutputCollector&) override {}
  void nextTuple() override {}

 private:
  Streams streams_;
};

class DeclaringBolt : public BaseRichBolt {
 public:
  explicit DeclaringBolt(Streams streams = {}) : streams_(std::move(streams)) {}
  void declareOutputFields(OutputFieldsDeclarer& d) override { DeclareStreams(streams_, d); }
  void prepare(const Config&, TopologyContext&, OutputCollector&) override {}
  void execute(const Tuple&) override {}

 private:
  Streams streams_;
};

// Factories for TopologyBuilder::setSpout / setBolt.
inline SpoutFactory DeclaringSpoutFactory(Streams streams) {
  return [streams = std::move(streams)] { return std::make_unique<DeclaringSpout>(streams); };
}
inline BoltFactory DeclaringBoltFactory(Streams streams = {}) {
  return [streams = std::move(streams)] { return std::make_unique<DeclaringBolt>(streams); };
}

}  // namespace storm::testing
