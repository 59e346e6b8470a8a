// A topology for tests of at-least-once processing across worker crashes:
//   spout "ids" (0..N-1, message id = the number; failed ids are replayed)
//     -> bolt "acking-bolt" (acks every input, emits nothing)
// The spout appends every acked id, one per line and flushed at once, to
// <replaying.acked.dir>/acked-<task>.txt, so that what was acked survives
// whatever happens to the workers afterwards.
//
// Config keys: replaying.ids (N, default 1000), replaying.acked.dir
// (required), replaying.emit.interval.micros (pause after each new id, 1000),
// replaying.bolt.sleep.micros (the bolt's pause per tuple, 0: so that tuples
// wait in its queue, and a killed bolt loses trees).
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storm/storm.h"

namespace {

class IdSpout : public storm::BaseRichSpout {
 public:
  ~IdSpout() override {
    if (acked_ != nullptr) std::fclose(acked_);
  }
  void open(const storm::Config& conf, storm::TopologyContext& context,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
    limit_ = conf.getInt("replaying.ids", 1000);
    interval_ = std::chrono::microseconds(conf.getInt("replaying.emit.interval.micros", 1000));
    const std::string dir = conf.getString("replaying.acked.dir", "");
    if (dir.empty()) throw std::runtime_error("replaying.acked.dir is not set");
    const std::string file = dir + "/acked-" + std::to_string(context.getThisTaskId()) + ".txt";
    acked_ = std::fopen(file.c_str(), "a");
    if (acked_ == nullptr) throw std::runtime_error("cannot append to " + file);
  }
  void nextTuple() override {
    int64_t id;
    if (!replay_.empty()) {
      id = replay_.back();
      replay_.pop_back();
    } else if (next_ < limit_) {
      id = next_++;
      std::this_thread::sleep_for(interval_);
    } else {
      return;  // all emitted; acks and replays keep coming
    }
    collector_->emit(storm::Values{id}, storm::Value(id));
  }
  void ack(const storm::Value& msg_id) override {
    std::fprintf(acked_, "%lld\n", static_cast<long long>(msg_id.asInt()));
    std::fflush(acked_);
  }
  void fail(const storm::Value& msg_id) override { replay_.push_back(msg_id.asInt()); }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"id"});
  }

 private:
  storm::SpoutOutputCollector* collector_ = nullptr;
  std::FILE* acked_ = nullptr;
  int64_t limit_ = 0;
  int64_t next_ = 0;
  std::chrono::microseconds interval_{1000};
  std::vector<int64_t> replay_;
};

class AckingBolt : public storm::BaseRichBolt {
 public:
  void prepare(const storm::Config& conf, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
    sleep_ = std::chrono::microseconds(conf.getInt("replaying.bolt.sleep.micros", 0));
  }
  void execute(const storm::Tuple& input) override {
    if (sleep_.count() > 0) std::this_thread::sleep_for(sleep_);
    collector_->ack(input);
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  storm::OutputCollector* collector_ = nullptr;
  std::chrono::microseconds sleep_{0};
};

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  storm::TopologyBuilder builder;
  builder.setSpout("ids", std::make_shared<IdSpout>(), 1);
  builder.setBolt("acking-bolt", std::make_shared<AckingBolt>(), 2).shuffleGrouping("ids");
  storm::Config conf;
  conf.setNumWorkers(2);
  conf.setNumAckers(1);
  conf.setMaxSpoutPending(200);
  storm::StormSubmitter::submitTopology(args.empty() ? "replaying" : args[0], conf,
                                        builder.createTopology());
}
