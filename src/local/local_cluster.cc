// storm::LocalCluster, the SDK's in-process cluster (storm/local_cluster.h),
// over InProcessCluster.
#include "storm/local_cluster.h"

#include "local/in_process_cluster.h"

namespace storm {

struct LocalCluster::Impl {
  explicit Impl(const Config& daemon_conf) : cluster(Options(daemon_conf)) {}

  static InProcessClusterOptions Options(const Config& daemon_conf) {
    InProcessClusterOptions options;
    options.daemon_conf = daemon_conf;
    return options;
  }

  InProcessCluster cluster;
};

LocalCluster::LocalCluster() : LocalCluster(Config()) {}

LocalCluster::LocalCluster(const Config& daemon_conf)
    : impl_(std::make_unique<Impl>(daemon_conf)) {}

LocalCluster::~LocalCluster() = default;  // InProcessCluster's shuts everything down

void LocalCluster::submitTopology(const std::string& name, const Config& conf,
                                  const StormTopology& topology) {
  impl_->cluster.SubmitTopology(name, conf, topology);
}

void LocalCluster::killTopologyWithOpts(const std::string& name, double wait_secs) {
  impl_->cluster.KillTopology(name, wait_secs);
}

void LocalCluster::activate(const std::string& name) { impl_->cluster.Activate(name); }

void LocalCluster::deactivate(const std::string& name) { impl_->cluster.Deactivate(name); }

TopologySummary LocalCluster::getTopologySummary(const std::string& name) const {
  const InProcessCluster::Summary s = impl_->cluster.Summarize(name);
  TopologySummary out;
  out.id = s.id;
  out.name = name;
  out.status = s.active ? "ACTIVE" : "INACTIVE";
  out.num_workers = s.num_workers;
  out.num_executors = s.num_executors;
  out.num_tasks = s.num_tasks;
  const WorkerTotals& t = s.totals.totals;
  out.emitted = t.emitted;
  out.transferred = t.transferred;
  out.acked = t.spout_acked;
  out.failed = t.spout_failed;
  out.executed = t.executed;
  out.errors = t.errors;
  for (const ErrorRecord& e : s.totals.errors) out.last_errors.push_back(e.error);
  return out;
}

ClusterSummary LocalCluster::getClusterInfo() const {
  ClusterSummary out;
  for (const std::string& name : impl_->cluster.TopologyNames()) {
    try {
      out.topologies.push_back(getTopologySummary(name));
    } catch (const NotAliveError&) {
      // killed between the listing and its summary
    }
  }
  return out;
}

void LocalCluster::shutdown() { impl_->cluster.Shutdown(); }

}  // namespace storm
