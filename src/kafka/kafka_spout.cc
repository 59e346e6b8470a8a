#include "storm/kafka/kafka_spout.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "kafka/offset_manager.h"
#include "kafka/partition_assignment.h"
#include "kafka/rdkafka_util.h"
#include "kafka/retry_schedule.h"
#include "storm/errors.h"

namespace storm::kafka {

namespace {

const char* const kWho = "kafka spout";
// A problem reported once is reported again after this long if it lasts.
constexpr int64_t kReportAgainMs = 30'000;

}  // namespace

// One task's consumer: its partitions, what it emitted and what may be
// committed. Every method runs on the task's executor thread.
class KafkaSpout::Consumer {
 public:
  Consumer(const KafkaSpoutConfig& config, const KafkaSpout& clock, const Config& conf,
           TopologyContext& context, SpoutOutputCollector& collector);
  ~Consumer();

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
    int64_t fetch_offset = 0;   // the next offset the consumer returns
    int64_t committed_upto = 0;  // NO_GUARANTEE/AT_MOST_ONCE: last committed
    bool paused = false;
  };

  bool tracked() const { return config_.processingGuarantee() == ProcessingGuarantee::AT_LEAST_ONCE; }
  int64_t Now() const { return clock_.nowMillis(); }
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
  const KafkaSpout& clock_;
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
  const rd_kafka_topic_t* last_rkt_ = nullptr;  // SlotOf's cache, cleared by Reassign
  int32_t last_partition_ = -1;
  uint32_t last_slot_ = 0;
};

KafkaSpout::Consumer::Consumer(const KafkaSpoutConfig& config, const KafkaSpout& clock,
                               const Config& conf, TopologyContext& context,
                               SpoutOutputCollector& collector)
    : config_(config), clock_(clock), collector_(collector), retry_(config.retry()) {
  component_ = context.getThisComponentId();
  topology_id_ = context.getStormId();
  task_index_ = context.getThisTaskIndex();
  num_tasks_ = static_cast<int>(context.getComponentTasks(component_).size());
  if (num_tasks_ < 1) num_tasks_ = 1;
  bootstrap_ = config.bootstrapServers();
  if (bootstrap_.empty()) bootstrap_ = conf.getString(kBootstrapServersKey, "");
  if (bootstrap_.empty()) {
    throw ConfigError(std::string(kWho) + " " + component_ +
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
  rk_ = MakeClient(kWho, RD_KAFKA_CONSUMER, MakeConf(kWho, props));
  rd_kafka_poll_set_consumer(rk_.get());
  spdlog::info("{} {} task {} of {}: {} from {} ({}), group {}, {}, {}", kWho, component_,
               task_index_, num_tasks_,
               pattern_ ? "topics matching " + config.topicPattern()
                        : "topics " + Fields(config.topics()).toString(),
               bootstrap_, rd_kafka_name(rk_.get()), group_,
               ToString(config.processingGuarantee()), ToString(config.firstPollOffsetStrategy()));
}

KafkaSpout::Consumer::~Consumer() {
  waiting_.clear();
  if (rk_) rd_kafka_consumer_close(rk_.get());
}

void KafkaSpout::Consumer::Report(const std::string& what, const std::string& message) {
  const int64_t now = Now();
  auto it = reported_.find(what);
  if (it != reported_.end() && it->second.first == message &&
      now - it->second.second < kReportAgainMs) {
    return;
  }
  reported_[what] = {message, now};
  const std::string line = std::string(kWho) + " " + component_ + ": " + message;
  spdlog::error("{}", line);
  collector_.reportError(line);
}

// The slot of a polled record's partition (0 when not assigned). Records
// come in runs from one partition: the last answer is kept, so that the
// lookup builds no key string per record.
uint32_t KafkaSpout::Consumer::SlotOfMessage(const rd_kafka_message_t& m) {
  if (m.rkt == last_rkt_ && m.partition == last_partition_) return last_slot_;
  auto it = slot_of_.find(TopicPartition{rd_kafka_topic_name(m.rkt), m.partition});
  last_rkt_ = m.rkt;
  last_partition_ = m.partition;
  last_slot_ = it == slot_of_.end() ? 0 : it->second;
  return last_slot_;
}

KafkaSpout::Consumer::Partition* KafkaSpout::Consumer::Find(uint32_t slot) {
  auto it = partitions_.find(slot);
  return it == partitions_.end() ? nullptr : &it->second;
}

void KafkaSpout::Consumer::NextTuple() {
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

// ---- Partitions ----

std::optional<std::vector<TopicPartition>> KafkaSpout::Consumer::ListPartitions() {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(
      rk_.get(), /*all_topics=*/1, nullptr, &raw, static_cast<int>(config_.metadataTimeoutMs()));
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

void KafkaSpout::Consumer::RefreshAssignment() {
  auto all = ListPartitions();
  if (!all) return;
  std::vector<TopicPartition> mine = AssignPartitions(std::move(*all), task_index_, num_tasks_);
  std::vector<TopicPartition> current;
  for (const auto& [tp, slot] : slot_of_) current.push_back(tp);
  if (mine == current) return;
  if (Reassign(mine)) {
    std::string list;
    for (const auto& tp : mine) list += (list.empty() ? "" : ", ") + tp.ToString();
    spdlog::info("{} {} task {}: assigned partitions [{}]", kWho, component_, task_index_, list);
  }
}

// Where each new partition starts: the group's committed offset, or as the
// first poll offset strategy says. EARLIEST and LATEST resume only from what
// this topology committed (the commit metadata holds its id).
std::map<TopicPartition, int64_t> KafkaSpout::Consumer::StartOffsets(
    const std::vector<TopicPartition>& added) {
  PartitionList list = NewPartitionList(static_cast<int>(added.size()));
  for (const auto& tp : added) rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  const rd_kafka_resp_err_t err =
      rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(config_.metadataTimeoutMs()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Report("committed", "cannot read the committed offsets of group '" + group_ + "': " +
                            rd_kafka_err2str(err));
    return {};
  }
  Resolved("committed");
  const FirstPollOffsetStrategy strategy = config_.firstPollOffsetStrategy();
  std::map<TopicPartition, int64_t> start;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    TopicPartition tp{e.topic, e.partition};
    const bool has_commit = e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0;
    const bool ours = has_commit && e.metadata != nullptr &&
                      std::string(static_cast<const char*>(e.metadata), e.metadata_size) ==
                          topology_id_;
    const bool uncommitted_strategy = strategy == FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST ||
                                      strategy == FirstPollOffsetStrategy::UNCOMMITTED_LATEST;
    if (has_commit && (ours || uncommitted_strategy)) {
      start[tp] = e.offset;
      continue;
    }
    int64_t low = 0;
    int64_t high = 0;
    const rd_kafka_resp_err_t werr = rd_kafka_query_watermark_offsets(
        rk_.get(), tp.topic.c_str(), tp.partition, &low, &high,
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

bool KafkaSpout::Consumer::Reassign(const std::vector<TopicPartition>& mine) {
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
    retry_.ForgetRange(PackMessageId(slot, 0), PackMessageId(slot, (int64_t{1} << kOffsetBits) - 1));
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

// ---- Commits ----

void KafkaSpout::Consumer::Commit(bool async) {
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
void KafkaSpout::Consumer::UpdatePauses(int64_t now) {
  std::set<uint32_t> retrying;
  for (uint64_t id : retry_.Ready(now)) retrying.insert(SlotOf(id));
  for (auto& [slot, p] : partitions_) {
    const bool pause = p.offsets.numUncommitted() >= config_.maxUncommittedOffsets() &&
                       retrying.count(slot) == 0;
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
void KafkaSpout::Consumer::SeekToRetries(int64_t now) {
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
    Report("seek", std::string("cannot seek back to retry failed tuples: ") +
                       rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  }
}

void KafkaSpout::Consumer::Poll() {
  std::map<uint32_t, int64_t> before;  // AT_MOST_ONCE: fetch offsets before this poll
  for (int64_t i = 0; i < config_.maxPollRecords(); ++i) {
    KafkaMessage m(rd_kafka_consumer_poll(rk_.get(), i == 0 ? static_cast<int>(config_.pollTimeoutMs()) : 0));
    if (!m) break;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      std::string where = m->rkt ? std::string(" (") + rd_kafka_topic_name(m->rkt) + "-" +
                                       std::to_string(m->partition) + ")"
                                 : "";
      Report("consume", std::string("consumer error") + where + ": " +
                            rd_kafka_message_errstr(m.get()));
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
bool KafkaSpout::Consumer::CommitPolledBeforeEmit(const std::map<uint32_t, int64_t>& before) {
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

void KafkaSpout::Consumer::EmitOne(int64_t now) {
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
    const KafkaRecord record{p.tp.topic,
                             m->partition,
                             offset,
                             static_cast<const char*>(m->key),
                             m->key_len,
                             static_cast<const char*>(m->payload),
                             m->len,
                             ts};
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

void KafkaSpout::Consumer::Ack(uint64_t id) {
  Partition* p = Find(SlotOf(id));
  if (p == nullptr) return;  // a partition given away since
  retry_.Forget(id);
  p->offsets.AddAcked(OffsetOf(id));
}

void KafkaSpout::Consumer::Fail(uint64_t id) {
  Partition* p = Find(SlotOf(id));
  if (p == nullptr) return;
  if (retry_.Schedule(id, Now())) return;
  spdlog::warn("{} {}: offset {} of {} failed more than {} times: given up", kWho, component_,
               OffsetOf(id), p->tp.ToString(), config_.retry().max_retries);
  p->offsets.AddAcked(OffsetOf(id));
}

// ---- KafkaSpout ----

KafkaSpout::KafkaSpout(KafkaSpoutConfig config) : config_(std::move(config)) {}
KafkaSpout::KafkaSpout(const KafkaSpout& other) : BaseRichSpout(), config_(other.config_) {}
KafkaSpout::~KafkaSpout() = default;

int64_t KafkaSpout::nowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void KafkaSpout::open(const Config& conf, TopologyContext& context,
                      SpoutOutputCollector& collector) {
  consumer_ = std::make_unique<Consumer>(config_, *this, conf, context, collector);
}

void KafkaSpout::close() {
  if (!consumer_) return;
  if (config_.processingGuarantee() != ProcessingGuarantee::AT_MOST_ONCE) consumer_->CommitNow();
  consumer_.reset();
}

void KafkaSpout::activate() {}

void KafkaSpout::deactivate() {
  if (consumer_ && config_.processingGuarantee() != ProcessingGuarantee::AT_MOST_ONCE) {
    consumer_->CommitNow();
  }
}

void KafkaSpout::nextTuple() {
  if (consumer_) consumer_->NextTuple();
}

void KafkaSpout::ack(const Value& msg_id) {
  if (consumer_ && msg_id.isInt()) consumer_->Ack(static_cast<uint64_t>(msg_id.asInt()));
}

void KafkaSpout::fail(const Value& msg_id) {
  if (consumer_ && msg_id.isInt()) consumer_->Fail(static_cast<uint64_t>(msg_id.asInt()));
}

void KafkaSpout::declareOutputFields(OutputFieldsDeclarer& declarer) {
  declarer.declareStream(config_.translator().stream(), config_.translator().fields());
}

}  // namespace storm::kafka
