#include "worker/worker.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/util/threads.h"
#include "worker/bolt_executor.h"
#include "worker/spout_executor.h"

namespace storm {

namespace {
constexpr size_t kFrameFlushBytes = 32 * 1024;
constexpr std::chrono::microseconds kIdlePark(2000);

// The flush interval paces the transport, not the topology's logic: it
// runs on the steady clock even where a test gives the worker a manual one.
int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Worker::Worker(WorkerSpec spec, Transport* transport, Clock* clock, ComponentFactory* factory)
    : spec_(std::move(spec)),
      transport_(transport),
      endpoint_of_task_(spec_.endpoint_of_task) {
  const TopologyLayout& layout = *spec_.layout;
  const Config& conf = layout.conf();
  const auto batch = static_cast<size_t>(conf.getInt(Config::kTopologyProducerBatchSize));
  pool_ = std::make_unique<BatchPool>(std::max<size_t>(1, batch));
  const auto transfer = static_cast<size_t>(conf.getInt(Config::kTopologyTransferBufferSize));
  // topology.transfer.buffer.size counts tuples. The slots are more than
  // full batches would take: executors hand on what each turn produced,
  // often a few tuples, and the worker send thread batches them into frames.
  transfer_queue_ = std::make_unique<TupleQueue>(
      "transfer", std::max<size_t>(64, transfer / pool_->batch_capacity()), transfer, pool_.get());

  // Validated at submit; the layout's config has the defaults under it.
  const double flush_millis = conf.getDouble(Config::kTopologyBatchFlushIntervalMillis);
  flush_interval_nanos_ = static_cast<int64_t>(std::max(0.0, flush_millis) * 1e6);

  context_.layout = spec_.layout;
  context_.clock = clock;
  context_.pool = pool_.get();
  context_.factory = factory;
  context_.errors = this;
  context_.events = spec_.events;
  context_.port = spec_.port;
  context_.transfer_queue = transfer_queue_.get();
  for (const ExecutorDef& e : spec_.executors) {
    for (int t = e.first_task; t <= e.last_task; ++t) context_.worker_tasks.push_back(t);
  }
  std::sort(context_.worker_tasks.begin(), context_.worker_tasks.end());

  context_.in_queue_of_task.assign(static_cast<size_t>(layout.max_task()) + 1, nullptr);
  executor_of_task_.assign(static_cast<size_t>(layout.max_task()) + 1, -1);
  for (const ExecutorDef& e : spec_.executors) {
    const ComponentDef* def = layout.Component(e.component);
    std::unique_ptr<Executor> executor;
    if (def != nullptr && def->is_spout) {
      executor = std::make_unique<SpoutExecutor>(context_, e);
    } else {
      executor = std::make_unique<BoltExecutor>(context_, e);
    }
    for (int t = e.first_task; t <= e.last_task; ++t) {
      context_.in_queue_of_task[t] = &executor->in_queue();
      executor_of_task_[t] = static_cast<int>(executors_.size());
    }
    executors_.push_back(std::move(executor));
  }
  received_.assign(executors_.size(), nullptr);
  // A component's tasks are numbered consecutively (TopologyLayout).
  for (int s = 0; s < layout.num_streams(); ++s) {
    const std::vector<int>& tasks = layout.TasksOf(layout.Schema(s).component);
    stream_sources_.emplace_back(tasks.empty() ? 1 : tasks.front(),
                                 tasks.empty() ? 0 : tasks.back());
  }
}

Worker::~Worker() { Stop(); }

uint16_t Worker::Bind() {
  if (bound_) return bound_port_;
  bound_port_ = transport_->Bind(spec_.endpoint, this);
  bound_ = true;
  bound_endpoint_ = spec_.endpoint;
  if (bound_endpoint_.ends_with(":0")) {
    bound_endpoint_.replace(bound_endpoint_.size() - 1, 1, std::to_string(bound_port_));
  }
  return bound_port_;
}

void Worker::Start() {
  started_ = true;
  Bind();
  send_thread_ = std::thread([this] { SendThread(); });
  for (auto& e : executors_) e->Start();
  spdlog::info("worker {} of {} started with {} executors", spec_.endpoint,
               spec_.layout->topology_id(), executors_.size());
}

void Worker::Stop() {
  if (stopped_) return;
  if (!started_) {
    // Bound only: no more frames into this worker, which is going.
    if (bound_) {
      stopped_ = true;
      stop_threads_.store(true);  // a frame being delivered stops waiting for room
      transport_->Unbind(bound_endpoint_);
      RecycleReceived();
    }
    return;
  }
  stopped_ = true;
  context_.stopping.store(true);
  for (auto& e : executors_) e->Stop();
  stop_threads_.store(true);
  transfer_queue_->WakeConsumer();
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (!send_thread_done_.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    connections_closed_ = true;
    if (!send_thread_done_.load()) {
      spdlog::warn("worker {}: the send thread is blocked on a peer; closing its connections",
                   spec_.endpoint);
    }
    for (Connection* c : connections_) c->Close();
  }
  if (send_thread_.joinable()) send_thread_.join();
  transport_->Unbind(bound_endpoint_);
  RecycleReceived();
  spdlog::info("worker {} stopped", spec_.endpoint);
}

void Worker::RecycleReceived() {
  for (TupleBatch*& b : received_) {
    if (b != nullptr) executors_[&b - received_.data()]->in_queue().Recycle(b);
    b = nullptr;
  }
}

void Worker::SetActive(bool active) {
  for (auto& e : executors_) e->SetActive(active);
}

void Worker::SetDebug(const std::map<std::string, DebugOptions>& component_debug) {
  const auto topology = component_debug.find("");
  for (auto& e : executors_) {
    auto it = component_debug.find(e->def().component);
    if (it == component_debug.end()) it = topology;
    const bool on = it != component_debug.end() && it->second.enable;
    e->SetEventSampling(on ? it->second.sampling_pct : 0);
  }
}

void Worker::UpdateEndpoints(std::vector<std::string> endpoint_of_task) {
  std::lock_guard<std::mutex> lock(endpoints_mutex_);
  new_endpoints_ = std::move(endpoint_of_task);
  endpoints_changed_.store(true, std::memory_order_release);
}

// On the worker send thread. Tuples still batched for an endpoint no task is
// at any more are dropped, not flushed: that worker is gone or going, and a
// send to it could block on its full connection. Their trees time out and
// the spouts replay them, as Storm's would.
void Worker::TakeNewEndpoints() {
  {
    std::lock_guard<std::mutex> lock(endpoints_mutex_);
    endpoint_of_task_.swap(new_endpoints_);
    endpoints_changed_.store(false, std::memory_order_relaxed);
  }
  peer_of_task_.clear();
  std::set<std::string> wanted(endpoint_of_task_.begin(), endpoint_of_task_.end());
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    spdlog::info("worker {}: no task runs at {} any more; disconnecting ({} tuples dropped)",
                 spec_.endpoint, it->first, it->second.writer.count());
    std::lock_guard<std::mutex> lock(connections_mutex_);
    std::erase(connections_, it->second.connection.get());
    it = peers_.erase(it);
  }
}

// Frames go to a peer when they reach kFrameFlushBytes, or when the
// transfer queue is empty and the peer's flush interval has passed since its
// last frame (FlushDuePeers); under a queue that never empties, that is
// checked every kBatchesPerFlushCheck batches, so a thin stream to one peer
// is not held behind a thick one to another.
void Worker::SendThread() {
  SetThreadName("worker-send");
  constexpr int kBatchesPerFlushCheck = 16;
  int batches_since_check = 0;
  Backoff backoff;
  for (;;) {
    if (endpoints_changed_.load(std::memory_order_acquire)) TakeNewEndpoints();
    TupleBatch* batch = transfer_queue_->TryPop();
    if (batch == nullptr) {
      const int64_t wait = FlushDuePeers();
      if (stop_threads_.load()) break;
      if (backoff.Step()) {
        transfer_queue_->WaitForItems(
            wait > 0 ? std::chrono::microseconds(wait / 1000 + 1) : kIdlePark);
      }
      continue;
    }
    backoff.Reset();
    for (size_t i = 0; i < batch->size(); ++i) {
      const AddressedTuple& item = (*batch)[i];
      const auto task = static_cast<size_t>(item.task);
      Peer* peer = task < peer_of_task_.size() ? peer_of_task_[task] : nullptr;
      if (peer == nullptr) {
        if (task >= endpoint_of_task_.size() || endpoint_of_task_[task].empty()) {
          spdlog::error("worker {}: no worker runs task {}; tuple dropped", spec_.endpoint, task);
          continue;
        }
        const std::string& endpoint = endpoint_of_task_[task];
        peer = &peers_[endpoint];
        peer->endpoint = endpoint;
        if (peer_of_task_.size() <= task) peer_of_task_.resize(endpoint_of_task_.size());
        peer_of_task_[task] = peer;
      }
      peer->writer.Add(item.task, item.tuple);
      if (peer->writer.bytes() >= kFrameFlushBytes) FlushPeer(*peer);
    }
    transfer_queue_->Recycle(batch);
    if (++batches_since_check == kBatchesPerFlushCheck) {
      batches_since_check = 0;
      FlushDuePeers();
    }
  }
  send_thread_done_.store(true);
}

int64_t Worker::FlushDuePeers() {
  int64_t now = 0;
  int64_t next = 0;
  for (auto& [endpoint, peer] : peers_) {
    if (peer.writer.count() == 0) continue;
    if (stop_threads_.load(std::memory_order_relaxed) || flush_interval_nanos_ == 0) {
      FlushPeer(peer);
      continue;
    }
    if (now == 0) now = SteadyNanos();
    const int64_t due = peer.last_send_nanos + flush_interval_nanos_;
    if (now >= due) {
      peer.last_send_nanos = now;
      FlushPeer(peer);
    } else if (next == 0 || due - now < next) {
      next = due - now;
    }
  }
  return next;
}

void Worker::FlushPeer(Peer& peer) {
  if (!peer.connection) {
    peer.connection = transport_->Connect(peer.endpoint);
    std::lock_guard<std::mutex> lock(connections_mutex_);
    connections_.push_back(peer.connection.get());
    if (connections_closed_) peer.connection->Close();
  }
  frames_sent_.Add(1);
  tuples_sent_.Add(peer.writer.count());
  peer.writer.Finish(frame_);
  if (!peer.connection->Send(frame_)) {
    spdlog::warn("worker {}: peer {} is gone; a frame was not delivered", spec_.endpoint,
                 peer.endpoint);
  }
  frame_.clear();
}

void Worker::Deliver(const FrameBytes& frame) {
  try {
    if (CheckFrame(frame) == FrameType::kTuples) {
      frames_received_.Add(1);
      ForEachTuple(frame, [this](int task, ByteReader& bytes) {
        tuples_received_.Add(1);
        DeliverTuple(task, bytes);
      });
    }
  } catch (const SerializationError& e) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("worker {}: rejected a frame: {}", spec_.endpoint, e.what());
  }
  FlushReceived();
}

void Worker::DeliverTuple(int task, ByteReader& bytes) {
  const TopologyLayout& layout = *spec_.layout;
  const int executor = task > 0 && task <= layout.max_task() ? executor_of_task_[task] : -1;
  if (executor < 0) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("worker {}: rejected a tuple for task {}, which this worker does not run",
                  spec_.endpoint, task);
    return;
  }
  TupleBatch*& batch = received_[executor];
  if (batch == nullptr) batch = executors_[executor]->in_queue().AcquireEmpty();
  AddressedTuple& slot = batch->Append();
  slot.task = task;
  try {
    DecodedOrigin origin = DeserializeTuple(bytes, slot.tuple);
    if (origin.stream_index >= layout.num_streams()) {
      throw SerializationError("unknown stream index " + std::to_string(origin.stream_index));
    }
    const TupleSchema& schema = layout.Schema(origin.stream_index);
    const auto [first, last] = stream_sources_[origin.stream_index];
    if (origin.source_task < first || origin.source_task > last) {
      throw SerializationError("task " + std::to_string(origin.source_task) +
                               " does not emit stream " + schema.component + ":" + schema.stream);
    }
    SetOrigin(slot.tuple, &schema, origin.source_task);
  } catch (const SerializationError& e) {
    // Undo the slot: the tuple is rejected, the rest of the frame goes on.
    batch->PopBack();
    rejected_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("worker {}: rejected a tuple for task {}: {}", spec_.endpoint, task, e.what());
    return;
  }
  if (batch->full()) {
    if (!executors_[executor]->in_queue().Push(batch, stop_threads_)) {
      executors_[executor]->in_queue().Recycle(batch);
    }
    batch = nullptr;
  }
}

void Worker::FlushReceived() {
  for (size_t i = 0; i < received_.size(); ++i) {
    if (received_[i] != nullptr && !received_[i]->empty()) {
      if (!executors_[i]->in_queue().Push(received_[i], stop_threads_)) {
        executors_[i]->in_queue().Recycle(received_[i]);
      }
      received_[i] = nullptr;
    }
  }
}

void Worker::Report(const std::string& component, int task, const std::string& error) {
  std::lock_guard<std::mutex> lock(errors_mutex_);
  if (errors_.size() == kMaxErrors) errors_.erase(errors_.begin());
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  errors_.push_back(ErrorRecord{component, task, error, secs, ++errors_reported_});
}

std::vector<ErrorRecord> Worker::Errors() const {
  std::lock_guard<std::mutex> lock(errors_mutex_);
  return errors_;
}

WorkerTotals Worker::Totals() const {
  WorkerTotals t;
  for (const auto& e : executors_) {
    const ExecutorCounters& s = e->counters();
    t.emitted += s.Sum(&StreamCounters::emitted);
    t.transferred += s.Sum(&StreamCounters::transferred);
    t.executed += s.Sum(&StreamCounters::executed);
    t.errors += s.errors.Get();
    if (e->is_spout()) {
      t.spout_acked += s.Sum(&StreamCounters::acked);
      t.spout_failed += s.Sum(&StreamCounters::failed);
      t.pending += e->PendingCount();
    } else {
      t.bolt_acked += s.Sum(&StreamCounters::acked);
      t.bolt_failed += s.Sum(&StreamCounters::failed);
    }
  }
  t.rejected_tuples = rejected_.load(std::memory_order_relaxed);
  return t;
}

std::vector<const Executor*> Worker::executors() const {
  std::vector<const Executor*> out;
  for (const auto& e : executors_) out.push_back(e.get());
  return out;
}

void Worker::MergeCompleteLatency(LatencyHistogram& into) const {
  for (const auto& e : executors_) {
    if (e->is_spout()) into.Merge(e->counters().latency[kCompleteLatency]);
  }
}

std::string Worker::DescribeQueues() const {
  std::string out;
  for (const auto& e : executors_) {
    out += spec_.endpoint + " " + e->def().component + "[" + std::to_string(e->def().first_task) +
           "-" + std::to_string(e->def().last_task) + "] in " +
           std::to_string(e->InQueueDepth()) + " out " + std::to_string(e->OutQueueDepth());
    const uint64_t batches = e->counters().batches.Get();
    if (batches > 0) {
      out += " mean input batch " +
             std::to_string(e->counters().Sum(&StreamCounters::executed) / batches);
    }
    if (e->is_spout()) out += " pending " + std::to_string(e->PendingCount());
    out += "\n";
  }
  const auto mean = [](const RelaxedCounter& n, const RelaxedCounter& d) {
    return std::to_string(d.Get() == 0 ? 0 : n.Get() / d.Get());
  };
  out += spec_.endpoint + " transfer queue " + std::to_string(transfer_queue_->SizeApprox()) +
         "; frames sent " + std::to_string(frames_sent_.Get()) + " (mean " +
         mean(tuples_sent_, frames_sent_) + " tuples), received " +
         std::to_string(frames_received_.Get()) + " (mean " +
         mean(tuples_received_, frames_received_) + " tuples)\n";
  return out;
}

}  // namespace storm
