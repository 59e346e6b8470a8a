#include "worker/executor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/util/threads.h"
#include "storm/errors.h"
#include "worker/id_generator.h"

namespace storm {

namespace {
// How long an idle thread parks before it looks again at its clock and flags.
constexpr std::chrono::microseconds kIdlePark(2000);

// As many slots as full batches would take: a queue of many small batches
// costs its consumer more than their tuples do.
std::unique_ptr<TupleQueue> MakeExecutorQueue(const std::string& name, const Config& conf,
                                              BatchPool* pool) {
  const auto tuples =
      static_cast<size_t>(conf.getInt(Config::kTopologyExecutorReceiveBufferSize));
  const size_t slots = std::max<size_t>(16, tuples / pool->batch_capacity());
  return std::make_unique<TupleQueue>(name, slots, tuples, pool);
}
}  // namespace

Executor::Executor(WorkerContext& worker, ExecutorDef def, bool never_block)
    : worker_(worker), def_(std::move(def)), layout_(*worker.layout),
      counters_(layout_.num_streams()),
      error_throttle_(
          layout_.ComponentConf(def_.component).getInt(Config::kTopologyMaxErrorReportPerInterval, 5),
          layout_.ComponentConf(def_.component).getInt(Config::kTopologyErrorThrottleIntervalSecs, 10)),
      in_queue_(MakeExecutorQueue("in:" + def_.component, layout_.ComponentConf(def_.component),
                                  worker.pool)),
      out_queue_(MakeExecutorQueue("out:" + def_.component,
                                   layout_.ComponentConf(def_.component), worker.pool)),
      router_(layout_, def_.component, worker.worker_tasks, IdGenerator().Next()),
      transfer_(worker, *out_queue_, stop_, never_block),
      acker_outbox_(layout_, def_.component, transfer_) {
  for (int task = def_.first_task; task <= def_.last_task; ++task) {
    contexts_.push_back(std::make_unique<TaskContext>(layout_, def_.component, task,
                                                      worker.worker_tasks, worker.port,
                                                      worker.clock));
  }
}

Executor::~Executor() { Stop(); }

void Executor::Start() {
  user_thread_ = std::thread([this] { UserLogicThread(); });
  send_thread_ = std::thread([this] { SendThread(); });
}

void Executor::Stop() {
  stop_.store(true);
  in_queue_->WakeConsumer();
  if (user_thread_.joinable()) user_thread_.join();
  out_queue_->WakeConsumer();
  if (send_thread_.joinable()) send_thread_.join();
}

int64_t Executor::TickIntervalNanos(const Config& conf) const {
  return conf.getInt(Config::kTopologyTickTupleFreqSecs, 0) * 1'000'000'000LL;
}

void Executor::UserLogicThread() {
  SetThreadName("exec-" + def_.component);
  try {
    Init();
    Loop();
  } catch (const std::exception& e) {
    // A broken invariant or a user's open/prepare that threw: fail fast for
    // this executor, loudly; the worker reports it.
    spdlog::error("executor {} [{}-{}] died: {}", def_.component, def_.first_task,
                  def_.last_task, e.what());
    worker_.errors->Report(def_.component, def_.first_task, e.what());
  }
  try {
    Shutdown();
  } catch (const std::exception& e) {
    spdlog::error("executor {}: close/cleanup threw: {}", def_.component, e.what());
  }
}

void Executor::SendThread() {
  SetThreadName("send-" + def_.component);
  Backoff backoff;
  for (;;) {
    // While the out-queue is empty the user logic thread routes inline
    // (ExecutorTransfer::RouteQueued says why not to look then).
    if (out_queue_->Empty()) {
      if (stopping()) break;
      if (backoff.Step()) out_queue_->WaitForItems(kIdlePark);
      continue;
    }
    if (!transfer_.RouteQueued()) {  // the user logic thread is about to hand on through the queue
      STORM_CPU_RELAX();
      continue;
    }
    backoff.Reset();
  }
  transfer_.DropRouted();
}

void Executor::FlushOut() {
  acker_outbox_.Flush();
  transfer_.Flush();
}

void Executor::SetEventSampling(double percent) {
  uint32_t every = 0;
  if (percent >= 100) {
    every = 1;
  } else if (percent > 0) {
    every = static_cast<uint32_t>(std::clamp(std::lround(100.0 / percent), 1L, 1'000'000'000L));
  }
  if (event_every_.exchange(every) != every) {
    spdlog::info("{} {}: debug sampling {}", is_spout() ? "spout" : "bolt", def_.component,
                 every == 0 ? std::string("off") : fmt::format("of 1 emit in {}", every));
  }
}

double Executor::EventSamplingPercent() const {
  const uint32_t every = event_every_.load(std::memory_order_relaxed);
  return every == 0 ? 0 : 100.0 / every;
}

void Executor::SampleEvent(int task_id, const TupleSchema& schema, const Values& values,
                           const Value* message_id) {
  const uint32_t every = event_every_.load(std::memory_order_relaxed);
  if (every == 0 || worker_.events == nullptr) return;
  if (--event_countdown_ != 0 && event_countdown_ < every) return;
  event_countdown_ = every;
  const int64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  worker_.events->Log(millis, def_.component, task_id, schema.stream,
                      message_id != nullptr ? message_id->toString() : "", values.toString());
}

void Executor::ReportTaskError(int task, const std::string& error) {
  counters_.errors.Add(1);
  spdlog::error("{} {} task {}: {}", is_spout() ? "spout" : "bolt", def_.component, task, error);
  if (error_throttle_.Allow(worker_.clock->NowNanos())) {
    worker_.errors->Report(def_.component, task, error);
  }
}

QueueStats Executor::InQueueStats() const {
  QueueStats q;
  const size_t capacity = in_queue_->max_weight();
  q.population = static_cast<int64_t>(in_queue_->WeightApprox());
  q.capacity = static_cast<int64_t>(capacity);
  q.backpressure =
      in_queue_->Full() ||
      (capacity > 0 && static_cast<double>(q.population) >= kHighWatermark *
                                                                static_cast<double>(capacity));
  return q;
}

std::vector<TaskMetricSample> Executor::TaskMetrics() const {
  std::vector<TaskMetricSample> out;
  for (const auto& context : contexts_) context->AppendMetrics(out);
  return out;
}

}  // namespace storm
