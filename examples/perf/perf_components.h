// The components of Storm's perf topologies (storm-perf): a spout emitting a
// constant string, a bolt re-emitting its input anchored, and a bolt that
// only acks. Header-only so that each perf topology library is one file.
//
// Config keys (as storm-perf's, in our namespace):
//   perf.spout.count, perf.bolt1.count, perf.bolt2.count   parallelism (1)
//   perf.spout.rate   tuples/s per spout task, 0 = as fast as it can (0);
//                     from 320 k/s on, emitted in chunks of 16 (one every
//                     50 us or less), below that one by one when due
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "storm/storm.h"

namespace perf {

class ConstSpout : public storm::BaseRichSpout {
 public:
  explicit ConstSpout(std::string value) : values_{std::move(value)} {}

  void open(const storm::Config& conf, storm::TopologyContext&,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
    rate_ = conf.getInt("perf.spout.rate", 0);
    start_ = std::chrono::steady_clock::now();
  }
  void nextTuple() override {
    int64_t n = kPerCall;
    if (rate_ > 0) {
      // Emit only as many as the rate allows since the start.
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const int64_t due = static_cast<int64_t>(secs * static_cast<double>(rate_)) - count_;
      // At high rates the spout emits whole chunks, as a spout reading from
      // a broker gets messages in batches: a spout that wakes every few
      // hundred nanoseconds to emit one tuple would measure its own polling.
      if (due < kPerCall && rate_ >= kChunkedRate) return;
      n = std::min<int64_t>(kPerCall, due);
    }
    for (int64_t i = 0; i < n; ++i) {
      collector_->emit(values_, storm::Value(count_++));
    }
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"str"});
  }

 private:
  static constexpr int kPerCall = 16;
  // From this rate on, a chunk of kPerCall tuples is due within 50 us.
  static constexpr int64_t kChunkedRate = kPerCall * 20000;
  storm::Values values_;
  storm::SpoutOutputCollector* collector_ = nullptr;
  int64_t rate_ = 0;
  int64_t count_ = 0;
  std::chrono::steady_clock::time_point start_;
};

class IdBolt : public storm::BaseRichBolt {
 public:
  void prepare(const storm::Config&, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const storm::Tuple& input) override {
    collector_->emit(input, storm::Values{input.getValue(0)});
    collector_->ack(input);
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"str"});
  }

 private:
  storm::OutputCollector* collector_ = nullptr;
};

class DevNullBolt : public storm::BaseRichBolt {
 public:
  void prepare(const storm::Config&, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const storm::Tuple& input) override { collector_->ack(input); }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  storm::OutputCollector* collector_ = nullptr;
};

inline int Parallelism(const storm::Config& conf, const char* key) {
  return static_cast<int>(conf.getInt(key, 1));
}

}  // namespace perf
