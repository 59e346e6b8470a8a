// LocalCluster: runs topologies inside this process, as Apache Storm's
// LocalCluster: a real Nimbus (validation, scheduling) over in-memory
// cluster state, and in-process workers with their executors, receive and
// send threads. No ZooKeeper, no daemons, no topology library: the
// topology's spouts and bolts are the objects given to TopologyBuilder.
// For a program's own main() and for unit tests of topologies.
//
//   storm::LocalCluster cluster;
//   cluster.submitTopology("word-count", conf, builder.createTopology());
//   ... wait, or poll cluster.getClusterInfo() ...
//   cluster.killTopology("word-count");
//
// Link: libstorm and libstorm_local_cluster (CMake target
// storm_local_cluster).
// Errors: StormError and its subclasses (InvalidTopologyError for a
// topology Nimbus refuses, NotAliveError for an unknown name,
// AlreadyAliveError for a name already running).
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/errors.h"
#include "storm/export.h"
#include "storm/topology.h"

namespace storm {

// A topology as Storm's ClusterSummary lists it, with its totals since it
// started (Storm's all-time window).
struct TopologySummary {
  std::string id;      // <name>-<counter>-<launch secs>
  std::string name;
  std::string status;  // "ACTIVE" or "INACTIVE"
  int num_workers = 0;
  int num_executors = 0;
  int num_tasks = 0;
  uint64_t emitted = 0;      // tuples emitted by spouts and bolts
  uint64_t transferred = 0;  // (tuple, destination task) pairs sent
  uint64_t acked = 0;        // spout tuple trees completed
  uint64_t failed = 0;       // spout tuple trees failed or timed out
  uint64_t executed = 0;     // tuples executed by bolts
  uint64_t errors = 0;       // errors reported by tasks
  std::vector<std::string> last_errors;  // the most recent, oldest first
};

struct ClusterSummary {
  std::vector<TopologySummary> topologies;  // by name
};

class STORM_API LocalCluster {
 public:
  // `daemon_conf` plays the cluster's storm.yaml (built-in defaults apply
  // under it); each topology's config goes over it.
  LocalCluster();
  explicit LocalCluster(const Config& daemon_conf);
  // Kills every topology still running (shutdown).
  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  // Validates, schedules and starts the topology; returns when its
  // executors run.
  void submitTopology(const std::string& name, const Config& conf, const StormTopology& topology);
  // Deactivates the spouts, waits up to `wait_secs` for the tuple trees in
  // flight to complete, then stops the topology (Storm's KillOptions).
  void killTopologyWithOpts(const std::string& name, double wait_secs);
  // As killTopologyWithOpts with no wait.
  void killTopology(const std::string& name) { killTopologyWithOpts(name, 0); }
  void activate(const std::string& name);
  void deactivate(const std::string& name);

  ClusterSummary getClusterInfo() const;
  // The summary of one running topology, by name.
  TopologySummary getTopologySummary(const std::string& name) const;

  // Kills every topology (no wait). The cluster can still take new ones.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storm
