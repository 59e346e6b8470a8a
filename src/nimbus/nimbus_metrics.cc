#include "nimbus/nimbus_metrics.h"

#include <map>

namespace storm {

metrics::MetricSet NimbusMetrics(Nimbus& nimbus, const std::string& host, int port) {
  metrics::MetricSet set;
  const ClusterSummaryInfo cluster = nimbus.GetClusterInfo();
  bool leader = false;
  for (const NimbusInfo& n : cluster.nimbuses) {
    if (n.host == host && n.port == port) leader = n.is_leader;
  }
  const metrics::Labels self = {{"host", host}, {"port", std::to_string(port)}};
  set.AddGauge("storm_nimbus_leader", "1 when this Nimbus is the leader.", self, leader ? 1 : 0);
  set.AddGauge("storm_nimbus_nimbuses", "Nimbus processes registered in the cluster.", {},
               static_cast<double>(cluster.nimbuses.size()));
  set.AddGauge("storm_nimbus_supervisors", "Supervisors registered in the cluster.", {},
               static_cast<double>(cluster.supervisors.size()));
  int64_t slots = 0;
  int64_t used = 0;
  for (const SupervisorSummaryInfo& s : cluster.supervisors) {
    slots += static_cast<int64_t>(s.info.slots.size());
    used += s.num_used_workers;
  }
  set.AddGauge("storm_nimbus_slots", "Worker slots of all supervisors.", {},
               static_cast<double>(slots));
  set.AddGauge("storm_nimbus_slots_used", "Worker slots running a worker.", {},
               static_cast<double>(used));
  std::map<std::string, int> by_status = {
      {"ACTIVE", 0}, {"INACTIVE", 0}, {"REBALANCING", 0}, {"KILLED", 0}};
  for (const TopologySummaryInfo& t : cluster.topologies) ++by_status[t.status];
  for (const auto& [status, n] : by_status) {
    set.AddGauge("storm_nimbus_topologies", "Topologies, by status.", {{"status", status}}, n);
  }
  for (const TopologySummaryInfo& t : cluster.topologies) {
    const metrics::Labels labels = {{"topology", t.id}, {"name", t.name}, {"status", t.status}};
    set.AddGauge("storm_topology_workers", "Worker slots assigned to the topology.", labels,
                 t.num_workers);
    set.AddGauge("storm_topology_executors", "Executors of the topology.", labels,
                 t.num_executors);
    set.AddGauge("storm_topology_tasks", "Tasks of the topology.", labels, t.num_tasks);
    set.AddGauge("storm_topology_uptime_seconds", "Seconds since the topology was submitted.",
                 labels, static_cast<double>(t.uptime_secs));
  }
  return set;
}

}  // namespace storm
