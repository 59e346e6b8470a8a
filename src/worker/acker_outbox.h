// AckerOutbox: an executor's messages to the acker (docs/architecture.md#the-acker), packed
// as acker/ack_pack.h describes: a spout's init of each tree it emits, a
// bolt's ack or fail of each tree its inputs belong to. Each message is
// appended to the pack for its (stream, acker task, source task); a pack
// is emitted as one tuple on that stream, to that acker task, when it is
// full (kMaxAckPackBytes) or when the executor flushes what it emitted at
// the end of a turn of its loop (Flush), so a pack adds no wait.
//
// The packs go out through the executor's ExecutorTransfer, in its acker
// lane: a batch of them usually has a single destination (the acker task)
// and is passed on whole.
//
// Threads: only the executor's user logic thread uses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/topology/topology_layout.h"
#include "worker/executor_transfer.h"

namespace storm {

enum class AckerMessage { kInit = 0, kAck = 1, kFail = 2 };

class AckerOutbox {
 public:
  // `component`: the executor's (its acker streams are the source streams
  // of the packs). `layout` and `transfer` outlive this object.
  AckerOutbox(const TopologyLayout& layout, const std::string& component,
              ExecutorTransfer& transfer);
  AckerOutbox(const AckerOutbox&) = delete;
  AckerOutbox& operator=(const AckerOutbox&) = delete;

  // An init (spouts), ack or fail (bolts) of the tree `root` from `task`,
  // added to the pack for the tree's acker task. `value`: the init's XOR of
  // edges, the ack's input edge XOR new edges; 0 for a fail. Only with
  // ackers in the topology.
  void Append(AckerMessage kind, int task, uint64_t root, uint64_t value);
  // Emits every pack that is not empty (into the transfer's batches; the
  // caller flushes those).
  void Flush();

 private:
  // A pack being filled: reused, so its bytes keep their capacity.
  struct Pack {
    int stream_index;
    int acker_task;
    int source_task;
    std::string bytes;
  };
  Pack* Find(int stream_index, int acker_task, int source_task);
  void Emit(Pack& pack);

  const TopologyLayout& layout_;
  ExecutorTransfer& transfer_;
  // One per (stream, acker task, source task) seen; few, so found by a
  // linear search.
  std::vector<Pack> packs_;
  size_t last_pack_ = 0;           // the index of the pack last appended to
  int streams_[3] = {-1, -1, -1};  // by AckerMessage
  std::vector<int> acker_tasks_;
};

}  // namespace storm
