// InProcessCluster: a whole cluster in one process, as Storm's LocalCluster
// (the SDK's storm::LocalCluster, storm/local_cluster.h, is this class). A
// real Nimbus (the same code as storm-nimbus) over in-memory cluster state
// validates, stores and schedules each topology onto a local supervisor's
// slots; the cluster then runs one in-process Worker per assigned slot (each
// a full Worker with its send and receive threads), talking through an
// InProcessTransport. `storm local` and the tests run topologies on it.
// Nimbus's monitor does not run here: local workers write no heartbeats, and
// nothing can die that it would have to reassign.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/util/clock.h"
#include "common/state/cluster_state.h"
#include "common/util/histogram.h"
#include "nimbus/nimbus.h"
#include "storm/config.h"
#include "storm/topology.h"
#include "worker/worker.h"

namespace storm {

struct InProcessClusterOptions {
  Clock* clock = RealClock::Get();
  // Cluster config (defaults apply under it); the topology's config goes
  // over it, then `overrides` (the command line's -c) over both.
  Config daemon_conf;
  Config overrides;
};

struct TopologyTotals {
  WorkerTotals totals;
  std::vector<ErrorRecord> errors;
};

class InProcessCluster {
 public:
  explicit InProcessCluster(InProcessClusterOptions options = {});
  ~InProcessCluster();
  InProcessCluster(const InProcessCluster&) = delete;
  InProcessCluster& operator=(const InProcessCluster&) = delete;

  // Starts the topology and returns its id (<name>-<counter>-<launch secs>).
  // `keep_alive` (e.g. the TopologyLibrary) is held until the topology is
  // killed. Throws what Nimbus throws: InvalidTopologyError, or
  // AlreadyAliveError for a name already running.
  std::string SubmitTopology(const std::string& name, const Config& conf,
                             const StormTopology& topology,
                             std::shared_ptr<void> keep_alive = nullptr);
  // Deactivates the spouts, waits up to wait_secs for trees in flight to
  // finish, then stops every worker. Throws StormError for an unknown name.
  TopologyTotals KillTopology(const std::string& name, double wait_secs = 0);
  void Activate(const std::string& name);
  void Deactivate(const std::string& name);

  std::vector<std::string> TopologyNames() const;
  // A running topology as Storm's cluster summary shows it, with its totals.
  struct Summary {
    std::string id;
    bool active = false;
    int num_workers = 0;
    int num_executors = 0;
    int num_tasks = 0;
    TopologyTotals totals;
  };
  Summary Summarize(const std::string& name) const;
  TopologyTotals Totals(const std::string& name) const;
  void CompleteLatency(const std::string& name, LatencyHistogram& into) const;
  const TopologyLayout& Layout(const std::string& name) const;
  // One line per executor: its in- and out-queue depths in batches (a
  // diagnostic, as Storm UI's receive-queue metrics).
  std::string DescribeQueues(const std::string& name) const;

  void Shutdown();

 private:
  struct Running {
    std::string id;
    std::shared_ptr<const TopologyLayout> layout;
    std::unique_ptr<InProcessTransport> transport;
    std::unique_ptr<ComponentFactory> factory;
    std::vector<std::unique_ptr<Worker>> workers;
    std::shared_ptr<void> keep_alive;
  };

  static TopologyTotals Sum(const Running& run);
  Running& Find(const std::string& name);
  const Running& Find(const std::string& name) const;
  void EnsureSlots(int more);
  void ApplyStatus(const std::string& name);

  InProcessClusterOptions options_;
  std::string local_dir_;  // storm.local.dir of the Nimbus, removed at the end
  std::shared_ptr<ClusterState> state_;
  std::unique_ptr<Nimbus> nimbus_;
  std::vector<int> slots_;  // the local supervisor's ports; guarded by mutex_
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Running>> running_;  // by name; guarded by mutex_
};

}  // namespace storm
