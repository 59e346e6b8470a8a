#include "worker/spout_executor.h"

#include <spdlog/spdlog.h>

#include "acker/ack_pack.h"
#include "storm/errors.h"

namespace storm {

namespace {
constexpr std::chrono::microseconds kIdlePark(1000);
}  // namespace

class SpoutExecutor::Collector final : public SpoutOutputCollector {
 public:
  Collector(SpoutExecutor& executor, int task_index) : executor_(executor), index_(task_index) {}
  void reportError(const std::string& error) override { executor_.ReportError(index_, error); }
  long getPendingCount() const override { return static_cast<long>(executor_.PendingCount()); }

 protected:
  const TaskIds& emitImpl(const std::string* stream, const Values& values, const Value* msg_id,
                          int direct_task) override {
    return executor_.Emit(index_, stream, values, msg_id, direct_task);
  }

 private:
  SpoutExecutor& executor_;
  int index_;
};

SpoutExecutor::SpoutExecutor(WorkerContext& worker, ExecutorDef def)
    : Executor(worker, std::move(def), /*never_block=*/true),
      conf_(layout_.ComponentConf(def_.component)) {
  out_queue_->WakeOnRoom(*in_queue_);
  acking_ = layout_.num_ackers() > 0;
  debug_ = conf_.getBool(Config::kTopologyDebug);
  max_pending_ = conf_.getInt(Config::kTopologyMaxSpoutPending, 0);  // null: no cap
  timeout_nanos_ = conf_.getBool(Config::kTopologyEnableMessageTimeouts)
                       ? conf_.getInt(Config::kTopologyMessageTimeoutSecs) * 1'000'000'000LL
                       : 0;
  acker_ack_stream_ = layout_.StreamIndex(kAckerComponentId, kAckAckStreamId);
  acker_fail_stream_ = layout_.StreamIndex(kAckerComponentId, kAckFailStreamId);
}

SpoutExecutor::~SpoutExecutor() { Stop(); }

void SpoutExecutor::SetActive(bool active) {
  want_active_.store(active);
  in_queue_->WakeConsumer();
}

void SpoutExecutor::Init() {
  for (int task = def_.first_task; task <= def_.last_task; ++task) {
    Task t;
    t.id = task;
    t.spout = worker_.factory->MakeSpout(def_.component);
    t.collector = std::make_unique<Collector>(*this, static_cast<int>(tasks_.size()));
    tasks_.push_back(std::move(t));
  }
  for (size_t i = 0; i < tasks_.size(); ++i) {
    tasks_[i].spout->open(conf_, context(static_cast<int>(i)), *tasks_[i].collector);
  }
  const int64_t now = worker_.clock->NowNanos();
  next_expiry_ = now + timeout_nanos_;
}

void SpoutExecutor::UpdateActivation() {
  const bool want = want_active_.load(std::memory_order_relaxed);
  if (want == active_) return;
  active_ = want;
  for (Task& t : tasks_) {
    if (active_) {
      t.spout->activate();
    } else {
      t.spout->deactivate();
    }
  }
  active_taken_.store(active_);
}

void SpoutExecutor::Loop() {
  Backoff backoff;
  while (!stopping()) {
    now_valid_ = false;
    const bool had_input = DrainInQueue();
    UpdateActivation();
    // Timeouts are checked on turns that had acks (the clock is read for
    // them anyway) and on every 64th other turn: a clock read costs as much
    // as an emit, and a spout held back by max pending turns fast.
    if (timeout_nanos_ > 0 && (had_input || (++quiet_turns_ & 63) == 0) &&
        Now() >= next_expiry_) {
      ExpirePending();
      next_expiry_ = Now() + timeout_nanos_;
    }
    FlushOut();  // what the last turn emitted
    const bool overflowing = transfer_.HasOverflow() && !transfer_.DrainOverflow();
    const bool blocked = !active_ || overflowing || AtMaxPending();
    bool emitted = false;
    if (!blocked) emitted = EmitTurn();
    if (emitted || had_input) {
      backoff.Reset();
      continue;
    }
    // Idle: back off (Storm's spout wait strategy).
    if (backoff.Step()) {
      // Held back by its full out-queue, the spout is woken when that has
      // room again (WakeOnRoom), not only by acks or the timeout.
      in_queue_->WaitForItems(
          kIdlePark, [this] { return !transfer_.HasOverflow() || transfer_.OverflowBlocked(); });
    }
  }
}

bool SpoutExecutor::EmitTurn() {
  // nextTuple is called again while it emits, until a batch's worth went
  // out this turn or max pending is reached: downstream threads then get
  // full batches rather than one per call (a spout emitting one tuple a
  // call would otherwise hand on batches of one).
  const uint64_t start = emits_;
  const auto batch = static_cast<uint64_t>(worker_.pool->batch_capacity());
  while (CallNextTuple()) {
    if (emits_ - start >= batch) break;
    if (AtMaxPending()) break;
    if (stopping()) break;
  }
  return emits_ != start;
}

bool SpoutExecutor::CallNextTuple() {
  const uint64_t before = emits_;
  for (Task& t : tasks_) {
    try {
      t.spout->nextTuple();
    } catch (const std::exception& e) {
      ReportError(static_cast<int>(&t - tasks_.data()),
                  std::string("nextTuple threw: ") + e.what());
    }
  }
  if (!deferred_acks_.empty()) DeliverDeferredAcks();
  return emits_ != before;
}

bool SpoutExecutor::DrainInQueue() {
  bool any = false;
  while (TupleBatch* batch = in_queue_->TryPop()) {
    any = true;
    for (size_t i = 0; i < batch->size(); ++i) HandleInput((*batch)[i].tuple);
    in_queue_->Recycle(batch);
  }
  return any;
}

void SpoutExecutor::HandleInput(const Tuple& tuple) {
  const int stream = SchemaOf(tuple) ? SchemaOf(tuple)->stream_index : -1;
  if (stream == acker_ack_stream_ || stream == acker_fail_stream_) {
    // A pack of the roots of trees the acker decided (acker/ack_pack.h).
    static const Value kNoValue;
    const Value& pack = tuple.getValues().empty() ? kNoValue : tuple.getValue(0);  // not a copy
    const bool acked = stream == acker_ack_stream_;
    try {
      if (pack.type() != Value::Type::kBytes) {
        throw StormError(std::string("not a pack of roots but a value of type ") +
                         Value::typeName(pack.type()));
      }
      ForEachPackEntry(pack.asBytes(), kSpoutEntryBytes, tuple.getSourceStreamId(),
                       [&](ByteReader& r) { CompleteTree(r.GetFixed64(), acked); });
    } catch (const StormError& e) {
      spdlog::error("spout {}: dropped a malformed tuple from the acker: {}", def_.component,
                    e.what());
    }
    return;
  }
  spdlog::warn("spout {} got an unexpected tuple on stream {}:{}", def_.component,
               tuple.getSourceComponent(), tuple.getSourceStreamId());
}

void SpoutExecutor::CompleteTree(uint64_t root, bool acked) {
  Pending pending;
  if (!pending_.Take(root, &pending)) return;  // already timed out
  pending_count_.store(pending_count_.load(std::memory_order_relaxed) - 1,
                       std::memory_order_relaxed);
  Task& task = tasks_[pending.task_index];
  StreamCounters& stream = counters_.Stream(pending.stream_index);
  try {
    if (acked) {
      // Every tree is timed: the clock is read once a turn anyway.
      counters_.RecordLatency(kCompleteLatency, pending.stream_index, Now() - pending.start_nanos);
      stream.acked.Add(1);
      task.spout->ack(pending.msg_id);
    } else {
      stream.failed.Add(1);
      task.spout->fail(pending.msg_id);
    }
  } catch (const std::exception& e) {
    ReportError(pending.task_index, std::string(acked ? "ack" : "fail") + " threw: " + e.what());
  }
}

void SpoutExecutor::ExpirePending() {
  std::vector<std::pair<uint64_t, Pending>> expired;
  pending_.Rotate([&](uint64_t root, Pending& p) { expired.emplace_back(root, std::move(p)); });
  for (auto& [root, p] : expired) {
    pending_count_.store(pending_count_.load(std::memory_order_relaxed) - 1,
                         std::memory_order_relaxed);
    counters_.Stream(p.stream_index).failed.Add(1);
    counters_.timed_out.Add(1);
    if (debug_) spdlog::info("spout {}: tree of {} timed out", def_.component, p.msg_id.toString());
    try {
      tasks_[p.task_index].spout->fail(p.msg_id);
    } catch (const std::exception& e) {
      ReportError(p.task_index, std::string("fail threw: ") + e.what());
    }
  }
}

void SpoutExecutor::DeliverDeferredAcks() {
  // At-most-once (no ackers): Storm acks a message id right after its emit.
  // The acks so far; those the spout's ack makes (by emitting) wait for the
  // next call. Both vectors keep their capacity.
  delivering_acks_.swap(deferred_acks_);
  // Counted per run of one stream (they mostly are of one).
  int run_stream = -1;
  uint64_t run = 0;
  for (DeferredAck& a : delivering_acks_) {
    if (a.stream_index != run_stream) {
      if (run != 0) counters_.Stream(run_stream).acked.Add(run);
      run_stream = a.stream_index;
      run = 0;
    }
    ++run;
    try {
      tasks_[a.task_index].spout->ack(a.msg_id);
    } catch (const std::exception& e) {
      ReportError(a.task_index, std::string("ack threw: ") + e.what());
    }
  }
  if (run != 0) counters_.Stream(run_stream).acked.Add(run);
  delivering_acks_.clear();
}

const TaskIds& SpoutExecutor::Emit(int task_index, const std::string* stream, const Values& values,
                                   const Value* msg_id, int direct_task) {
  const int task_id = tasks_[task_index].id;
  const int stream_index = stream ? router_.StreamIndex(*stream) : router_.default_stream();
  targets_.clear();
  router_.Route(stream_index, values, direct_task, targets_);
  const TupleSchema* schema = &layout_.Schema(stream_index);
  if (debug_) {
    spdlog::info("Emitting: {} {} {}{}", def_.component, schema->stream, values.toString(),
                 msg_id ? " msgId " + msg_id->toString() : "");
  }
  if (SamplingEvents()) [[unlikely]] SampleEvent(task_id, *schema, values, msg_id);
  const bool tracked = msg_id != nullptr && acking_;
  const uint64_t root = tracked ? roots_.Next() : 0;
  uint64_t ack_val = 0;
  const size_t n = targets_.size();
  for (size_t i = 0; i < n; ++i) {
    AddressedTuple& slot = transfer_.Next(targets_[i]);
    Tuple& t = slot.tuple;
    // Copy into the slot's own storage (its capacity is reused) rather than
    // hand over the caller's: memory then stays with the thread that
    // allocated it, where malloc's thread cache recycles it cheaply.
    MutableValues(t) = values;
    MutableMessageId(t).clear();
    if (tracked) {
      const uint64_t edge = ids_.Next();
      ack_val ^= edge;
      MutableMessageId(t).putXor(root, edge);
    }
    SetOrigin(t, schema, task_id);
    ResetAckVal(t);
    transfer_.Commit();
  }
  ++emits_;
  StreamCounters& out = counters_.Stream(stream_index);
  out.emitted.Add(1);
  out.transferred.Add(n);
  if (tracked) {
    Pending& p = pending_.Get(root);
    p.msg_id = *msg_id;
    p.task_index = task_index;
    p.stream_index = stream_index;
    p.start_nanos = Now();
    pending_count_.store(pending_count_.load(std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
    acker_outbox_.Append(AckerMessage::kInit, task_id, root, ack_val);
  } else if (msg_id != nullptr) {
    deferred_acks_.emplace_back(task_index, stream_index, *msg_id);
  }
  return targets_;
}

void SpoutExecutor::ReportError(int task_index, const std::string& error) {
  ReportTaskError(tasks_[task_index].id, error);
}

void SpoutExecutor::Shutdown() {
  FlushOut();
  for (Task& t : tasks_) {
    try {
      t.spout->close();
    } catch (const std::exception& e) {
      spdlog::error("spout {} task {}: close threw: {}", def_.component, t.id, e.what());
    }
  }
}

}  // namespace storm
