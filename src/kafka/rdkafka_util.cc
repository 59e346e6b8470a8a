#include "kafka/rdkafka_util.h"

#include <spdlog/spdlog.h>

#include "storm/errors.h"

namespace storm::kafka {

namespace {

// librdkafka logs from its own threads; spdlog's default logger is thread safe.
void LogToSpdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  const char* name = rk ? rd_kafka_name(rk) : "rdkafka";
  // Syslog levels: errors and warnings (an unreachable broker) are worth a
  // line; notices are chatty about normal events (metadata, reconnects).
  if (level <= 4) {
    spdlog::warn("librdkafka {} {}: {}", name, facility, message);
  } else {
    spdlog::debug("librdkafka {} {}: {}", name, facility, message);
  }
}

}  // namespace

KafkaConf MakeConf(const std::string& who, const std::map<std::string, std::string>& properties) {
  KafkaConf conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), LogToSpdlog);
  char error[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      throw ConfigError(who + ": property '" + name + "' = '" + value + "': " + error);
    }
  }
  return conf;
}

KafkaHandle MakeClient(const std::string& who, rd_kafka_type_t type, KafkaConf conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), error, sizeof error);
  if (rk == nullptr) throw StormError(who + ": cannot create the Kafka client: " + error);
  conf.release();  // rd_kafka_new took it
  return KafkaHandle(rk);
}

PartitionList NewPartitionList(int size) {
  return PartitionList(rd_kafka_topic_partition_list_new(size));
}

}  // namespace storm::kafka
