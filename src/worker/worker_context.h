// WorkerContext: what a worker's executors share: the topology layout, the
// clock, the batch pool, the local in-queues by task, the transfer queue,
// and the worker-wide flags. Owned by the Worker; outlives its executors.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/util/clock.h"
#include "common/topology/topology_layout.h"
#include "storm/component.h"
#include "worker/event_log.h"
#include "worker/tuple_batch.h"
#include "worker/tuple_queue.h"

namespace storm {

// Makes the spout or bolt object of one task of a component.
class ComponentFactory {
 public:
  virtual ~ComponentFactory() = default;
  virtual std::unique_ptr<ISpout> MakeSpout(const std::string& component) = 0;
  virtual std::unique_ptr<IBolt> MakeBolt(const std::string& component) = 0;
};

// Where errors reported by tasks go (logged, counted, and later written to
// ZooKeeper). Thread safe.
class ErrorReporter {
 public:
  virtual ~ErrorReporter() = default;
  virtual void Report(const std::string& component, int task, const std::string& error) = 0;
};

struct WorkerContext {
  std::shared_ptr<const TopologyLayout> layout;
  Clock* clock = nullptr;
  BatchPool* pool = nullptr;
  ComponentFactory* factory = nullptr;
  ErrorReporter* errors = nullptr;
  EventLog* events = nullptr;  // the tuples sampled for debug; null: dropped
  int port = 0;
  std::vector<int> worker_tasks;  // sorted task ids of this worker
  // in_queue_of_task[task]: the in-queue of the local executor owning the
  // task, or nullptr when the task runs in another worker.
  std::vector<TupleQueue*> in_queue_of_task;
  TupleQueue* transfer_queue = nullptr;
  std::atomic<bool> stopping{false};

  TupleQueue* LocalInQueue(int task) const {
    return task > 0 && static_cast<size_t>(task) < in_queue_of_task.size()
               ? in_queue_of_task[task]
               : nullptr;
  }
};

}  // namespace storm
