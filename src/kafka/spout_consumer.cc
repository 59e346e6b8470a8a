#include "kafka/spout_consumer.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <set>

#include "storm/errors.h"

namespace storm::kafka {

namespace {
// A problem reported once is reported again after this long if it lasts.
constexpr int64_t kReportAgainMs = 30'000;
}  // namespace

SpoutConsumer::SpoutConsumer(const KafkaSpoutConfig& config, std::function<int64_t()> clock,
                             const Config& conf, TopologyContext& context,
                             SpoutOutputCollector& collector)
    : config_(config), clock_(std::move(clock)), collector_(collector), retry_(config.retry()) {
  component_ = context.getThisComponentId();
  topology_id_ = context.getStormId();
  task_index_ = context.getThisTaskIndex();
  num_tasks_ = static_cast<int>(context.getComponentTasks(component_).size());
  if (num_tasks_ < 1) num_tasks_ = 1;
  bootstrap_ = config.bootstrapServers();
  if (bootstrap_.empty()) bootstrap_ = conf.getString(kBootstrapServersKey, "");
  if (bootstrap_.empty()) {
    throw ConfigError(std::string(kSpoutWho) + " " + component_ +
                      ": no bootstrap servers: give them to KafkaSpoutConfig::builder or set " +
                      kBootstrapServersKey);
  }
  group_ = config.groupId().empty() ? "storm-kafka-" + component_ : config.groupId();
  if (!config.topicPattern().empty()) pattern_.emplace(config.topicPattern());

  std::map<std::string, std::string> props = {
      {"bootstrap.servers", bootstrap_},
      {"group.id", group_},
      {"client.id", "storm-" + component_ + "-" + std::to_string(context.getThisTaskId())},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
  };
  const bool earliest =
      config.firstPollOffsetStrategy() == FirstPollOffsetStrategy::EARLIEST ||
      config.firstPollOffsetStrategy() == FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST;
  props["auto.offset.reset"] = earliest ? "earliest" : "latest";
  for (const auto& [name, value] : config.props()) props[name] = value;
  rk_ = MakeClient(kSpoutWho, RD_KAFKA_CONSUMER, MakeConf(kSpoutWho, props));
  rd_kafka_poll_set_consumer(rk_.get());
  spdlog::info("{} {} task {} of {}: {} from {} ({}), group {}, {}, {}", kSpoutWho, component_,
               task_index_, num_tasks_,
               pattern_ ? "topics matching " + config.topicPattern()
                        : "topics " + Fields(config.topics()).toString(),
               bootstrap_, rd_kafka_name(rk_.get()), group_, ToString(config.processingGuarantee()),
               ToString(config.firstPollOffsetStrategy()));
}

SpoutConsumer::~SpoutConsumer() {
  waiting_.clear();
  if (rk_) rd_kafka_consumer_close(rk_.get());
}

void SpoutConsumer::Report(const std::string& what, const std::string& message) {
  const int64_t now = Now();
  auto it = reported_.find(what);
  if (it != reported_.end() && it->second.first == message &&
      now - it->second.second < kReportAgainMs) {
    return;
  }
  reported_[what] = {message, now};
  const std::string line = std::string(kSpoutWho) + " " + component_ + ": " + message;
  spdlog::error("{}", line);
  collector_.reportError(line);
}

// The slot of a polled record's partition (0 when not assigned). Records
// come in runs from one partition: the last answer is kept, so that the
// lookup builds no key string per record.
uint32_t SpoutConsumer::SlotOfMessage(const rd_kafka_message_t& m) {
  if (m.rkt == last_rkt_ && m.partition == last_partition_) return last_slot_;
  auto it = slot_of_.find(TopicPartition{rd_kafka_topic_name(m.rkt), m.partition});
  last_rkt_ = m.rkt;
  last_partition_ = m.partition;
  last_slot_ = it == slot_of_.end() ? 0 : it->second;
  return last_slot_;
}

SpoutConsumer::Partition* SpoutConsumer::Find(uint32_t slot) {
  auto it = partitions_.find(slot);
  return it == partitions_.end() ? nullptr : &it->second;
}

void SpoutConsumer::NextTuple() {
  const int64_t now = Now();
  if (now >= next_refresh_ms_) {
    RefreshAssignment();
    next_refresh_ms_ = now + config_.partitionRefreshPeriodMs();
  }
  if (config_.processingGuarantee() != ProcessingGuarantee::AT_MOST_ONCE &&
      now >= next_commit_ms_) {
    // AT_LEAST_ONCE commits synchronously, as storm-kafka-client's commitSync.
    Commit(/*async=*/config_.processingGuarantee() == ProcessingGuarantee::NO_GUARANTEE);
    next_commit_ms_ = now + config_.offsetCommitPeriodMs();
  }
  if (partitions_.empty()) return;
  if (waiting_.empty()) {
    if (tracked()) {
      SeekToRetries(now);
      UpdatePauses(now);
    }
    Poll();
  }
  EmitOne(now);
}

// ---- Commits ----

void SpoutConsumer::Commit(bool async) {
  if (!rk_ || partitions_.empty()) return;
  PartitionList list = NewPartitionList(static_cast<int>(partitions_.size()));
  std::map<TopicPartition, uint32_t> slots;
  for (auto& [slot, p] : partitions_) {
    int64_t offset = -1;
    if (tracked()) {
      if (auto next = p.offsets.NextCommitOffset()) offset = *next;
    } else if (p.fetch_offset > p.committed_upto) {
      offset = p.fetch_offset;
    }
    if (offset < 0) continue;
    rd_kafka_topic_partition_t* e =
        rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition);
    e->offset = offset;
    // The topology id as commit metadata: EARLIEST/LATEST resume only from
    // offsets their own topology committed. The list frees it.
    e->metadata = malloc(topology_id_.size());
    memcpy(e->metadata, topology_id_.data(), topology_id_.size());
    e->metadata_size = topology_id_.size();
    slots[p.tp] = slot;
  }
  if (list->cnt == 0) return;
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), async ? 1 : 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Report("commit", "cannot commit offsets to group '" + group_ + "': " + rd_kafka_err2str(err));
    return;
  }
  Resolved("commit");
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    if (!async && e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Report("commit", "cannot commit offset " + std::to_string(e.offset) + " of " + e.topic + "-" +
                           std::to_string(e.partition) + ": " + rd_kafka_err2str(e.err));
      continue;
    }
    Partition* p = Find(slots[TopicPartition{e.topic, e.partition}]);
    if (p == nullptr) continue;
    if (tracked()) p->offsets.Commit(e.offset);
    p->committed_upto = e.offset;
  }
}

// ---- Polling and emitting ----

// storm-kafka-client's maxUncommittedOffsets: a partition with that many
// offsets emitted and not committed is paused, unless it has tuples to retry.
void SpoutConsumer::UpdatePauses(int64_t now) {
  std::set<uint32_t> retrying;
  for (uint64_t id : retry_.Ready(now)) retrying.insert(SlotOf(id));
  for (auto& [slot, p] : partitions_) {
    const bool pause =
        p.offsets.numUncommitted() >= config_.maxUncommittedOffsets() && retrying.count(slot) == 0;
    if (pause == p.paused) continue;
    PartitionList list = NewPartitionList(1);
    rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition);
    const rd_kafka_resp_err_t err = pause ? rd_kafka_pause_partitions(rk_.get(), list.get())
                                          : rd_kafka_resume_partitions(rk_.get(), list.get());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) p.paused = pause;
  }
}

// Failed tuples due for a retry are fetched again: the consumer seeks each
// such partition back to its lowest due offset (as storm-kafka-client does),
// and EmitOne skips what was already emitted and is not due.
void SpoutConsumer::SeekToRetries(int64_t now) {
  const std::vector<uint64_t> ready = retry_.Ready(now);
  if (ready.empty()) return;
  PartitionList list = NewPartitionList();
  uint32_t last_slot = 0;
  for (uint64_t id : ready) {  // in key order: the first of a slot is its lowest offset
    const uint32_t slot = SlotOf(id);
    if (slot == last_slot) continue;
    last_slot = slot;
    Partition* p = Find(slot);
    if (p == nullptr || OffsetOf(id) >= p->fetch_offset) continue;
    rd_kafka_topic_partition_list_add(list.get(), p->tp.topic.c_str(), p->tp.partition)->offset =
        OffsetOf(id);
    p->fetch_offset = OffsetOf(id);
  }
  if (list->cnt == 0) return;
  // Asynchronous (timeout 0): a synchronous seek waits on the fetcher and
  // would stall the executor thread. Records fetched before the seek are
  // dropped by librdkafka (they carry an older fetch version).
  rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_.get(), list.get(), 0);
  if (error != nullptr) {
    Report("seek",
           std::string("cannot seek back to retry failed tuples: ") + rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  }
}

void SpoutConsumer::Poll() {
  std::map<uint32_t, int64_t> before;  // AT_MOST_ONCE: fetch offsets before this poll
  for (int64_t i = 0; i < config_.maxPollRecords(); ++i) {
    KafkaMessage m(
        rd_kafka_consumer_poll(rk_.get(), i == 0 ? static_cast<int>(config_.pollTimeoutMs()) : 0));
    if (!m) break;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      std::string where = m->rkt ? std::string(" (") + rd_kafka_topic_name(m->rkt) + "-" +
                                       std::to_string(m->partition) + ")"
                                 : "";
      Report("consume",
             std::string("consumer error") + where + ": " + rd_kafka_message_errstr(m.get()));
      continue;
    }
    const uint32_t slot = SlotOfMessage(*m);
    Partition* p = Find(slot);
    if (p == nullptr) continue;  // a partition given away meanwhile
    before.emplace(slot, p->fetch_offset);
    p->fetch_offset = m->offset + 1;
    waiting_.push_back(Polled{slot, std::move(m)});
  }
  if (config_.processingGuarantee() == ProcessingGuarantee::AT_MOST_ONCE && !waiting_.empty()) {
    CommitPolledBeforeEmit(before);
  }
}

// AT_MOST_ONCE: commit the batch before any of it is emitted. When the
// commit fails the batch is dropped and fetched again, so nothing is emitted
// that a restart could emit a second time.
bool SpoutConsumer::CommitPolledBeforeEmit(const std::map<uint32_t, int64_t>& before) {
  Commit(/*async=*/false);
  bool all = true;
  for (const auto& [slot, p] : partitions_) all = all && p.committed_upto >= p.fetch_offset;
  if (all) return true;
  waiting_.clear();
  PartitionList list = NewPartitionList();
  for (const auto& [slot, offset] : before) {
    Partition* p = Find(slot);
    if (p == nullptr) continue;
    p->fetch_offset = offset;
    rd_kafka_topic_partition_list_add(list.get(), p->tp.topic.c_str(), p->tp.partition)->offset =
        offset;
  }
  if (rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_.get(), list.get(), 0)) {
    rd_kafka_error_destroy(error);
  }
  return false;
}

void SpoutConsumer::EmitOne(int64_t now) {
  const RecordTranslator& translator = config_.translator();
  while (!waiting_.empty()) {
    KafkaMessage m = std::move(waiting_.front().message);
    const uint32_t slot = waiting_.front().slot;
    waiting_.pop_front();
    Partition* found = Find(slot);
    if (found == nullptr) continue;
    Partition& p = *found;
    const int64_t offset = m->offset;
    const uint64_t id = PackMessageId(p.slot, offset);
    if (tracked() && p.offsets.IsEmittedOrCommitted(offset)) {
      if (!retry_.IsReady(id, now)) continue;  // pending, done, or not yet due
      retry_.Retrying(id);
    }
    rd_kafka_timestamp_type_t ts_type;
    const int64_t ts = rd_kafka_message_timestamp(m.get(), &ts_type);
    const KafkaRecord record{p.tp.topic, m->partition,
                             offset,     static_cast<const char*>(m->key),
                             m->key_len, static_cast<const char*>(m->payload),
                             m->len,     ts};
    values_.clear();
    bool emit = false;
    try {
      emit = translator.translate(record, values_);
    } catch (const std::exception& e) {
      Report("translate", "the record translator threw on " + p.tp.ToString() + " offset " +
                              std::to_string(offset) + ": " + e.what());
    }
    if (!tracked()) {
      if (!emit) continue;
      collector_.emit(translator.stream(), values_);
      return;
    }
    p.offsets.AddEmitted(offset);
    if (!emit) {  // nothing to process: done at once (Storm acks it too)
      p.offsets.AddAcked(offset);
      retry_.Forget(id);
      continue;
    }
    collector_.emit(translator.stream(), values_, Value(static_cast<int64_t>(id)));
    return;
  }
}

void SpoutConsumer::Ack(uint64_t id) {
  Partition* p = Find(SlotOf(id));
  if (p == nullptr) return;  // a partition given away since
  retry_.Forget(id);
  p->offsets.AddAcked(OffsetOf(id));
}

void SpoutConsumer::Fail(uint64_t id) {
  Partition* p = Find(SlotOf(id));
  if (p == nullptr) return;
  if (retry_.Schedule(id, Now())) return;
  spdlog::warn("{} {}: offset {} of {} failed more than {} times: given up", kSpoutWho, component_,
               OffsetOf(id), p->tp.ToString(), config_.retry().max_retries);
  p->offsets.AddAcked(OffsetOf(id));
}

}  // namespace storm::kafka
