// BoltExecutor: the user logic loop of a bolt's executor: takes batches from
// the in-queue, calls execute on the task each tuple is for, and delivers
// tick tuples when topology.tick.tuple.freq.secs is set. Acks and fails go to
// the acker as tuples on the __ack_ack and __ack_fail streams.
// A bolt blocks when its out-queue is full: that is the backpressure that
// reaches the spouts.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "storm/component.h"
#include "worker/executor.h"
#include "worker/id_generator.h"
#include "worker/router.h"
#include "worker/task_context.h"

namespace storm {

class BoltExecutor final : public Executor {
 public:
  BoltExecutor(WorkerContext& worker, ExecutorDef def);
  ~BoltExecutor() override;

  // Called by the task's collector (user logic thread).
  const TaskIds& Emit(int task_index, const std::string* stream, const Tuple* const* anchors,
                      size_t num_anchors, const Values& values, int direct_task);
  void Ack(int task_index, const Tuple& input);
  // The user's code failed `input` (counted as failed by the bolt).
  void Fail(int task_index, const Tuple& input);
  void ReportError(int task_index, const std::string& error);

 protected:
  void Init() override;
  void Loop() override;
  void Shutdown() override;

 private:
  class Collector;
  struct Task {
    int id;
    std::unique_ptr<IBolt> bolt;
    std::unique_ptr<Collector> collector;
  };

  // `schema`: the tuple's (SchemaOf), looked up once by the caller.
  void Execute(Tuple& tuple, int task, const TupleSchema* schema);
  // Counts a run of inputs of one stream: `executed` of them, and the acks
  // of inputs while they were executed (acked_in_run_).
  void CountRun(const TupleSchema* schema, uint64_t executed);
  // execute threw: reports the error and fails the input.
  void FailThrown(int index, const Tuple& tuple, const std::exception& e);
  void FailInput(int task_index, const Tuple& input);
  void DeliverTicks();

  Config conf_;
  std::vector<Task> tasks_;
  IdGenerator ids_;
  bool acking_ = false;
  bool debug_ = false;
  int64_t tick_nanos_ = 0;
  int64_t next_tick_ = 0;
  Tuple tick_;
  std::vector<int> targets_;
  // Latencies are timed for every Nth input (topology.stats.sample.rate):
  // the one being timed, for its process latency when it is acked (by the
  // end of its batch: the batch's storage is reused after).
  StatsSampler sampler_;
  const Tuple* sampled_input_ = nullptr;
  int64_t sampled_start_nanos_ = 0;
  // The input being executed (null between batches), and how many inputs
  // were acked from their own execute in the current run of one stream: the
  // common ack costs an increment here, not a look-up of its stream's
  // counters.
  const Tuple* executing_ = nullptr;
  uint64_t acked_in_run_ = 0;
};

}  // namespace storm
