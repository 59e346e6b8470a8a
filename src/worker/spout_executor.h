// SpoutExecutor: the user logic loop of a spout's executor. Each turn it
// calls nextTuple until a batch's worth is emitted (or nothing is, or max
// pending is reached); between turns it drains its in-queue (acks and fails
// from the acker),
// expires pending trees on the message timeout, and honours
// topology.max.spout.pending, deactivation and backpressure. It never
// blocks on a full queue, so acks always flow (no deadlock through cycles
// spout -> bolt -> acker -> spout).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "acker/rotating_map.h"
#include "storm/component.h"
#include "worker/executor.h"
#include "worker/id_generator.h"
#include "worker/router.h"
#include "worker/task_context.h"

namespace storm {

class SpoutExecutor final : public Executor {
 public:
  SpoutExecutor(WorkerContext& worker, ExecutorDef def);
  ~SpoutExecutor() override;

  bool is_spout() const override { return true; }
  void SetActive(bool active) override;
  bool Active() const override { return active_taken_.load(); }
  size_t PendingCount() const override { return pending_count_.load(std::memory_order_relaxed); }

  // Called by the task's collector (user logic thread).
  const TaskIds& Emit(int task_index, const std::string* stream, const Values& values,
                      const Value* msg_id, int direct_task);
  void ReportError(int task_index, const std::string& error);

 protected:
  void Init() override;
  void Loop() override;
  void Shutdown() override;

 private:
  class Collector;
  struct Task {
    int id;
    std::unique_ptr<ISpout> spout;
    std::unique_ptr<Collector> collector;
  };
  struct Pending {
    Value msg_id;
    int task_index = 0;
    int stream_index = -1;  // the stream the tree's root was emitted on
    int64_t start_nanos = 0;
  };

  bool DrainInQueue();
  void HandleInput(const Tuple& tuple);
  void CompleteTree(uint64_t root, bool acked);
  void ExpirePending();
  void UpdateActivation();
  // Whether topology.max.spout.pending trees are in flight (nextTuple is
  // not called then).
  bool AtMaxPending() const {
    return acking_ && max_pending_ > 0 && static_cast<int64_t>(PendingCount()) >= max_pending_;
  }
  // Calls nextTuple for a turn of the loop; whether anything was emitted.
  bool EmitTurn();
  bool CallNextTuple();
  void DeliverDeferredAcks();

  Config conf_;
  std::vector<Task> tasks_;
  IdGenerator ids_;
  RootIdGenerator roots_{ids_};
  RotatingMap<Pending> pending_;
  std::atomic<size_t> pending_count_{0};
  std::atomic<bool> want_active_{true};
  bool active_ = false;
  std::atomic<bool> active_taken_{false};  // active_, for other threads
  bool acking_ = false;
  bool debug_ = false;
  int64_t max_pending_ = 0;
  int64_t timeout_nanos_ = 0;
  int64_t next_expiry_ = 0;
  // The clock, read at most once a turn of the loop and only when the turn
  // acks or emits: emit and ack times (complete latency) are taken from it,
  // precise to a turn.
  int64_t Now() {
    if (!now_valid_) {
      now_ = worker_.clock->NowNanos();
      now_valid_ = true;
    }
    return now_;
  }
  int64_t now_ = 0;
  bool now_valid_ = false;
  uint64_t quiet_turns_ = 0;
  int acker_ack_stream_ = -1;
  int acker_fail_stream_ = -1;
  uint64_t emits_ = 0;  // emits so far, to tell whether nextTuple emitted
  std::vector<int> targets_;
  // (task index, stream index, message id) to ack after nextTuple.
  struct DeferredAck {
    int task_index;
    int stream_index;
    Value msg_id;
  };
  std::vector<DeferredAck> deferred_acks_;
  std::vector<DeferredAck> delivering_acks_;  // DeliverDeferredAcks's, kept for its capacity
};

}  // namespace storm
