#include "kafka/retry_schedule.h"

#include <algorithm>

namespace storm::kafka {

int64_t RetrySchedule::DelayMs(int64_t fails) const {
  if (fails <= 1) return std::min(policy_.initial_delay_ms, policy_.max_delay_ms);
  // delayPeriod * 2^(fails-1), saturating before it overflows.
  int64_t delay = policy_.delay_period_ms;
  for (int64_t i = 1; i < fails && delay < policy_.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, policy_.max_delay_ms);
}

bool RetrySchedule::Schedule(uint64_t key, int64_t now_ms) {
  const int64_t fails = ++fails_[key];
  if (fails > policy_.max_retries) {
    Forget(key);
    return false;
  }
  due_[key] = now_ms + DelayMs(fails);
  return true;
}

bool RetrySchedule::IsReady(uint64_t key, int64_t now_ms) const {
  auto it = due_.find(key);
  return it != due_.end() && it->second <= now_ms;
}

void RetrySchedule::Forget(uint64_t key) {
  due_.erase(key);
  fails_.erase(key);
}

void RetrySchedule::ForgetRange(uint64_t first, uint64_t last) {
  due_.erase(due_.lower_bound(first), due_.upper_bound(last));
  std::erase_if(fails_,
                [&](const auto& entry) { return entry.first >= first && entry.first <= last; });
}

std::vector<uint64_t> RetrySchedule::Ready(int64_t now_ms) const {
  std::vector<uint64_t> ready;
  for (const auto& [key, due] : due_) {
    if (due <= now_ms) ready.push_back(key);
  }
  return ready;
}

int64_t RetrySchedule::Fails(uint64_t key) const {
  auto it = fails_.find(key);
  return it == fails_.end() ? 0 : it->second;
}

}  // namespace storm::kafka
