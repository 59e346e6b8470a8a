// RetrySchedule: when a KafkaSpout task retries its failed tuples, as
// storm-kafka-client's KafkaSpoutRetryExponentialBackoff. A tuple failing
// for the n-th time is due after initialDelay (n = 1), or after
// delayPeriod * 2^(n-1) (n > 1), never later than maxDelay; failing more
// than maxRetries times gives it up.
//
// Message keys are the spout's packed (partition slot, offset) ids: the
// schedule is ordered by them, so Ready lists each partition's due offsets
// in offset order. Time is milliseconds of the caller's clock.
//
// Thread safety: none; owned by the spout task's executor thread.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "storm/kafka/kafka_spout_config.h"

namespace storm::kafka {

class RetrySchedule {
 public:
  explicit RetrySchedule(const KafkaSpoutRetryExponentialBackoff& policy) : policy_(policy) {}

  // The delay before retrying a tuple that has now failed `fails` times (>= 1).
  int64_t DelayMs(int64_t fails) const;

  // Records a failure of `key` at `now_ms`. Returns true when a retry is
  // scheduled, false when the tuple failed more than maxRetries times: it is
  // then forgotten and the caller gives it up.
  bool Schedule(uint64_t key, int64_t now_ms);
  bool IsScheduled(uint64_t key) const { return due_.count(key) != 0; }
  bool IsReady(uint64_t key, int64_t now_ms) const;
  // The tuple is emitted again: no longer due, its failure count kept.
  void Retrying(uint64_t key) { due_.erase(key); }
  // The tuple is done (acked): forget it.
  void Forget(uint64_t key);
  // Forgets every key in [first, last] (a partition given away).
  void ForgetRange(uint64_t first, uint64_t last);
  // Keys due at `now_ms`, in key order.
  std::vector<uint64_t> Ready(int64_t now_ms) const;
  int64_t Fails(uint64_t key) const;
  size_t size() const { return due_.size(); }

 private:
  KafkaSpoutRetryExponentialBackoff policy_;
  std::map<uint64_t, int64_t> due_;              // key -> due time
  std::unordered_map<uint64_t, int64_t> fails_;  // key -> failures so far
};

}  // namespace storm::kafka
