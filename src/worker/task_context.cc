#include "worker/task_context.h"

#include <algorithm>

#include "storm/errors.h"

namespace storm {

TaskContext::TaskContext(const TopologyLayout& layout, std::string component, int task,
                         const std::vector<int>& worker_tasks, int port, Clock* clock)
    : TopologyContext([clock] { return clock->NowNanos(); }),
      layout_(layout), component_(std::move(component)), task_(task),
      worker_tasks_(worker_tasks), port_(port) {
  const auto& tasks = layout_.TasksOf(component_);
  auto it = std::find(tasks.begin(), tasks.end(), task);
  task_index_ = static_cast<int>(it - tasks.begin());
}

const std::string& TaskContext::getComponentId(int task) const {
  static const std::string kSystem = kSystemComponentId;
  if (task == kSystemTaskId) return kSystem;
  const std::string* component = layout_.ComponentOfTask(task);
  if (component == nullptr) throw StormError("no task " + std::to_string(task) + " in topology");
  return *component;
}

const Fields& TaskContext::getComponentOutputFields(const std::string& component,
                                                    const std::string& stream) const {
  int index = layout_.StreamIndex(component, stream);
  if (index < 0) {
    throw StormError("component '" + component + "' declares no stream '" + stream + "'");
  }
  return layout_.Schema(index).fields;
}

void TaskContext::AppendMetrics(std::vector<TaskMetricSample>& out) const {
  for (MetricReading& r : metricRegistry().Read()) {
    out.push_back(TaskMetricSample{task_, std::move(r.name), std::move(r.type),
                                   std::move(r.values)});
  }
}

}  // namespace storm
