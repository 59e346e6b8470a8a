#include "worker/acker_outbox.h"

#include "acker/ack_pack.h"
#include "storm/tuple.h"

namespace storm {

AckerOutbox::AckerOutbox(const TopologyLayout& layout, const std::string& component,
                         ExecutorTransfer& transfer)
    : layout_(layout), transfer_(transfer) {
  if (layout.num_ackers() == 0) return;
  acker_tasks_ = layout.TasksOf(kAckerComponentId);
  packs_.push_back(Pack{-1, -1, -1, {}});  // so that last_pack_ always names one
  streams_[static_cast<int>(AckerMessage::kInit)] = layout.StreamIndex(component, kAckInitStreamId);
  streams_[static_cast<int>(AckerMessage::kAck)] = layout.StreamIndex(component, kAckAckStreamId);
  streams_[static_cast<int>(AckerMessage::kFail)] = layout.StreamIndex(component, kAckFailStreamId);
}

void AckerOutbox::Append(AckerMessage kind, int task, uint64_t root, uint64_t value) {
  const int stream_index = streams_[static_cast<int>(kind)];
  const int acker_task = AckerTaskFor(root, acker_tasks_);
  // Successive messages mostly go to the same pack.
  Pack* pack = &packs_[last_pack_];
  if (pack->stream_index != stream_index || pack->acker_task != acker_task ||
      pack->source_task != task) {
    pack = Find(stream_index, acker_task, task);
  }
  AppendAckerEntry(pack->bytes, root, value);
  if (pack->bytes.size() >= kMaxAckPackBytes) Emit(*pack);
}

AckerOutbox::Pack* AckerOutbox::Find(int stream_index, int acker_task, int source_task) {
  for (size_t i = 0; i < packs_.size(); ++i) {
    const Pack& p = packs_[i];
    if (p.stream_index == stream_index && p.acker_task == acker_task &&
        p.source_task == source_task) {
      last_pack_ = i;
      return &packs_[i];
    }
  }
  last_pack_ = packs_.size();
  Pack& pack = packs_.emplace_back(Pack{stream_index, acker_task, source_task, {}});
  pack.bytes.reserve(kMaxAckPackBytes);
  return &pack;
}

void AckerOutbox::Emit(Pack& pack) {
  AddressedTuple& slot = transfer_.Next(pack.acker_task, ExecutorTransfer::kAcker);
  Values& values = MutableValues(slot.tuple);
  values.resize(1);
  values[0] = Value(Bytes{pack.bytes});  // a copy of its size; the pack keeps its room
  pack.bytes.clear();
  MutableMessageId(slot.tuple).clear();
  SetOrigin(slot.tuple, &layout_.Schema(pack.stream_index), pack.source_task);
  ResetAckVal(slot.tuple);
  transfer_.Commit(ExecutorTransfer::kAcker);
}

void AckerOutbox::Flush() {
  for (Pack& pack : packs_) {
    if (!pack.bytes.empty()) Emit(pack);
  }
}

}  // namespace storm
