// AckerBolt: the system bolt __acker (docs/architecture.md#the-acker). For each tuple tree
// it keeps one 64-bit value, the XOR of every edge id it has heard of:
//   __ack_init (root, xor of the spout tuple's edges) from spouts,
//   __ack_ack  (root, input edge xor new anchored edges) from bolts,
//   __ack_fail (root) from bolts,
// each tuple a pack of such entries (acker/ack_pack.h); an init's spout task
// is the pack's source task. When the value returns to 0 (after the init
// arrived) the tree is complete and the spout task is told on the direct
// stream __ack_ack; a fail is passed on at once on __ack_fail. What one
// input pack decides goes to each spout task in one pack of roots. Entries
// expire on tick tuples (every topology.message.timeout.secs) from a
// RotatingMap: by then the spout has failed the tree itself.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "acker/rotating_map.h"
#include "storm/component.h"

namespace storm {

// What the acker knows of one tree.
struct AckEntry {
  uint64_t value = 0;
  int spout_task = -1;  // -1 until the init arrives
  bool failed = false;
};

// The acker's bookkeeping, apart from tuples so that it is unit-testable.
class AckerCore {
 public:
  enum class Outcome { kPending, kAcked, kFailed };

  explicit AckerCore(size_t buckets = 2) : pending_(buckets) {}

  Outcome Init(uint64_t root, uint64_t value, int spout_task, int* notify_task);
  Outcome Ack(uint64_t root, uint64_t value, int* notify_task);
  Outcome Fail(uint64_t root, int* notify_task);
  // Drops trees older than the timeout; returns how many.
  size_t Expire();
  size_t size() const { return pending_.size(); }

 private:
  static Outcome Settle(const AckEntry& entry);
  // Updates the tree's entry in place (one probe when it exists) and drops
  // it once decided.
  template <typename Change>
  Outcome Apply(uint64_t root, int* notify_task, Change change) {
    Outcome outcome = Outcome::kPending;
    pending_.Update(root, [&](AckEntry& entry) {
      change(entry);
      outcome = Settle(entry);
      if (outcome == Outcome::kPending) return false;
      *notify_task = entry.spout_task;
      return true;
    });
    return outcome;
  }

  RotatingMap<AckEntry> pending_;
};

class AckerBolt final : public IBolt {
 public:
  enum class Input { kInit, kAck, kFail, kOther };

  void declareOutputFields(OutputFieldsDeclarer& declarer) override;
  void prepare(const Config& conf, TopologyContext& context, OutputCollector& collector) override;
  void execute(const Tuple& input) override;

 private:
  // The kind of input of a stream, found by name once per stream schema
  // rather than by comparing names for every tuple.
  Input Classify(const Tuple& input);
  // Adds a decided tree to the reply pack for its spout task.
  void Reply(int spout_task, bool acked, uint64_t root);

  struct ReplyPack {
    int spout_task;
    bool acked;
    std::string roots;  // kSpoutEntryBytes each
  };

  AckerCore core_;
  OutputCollector* collector_ = nullptr;
  std::vector<std::pair<const TupleSchema*, Input>> kinds_;
  std::vector<ReplyPack> replies_;  // reused across inputs
  Values reply_{Value(Bytes{})};    // reused: [pack of roots]
};

}  // namespace storm
