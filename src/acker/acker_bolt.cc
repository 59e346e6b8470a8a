#include "acker/acker_bolt.h"

#include "common/topology_layout.h"

namespace storm {

AckerCore::Outcome AckerCore::Init(uint64_t root, uint64_t value, int spout_task,
                                   int* notify_task) {
  AckEntry& entry = pending_.Get(root);
  entry.value ^= value;
  entry.spout_task = spout_task;
  return Settle(root, entry, notify_task);
}

AckerCore::Outcome AckerCore::Ack(uint64_t root, uint64_t value, int* notify_task) {
  AckEntry& entry = pending_.Get(root);
  entry.value ^= value;
  return Settle(root, entry, notify_task);
}

AckerCore::Outcome AckerCore::Fail(uint64_t root, int* notify_task) {
  AckEntry& entry = pending_.Get(root);
  entry.failed = true;
  return Settle(root, entry, notify_task);
}

AckerCore::Outcome AckerCore::Settle(uint64_t root, AckEntry& entry, int* notify_task) {
  // Acks may overtake the init (they travel other paths): nothing is decided
  // until the init names the spout task.
  if (entry.spout_task < 0) return Outcome::kPending;
  Outcome outcome = Outcome::kPending;
  if (entry.failed) {
    outcome = Outcome::kFailed;
  } else if (entry.value == 0) {
    outcome = Outcome::kAcked;
  }
  if (outcome != Outcome::kPending) {
    *notify_task = entry.spout_task;
    pending_.Take(root, nullptr);
  }
  return outcome;
}

size_t AckerCore::Expire() {
  size_t n = 0;
  pending_.Rotate([&n](uint64_t, AckEntry&) { ++n; });
  return n;
}

void AckerBolt::declareOutputFields(OutputFieldsDeclarer& declarer) {
  declarer.declareStream(kAckAckStreamId, true, Fields{"id"});
  declarer.declareStream(kAckFailStreamId, true, Fields{"id"});
}

void AckerBolt::prepare(const Config&, TopologyContext&, OutputCollector& collector) {
  collector_ = &collector;
}

void AckerBolt::execute(const Tuple& input) {
  if (input.isTick()) {
    core_.Expire();
    return;
  }
  const std::string& stream = input.getSourceStreamId();
  const auto root = static_cast<uint64_t>(input.getLong(0));
  int spout_task = -1;
  AckerCore::Outcome outcome;
  if (stream == kAckInitStreamId) {
    outcome = core_.Init(root, static_cast<uint64_t>(input.getLong(1)),
                         static_cast<int>(input.getLong(2)), &spout_task);
  } else if (stream == kAckAckStreamId) {
    outcome = core_.Ack(root, static_cast<uint64_t>(input.getLong(1)), &spout_task);
  } else if (stream == kAckFailStreamId) {
    outcome = core_.Fail(root, &spout_task);
  } else {
    return;
  }
  if (outcome == AckerCore::Outcome::kAcked) {
    collector_->emitDirect(spout_task, kAckAckStreamId, Values{static_cast<int64_t>(root)});
  } else if (outcome == AckerCore::Outcome::kFailed) {
    collector_->emitDirect(spout_task, kAckFailStreamId, Values{static_cast<int64_t>(root)});
  }
}

}  // namespace storm
