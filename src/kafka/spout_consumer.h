// SpoutConsumer: the consumer behind one KafkaSpout task (see
// storm/kafka/kafka_spout.h for what the spout promises): the partitions the
// task was dealt, the records polled and not yet emitted, which offsets may
// be committed (one OffsetManager per partition), and the failed tuples due
// for a retry (RetrySchedule).
//
// spout_assignment.cc deals and follows the partitions (metadata, start
// offsets, librdkafka's assign); spout_consumer.cc polls, emits, commits and
// handles acks and fails.
//
// Thread safety: none; every method runs on the task's executor thread.
// librdkafka's threads never call into it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "kafka/offset_manager.h"
#include "kafka/partition_assignment.h"
#include "kafka/rdkafka_util.h"
#include "kafka/retry_schedule.h"
#include "storm/component.h"
#include "storm/kafka/kafka_spout_config.h"

namespace storm::kafka {

inline constexpr const char* kSpoutWho = "kafka spout";

class SpoutConsumer {
 public:
  // `config` outlives the consumer; `clock` gives monotonic milliseconds.
  // Throws ConfigError without bootstrap servers or for a bad property.
  SpoutConsumer(const KafkaSpoutConfig& config, std::function<int64_t()> clock, const Config& conf,
                TopologyContext& context, SpoutOutputCollector& collector);
  ~SpoutConsumer();
  SpoutConsumer(const SpoutConsumer&) = delete;
  SpoutConsumer& operator=(const SpoutConsumer&) = delete;

  void NextTuple();
  void Ack(uint64_t id);
  void Fail(uint64_t id);
  // Commits what may be committed (AT_LEAST_ONCE: done offsets; NO_GUARANTEE:
  // polled offsets), synchronously.
  void CommitNow() { Commit(/*async=*/false); }

 private:
  struct Partition {
    TopicPartition tp;
    uint32_t slot = 0;
    OffsetManager offsets;
    int64_t fetch_offset = 0;    // the next offset the consumer returns
    int64_t committed_upto = 0;  // NO_GUARANTEE/AT_MOST_ONCE: last committed
    bool paused = false;
  };

  bool tracked() const {
    return config_.processingGuarantee() == ProcessingGuarantee::AT_LEAST_ONCE;
  }
  int64_t Now() const { return clock_(); }
  void Report(const std::string& what, const std::string& message);
  void Resolved(const std::string& what) { reported_.erase(what); }

  void RefreshAssignment();
  std::optional<std::vector<TopicPartition>> ListPartitions();
  bool Reassign(const std::vector<TopicPartition>& mine);
  std::map<TopicPartition, int64_t> StartOffsets(const std::vector<TopicPartition>& added);
  void Commit(bool async);
  void UpdatePauses(int64_t now);
  void SeekToRetries(int64_t now);
  void Poll();
  bool CommitPolledBeforeEmit(const std::map<uint32_t, int64_t>& before);
  void EmitOne(int64_t now);
  Partition* Find(uint32_t slot);
  uint32_t SlotOfMessage(const rd_kafka_message_t& m);

  const KafkaSpoutConfig& config_;
  std::function<int64_t()> clock_;
  SpoutOutputCollector& collector_;
  std::string component_;
  std::string topology_id_;
  std::string bootstrap_;
  std::string group_;
  int task_index_ = 0;
  int num_tasks_ = 1;
  std::optional<std::regex> pattern_;
  KafkaHandle rk_;

  std::map<uint32_t, Partition> partitions_;  // by slot
  std::map<TopicPartition, uint32_t> slot_of_;
  uint32_t next_slot_ = 1;
  struct Polled {
    uint32_t slot;
    KafkaMessage message;
  };
  std::deque<Polled> waiting_;  // polled, not yet emitted, in poll order
  RetrySchedule retry_;
  Values values_;  // reused for every tuple
  int64_t next_refresh_ms_ = 0;
  int64_t next_commit_ms_ = 0;
  std::map<std::string, std::pair<std::string, int64_t>> reported_;  // what -> (message, when)
  const rd_kafka_topic_t* last_rkt_ = nullptr;  // SlotOfMessage's cache, cleared by Reassign
  int32_t last_partition_ = -1;
  uint32_t last_slot_ = 0;
};

}  // namespace storm::kafka
