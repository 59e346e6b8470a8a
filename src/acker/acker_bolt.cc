#include "acker/acker_bolt.h"

#include "acker/ack_pack.h"
#include "common/topology/topology_layout.h"
#include "storm/errors.h"

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
    if (schema == SchemaOf(input)) return kind;
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
  kinds_.emplace_back(SchemaOf(input), kind);
  return kind;
}

void AckerBolt::execute(const Tuple& input) {
  if (input.isTick()) {
    core_.Expire();
    return;
  }
  const Input kind = Classify(input);
  if (kind == Input::kOther) return;
  const Value& pack = input.getValues().at(0);
  if (pack.type() != Value::Type::kBytes) {
    throw StormError("acker input on stream " + input.getSourceStreamId() +
                     " is not a pack of entries but a value of type " +
                     Value::typeName(pack.type()));
  }
  const int source_task = input.getSourceTask();
  ForEachPackEntry(pack.asBytes(), kAckerEntryBytes, input.getSourceStreamId(), [&](ByteReader& r) {
    const uint64_t root = r.GetFixed64();
    const uint64_t value = r.GetFixed64();
    int spout_task = -1;
    AckerCore::Outcome outcome = AckerCore::Outcome::kPending;
    switch (kind) {
      case Input::kInit: outcome = core_.Init(root, value, source_task, &spout_task); break;
      case Input::kAck: outcome = core_.Ack(root, value, &spout_task); break;
      case Input::kFail: outcome = core_.Fail(root, &spout_task); break;
      case Input::kOther: break;
    }
    if (outcome != AckerCore::Outcome::kPending) {
      Reply(spout_task, outcome == AckerCore::Outcome::kAcked, root);
    }
  });
  // The trees this pack decided, told to their spout tasks in a pack each.
  for (ReplyPack& reply : replies_) {
    if (reply.roots.empty()) continue;
    reply_[0] = Value(Bytes{reply.roots});  // a copy: the reply pack keeps its room
    reply.roots.clear();
    collector_->emitDirect(reply.spout_task, reply.acked ? kAckAckStreamId : kAckFailStreamId,
                           reply_);
  }
}

void AckerBolt::Reply(int spout_task, bool acked, uint64_t root) {
  for (ReplyPack& reply : replies_) {
    if (reply.spout_task == spout_task && reply.acked == acked) {
      AppendSpoutEntry(reply.roots, root);
      return;
    }
  }
  replies_.push_back(ReplyPack{spout_task, acked, {}});
  AppendSpoutEntry(replies_.back().roots, root);
}

}  // namespace storm
