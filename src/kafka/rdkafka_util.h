// Small helpers over librdkafka's C API shared by the spout, the bolt, the
// mock-cluster tool and the tests: owning handles, a configuration built
// from properties with errors naming the property, and librdkafka's log
// lines routed to the process's spdlog logger.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

namespace storm::kafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDeleter>;
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, KafkaDeleter>;
using KafkaMetadata = std::unique_ptr<const rd_kafka_metadata_t, KafkaDeleter>;

// A configuration with `properties` set, librdkafka's logs sent to spdlog
// (tagged with `who`, e.g. "kafka spout"). Throws ConfigError
// "<who>: property '<name>': <librdkafka's reason>" for a bad one.
KafkaConf MakeConf(const std::string& who, const std::map<std::string, std::string>& properties);

// Creates a client, taking `conf`; throws StormError with librdkafka's reason.
KafkaHandle MakeClient(const std::string& who, rd_kafka_type_t type, KafkaConf conf);

PartitionList NewPartitionList(int size = 0);

}  // namespace storm::kafka
