#include "worker/bolt_executor.h"

#include <spdlog/spdlog.h>

#include "storm/errors.h"

namespace storm {

namespace {
constexpr std::chrono::microseconds kIdlePark(2000);
}  // namespace

class BoltExecutor::Collector final : public OutputCollector {
 public:
  Collector(BoltExecutor& executor, int task_index) : executor_(executor), index_(task_index) {}
  void ack(const Tuple& input) override { executor_.Ack(index_, input); }
  void fail(const Tuple& input) override { executor_.Fail(index_, input); }
  void reportError(const std::string& error) override { executor_.ReportError(index_, error); }

 protected:
  const TaskIds& emitImpl(const std::string* stream, const Tuple* const* anchors,
                          size_t num_anchors, const Values& values, int direct_task) override {
    return executor_.Emit(index_, stream, anchors, num_anchors, values, direct_task);
  }

 private:
  BoltExecutor& executor_;
  int index_;
};

BoltExecutor::BoltExecutor(WorkerContext& worker, ExecutorDef def)
    : Executor(worker, std::move(def), /*never_block=*/false),
      conf_(layout_.ComponentConf(def_.component)),
      sampler_(conf_.getDouble(Config::kTopologyStatsSampleRate, 0.05)) {
  acking_ = layout_.num_ackers() > 0;
  debug_ = conf_.getBool(Config::kTopologyDebug);
  tick_nanos_ = TickIntervalNanos(conf_);
}

BoltExecutor::~BoltExecutor() { Stop(); }

void BoltExecutor::Init() {
  for (int task = def_.first_task; task <= def_.last_task; ++task) {
    Task t;
    t.id = task;
    t.bolt = worker_.factory->MakeBolt(def_.component);
    t.collector = std::make_unique<Collector>(*this, static_cast<int>(tasks_.size()));
    tasks_.push_back(std::move(t));
  }
  for (size_t i = 0; i < tasks_.size(); ++i) {
    tasks_[i].bolt->prepare(conf_, context(static_cast<int>(i)), *tasks_[i].collector);
  }
  SetOrigin(tick_, &layout_.TickSchema(), kSystemTaskId);
  MutableValues(tick_) = Values{tick_nanos_ / 1'000'000'000LL};
  next_tick_ = worker_.clock->NowNanos() + tick_nanos_;
}

void BoltExecutor::Loop() {
  Backoff backoff;
  while (!stopping()) {
    TupleBatch* batch = in_queue_->TryPop();
    // The clock only for ticks: a clock read costs about as much as
    // executing a simple tuple.
    if (tick_nanos_ > 0 && worker_.clock->NowNanos() >= next_tick_) DeliverTicks();
    if (batch != nullptr) {
      backoff.Reset();
      // Executed (and acked) inputs are counted per run of one stream, not
      // one by one: a batch is mostly of one stream, and a counter in memory
      // per input costs a measurable share of a bolt that does little.
      const TupleSchema* run_schema = nullptr;
      uint64_t run = 0;
      for (size_t i = 0; i < batch->size(); ++i) {
        AddressedTuple& item = (*batch)[i];
        const TupleSchema* schema = SchemaOf(item.tuple);
        if (schema != run_schema) {
          CountRun(run_schema, run);
          run_schema = schema;
          run = 0;
        }
        ++run;
        Execute(item.tuple, item.task, schema);
      }
      CountRun(run_schema, run);
      counters_.batches.Add(1);
      sampled_input_ = nullptr;  // its storage is about to be reused
      executing_ = nullptr;
      in_queue_->Recycle(batch);
    } else if (backoff.Step()) {
      in_queue_->WaitForItems(kIdlePark);
    }
    FlushOut();  // what this turn emitted (ticks included)
  }
}

void BoltExecutor::CountRun(const TupleSchema* schema, uint64_t executed) {
  if (executed == 0 && acked_in_run_ == 0) return;
  StreamCounters& counters = counters_.Stream(schema != nullptr ? schema->stream_index : -1);
  if (executed != 0) counters.executed.Add(executed);
  if (acked_in_run_ != 0) counters.acked.Add(acked_in_run_);
  acked_in_run_ = 0;
}

void BoltExecutor::Execute(Tuple& tuple, int task, const TupleSchema* schema) {
  const int index = task - def_.first_task;
  if (index < 0 || index >= static_cast<int>(tasks_.size())) {
    spdlog::error("bolt {} got a tuple for task {}, which it does not run", def_.component, task);
    return;
  }
  Task& t = tasks_[index];
  const int stream = schema != nullptr ? schema->stream_index : -1;
  // One try block on the common path: a call out of line per input costs
  // more than the counting does.
  const bool sampled = sampler_.Next();
  int64_t start = 0;
  if (sampled) {
    start = worker_.clock->NowNanos();
    sampled_input_ = &tuple;
    sampled_start_nanos_ = start;
  }
  executing_ = &tuple;
  try {
    t.bolt->execute(tuple);
  } catch (const std::exception& e) {
    FailThrown(index, tuple, e);
    return;
  }
  if (sampled) counters_.RecordLatency(kExecuteLatency, stream, worker_.clock->NowNanos() - start);
}

void BoltExecutor::FailThrown(int index, const Tuple& tuple, const std::exception& e) {
  // A bolt that throws fails its input (the tree is replayed by its spout).
  ReportError(index, std::string("execute threw: ") + e.what());
  counters_.failed_by_exception.Add(1);
  FailInput(index, tuple);
}

void BoltExecutor::DeliverTicks() {
  next_tick_ = worker_.clock->NowNanos() + tick_nanos_;
  for (Task& t : tasks_) {
    try {
      t.bolt->execute(tick_);
    } catch (const std::exception& e) {
      ReportError(static_cast<int>(&t - tasks_.data()), std::string("tick threw: ") + e.what());
    }
  }
}

const TaskIds& BoltExecutor::Emit(int task_index, const std::string* stream,
                                  const Tuple* const* anchors, size_t num_anchors,
                                  const Values& values, int direct_task) {
  const int task_id = tasks_[task_index].id;
  const int stream_index = stream ? router_.StreamIndex(*stream) : router_.default_stream();
  targets_.clear();
  router_.Route(stream_index, values, direct_task, targets_);
  const TupleSchema* schema = &layout_.Schema(stream_index);
  if (debug_) spdlog::info("Emitting: {} {} {}", def_.component, schema->stream, values.toString());
  if (SamplingEvents()) [[unlikely]] SampleEvent(task_id, *schema, values, nullptr);
  const size_t n = targets_.size();
  for (size_t i = 0; i < n; ++i) {
    AddressedTuple& slot = transfer_.Next(targets_[i]);
    Tuple& t = slot.tuple;
    // Copy into the slot's own storage (its capacity is reused) rather than
    // hand over the caller's: memory then stays with the thread that
    // allocated it, where malloc's thread cache recycles it cheaply.
    MutableValues(t) = values;
    MessageId& id = MutableMessageId(t);
    id.clear();
    if (acking_) {
      // One new edge per (anchor, target): the anchor's ack value and every
      // root of the anchor get it (Storm's BoltOutputCollectorImpl).
      for (size_t a = 0; a < num_anchors; ++a) {
        const auto& roots = anchors[a]->getMessageId().anchors();
        if (roots.empty()) continue;
        const uint64_t edge = ids_.Next();
        UpdateAckVal(*anchors[a], edge);
        for (const auto& entry : roots) id.putXor(entry.first, edge);
      }
    }
    SetOrigin(t, schema, task_id);
    ResetAckVal(t);
    transfer_.Commit();
  }
  StreamCounters& out = counters_.Stream(stream_index);
  out.emitted.Add(1);
  out.transferred.Add(n);
  return targets_;
}

void BoltExecutor::Ack(int task_index, const Tuple& input) {
  if (&input == executing_) [[likely]] {
    ++acked_in_run_;  // counted with its run (CountRun)
  } else {
    const TupleSchema* schema = SchemaOf(input);
    counters_.Stream(schema != nullptr ? schema->stream_index : -1).acked.Add(1);
  }
  if (&input == sampled_input_) [[unlikely]] {
    const TupleSchema* schema = SchemaOf(input);
    counters_.RecordLatency(kProcessLatency, schema != nullptr ? schema->stream_index : -1,
                            worker_.clock->NowNanos() - sampled_start_nanos_);
    sampled_input_ = nullptr;
  }
  if (!acking_) return;
  const uint64_t ack_val = AckVal(input);
  const int task = tasks_[task_index].id;
  for (const auto& [root, edge] : input.getMessageId().anchors()) {
    acker_outbox_.Append(AckerMessage::kAck, task, root, edge ^ ack_val);
  }
}

void BoltExecutor::Fail(int task_index, const Tuple& input) {
  counters_.failed_by_bolt.Add(1);
  FailInput(task_index, input);
}

void BoltExecutor::FailInput(int task_index, const Tuple& input) {
  const TupleSchema* schema = SchemaOf(input);
  counters_.Stream(schema != nullptr ? schema->stream_index : -1).failed.Add(1);
  if (&input == sampled_input_) sampled_input_ = nullptr;
  if (!acking_) return;
  const int task = tasks_[task_index].id;
  for (const auto& entry : input.getMessageId().anchors()) {
    acker_outbox_.Append(AckerMessage::kFail, task, entry.first, 0);
  }
}

void BoltExecutor::ReportError(int task_index, const std::string& error) {
  ReportTaskError(tasks_[task_index].id, error);
}

void BoltExecutor::Shutdown() {
  FlushOut();
  for (Task& t : tasks_) {
    try {
      t.bolt->cleanup();
    } catch (const std::exception& e) {
      spdlog::error("bolt {} task {}: cleanup threw: {}", def_.component, t.id, e.what());
    }
  }
}

}  // namespace storm
