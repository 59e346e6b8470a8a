// KafkaSpout: a spout that reads Kafka topics through librdkafka, as Apache
// Storm's storm-kafka-client KafkaSpout (see kafka_spout_config.h for the
// options and guarantees). Link the `storm_kafka` library to use it.
//
// Partitions: the spout assigns them itself (no consumer-group rebalance):
// the sorted partitions of its topics are dealt round-robin to the tasks of
// its component by task index, so each partition is read by exactly one task.
// Every partitionRefreshPeriodMs a task re-reads the topics' metadata and
// follows new partitions (and topics matching a pattern). A new partition
// starts from the offset the consumer group committed, or as the first poll
// offset strategy says.
//
// Offsets are committed to the consumer group in Kafka (with the topology id
// as commit metadata), so a restarted topology resumes where it committed.
//
// Errors: an unreachable broker, a missing topic or a failed commit are
// reported through the collector's reportError (shown as the component's
// errors) and logged; the spout keeps trying. Bad options are refused by
// KafkaSpoutConfig::Builder::build.
//
// Thread safety: as every spout, one task's methods run on its executor
// thread only. librdkafka's own threads never call back into the spout.
#pragma once

#include <memory>

#include "storm/component.h"
#include "storm/export.h"
#include "storm/kafka/kafka_spout_config.h"

namespace storm::kafka {

class SpoutConsumer;

class STORM_API KafkaSpout : public BaseRichSpout {
 public:
  explicit KafkaSpout(KafkaSpoutConfig config);
  // Copies the configuration only: each task opens its own consumer.
  KafkaSpout(const KafkaSpout& other);
  KafkaSpout& operator=(const KafkaSpout&) = delete;
  ~KafkaSpout() override;

  void open(const Config& conf, TopologyContext& context, SpoutOutputCollector& collector) override;
  void close() override;
  void activate() override;
  void deactivate() override;
  void nextTuple() override;
  void ack(const Value& msg_id) override;
  void fail(const Value& msg_id) override;
  void declareOutputFields(OutputFieldsDeclarer& declarer) override;

  const KafkaSpoutConfig& config() const { return config_; }

 protected:
  // Milliseconds of a monotonic clock; tests override it to drive the retry
  // backoff and the commit and refresh periods without sleeping.
  virtual int64_t nowMillis() const;

 private:
  KafkaSpoutConfig config_;
  std::unique_ptr<SpoutConsumer> consumer_;  // made by open
};

}  // namespace storm::kafka
