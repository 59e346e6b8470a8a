// Word count over Kafka: sentences read from one topic by the Kafka spout
// (at-least-once: offsets are committed once their sentence's tuple tree is
// acked), split into words, counted (fields grouping on "word"), and every
// new count written by the Kafka bolt to another topic as a record with the
// word as key and the count as value (acked on the broker's delivery report).
//
//   build/bin/storm-kafka-mock --topic sentences:4 --topic counts:1
//                              --load sentences=README.md --bootstrap-file /tmp/kafka.addr &
//   build/bin/storm local build/examples/libkafka_word_count.so kafka-word-count
//                         -c kafka.bootstrap.servers=$(cat /tmp/kafka.addr) --duration 10
//   build/bin/storm-kafka-mock --print counts --connect $(cat /tmp/kafka.addr)
//
// Arguments (after the topology name, all optional):
//   --bootstrap HOST:PORT,...  the Kafka brokers; without it the spout and
//                              the bolt read the topology config key
//                              kafka.bootstrap.servers (storm local/jar -c)
//   --input TOPIC              the sentences' topic (default "sentences")
//   --output TOPIC             the counts' topic (default "counts")
//   --group GROUP              the spout's consumer group (default
//                              "kafka-word-count")
//   --spouts N                 spout tasks sharing the partitions (default 2)
//   --guarantee G              AT_LEAST_ONCE (default), AT_MOST_ONCE, NO_GUARANTEE
//   --first-poll S             UNCOMMITTED_EARLIEST (default), EARLIEST, LATEST,
//                              UNCOMMITTED_LATEST
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "storm/kafka/kafka_bolt.h"
#include "storm/kafka/kafka_spout.h"
#include "storm/storm.h"

namespace {

class SplitSentence : public storm::BaseBasicBolt {
 public:
  void execute(const storm::Tuple& input, storm::BasicOutputCollector& collector) override {
    std::istringstream words(input.getStringByField("sentence"));
    std::string word;
    while (words >> word) collector.emit(storm::Values{word});
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"word"});
  }
};

class WordCount : public storm::BaseBasicBolt {
 public:
  void execute(const storm::Tuple& input, storm::BasicOutputCollector& collector) override {
    const std::string& word = input.getStringByField("word");
    collector.emit(storm::Values{word, ++counts_[word]});
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"word", "count"});
  }

 private:
  std::unordered_map<std::string, int64_t> counts_;
};

struct Options {
  std::string name = "kafka-word-count";
  std::string bootstrap;
  std::string input = "sentences";
  std::string output = "counts";
  std::string group = "kafka-word-count";
  int spouts = 2;
  storm::kafka::ProcessingGuarantee guarantee = storm::kafka::ProcessingGuarantee::AT_LEAST_ONCE;
  storm::kafka::FirstPollOffsetStrategy first_poll =
      storm::kafka::FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST;
};

Options ParseArgs(const std::vector<std::string>& args) {
  Options o;
  size_t i = 0;
  if (!args.empty() && args[0].rfind("--", 0) != 0) o.name = args[i++];
  for (; i < args.size(); i += 2) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value");
    const std::string& value = args[i + 1];
    if (flag == "--bootstrap") {
      o.bootstrap = value;
    } else if (flag == "--input") {
      o.input = value;
    } else if (flag == "--output") {
      o.output = value;
    } else if (flag == "--group") {
      o.group = value;
    } else if (flag == "--spouts") {
      o.spouts = std::stoi(value);
      if (o.spouts < 1) throw std::invalid_argument("--spouts must be at least 1");
    } else if (flag == "--guarantee") {
      o.guarantee = storm::kafka::ParseProcessingGuarantee(value);
    } else if (flag == "--first-poll") {
      o.first_poll = storm::kafka::ParseFirstPollOffsetStrategy(value);
    } else {
      throw std::invalid_argument("unknown argument " + flag +
                                  " (expected --bootstrap, --input, --output, --group, --spouts,"
                                  " --guarantee, --first-poll)");
    }
  }
  return o;
}

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  const Options o = ParseArgs(args);
  auto sentence = std::make_shared<storm::kafka::SimpleRecordTranslator>(
      [](const storm::kafka::KafkaRecord& r, storm::Values& out) {
        if (r.value == nullptr) return false;  // a tombstone: nothing to count
        out.emplace_back(std::string_view(r.value, r.value_size));
        return true;
      },
      storm::Fields{"sentence"});
  const auto spout_config = storm::kafka::KafkaSpoutConfig::builder(o.bootstrap, {o.input})
                                .setGroupId(o.group)
                                .setProcessingGuarantee(o.guarantee)
                                .setFirstPollOffsetStrategy(o.first_poll)
                                .setRecordTranslator(sentence)
                                .setOffsetCommitPeriodMs(1'000)
                                .build();
  auto to_kafka = std::make_shared<storm::kafka::KafkaBolt>();
  to_kafka->withBootstrapServers(o.bootstrap)
      .withTopic(o.output)
      .withTupleToKafkaMapper("word", "count");

  storm::TopologyBuilder builder;
  builder.setSpout("sentences", std::make_shared<storm::kafka::KafkaSpout>(spout_config), o.spouts);
  builder.setBolt("split", std::make_shared<SplitSentence>(), 2).shuffleGrouping("sentences");
  builder.setBolt("count", std::make_shared<WordCount>(), 2)
      .fieldsGrouping("split", storm::Fields{"word"});
  builder.setBolt("to-kafka", to_kafka, 1).shuffleGrouping("count");

  storm::Config conf;
  conf.setNumWorkers(2);
  conf.setMaxSpoutPending(1000);
  storm::StormSubmitter::submitTopology(o.name, conf, builder.createTopology());
}
