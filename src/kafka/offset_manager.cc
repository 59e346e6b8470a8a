#include "kafka/offset_manager.h"

namespace storm::kafka {

void OffsetManager::AddEmitted(int64_t offset) {
  if (offset < base_) return;
  const auto index = static_cast<size_t>(offset - base_);
  if (index >= states_.size()) states_.resize(index + 1, kGap);
  if (states_[index] == kGap) {
    states_[index] = kPending;
    ++tracked_;
  }
}

bool OffsetManager::AddAcked(int64_t offset) {
  if (offset < base_) return false;
  const auto index = static_cast<size_t>(offset - base_);
  if (index >= states_.size() || states_[index] == kGap) return false;
  states_[index] = kDone;
  return true;
}

bool OffsetManager::IsEmittedOrCommitted(int64_t offset) const {
  if (offset < base_) return true;
  const auto index = static_cast<size_t>(offset - base_);
  return index < states_.size() && states_[index] != kGap;
}

bool OffsetManager::IsDone(int64_t offset) const {
  if (offset < base_) return true;
  const auto index = static_cast<size_t>(offset - base_);
  return index < states_.size() && states_[index] == kDone;
}

std::optional<int64_t> OffsetManager::NextCommitOffset() const {
  size_t i = 0;
  // Gaps inside the window lie below an emitted offset, so they can never be
  // consumed: pass over them as over done offsets. The window ends with an
  // emitted offset, so a trailing run of gaps cannot occur.
  while (i < states_.size() && states_[i] != kPending) ++i;
  if (i == 0) return std::nullopt;
  return base_ + static_cast<int64_t>(i);
}

void OffsetManager::Commit(int64_t offset) {
  if (offset <= base_) return;
  const auto drop = static_cast<size_t>(offset - base_);
  const size_t n = drop < states_.size() ? drop : states_.size();
  for (size_t i = 0; i < n; ++i) {
    if (states_.front() != kGap) --tracked_;
    states_.pop_front();
  }
  base_ = offset;
}

}  // namespace storm::kafka
