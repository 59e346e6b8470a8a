// storm-kafka-mock: a Kafka without a broker, for trying the Kafka spout and
// bolt (examples/kafka_word_count) on one machine. Starts librdkafka's mock
// cluster on loopback, creates topics, optionally writes the lines of a file
// into one of them, prints the bootstrap address and runs until SIGINT or
// SIGTERM. The mock keeps its data in memory (at most ~100k records or
// ~5 MiB per partition) and loses it when it stops.
//
//   storm-kafka-mock --topic sentences:4 --topic counts:1 --load sentences=input.txt
//                    --bootstrap-file /tmp/kafka.addr
//   storm-kafka-mock --print counts --connect $(cat /tmp/kafka.addr)   # "key value" lines
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/config/command_line.h"
#include "common/util/logging.h"
#include "kafka/mock_cluster.h"
#include "storm/errors.h"

namespace {

struct TopicSpec {
  std::string name;
  int partitions = 1;
};

TopicSpec ParseTopic(const std::string& spec) {
  TopicSpec t;
  const size_t colon = spec.rfind(':');
  t.name = spec.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string count = spec.substr(colon + 1);
    try {
      size_t used = 0;
      t.partitions = std::stoi(count, &used);
      if (used != count.size() || t.partitions < 1) throw std::invalid_argument(count);
    } catch (const std::exception&) {
      throw storm::ConfigError("--topic " + spec +
                               ": expected NAME:PARTITIONS with PARTITIONS >= 1");
    }
  }
  if (t.name.empty()) throw storm::ConfigError("--topic " + spec + ": the topic has no name");
  return t;
}

std::vector<std::string> ReadLines(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw storm::ConfigError("--load: cannot read " + file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"storm-kafka-mock: librdkafka's mock Kafka cluster on loopback, until Ctrl-C",
               "storm-kafka-mock"};
  std::vector<std::string> topics;
  std::string load;
  std::string bootstrap_file;
  std::string log_level = "warn";
  int brokers = 1;
  app.add_option("--topic", topics, "a topic to create, NAME:PARTITIONS (repeatable)");
  app.add_option("--load", load,
                 "TOPIC=FILE: write each non-empty line of FILE into TOPIC, round-robin over "
                 "its partitions");
  app.add_option("--bootstrap-file", bootstrap_file, "also write the bootstrap address here");
  app.add_option("--brokers", brokers, "number of mock brokers")->check(storm::WholeNumber(1, 16));
  storm::AddLogLevelOption(app, log_level)
      ->description("trace, debug, info, warn (default), error");
  std::string print_topic;
  std::string connect;
  app.add_option("--print", print_topic,
                 "instead of starting a cluster: print every record of TOPIC as \"key value\" "
                 "lines (needs --connect)");
  app.add_option("--connect", connect, "the bootstrap address of a running cluster, for --print");
  if (auto status = storm::ParseCommandLine(app, std::vector<std::string>(argv + 1, argv + argc))) {
    return *status;
  }

  if (!print_topic.empty() || !connect.empty()) {
    try {
      if (print_topic.empty() || connect.empty()) {
        throw storm::ConfigError("--print and --connect go together");
      }
      storm::InitLogging("storm-kafka-mock", log_level);
      for (const auto& r : storm::kafka::ReadTopic(connect, print_topic)) {
        std::printf("%s %s\n", r.has_key ? r.key.c_str() : "-", r.value.c_str());
      }
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "storm-kafka-mock: %s\n", e.what());
      return 1;
    }
  }

  // Block the signals before librdkafka starts its threads, then wait for one.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    storm::InitLogging("storm-kafka-mock", log_level);
    storm::kafka::MockKafkaCluster cluster(brokers);
    std::map<std::string, int> partitions;
    for (const std::string& spec : topics) {
      TopicSpec t = ParseTopic(spec);
      cluster.CreateTopic(t.name, t.partitions);
      partitions[t.name] = t.partitions;
    }
    size_t loaded = 0;
    std::string load_topic;
    if (!load.empty()) {
      const size_t eq = load.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == load.size()) {
        throw storm::ConfigError("--load " + load + ": expected TOPIC=FILE");
      }
      load_topic = load.substr(0, eq);
      if (partitions.count(load_topic) == 0) {
        cluster.CreateTopic(load_topic, 1);
        partitions[load_topic] = 1;
      }
      std::vector<storm::kafka::ProducedRecord> records;
      for (const std::string& line : ReadLines(load.substr(eq + 1))) {
        records.push_back(
            {static_cast<int32_t>(records.size() % partitions[load_topic]), "", line});
      }
      storm::kafka::ProduceRecords(cluster.bootstrap(), load_topic, records);
      loaded = records.size();
    }
    if (!bootstrap_file.empty()) {
      std::ofstream out(bootstrap_file);
      out << cluster.bootstrap() << "\n";
      if (!out) throw storm::ConfigError("--bootstrap-file: cannot write " + bootstrap_file);
    }
    std::printf("%s\n", cluster.bootstrap().c_str());
    for (const auto& [name, count] : partitions) {
      std::fprintf(
          stderr, "storm-kafka-mock: topic %s with %d partition%s%s\n", name.c_str(), count,
          count == 1 ? "" : "s",
          name == load_topic ? (" (" + std::to_string(loaded) + " records loaded)").c_str() : "");
    }
    std::fprintf(stderr, "storm-kafka-mock: serving at %s until Ctrl-C\n",
                 cluster.bootstrap().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "storm-kafka-mock: stopping on signal %d\n", sig);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storm-kafka-mock: %s\n", e.what());
    return 1;
  }
}
