// TaskContext: the runtime's TopologyContext for one task. Its metrics'
// meters tick on the worker's clock.
#pragma once

#include <string>
#include <vector>

#include "common/state/cluster_types.h"
#include "common/topology/topology_layout.h"
#include "common/util/clock.h"
#include "storm/topology_context.h"

namespace storm {

class TaskContext final : public TopologyContext {
 public:
  TaskContext(const TopologyLayout& layout, std::string component, int task,
              const std::vector<int>& worker_tasks, int port, Clock* clock);

  const std::string& getStormId() const override { return layout_.topology_id(); }
  int getThisTaskId() const override { return task_; }
  const std::string& getThisComponentId() const override { return component_; }
  int getThisTaskIndex() const override { return task_index_; }
  const std::vector<int>& getComponentTasks(const std::string& component) const override {
    return layout_.TasksOf(component);
  }
  const std::string& getComponentId(int task) const override;
  const Fields& getComponentOutputFields(const std::string& component,
                                         const std::string& stream) const override;
  std::vector<std::string> getComponentIds() const override { return layout_.ComponentIds(); }
  const std::vector<int>& getThisWorkerTasks() const override { return worker_tasks_; }
  int getThisWorkerPort() const override { return port_; }

  // Appends the task's registered metrics, read now. Any thread.
  void AppendMetrics(std::vector<TaskMetricSample>& out) const;

 private:
  const TopologyLayout& layout_;
  std::string component_;
  int task_;
  int task_index_ = 0;
  const std::vector<int>& worker_tasks_;
  int port_;
};

}  // namespace storm
