// KafkaBolt: writes each input tuple as a record to a Kafka topic through a
// librdkafka producer, as Apache Storm's storm-kafka-client KafkaBolt with a
// DefaultTopicSelector (or FieldNameTopicSelector) and a
// FieldNameBasedTupleToKafkaMapper. Link the `storm_kafka` library to use it.
//
//   auto bolt = std::make_shared<storm::kafka::KafkaBolt>();
//   bolt->withBootstrapServers("broker:9092").withTopic("counts")
//       .withTupleToKafkaMapper("word", "count");
//   builder.setBolt("to-kafka", bolt, 1).shuffleGrouping("count");
//
// Key and value come from two named fields (default "key" and "message", as
// Storm's mapper); a string or bytes value is written as is, an integer,
// double or bool as its text, null as no key / a tombstone. A tuple without
// the value field is failed and reported.
//
// Acking: an input is acked when the broker confirmed its record (the
// delivery report) and failed when delivery failed (after librdkafka's own
// retries, within `message.timeout.ms`, 30 s unless set); with
// setFireAndForget(true) it is acked as soon as it is handed to the producer.
// Delivery reports are served by polling the producer from execute() and on
// tick tuples (the bolt asks for one per second), so every ack and fail is
// made on the executor thread, as the OutputCollector requires.
//
// Bootstrap servers left empty are read from the topology config key
// `kafka.bootstrap.servers` in prepare.
//
// Thread safety: as every bolt, one task's methods run on its executor thread.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "storm/component.h"
#include "storm/export.h"

namespace storm::kafka {

class STORM_API KafkaBolt : public BaseRichBolt {
 public:
  KafkaBolt();
  // Copies the configuration only: each task opens its own producer.
  KafkaBolt(const KafkaBolt& other);
  KafkaBolt& operator=(const KafkaBolt&) = delete;
  ~KafkaBolt() override;

  KafkaBolt& withBootstrapServers(const std::string& servers);
  // DefaultTopicSelector: every record to this topic.
  KafkaBolt& withTopic(const std::string& topic);
  // FieldNameTopicSelector: the topic named by a field of the tuple, or
  // `default_topic` when the tuple has no such field.
  KafkaBolt& withTopicField(const std::string& field, const std::string& default_topic = "");
  // FieldNameBasedTupleToKafkaMapper(key_field, value_field).
  KafkaBolt& withTupleToKafkaMapper(const std::string& key_field, const std::string& value_field);
  // A librdkafka producer property ("acks", "linger.ms", "compression.type", ...).
  KafkaBolt& withProducerProperty(const std::string& name, const std::string& value);
  KafkaBolt& withProducerProperties(const std::map<std::string, std::string>& properties);
  KafkaBolt& setFireAndForget(bool fire_and_forget);

  void prepare(const Config& conf, TopologyContext& context, OutputCollector& collector) override;
  void execute(const Tuple& input) override;
  void cleanup() override;
  void declareOutputFields(OutputFieldsDeclarer& declarer) override;
  Config getComponentConfiguration() override;

 private:
  class Producer;
  struct Options {
    std::string bootstrap_servers;
    std::string topic;
    std::string topic_field;
    std::string key_field = "key";
    std::string value_field = "message";
    std::map<std::string, std::string> properties;
    bool fire_and_forget = false;
  };

  Options options_;
  std::unique_ptr<Producer> producer_;  // made by prepare
};

}  // namespace storm::kafka
