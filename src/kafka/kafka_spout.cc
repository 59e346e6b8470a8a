#include "storm/kafka/kafka_spout.h"

#include <chrono>

#include "kafka/spout_consumer.h"

namespace storm::kafka {

// ---- KafkaSpout ----

KafkaSpout::KafkaSpout(KafkaSpoutConfig config) : config_(std::move(config)) {}
KafkaSpout::KafkaSpout(const KafkaSpout& other) : BaseRichSpout(), config_(other.config_) {}
KafkaSpout::~KafkaSpout() = default;

int64_t KafkaSpout::nowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void KafkaSpout::open(const Config& conf, TopologyContext& context,
                      SpoutOutputCollector& collector) {
  consumer_ = std::make_unique<SpoutConsumer>(
      config_, [this] { return nowMillis(); }, conf, context, collector);
}

void KafkaSpout::close() {
  if (!consumer_) return;
  if (config_.processingGuarantee() != ProcessingGuarantee::AT_MOST_ONCE) consumer_->CommitNow();
  consumer_.reset();
}

void KafkaSpout::activate() {}

void KafkaSpout::deactivate() {
  if (consumer_ && config_.processingGuarantee() != ProcessingGuarantee::AT_MOST_ONCE) {
    consumer_->CommitNow();
  }
}

void KafkaSpout::nextTuple() {
  if (consumer_) consumer_->NextTuple();
}

void KafkaSpout::ack(const Value& msg_id) {
  if (consumer_ && msg_id.isInt()) consumer_->Ack(static_cast<uint64_t>(msg_id.asInt()));
}

void KafkaSpout::fail(const Value& msg_id) {
  if (consumer_ && msg_id.isInt()) consumer_->Fail(static_cast<uint64_t>(msg_id.asInt()));
}

void KafkaSpout::declareOutputFields(OutputFieldsDeclarer& declarer) {
  declarer.declareStream(config_.translator().stream(), config_.translator().fields());
}

}  // namespace storm::kafka
