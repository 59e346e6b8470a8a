// How a KafkaSpout's tasks share the partitions of its topics, as
// storm-kafka-client's RoundRobinManualPartitioner: the partitions sorted by
// (topic, partition) are dealt round-robin to the tasks by task index, so
// each partition goes to exactly one task and the deal follows a change in
// partition count. Also the packed message ids of the spout's tuples.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace storm::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
  std::string ToString() const { return topic + "-" + std::to_string(partition); }
};

// The partitions of `all` that task `task_index` of `num_tasks` reads, sorted.
std::vector<TopicPartition> AssignPartitions(std::vector<TopicPartition> all, int task_index,
                                             int num_tasks);

// A tuple's message id: the slot (the task's number for one assignment of a
// partition, never reused) in the top 16 bits, the offset in the low 48.
inline constexpr int kOffsetBits = 48;
inline constexpr uint32_t kMaxSlot = (1u << 15) - 1;  // keeps the packed id positive
inline uint64_t PackMessageId(uint32_t slot, int64_t offset) {
  return (static_cast<uint64_t>(slot) << kOffsetBits) |
         (static_cast<uint64_t>(offset) & ((uint64_t{1} << kOffsetBits) - 1));
}
inline uint32_t SlotOf(uint64_t id) {
  return static_cast<uint32_t>(id >> kOffsetBits);
}
inline int64_t OffsetOf(uint64_t id) {
  return static_cast<int64_t>(id & ((uint64_t{1} << kOffsetBits) - 1));
}

}  // namespace storm::kafka
