// Exclamation, Storm's starter example: words get "!!!" appended twice, by
// two bolts in a row, each anchoring its output to its input and acking it.
//
//   storm local build/examples/libexclamation.so exclamation --duration 5
#include <string>
#include <vector>

#include "storm/storm.h"

namespace {

class TestWordSpout : public storm::BaseRichSpout {
 public:
  void open(const storm::Config&, storm::TopologyContext&,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    static const std::vector<std::string> kWords = {"nathan", "mike", "jackson", "golda", "bertels"};
    collector_->emit(storm::Values{kWords[next_++ % kWords.size()]}, storm::Value(id_++));
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"word"});
  }

 private:
  storm::SpoutOutputCollector* collector_ = nullptr;
  size_t next_ = 0;
  int64_t id_ = 0;
};

class ExclamationBolt : public storm::BaseRichBolt {
 public:
  void prepare(const storm::Config&, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const storm::Tuple& input) override {
    collector_->emit(input, storm::Values{input.getString(0) + "!!!"});
    collector_->ack(input);
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"word"});
  }

 private:
  storm::OutputCollector* collector_ = nullptr;
};

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  storm::TopologyBuilder builder;
  builder.setSpout("word", std::make_shared<TestWordSpout>(), 2);
  builder.setBolt("exclaim1", std::make_shared<ExclamationBolt>(), 3).shuffleGrouping("word");
  builder.setBolt("exclaim2", std::make_shared<ExclamationBolt>(), 2).shuffleGrouping("exclaim1");
  storm::Config conf;
  conf.setDebug(false);
  conf.setNumWorkers(2);
  conf.setMaxSpoutPending(1000);
  storm::StormSubmitter::submitTopology(args.empty() ? "exclamation" : args[0], conf,
                                        builder.createTopology());
}
