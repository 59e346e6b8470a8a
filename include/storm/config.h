// Config: a topology's (or a daemon's) configuration, a map from Storm's key
// names to JSON-like values, as Apache Storm's `Config` (a Map<String,Object>).
//
// The keys and their meanings are Apache Storm's (defaults.yaml); the
// constants below name the ones this system reads. Values are stored as
// nlohmann::json so that a config round-trips through YAML, JSON (the
// topology's `json_conf` in Thrift) and `-c key=value` without loss.
//
// Thread safety: none; a Config is a value, copy it to share it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storm/export.h"

namespace storm {

class STORM_API Config {
 public:
  // Storm's key names (a selection: every key this system reads).
  static constexpr const char* kStormZookeeperServers = "storm.zookeeper.servers";
  static constexpr const char* kStormZookeeperPort = "storm.zookeeper.port";
  static constexpr const char* kStormZookeeperRoot = "storm.zookeeper.root";
  static constexpr const char* kStormZookeeperSessionTimeout = "storm.zookeeper.session.timeout";
  static constexpr const char* kStormZookeeperConnectionTimeout =
      "storm.zookeeper.connection.timeout";
  static constexpr const char* kStormLocalDir = "storm.local.dir";
  static constexpr const char* kStormLocalHostname = "storm.local.hostname";
  static constexpr const char* kNimbusSeeds = "nimbus.seeds";
  static constexpr const char* kNimbusThriftPort = "nimbus.thrift.port";
  static constexpr const char* kNimbusTaskTimeoutSecs = "nimbus.task.timeout.secs";
  static constexpr const char* kNimbusMonitorFreqSecs = "nimbus.monitor.freq.secs";
  static constexpr const char* kNimbusSupervisorTimeoutSecs = "nimbus.supervisor.timeout.secs";
  static constexpr const char* kNimbusMaxUploadBytes = "nimbus.max.upload.bytes";
  static constexpr const char* kSupervisorSlotsPorts = "supervisor.slots.ports";
  static constexpr const char* kSupervisorWorkerTimeoutSecs = "supervisor.worker.timeout.secs";
  static constexpr const char* kTopologyWorkers = "topology.workers";
  static constexpr const char* kTopologyAckerExecutors = "topology.acker.executors";
  static constexpr const char* kTopologyMessageTimeoutSecs = "topology.message.timeout.secs";
  static constexpr const char* kTopologyMaxSpoutPending = "topology.max.spout.pending";
  static constexpr const char* kTopologyDebug = "topology.debug";
  static constexpr const char* kTopologyTasks = "topology.tasks";
  static constexpr const char* kTopologyName = "topology.name";
  static constexpr const char* kTopologyExecutorReceiveBufferSize =
      "topology.executor.receive.buffer.size";
  static constexpr const char* kTopologyTransferBufferSize = "topology.transfer.buffer.size";
  static constexpr const char* kTopologyProducerBatchSize = "topology.producer.batch.size";
  // Accepted for Storm compatibility; an executor sends what each turn of its
  // loop produced at the end of the turn, so no timer is needed.
  static constexpr const char* kTopologyBatchFlushIntervalMillis =
      "topology.batch.flush.interval.millis";
  static constexpr const char* kTopologyTickTupleFreqSecs = "topology.tick.tuple.freq.secs";
  static constexpr const char* kTopologySpoutWaitStrategy = "topology.spout.wait.strategy";
  static constexpr const char* kTopologyEnableMessageTimeouts =
      "topology.enable.message.timeouts";
  static constexpr const char* kTopologyStatsSampleRate = "topology.stats.sample.rate";
  static constexpr const char* kUiPort = "ui.port";

  Config() : map_(nlohmann::json::object()) {}
  explicit Config(nlohmann::json map);

  // Typed setters for the common keys, as Storm's Config has them.
  Config& setNumWorkers(int64_t workers) { return put(kTopologyWorkers, workers); }
  Config& setNumAckers(int64_t ackers) { return put(kTopologyAckerExecutors, ackers); }
  Config& setMaxSpoutPending(int64_t max) { return put(kTopologyMaxSpoutPending, max); }
  Config& setMessageTimeoutSecs(int64_t secs) { return put(kTopologyMessageTimeoutSecs, secs); }
  Config& setDebug(bool debug) { return put(kTopologyDebug, debug); }
  Config& setMaxTaskParallelism(int64_t n) { return put("topology.max.task.parallelism", n); }

  template <typename T>
  Config& put(std::string_view key, T&& value) {
    map_[std::string(key)] = std::forward<T>(value);
    return *this;
  }

  bool contains(std::string_view key) const { return map_.contains(std::string(key)); }
  void erase(std::string_view key) { map_.erase(std::string(key)); }

  // Typed getters. They throw ConfigError (storm/errors.h) naming the key and
  // the expected type when the value is missing or of another type.
  int64_t getInt(std::string_view key) const;
  double getDouble(std::string_view key) const;
  bool getBool(std::string_view key) const;
  std::string getString(std::string_view key) const;
  std::vector<std::string> getStringList(std::string_view key) const;
  std::vector<int64_t> getIntList(std::string_view key) const;

  // Getters with a fallback for a missing (or null) key; a present value of the
  // wrong type still throws.
  int64_t getInt(std::string_view key, int64_t fallback) const;
  bool getBool(std::string_view key, bool fallback) const;
  std::string getString(std::string_view key, std::string_view fallback) const;

  // Copies every key of `other` over this config.
  Config& merge(const Config& other);

  const nlohmann::json& json() const { return map_; }
  nlohmann::json& json() { return map_; }

  bool operator==(const Config& other) const { return map_ == other.map_; }

 private:
  const nlohmann::json& Require(std::string_view key) const;

  nlohmann::json map_;
};

}  // namespace storm
