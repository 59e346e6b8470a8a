// Squares: a spout of numbers, a bolt that squares them, a bolt that prints.
#include <cstdio>

#include "storm/storm.h"

class NumberSpout : public storm::BaseRichSpout {
 public:
  void open(const storm::Config&, storm::TopologyContext&,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    if (next_ == 1000) return;
    collector_->emit(storm::Values{next_}, storm::Value(next_));  // reliable: with a message id
    ++next_;
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& d) override { d.declare({"n"}); }

 private:
  storm::SpoutOutputCollector* collector_ = nullptr;
  int64_t next_ = 0;
};

// A basic bolt: its emits are anchored to the input, which is acked for it.
class SquareBolt : public storm::BaseBasicBolt {
 public:
  void execute(const storm::Tuple& input, storm::BasicOutputCollector& collector) override {
    const int64_t n = input.getLongByField("n");
    collector.emit(storm::Values{n, n * n});
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& d) override { d.declare({"n", "square"}); }
};

class PrintBolt : public storm::BaseBasicBolt {
 public:
  void execute(const storm::Tuple& input, storm::BasicOutputCollector&) override {
    if (input.getLong(0) % 100 == 0) std::printf("%s\n", input.getValues().toString().c_str());
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}
};

STORM_TOPOLOGY_MAIN(args) {
  storm::TopologyBuilder builder;
  builder.setSpout("numbers", std::make_shared<NumberSpout>(), 1);
  builder.setBolt("square", std::make_shared<SquareBolt>(), 2).shuffleGrouping("numbers");
  builder.setBolt("print", std::make_shared<PrintBolt>(), 1).fieldsGrouping("square", {"n"});
  storm::StormSubmitter::submitTopology(args.empty() ? "squares" : args[0], storm::Config(),
                                        builder.createTopology());
}
