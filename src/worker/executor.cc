#include "worker/executor.h"

#include <spdlog/spdlog.h>

#include "acker/ack_pack.h"
#include "common/util/threads.h"
#include "storm/errors.h"
#include "worker/id_generator.h"

namespace storm {

namespace {
// How long an idle thread parks before it looks again at its clock and flags.
constexpr std::chrono::microseconds kIdlePark(2000);
}  // namespace

OutBuffer::OutBuffer(Executor* owner, bool never_block)
    : owner_(owner), out_queue_(&owner->out_queue()), never_block_(never_block),
      stop_(&owner->stop_flag()) {}

OutBuffer::~OutBuffer() {
  for (TupleBatch* b : current_) {
    if (b != nullptr) out_queue_->Recycle(b);
  }
  for (TupleBatch* b : overflow_) out_queue_->Recycle(b);
}

void OutBuffer::FlushLane(Lane lane) {
  TupleBatch* batch = current_[lane];
  if (batch == nullptr) return;
  current_[lane] = nullptr;
  if (overflow_.empty() && owner_->RouteInline(batch, !never_block_)) return;
  if (!overflow_.empty() || !out_queue_->TryPush(batch)) {
    if (never_block_) {
      overflow_.push_back(batch);
      return;
    }
    if (!out_queue_->Push(batch, *stop_)) out_queue_->Recycle(batch);  // stopping: dropped
  }
}

bool OutBuffer::DrainOverflow() {
  while (!overflow_.empty() && out_queue_->TryPush(overflow_.front())) overflow_.pop_front();
  return overflow_.empty();
}

namespace {
// As many slots as full batches would take: a queue of many small batches
// costs its consumer more than their tuples do.
std::unique_ptr<TupleQueue> MakeExecutorQueue(const std::string& name, const Config& conf,
                                              BatchPool* pool) {
  const auto tuples =
      static_cast<size_t>(conf.getInt(Config::kTopologyExecutorReceiveBufferSize, 32768));
  const size_t slots = std::max<size_t>(16, tuples / pool->batch_capacity());
  return std::make_unique<TupleQueue>(name, slots, tuples, pool);
}
}  // namespace

Executor::Executor(WorkerContext& worker, ExecutorDef def, bool never_block)
    : worker_(worker), def_(std::move(def)), layout_(*worker.layout),
      in_queue_(MakeExecutorQueue("in:" + def_.component, layout_.ComponentConf(def_.component),
                                  worker.pool)),
      out_queue_(MakeExecutorQueue("out:" + def_.component,
                                   layout_.ComponentConf(def_.component), worker.pool)),
      router_(layout_, def_.component, worker.worker_tasks, IdGenerator().Next()),
      out_(this, never_block) {
  slot_of_task_.assign(static_cast<size_t>(layout_.max_task()) + 1, -1);
  if (layout_.num_ackers() > 0) {
    acker_tasks_ = layout_.TasksOf(kAckerComponentId);
    ack_packs_.push_back(AckPack{-1, -1, -1, {}});  // so that last_pack_ always names one
    acker_streams_[static_cast<int>(AckerMessage::kInit)] =
        layout_.StreamIndex(def_.component, kAckInitStreamId);
    acker_streams_[static_cast<int>(AckerMessage::kAck)] =
        layout_.StreamIndex(def_.component, kAckAckStreamId);
    acker_streams_[static_cast<int>(AckerMessage::kFail)] =
        layout_.StreamIndex(def_.component, kAckFailStreamId);
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
    // The routing flag is taken only when there is something to route:
    // while the out-queue is empty the user logic thread routes inline, and
    // an idle send thread taking the flag to look would push its batches
    // into the out-queue and so take over the routing for good.
    if (out_queue_->Empty()) {
      if (stopping()) break;
      if (backoff.Step()) out_queue_->WaitForItems(kIdlePark);
      continue;
    }
    if (!TryLockRouting()) {  // the user logic thread is about to hand on through the queue
      STORM_CPU_RELAX();
      continue;
    }
    backoff.Reset();
    while (TupleBatch* batch = out_queue_->TryPop()) {
      if (batch->empty()) {
        // A wake-up from RouteWithoutWaiting: parts of a batch wait in
        // routed_ for room, and go before what follows.
        out_queue_->Recycle(batch);
      } else if (!ForwardWhole(batch)) {
        RouteBatch(batch);
        out_queue_->Recycle(batch);
      }
    }
    // Nothing more right now: hand on what is batched so latency stays low.
    FlushRouted();
    UnlockRouting();
  }
  // The user logic thread may still be routing inline.
  while (!TryLockRouting()) std::this_thread::yield();
  for (size_t i = 0; i < routed_.size(); ++i) {
    if (routed_[i] != nullptr) route_queues_[i]->Recycle(routed_[i]);
    routed_[i] = nullptr;
  }
  UnlockRouting();
}

bool Executor::RouteInline(TupleBatch* batch, bool may_block) {
  // Only the user logic thread pushes to the out-queue, so once it is seen
  // empty it stays so; holding routing_ then means every batch before this
  // one has been routed.
  if (!out_queue_->Empty() || !TryLockRouting()) return false;
  bool routed = true;
  if (may_block) {
    if (!ForwardWhole(batch)) {
      RouteBatch(batch);
      out_queue_->Recycle(batch);
    }
    FlushRouted();
  } else {
    routed = RouteWithoutWaiting(batch);
  }
  UnlockRouting();
  return routed;
}

bool Executor::RouteWithoutWaiting(TupleBatch* batch) {
  const size_t slot = RouteSlot((*batch)[0].task);
  bool single = true;
  for (size_t i = 1; i < batch->size() && single; ++i) {
    single = RouteSlot((*batch)[i].task) == slot;
  }
  // A batch still filled for that queue goes first, and the send thread is
  // the one to wait for room.
  if (single) return routed_[slot] == nullptr && route_queues_[slot]->TryPush(batch);
  // Several destinations (a spout feeding several tasks): the batch is split
  // and each part pushed if its queue has room. The send thread flushes what
  // it routed before it lets go of the flag, so nothing is batched yet (but
  // after a stop).
  for (const TupleBatch* b : routed_) {
    if (b != nullptr) return false;
  }
  RouteBatch(batch);  // no part fills up: each is smaller than the batch
  bool left = false;
  for (size_t s = 0; s < routed_.size(); ++s) {
    if (routed_[s] == nullptr) continue;
    if (route_queues_[s]->TryPush(routed_[s])) {
      routed_[s] = nullptr;
    } else {
      left = true;
    }
  }
  batch->Clear();
  // A part that did not fit stays batched for the send thread, which waits
  // for room; an empty batch in the out-queue wakes it (the queue is empty
  // and only this thread pushes to it, so there is a slot).
  if (!left || !out_queue_->TryPush(batch)) out_queue_->Recycle(batch);
  return true;
}

size_t Executor::RouteSlot(int task) {
  const bool known = task > 0 && static_cast<size_t>(task) < slot_of_task_.size();
  if (known && slot_of_task_[task] >= 0) return static_cast<size_t>(slot_of_task_[task]);
  // A task in another worker goes through the worker's transfer queue.
  TupleQueue* queue = worker_.LocalInQueue(task);
  if (queue == nullptr) queue = worker_.transfer_queue;
  auto it = std::find(route_queues_.begin(), route_queues_.end(), queue);
  const auto slot = static_cast<size_t>(it - route_queues_.begin());
  if (it == route_queues_.end()) {
    route_queues_.push_back(queue);
    routed_.push_back(nullptr);
  }
  if (known) slot_of_task_[task] = static_cast<int>(slot);
  return slot;
}

bool Executor::ForwardWhole(TupleBatch* batch) {
  const size_t slot = RouteSlot((*batch)[0].task);
  for (size_t i = 1; i < batch->size(); ++i) {
    if (RouteSlot((*batch)[i].task) != slot) return false;
  }
  PushRouted(slot);  // what was routed there before goes first
  TupleQueue* queue = route_queues_[slot];
  if (!queue->Push(batch, stop_)) queue->Recycle(batch);
  return true;
}

void Executor::RouteBatch(TupleBatch* batch) {
  for (size_t i = 0; i < batch->size(); ++i) {
    AddressedTuple& item = (*batch)[i];
    const size_t slot = RouteSlot(item.task);
    TupleBatch*& target = routed_[slot];
    if (target == nullptr) target = route_queues_[slot]->AcquireEmpty();
    AddressedTuple& dest = target->Append();
    dest.task = item.task;
    std::swap(dest.tuple, item.tuple);  // storage circulates, nothing is copied
    if (target->full()) PushRouted(slot);
  }
}

void Executor::PushRouted(size_t slot) {
  TupleBatch*& batch = routed_[slot];
  if (batch == nullptr) return;
  if (!route_queues_[slot]->Push(batch, stop_)) route_queues_[slot]->Recycle(batch);
  batch = nullptr;
}

void Executor::FlushRouted() {
  for (size_t i = 0; i < routed_.size(); ++i) PushRouted(i);
}

void Executor::SendToAcker(AckerMessage kind, int task, uint64_t root, uint64_t value) {
  const int stream_index = acker_streams_[static_cast<int>(kind)];
  const int acker_task = AckerTaskFor(root, acker_tasks_);
  // Successive messages mostly go to the same pack.
  AckPack* pack = &ack_packs_[last_pack_];
  if (pack->stream_index != stream_index || pack->acker_task != acker_task ||
      pack->source_task != task) {
    pack = FindAckPack(stream_index, acker_task, task);
  }
  AppendAckerEntry(pack->bytes, root, value);
  if (pack->bytes.size() >= kMaxAckPackBytes) SendAckPack(*pack);
}

Executor::AckPack* Executor::FindAckPack(int stream_index, int acker_task, int source_task) {
  for (size_t i = 0; i < ack_packs_.size(); ++i) {
    const AckPack& p = ack_packs_[i];
    if (p.stream_index == stream_index && p.acker_task == acker_task &&
        p.source_task == source_task) {
      last_pack_ = i;
      return &ack_packs_[i];
    }
  }
  last_pack_ = ack_packs_.size();
  AckPack& pack = ack_packs_.emplace_back(AckPack{stream_index, acker_task, source_task, {}});
  pack.bytes.reserve(kMaxAckPackBytes);
  return &pack;
}

void Executor::SendAckPack(AckPack& pack) {
  AddressedTuple& slot = out_.Next(pack.acker_task, OutBuffer::kAcker);
  Values& values = slot.tuple.mutableValues();
  values.resize(1);
  values[0] = Value(Bytes{pack.bytes});  // a copy of its size; the pack keeps its room
  pack.bytes.clear();
  slot.tuple.mutableMessageId().clear();
  slot.tuple.setOrigin(&layout_.Schema(pack.stream_index), pack.source_task);
  slot.tuple.resetAckVal();
  out_.Commit(OutBuffer::kAcker);
}

void Executor::FlushOut() {
  for (AckPack& pack : ack_packs_) {
    if (!pack.bytes.empty()) SendAckPack(pack);
  }
  out_.Flush();
}

void Executor::ReportTaskError(int task, const std::string& error) {
  stats_.errors.Add(1);
  spdlog::error("{} {} task {}: {}", is_spout() ? "spout" : "bolt", def_.component, task, error);
  worker_.errors->Report(def_.component, task, error);
}

}  // namespace storm
