// OffsetManager: the offsets of one partition that a KafkaSpout task has
// emitted, which of them are done (acked, or given up after the retry
// limit), and how far the consumer group's committed offset may move: past
// every offset whose tuple and all tuples before it are done, never past an
// emitted tuple that is not (storm-kafka-client's OffsetManager).
//
// Offsets are tracked in a window [committed, highest emitted]; an offset in
// the window that was never emitted is a gap in the log (compaction,
// transaction markers): the consumer returns records in order, so nothing
// below the highest emitted offset can still come. One byte per offset in a
// deque, so tracking a tuple allocates nothing in the steady state.
//
// Thread safety: none; owned by the spout task's executor thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace storm::kafka {

class OffsetManager {
 public:
  // `committed`: the next offset to consume, as committed to the group (or
  // where the task starts reading).
  explicit OffsetManager(int64_t committed) : base_(committed) {}

  int64_t committed() const { return base_; }
  // The highest offset emitted and not yet committed, or committed() - 1.
  int64_t highestEmitted() const { return base_ + static_cast<int64_t>(states_.size()) - 1; }
  // Emitted (pending or done) and not yet committed.
  int64_t numUncommitted() const { return tracked_; }

  // Records an emit. Offsets below committed() are ignored; a re-emit
  // (retry) of a tracked offset changes nothing.
  void AddEmitted(int64_t offset);
  // Records a done offset (acked, or given up). Returns false for an offset
  // that is not tracked (already committed, or never emitted).
  bool AddAcked(int64_t offset);
  // Emitted (pending or done), or below the committed offset.
  bool IsEmittedOrCommitted(int64_t offset) const;
  bool IsDone(int64_t offset) const;

  // The offset to commit next (greater than committed()), or nothing when
  // the first tracked offset is still pending.
  std::optional<int64_t> NextCommitOffset() const;
  // The group now has `offset` committed: forget everything below it.
  void Commit(int64_t offset);

 private:
  enum State : uint8_t { kGap = 0, kPending = 1, kDone = 2 };

  int64_t base_;                // the committed offset: states_[0] is its state
  std::deque<uint8_t> states_;  // one per offset in [base_, highestEmitted()]
  int64_t tracked_ = 0;         // entries that are not gaps
};

}  // namespace storm::kafka
