// TopologyContext: what a task knows of itself and of its topology.
// Implemented by the runtime; valid for the task's whole life.
#pragma once

#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/export.h"
#include "storm/fields.h"

namespace storm {

class STORM_API TopologyContext {
 public:
  virtual ~TopologyContext();

  virtual const std::string& getStormId() const = 0;
  virtual int getThisTaskId() const = 0;
  virtual const std::string& getThisComponentId() const = 0;
  // This task's index among the tasks of its component (0-based).
  virtual int getThisTaskIndex() const = 0;
  // The sorted task ids of a component; empty for an unknown component.
  virtual const std::vector<int>& getComponentTasks(const std::string& component) const = 0;
  // The component of a task id; throws StormError for an unknown task.
  virtual const std::string& getComponentId(int task) const = 0;
  // The declared fields of a component's stream; throws for an unknown stream.
  virtual const Fields& getComponentOutputFields(const std::string& component,
                                                 const std::string& stream) const = 0;
  virtual std::vector<std::string> getComponentIds() const = 0;
  // The task ids running in this worker process.
  virtual const std::vector<int>& getThisWorkerTasks() const = 0;
  virtual int getThisWorkerPort() const = 0;
};

}  // namespace storm
