#include "acker/acker_bolt.h"

#include "common/topology_layout.h"

namespace storm {

AckerCore::Outcome AckerCore::Init(uint64_t root, uint64_t value, int spout_task,
                                   int* notify_task) {
  return Apply(root, notify_task, [&](AckEntry& entry) {
    entry.value ^= value;
    entry.spout_task = spout_task;
  });
}

AckerCore::Outcome AckerCore::Ack(uint64_t root, uint64_t value, int* notify_task) {
  return Apply(root, notify_task, [&](AckEntry& entry) { entry.value ^= value; });
}

AckerCore::Outcome AckerCore::Fail(uint64_t root, int* notify_task) {
  return Apply(root, notify_task, [](AckEntry& entry) { entry.failed = true; });
}

AckerCore::Outcome AckerCore::Settle(const AckEntry& entry) {
  // Acks may overtake the init (they travel other paths): nothing is decided
  // until the init names the spout task.
  if (entry.spout_task < 0) return Outcome::kPending;
  if (entry.failed) return Outcome::kFailed;
  return entry.value == 0 ? Outcome::kAcked : Outcome::kPending;
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

AckerBolt::Input AckerBolt::Classify(const Tuple& input) {
  for (const auto& [schema, kind] : kinds_) {
    if (schema == input.schema()) return kind;
  }
  const std::string& stream = input.getSourceStreamId();
  Input kind = Input::kOther;
  if (stream == kAckInitStreamId) {
    kind = Input::kInit;
  } else if (stream == kAckAckStreamId) {
    kind = Input::kAck;
  } else if (stream == kAckFailStreamId) {
    kind = Input::kFail;
  }
  kinds_.emplace_back(input.schema(), kind);
  return kind;
}

void AckerBolt::execute(const Tuple& input) {
  if (input.isTick()) {
    core_.Expire();
    return;
  }
  const Values& values = input.getValues();
  int spout_task = -1;
  AckerCore::Outcome outcome = AckerCore::Outcome::kPending;
  switch (Classify(input)) {
    case Input::kInit:
      outcome = core_.Init(static_cast<uint64_t>(values.at(0).asInt()),
                           static_cast<uint64_t>(values.at(1).asInt()),
                           static_cast<int>(values.at(2).asInt()), &spout_task);
      break;
    case Input::kAck:
      outcome = core_.Ack(static_cast<uint64_t>(values.at(0).asInt()),
                          static_cast<uint64_t>(values.at(1).asInt()), &spout_task);
      break;
    case Input::kFail:
      outcome = core_.Fail(static_cast<uint64_t>(values.at(0).asInt()), &spout_task);
      break;
    case Input::kOther: return;
  }
  if (outcome == AckerCore::Outcome::kPending) return;
  const bool acked = outcome == AckerCore::Outcome::kAcked;
  reply_[0] = values[0];
  collector_->emitDirect(spout_task, acked ? kAckAckStreamId : kAckFailStreamId, reply_);
}

}  // namespace storm
