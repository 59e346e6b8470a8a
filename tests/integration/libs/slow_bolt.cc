// A topology for tests of backpressure across workers:
//   spout "numbers" (1, 2, 3, ... as fast as it may; no message ids)
//     -> bolt "slow" (sleeps slow.bolt.sleep.micros, default 1000, per tuple)
// With acking off the spout is only held back by full queues downstream.
#include <chrono>
#include <string>
#include <thread>

#include "storm/storm.h"

namespace {

class NumberSpout : public storm::BaseRichSpout {
 public:
  void open(const storm::Config&, storm::TopologyContext&,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override { collector_->emit(storm::Values{++next_}); }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"n"});
  }

 private:
  storm::SpoutOutputCollector* collector_ = nullptr;
  int64_t next_ = 0;
};

class SlowBolt : public storm::BaseRichBolt {
 public:
  void prepare(const storm::Config& conf, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
    sleep_ = std::chrono::microseconds(conf.getInt("slow.bolt.sleep.micros", 1000));
  }
  void execute(const storm::Tuple& input) override {
    std::this_thread::sleep_for(sleep_);
    collector_->ack(input);
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  storm::OutputCollector* collector_ = nullptr;
  std::chrono::microseconds sleep_{1000};
};

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  storm::TopologyBuilder builder;
  builder.setSpout("numbers", std::make_shared<NumberSpout>(), 1);
  builder.setBolt("slow", std::make_shared<SlowBolt>(), 1).shuffleGrouping("numbers");
  storm::Config conf;
  conf.setNumWorkers(2);
  conf.setNumAckers(0);
  storm::StormSubmitter::submitTopology(args.empty() ? "slow" : args[0], conf,
                                        builder.createTopology());
}
