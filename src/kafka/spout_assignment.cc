// SpoutConsumer's partitions: which ones exist (metadata), which this task
// reads (AssignPartitions), where a new one starts, and librdkafka's assign.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "kafka/spout_consumer.h"

namespace storm::kafka {

std::optional<std::vector<TopicPartition>> SpoutConsumer::ListPartitions() {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), /*all_topics=*/1, nullptr, &raw,
                                                    static_cast<int>(config_.metadataTimeoutMs()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Report("metadata", "cannot get the topics' metadata from bootstrap servers '" + bootstrap_ +
                           "': " + rd_kafka_err2str(err));
    return std::nullopt;
  }
  Resolved("metadata");
  KafkaMetadata metadata(raw);
  std::vector<TopicPartition> all;
  std::set<std::string> found;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    const std::string name = topic.topic;
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const bool wanted = pattern_ ? (name.rfind("__", 0) != 0 && std::regex_match(name, *pattern_))
                                 : std::find(config_.topics().begin(), config_.topics().end(),
                                             name) != config_.topics().end();
    if (!wanted) continue;
    found.insert(name);
    for (int p = 0; p < topic.partition_cnt; ++p) {
      all.push_back(TopicPartition{name, topic.partitions[p].id});
    }
  }
  for (const std::string& topic : config_.topics()) {
    if (found.count(topic) == 0) {
      Report("topic " + topic,
             "topic '" + topic + "' does not exist at bootstrap servers '" + bootstrap_ + "'");
    } else {
      Resolved("topic " + topic);
    }
  }
  if (pattern_ && found.empty()) {
    Report("pattern", "no topic matches the pattern '" + config_.topicPattern() +
                          "' at bootstrap servers '" + bootstrap_ + "'");
  } else if (pattern_) {
    Resolved("pattern");
  }
  return all;
}

void SpoutConsumer::RefreshAssignment() {
  auto all = ListPartitions();
  if (!all) return;
  std::vector<TopicPartition> mine = AssignPartitions(std::move(*all), task_index_, num_tasks_);
  std::vector<TopicPartition> current;
  for (const auto& [tp, slot] : slot_of_) current.push_back(tp);
  if (mine == current) return;
  if (Reassign(mine)) {
    std::string list;
    for (const auto& tp : mine) list += (list.empty() ? "" : ", ") + tp.ToString();
    spdlog::info("{} {} task {}: assigned partitions [{}]", kSpoutWho, component_, task_index_,
                 list);
  }
}

// Where each new partition starts: the group's committed offset, or as the
// first poll offset strategy says. EARLIEST and LATEST resume only from what
// this topology committed (the commit metadata holds its id).
std::map<TopicPartition, int64_t> SpoutConsumer::StartOffsets(
    const std::vector<TopicPartition>& added) {
  PartitionList list = NewPartitionList(static_cast<int>(added.size()));
  for (const auto& tp : added)
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  const rd_kafka_resp_err_t err =
      rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(config_.metadataTimeoutMs()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Report("committed",
           "cannot read the committed offsets of group '" + group_ + "': " + rd_kafka_err2str(err));
    return {};
  }
  Resolved("committed");
  const FirstPollOffsetStrategy strategy = config_.firstPollOffsetStrategy();
  std::map<TopicPartition, int64_t> start;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    TopicPartition tp{e.topic, e.partition};
    const bool has_commit = e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0;
    const bool ours =
        has_commit && e.metadata != nullptr &&
        std::string(static_cast<const char*>(e.metadata), e.metadata_size) == topology_id_;
    const bool uncommitted_strategy = strategy == FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST ||
                                      strategy == FirstPollOffsetStrategy::UNCOMMITTED_LATEST;
    if (has_commit && (ours || uncommitted_strategy)) {
      start[tp] = e.offset;
      continue;
    }
    int64_t low = 0;
    int64_t high = 0;
    const rd_kafka_resp_err_t werr =
        rd_kafka_query_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high,
                                         static_cast<int>(config_.metadataTimeoutMs()));
    if (werr != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Report("watermarks", "cannot read the offsets of partition " + tp.ToString() + ": " +
                               rd_kafka_err2str(werr));
      continue;  // not assigned this time; the next refresh tries again
    }
    const bool earliest = strategy == FirstPollOffsetStrategy::EARLIEST ||
                          strategy == FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST;
    start[tp] = earliest ? low : high;
  }
  return start;
}

bool SpoutConsumer::Reassign(const std::vector<TopicPartition>& mine) {
  const std::set<TopicPartition> wanted(mine.begin(), mine.end());
  std::vector<TopicPartition> added;
  for (const auto& tp : mine) {
    if (slot_of_.count(tp) == 0) added.push_back(tp);
  }
  std::map<TopicPartition, int64_t> start = StartOffsets(added);
  if (!added.empty() && start.empty()) return false;

  // Partitions given away: commit what is done, then forget them.
  if (tracked()) Commit(/*async=*/false);
  for (auto it = slot_of_.begin(); it != slot_of_.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    const uint32_t slot = it->second;
    retry_.ForgetRange(PackMessageId(slot, 0),
                       PackMessageId(slot, (int64_t{1} << kOffsetBits) - 1));
    partitions_.erase(slot);
    std::erase_if(waiting_, [&](const Polled& m) { return m.slot == slot; });
    it = slot_of_.erase(it);
  }
  for (const auto& [tp, offset] : start) {
    if (next_slot_ > kMaxSlot) next_slot_ = 1;  // 32k reassignments later: old acks are long gone
    const uint32_t slot = next_slot_++;
    Partition p{tp, slot, OffsetManager(offset), offset, offset, false};
    partitions_.emplace(slot, std::move(p));
    slot_of_[tp] = slot;
  }
  // librdkafka's assign replaces the whole assignment: kept partitions go on
  // from where this task's consumer stands.
  PartitionList list = NewPartitionList(static_cast<int>(partitions_.size()));
  for (const auto& [slot, p] : partitions_) {
    rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition)->offset =
        p.fetch_offset;
  }
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Report("assign", std::string("cannot assign partitions: ") + rd_kafka_err2str(err));
  }
  for (auto& [slot, p] : partitions_) p.paused = false;
  last_rkt_ = nullptr;
  return true;
}

}  // namespace storm::kafka
