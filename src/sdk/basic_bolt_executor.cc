#include "storm/basic_bolt_executor.h"

namespace storm {

void BasicBoltExecutor::prepare(const Config& conf, TopologyContext& context,
                                OutputCollector& collector) {
  collector_ = &collector;
  bolt_->prepare(conf, context);
}

void BasicBoltExecutor::execute(const Tuple& input) {
  BasicOutputCollector basic(*collector_, input);
  try {
    bolt_->execute(input, basic);
  } catch (const FailedException& e) {
    // Storm's contract: FailedException fails the input and is not an error.
    collector_->fail(input);
    return;
  }
  collector_->ack(input);
}

}  // namespace storm
