// TopologyLayout: everything every worker of a topology must agree on,
// computed the same way in every process from the topology and its config:
// task ids, executors, the stream table (a stream's index on the wire), who
// subscribes to each stream with which grouping, and the system parts
// (the __acker bolt, the __system tick stream, the acker streams).
//
// Task ids follow Storm: components in id order, each taking a consecutive
// range starting at 1; the system task is -1. Immutable once built, so it is
// shared by every thread of a worker without locking.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/topology.h"
#include "storm/tuple.h"
#include "sdk/topology_def.h"
#include "sdk/tuple_access.h"

namespace storm {

inline constexpr const char* kAckerComponentId = "__acker";
inline constexpr const char* kAckInitStreamId = "__ack_init";
inline constexpr const char* kAckAckStreamId = "__ack_ack";
inline constexpr const char* kAckFailStreamId = "__ack_fail";
inline constexpr const char* kSystemComponentId = "__system";
inline constexpr const char* kTickStreamId = "__tick";
inline constexpr int kSystemTaskId = -1;

struct ExecutorDef {
  std::string component;
  int first_task = 0;
  int last_task = 0;  // inclusive, as Storm's ExecutorInfo
  bool operator==(const ExecutorDef&) const = default;
};

struct Subscription {
  std::string component;  // the subscriber
  GroupingDef grouping;
  std::vector<int> tasks;  // the subscriber's tasks, sorted
};

class TopologyLayout {
 public:
  // Validates the topology (ValidateTopology) and computes the layout. Adds
  // the acker when topology.acker.executors (default: topology.workers) > 0.
  static std::shared_ptr<const TopologyLayout> Build(const std::string& topology_id,
                                                     const StormTopology& topology,
                                                     const Config& conf);

  const std::string& topology_id() const { return topology_id_; }
  const StormTopology& topology() const { return topology_; }
  const Config& conf() const { return conf_; }
  int num_ackers() const { return num_ackers_; }
  int max_task() const { return max_task_; }

  const ComponentDef* Component(const std::string& id) const { return FindComponent(topology_, id); }
  // The component's config merged over the topology's.
  const Config& ComponentConf(const std::string& id) const;
  const std::vector<int>& TasksOf(const std::string& component) const;
  // The component of a task, or nullptr for an unknown task id.
  const std::string* ComponentOfTask(int task) const;
  const std::vector<ExecutorDef>& executors() const { return executors_; }
  std::vector<std::string> ComponentIds() const;

  int num_streams() const { return static_cast<int>(schemas_.size()); }
  // -1 when the component does not declare the stream.
  int StreamIndex(const std::string& component, const std::string& stream) const;
  const TupleSchema& Schema(int stream_index) const { return *schemas_[stream_index]; }
  const std::vector<Subscription>& Subscribers(int stream_index) const {
    return subscribers_[stream_index];
  }
  const TupleSchema& TickSchema() const { return Schema(tick_stream_); }

 private:
  TopologyLayout() = default;
  void AddSystemComponents();
  void AssignTasks();
  void BuildStreams();

  std::string topology_id_;
  StormTopology topology_;
  Config conf_;
  int num_ackers_ = 0;
  int max_task_ = 0;
  int tick_stream_ = 0;
  std::map<std::string, std::vector<int>> tasks_;
  std::map<std::string, Config> component_confs_;
  std::vector<std::string> task_components_;  // index: task id
  std::vector<ExecutorDef> executors_;
  std::vector<std::unique_ptr<TupleSchema>> schemas_;
  std::map<std::pair<std::string, std::string>, int> stream_index_;
  std::vector<std::vector<Subscription>> subscribers_;
};

// The topology with each component's executors as `executors` says
// (rebalanced), its task count kept as submitted.
StormTopology WithExecutors(const StormTopology& topology,
                            const std::map<std::string, int>& executors);

// The layout of a running topology: `topology` and `conf` as submitted
// (stormcode.ser and stormconf.ser), with the executors of every component,
// the acker's included, as StormBase.component_executors says now (set at
// submit, changed by rebalances). Nimbus and every worker build the layout
// through here, so that they agree on every task id and executor.
std::shared_ptr<const TopologyLayout> BuildRunningLayout(
    const std::string& topology_id, const StormTopology& topology, Config conf,
    const std::map<std::string, int>& component_executors);

// Checks a topology name as Storm does; throws InvalidTopologyError.
void ValidateTopologyName(const std::string& name);

}  // namespace storm
