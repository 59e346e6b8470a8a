// AckerBolt: the system bolt __acker (DESIGN section 3). For each tuple tree
// it keeps one 64-bit value, the XOR of every edge id it has heard of:
//   __ack_init [root, xor of the spout tuple's edges, spout task] from spouts,
//   __ack_ack  [root, input edge xor new anchored edges] from bolts,
//   __ack_fail [root] from bolts.
// When the value returns to 0 (after the init arrived) the tree is complete
// and the spout task is told on the direct stream __ack_ack; a fail is
// passed on at once on __ack_fail. Entries expire on tick tuples (every
// topology.message.timeout.secs) from a RotatingMap: by then the spout has
// failed the tree itself.
#pragma once

#include <cstdint>
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

  AckerCore core_;
  OutputCollector* collector_ = nullptr;
  std::vector<std::pair<const TupleSchema*, Input>> kinds_;
  Values reply_{int64_t{0}};  // reused: [root id]
};

}  // namespace storm
