#include "common/state/zookeeper_options.h"

#include "common/config/config_loader.h"

namespace storm {

ZooKeeperOptions ZooKeeperOptionsFromConfig(const Config& conf) {
  Config full = DefaultConfig();
  full.merge(conf);
  ZooKeeperOptions options;
  options.servers = full.getStringList(Config::kStormZookeeperServers);
  options.port = static_cast<int>(full.getInt(Config::kStormZookeeperPort));
  options.root = full.getString(Config::kStormZookeeperRoot);
  options.session_timeout_ms = static_cast<int>(full.getInt(Config::kStormZookeeperSessionTimeout));
  options.connection_timeout_ms =
      static_cast<int>(full.getInt(Config::kStormZookeeperConnectionTimeout));
  options.retry_times = static_cast<int>(full.getInt(Config::kStormZookeeperRetryTimes));
  options.retry_interval_ms = static_cast<int>(full.getInt(Config::kStormZookeeperRetryInterval));
  options.retry_ceiling_ms =
      static_cast<int>(full.getInt(Config::kStormZookeeperRetryIntervalCeilingMillis));
  return options;
}

}  // namespace storm
