// A topology whose bolt reports an error for the tuples 10, 20 and 30 (and
// only those): for tests of where task errors go (/errors).
//   spout "numbers" (1, 2, 3, ...) -> bolt "picky"
#include <string>

#include "storm/storm.h"

namespace {

class NumberSpout : public storm::BaseRichSpout {
 public:
  void open(const storm::Config&, storm::TopologyContext&,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    ++next_;
    collector_->emit(storm::Values{next_}, storm::Value(next_));
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"n"});
  }

 private:
  storm::SpoutOutputCollector* collector_ = nullptr;
  int64_t next_ = 0;
};

class PickyBolt : public storm::BaseRichBolt {
 public:
  void prepare(const storm::Config&, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const storm::Tuple& input) override {
    const int64_t n = input.getLong(0);
    if (n <= 30 && n % 10 == 0) collector_->reportError("picky: " + std::to_string(n));
    collector_->ack(input);
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  storm::OutputCollector* collector_ = nullptr;
};

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  storm::TopologyBuilder builder;
  builder.setSpout("numbers", std::make_shared<NumberSpout>(), 1);
  builder.setBolt("picky", std::make_shared<PickyBolt>(), 1).shuffleGrouping("numbers");
  storm::Config conf;
  conf.setNumWorkers(1);
  conf.setMaxSpoutPending(100);
  storm::StormSubmitter::submitTopology(args.empty() ? "picky" : args[0], conf,
                                        builder.createTopology());
}
