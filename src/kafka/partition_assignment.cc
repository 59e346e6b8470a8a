#include "kafka/partition_assignment.h"

#include <algorithm>

namespace storm::kafka {

std::vector<TopicPartition> AssignPartitions(std::vector<TopicPartition> all, int task_index,
                                             int num_tasks) {
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<TopicPartition> mine;
  if (num_tasks <= 0 || task_index < 0) return mine;
  for (size_t i = static_cast<size_t>(task_index); i < all.size();
       i += static_cast<size_t>(num_tasks)) {
    mine.push_back(all[i]);
  }
  return mine;
}

}  // namespace storm::kafka
