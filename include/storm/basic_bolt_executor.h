// BasicBoltExecutor: runs an IBasicBolt as an IBolt, acking each input after
// execute and failing it on FailedException, as Storm's BasicBoltExecutor.
#pragma once

#include <memory>

#include "storm/component.h"
#include "storm/export.h"

namespace storm {

class STORM_API BasicBoltExecutor : public IBolt {
 public:
  explicit BasicBoltExecutor(std::unique_ptr<IBasicBolt> bolt) : bolt_(std::move(bolt)) {}

  void declareOutputFields(OutputFieldsDeclarer& declarer) override {
    bolt_->declareOutputFields(declarer);
  }
  Config getComponentConfiguration() override { return bolt_->getComponentConfiguration(); }
  void prepare(const Config& conf, TopologyContext& context, OutputCollector& collector) override;
  void execute(const Tuple& input) override;
  void cleanup() override { bolt_->cleanup(); }

 private:
  std::unique_ptr<IBasicBolt> bolt_;
  OutputCollector* collector_ = nullptr;
};

}  // namespace storm
