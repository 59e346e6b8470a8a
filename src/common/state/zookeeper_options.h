// Where and how a daemon talks to ZooKeeper: the storm.zookeeper.* keys.
#pragma once

#include <string>
#include <vector>

#include "storm/config.h"

namespace storm {

// Defaults as the key table's (include/storm/config_keys.def).
struct ZooKeeperOptions {
  // Host names, or "host:port" for a server on another port than `port`.
  std::vector<std::string> servers{"localhost"};
  int port = 2181;
  // Prefix of every path; "" or "/" for none.
  std::string root = "/storm";
  int session_timeout_ms = 20000;
  // How long Connect (and a replacement session) waits for a session.
  int connection_timeout_ms = 15000;
  // Repeats of a call after a connection loss, and the back-off between them.
  int retry_times = 5;
  int retry_interval_ms = 1000;
  int retry_ceiling_ms = 30000;
};

// Reads storm.zookeeper.{servers, port, root, session.timeout,
// connection.timeout, retry.times, retry.interval,
// retry.intervalceiling.millis}; a key missing from `conf` takes its default.
ZooKeeperOptions ZooKeeperOptionsFromConfig(const Config& conf);

}  // namespace storm
