// Worker: one worker process's runtime (the paper's worker figure;
// docs/architecture.md#inside-a-worker): its executors, the global transfer
// queue, the worker send thread (batches tuples per destination worker into
// frames) and the worker receive thread (decodes frames into the in-queues of
// its executors). The receive thread is the transport's: the Worker is the
// FrameSink of its endpoint (transport.h). The Worker is driven the same way
// in local mode (several Workers in one process over an InProcessTransport)
// and in a storm-worker process.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/util/clock.h"
#include "common/topology/topology_layout.h"
#include "worker/executor.h"
#include "worker/frame.h"
#include "worker/transport.h"
#include "worker/worker_context.h"

namespace storm {

struct WorkerSpec {
  std::shared_ptr<const TopologyLayout> layout;
  std::string endpoint;  // this worker's "host:port"
  int port = 0;
  std::vector<ExecutorDef> executors;
  // endpoint_of_task[task]: the endpoint of the worker running the task.
  std::vector<std::string> endpoint_of_task;
  // Where the tuples sampled by Nimbus's debug switch go (SetDebug); null:
  // nowhere. Outlives the Worker.
  EventLog* events = nullptr;
};

struct ErrorRecord {
  std::string component;
  int task = 0;
  std::string error;
  int64_t time_secs = 0;
  // 1 for the worker's first error, then counting up: what is new since a
  // look at Errors() is what has a higher seq.
  uint64_t seq = 0;
};

// Totals over a worker's executors.
struct WorkerTotals {
  uint64_t emitted = 0;
  uint64_t transferred = 0;
  uint64_t executed = 0;
  uint64_t spout_acked = 0;
  uint64_t spout_failed = 0;
  uint64_t bolt_acked = 0;
  uint64_t bolt_failed = 0;
  uint64_t errors = 0;
  uint64_t rejected_tuples = 0;  // malformed or misaddressed, from the wire
  size_t pending = 0;            // spout trees in flight
};

class Worker : private ErrorReporter, private FrameSink {
 public:
  Worker(WorkerSpec spec, Transport* transport, Clock* clock, ComponentFactory* factory);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts receiving frames for this worker's endpoint and returns its port
  // (for an endpoint "host:0", the one bound). Start() binds too;
  // LocalCluster binds every worker first so that no worker sends to a
  // peer that is not listening yet.
  uint16_t Bind();
  void Start();
  // Stops executors, then the send and receive threads. Idempotent. The
  // send thread gets kStopGrace to flush what is batched; past that its
  // connections are closed, so that a send blocked on a peer that is gone
  // (or not taking frames) returns and the thread can be joined.
  void Stop();
  void SetActive(bool active);
  // Nimbus's debug switch (StormBase.component_debug): each executor samples
  // its emits as its component's entry says, or else as the topology's (key
  // ""), or not. Any thread.
  void SetDebug(const std::map<std::string, DebugOptions>& component_debug);
  // Where every task runs now, as WorkerSpec::endpoint_of_task, when tasks of
  // other workers moved (their worker was reassigned after a failure) while
  // this worker's own executors stayed. Any thread; the worker send thread
  // takes the new table before its next batch and drops connections to
  // endpoints no task is at any more. spec() keeps the table it started with.
  void UpdateEndpoints(std::vector<std::string> endpoint_of_task);

  const WorkerSpec& spec() const { return spec_; }
  WorkerTotals Totals() const;
  std::vector<const Executor*> executors() const;
  // The last errors reported by tasks (at most kMaxErrors), oldest first.
  std::vector<ErrorRecord> Errors() const;
  // For tests: complete-latency of this worker's spouts merged.
  void MergeCompleteLatency(LatencyHistogram& into) const;
  // One line per executor: its in- and out-queue depths (in batches), its
  // mean input batch, its pending trees (spouts); and the transfer queue.
  std::string DescribeQueues() const;

  static constexpr size_t kMaxErrors = 64;
  static constexpr std::chrono::milliseconds kStopGrace{500};

 private:
  void Report(const std::string& component, int task, const std::string& error) override;
  void SendThread();
  // The worker receive thread (the transport's): decodes a frame into the
  // executors' in-queues, blocking while one is full until Stop.
  void Deliver(const FrameBytes& frame) override;
  void DeliverTuple(int task, ByteReader& bytes);
  void FlushReceived();
  // After the receiving stopped: the batches it was filling go back.
  void RecycleReceived();
  struct Peer;
  void FlushPeer(Peer& peer);
  // Flushes the peers whose frames are due; returns nanoseconds until the
  // next one is (0 when nothing is batched).
  int64_t FlushDuePeers();
  void TakeNewEndpoints();

  WorkerSpec spec_;
  Transport* transport_;
  WorkerContext context_;
  std::unique_ptr<BatchPool> pool_;
  std::unique_ptr<TupleQueue> transfer_queue_;
  std::vector<std::unique_ptr<Executor>> executors_;
  std::thread send_thread_;
  std::atomic<bool> stop_threads_{false};
  bool bound_ = false;
  uint16_t bound_port_ = 0;
  std::string bound_endpoint_;  // spec_.endpoint, with the port bound
  bool started_ = false;
  bool stopped_ = false;

  // Worker send thread's state.
  struct Peer {
    std::string endpoint;
    std::unique_ptr<Connection> connection;
    TupleFrameWriter writer;
    int64_t last_send_nanos = 0;  // steady clock, of the last frame sent when due
  };
  std::map<std::string, Peer> peers_;
  // peer_of_task_[task]: the entry of peers_ the task's tuples go to, once
  // looked up (nullptr before); cleared when the endpoints change.
  std::vector<Peer*> peer_of_task_;
  // topology.batch.flush.interval.millis: how long after a frame to a peer
  // the next one waits for more tuples (unless full).
  int64_t flush_interval_nanos_ = 0;
  // The connections in peers_, for Stop to close from its thread. The send
  // thread adds and removes under the mutex; Stop closes under it.
  std::mutex connections_mutex_;
  std::vector<Connection*> connections_;  // guarded by connections_mutex_
  bool connections_closed_ = false;       // guarded by connections_mutex_
  std::atomic<bool> send_thread_done_{false};
  FrameBytes frame_;
  std::vector<std::string> endpoint_of_task_;  // as spec_'s, then as updated

  std::mutex endpoints_mutex_;
  std::vector<std::string> new_endpoints_;  // guarded by endpoints_mutex_
  std::atomic<bool> endpoints_changed_{false};

  // Worker receive thread's state: the batch being filled per executor.
  std::vector<TupleBatch*> received_;         // index: executor
  std::vector<int> executor_of_task_;         // task -> executor index, -1 remote
  // stream index -> the first and last task of the component emitting it
  // (a tuple from any other task is rejected).
  std::vector<std::pair<int, int>> stream_sources_;
  std::atomic<uint64_t> rejected_{0};
  // Frames sent and received, and the tuples in them (the mean frame).
  RelaxedCounter frames_sent_, tuples_sent_, frames_received_, tuples_received_;

  mutable std::mutex errors_mutex_;
  std::vector<ErrorRecord> errors_;  // guarded by errors_mutex_
  uint64_t errors_reported_ = 0;     // guarded by errors_mutex_
};

}  // namespace storm
