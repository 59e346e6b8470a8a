// TopologyContext: what a task knows of itself and of its topology, and
// where it registers its metrics. Implemented by the runtime; valid for the
// task's whole life.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/export.h"
#include "storm/fields.h"
#include "storm/metrics.h"

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

  // The task's metrics (storm/metrics.h), as Storm 2's TopologyContext: the
  // metric named `name`, made on first use; the same one on the next call
  // with that name. Throws StormError when the name is taken by a metric of
  // another type. The reference lives as long as the context. Any thread.
  Counter& registerCounter(const std::string& name) { return metrics_->counter(name); }
  Gauge& registerGauge(const std::string& name, std::function<double()> value) {
    return metrics_->gauge(name, std::move(value));
  }
  Histogram& registerHistogram(const std::string& name) { return metrics_->histogram(name); }
  Meter& registerMeter(const std::string& name) { return metrics_->meter(name); }
  // For the runtime: the registry those live in.
  const MetricRegistry& metricRegistry() const { return *metrics_; }

 protected:
  // `now_nanos`: the clock the task's meters use; empty: steady_clock.
  explicit TopologyContext(std::function<int64_t()> now_nanos = {});

 private:
  std::unique_ptr<MetricRegistry> metrics_;
};

}  // namespace storm
