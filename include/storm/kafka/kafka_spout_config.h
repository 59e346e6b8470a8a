// KafkaSpoutConfig: what a KafkaSpout reads and how, with the options and
// defaults of Apache Storm's storm-kafka-client (KafkaSpoutConfig and
// KafkaSpoutRetryExponentialBackoff), over librdkafka.
//
//   auto conf = storm::kafka::KafkaSpoutConfig::builder("broker:9092", {"sentences"})
//                   .setGroupId("word-count")
//                   .setProcessingGuarantee(ProcessingGuarantee::AT_LEAST_ONCE)
//                   .setOffsetCommitPeriodMs(1000)
//                   .build();  // throws ConfigError naming a bad option
//   builder.setSpout("kafka", std::make_shared<storm::kafka::KafkaSpout>(conf), 2);
//
// Bootstrap servers left empty are read from the topology config key
// `kafka.bootstrap.servers` when the spout opens, so a topology main may
// leave the address to `storm local -c kafka.bootstrap.servers=...`.
//
// Thread safety: a config is a value; the record translator it holds is
// shared by every task of the spout and must be safe to call concurrently
// (the default one and SimpleRecordTranslator are: they hold no state).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storm/export.h"
#include "storm/fields.h"
#include "storm/value.h"

namespace storm::kafka {

// The topology config key read when no bootstrap servers were given.
inline constexpr const char* kBootstrapServersKey = "kafka.bootstrap.servers";

// Where a task starts reading a partition it is given (storm-kafka-client's
// FirstPollOffsetStrategy). EARLIEST and LATEST ignore offsets committed by an
// earlier deployment of the topology (another topology id) but resume from
// offsets this topology committed, so that a restarted worker does not
// re-read or skip its partitions. The UNCOMMITTED_ ones resume from any
// committed offset and fall back to the earliest/latest offset.
enum class FirstPollOffsetStrategy { EARLIEST, LATEST, UNCOMMITTED_EARLIEST, UNCOMMITTED_LATEST };

// When offsets are committed to Kafka (storm-kafka-client's ProcessingGuarantee).
//  AT_LEAST_ONCE: tuples carry message ids; an offset is committed once its
//    tuple and every tuple before it in the partition were acked (or given
//    up after the retry limit). Failed tuples are retried.
//  AT_MOST_ONCE: the offsets of a polled batch are committed (synchronously)
//    before any of its tuples is emitted; tuples are not tracked.
//  NO_GUARANTEE: polled offsets are committed every offset commit period,
//    whatever became of their tuples; tuples are not tracked.
enum class ProcessingGuarantee { AT_LEAST_ONCE, AT_MOST_ONCE, NO_GUARANTEE };

STORM_API const char* ToString(FirstPollOffsetStrategy strategy);
STORM_API const char* ToString(ProcessingGuarantee guarantee);

// KafkaSpoutRetryExponentialBackoff: a tuple that failed for the n-th time is
// retried after initialDelay (n = 1), then delayPeriod * 2^(n-1), never later
// than maxDelay; once it failed more than maxRetries times it is given up
// (counted as done so that commits move past it) and logged.
struct STORM_API KafkaSpoutRetryExponentialBackoff {
  int64_t initial_delay_ms = 0;
  int64_t delay_period_ms = 2;
  int64_t max_retries = INT32_MAX;
  int64_t max_delay_ms = 10'000;

  KafkaSpoutRetryExponentialBackoff() = default;
  KafkaSpoutRetryExponentialBackoff(int64_t initial_delay, int64_t delay_period, int64_t retries,
                                    int64_t max_delay)
      : initial_delay_ms(initial_delay),
        delay_period_ms(delay_period),
        max_retries(retries),
        max_delay_ms(max_delay) {}
};

// One record as the consumer returned it. Views into librdkafka's buffer:
// valid during RecordTranslator::translate only.
struct KafkaRecord {
  const std::string& topic;
  int32_t partition;
  int64_t offset;
  const char* key;  // nullptr for a record without a key
  size_t key_size;
  const char* value;  // nullptr for a tombstone
  size_t value_size;
  int64_t timestamp_ms;  // -1 when the broker gave none
};

// Turns a record into a tuple (storm-kafka-client's RecordTranslator).
class STORM_API RecordTranslator {
 public:
  virtual ~RecordTranslator();
  // Fills `out` (cleared by the caller) with the tuple's values. Returns false
  // to emit nothing for this record: it then counts as processed.
  virtual bool translate(const KafkaRecord& record, Values& out) const = 0;
  virtual Fields fields() const = 0;
  virtual const std::string& stream() const;
};

// The default: fields topic, partition, offset, key, value; key and value as
// strings (null when absent).
class STORM_API DefaultRecordTranslator : public RecordTranslator {
 public:
  bool translate(const KafkaRecord& record, Values& out) const override;
  Fields fields() const override;
};

// A translator from a function (storm-kafka-client's SimpleRecordTranslator
// over a lambda); the function must be safe to call from several threads.
class STORM_API SimpleRecordTranslator : public RecordTranslator {
 public:
  using Function = std::function<bool(const KafkaRecord&, Values&)>;
  SimpleRecordTranslator(Function function, Fields fields, std::string stream = "default")
      : function_(std::move(function)), fields_(std::move(fields)), stream_(std::move(stream)) {}
  bool translate(const KafkaRecord& record, Values& out) const override {
    return function_(record, out);
  }
  Fields fields() const override { return fields_; }
  const std::string& stream() const override { return stream_; }

 private:
  Function function_;
  Fields fields_;
  std::string stream_;
};

class STORM_API KafkaSpoutConfig {
 public:
  class Builder;

  // Topics by name, or every topic matching a regular expression (ECMAScript
  // syntax, matched against the whole name), as Storm's builder overloads.
  static Builder builder(const std::string& bootstrap_servers, std::vector<std::string> topics);
  static Builder builderWithPattern(const std::string& bootstrap_servers,
                                    const std::string& topic_pattern);

  const std::string& bootstrapServers() const { return bootstrap_servers_; }
  const std::vector<std::string>& topics() const { return topics_; }
  const std::string& topicPattern() const { return topic_pattern_; }
  // Empty: "storm-kafka-<component id>", chosen when the spout opens.
  const std::string& groupId() const { return group_id_; }
  FirstPollOffsetStrategy firstPollOffsetStrategy() const { return first_poll_; }
  ProcessingGuarantee processingGuarantee() const { return guarantee_; }
  int64_t offsetCommitPeriodMs() const { return commit_period_ms_; }
  int64_t maxUncommittedOffsets() const { return max_uncommitted_; }
  int64_t partitionRefreshPeriodMs() const { return refresh_period_ms_; }
  int64_t pollTimeoutMs() const { return poll_timeout_ms_; }
  int64_t maxPollRecords() const { return max_poll_records_; }
  int64_t metadataTimeoutMs() const { return metadata_timeout_ms_; }
  const KafkaSpoutRetryExponentialBackoff& retry() const { return retry_; }
  const RecordTranslator& translator() const { return *translator_; }
  // librdkafka consumer properties set with setProp, applied over the spout's own.
  const std::map<std::string, std::string>& props() const { return props_; }

 private:
  friend class Builder;
  KafkaSpoutConfig() = default;

  std::string bootstrap_servers_;
  std::vector<std::string> topics_;
  std::string topic_pattern_;
  std::string group_id_;
  FirstPollOffsetStrategy first_poll_ = FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST;
  ProcessingGuarantee guarantee_ = ProcessingGuarantee::AT_LEAST_ONCE;
  int64_t commit_period_ms_ = 30'000;
  int64_t max_uncommitted_ = 10'000'000;
  int64_t refresh_period_ms_ = 2'000;
  int64_t poll_timeout_ms_ = 0;  // nextTuple must not block
  int64_t max_poll_records_ = 500;
  int64_t metadata_timeout_ms_ = 5'000;
  KafkaSpoutRetryExponentialBackoff retry_;
  std::shared_ptr<const RecordTranslator> translator_;
  std::map<std::string, std::string> props_;
};

class STORM_API KafkaSpoutConfig::Builder {
 public:
  Builder& setGroupId(const std::string& group_id);
  // A librdkafka consumer property ("fetch.max.bytes", "security.protocol",
  // ...). "group.id" and "bootstrap.servers" set those options.
  Builder& setProp(const std::string& name, const std::string& value);
  Builder& setFirstPollOffsetStrategy(FirstPollOffsetStrategy strategy);
  Builder& setProcessingGuarantee(ProcessingGuarantee guarantee);
  Builder& setOffsetCommitPeriodMs(int64_t ms);
  Builder& setMaxUncommittedOffsets(int64_t max);
  Builder& setPartitionRefreshPeriodMs(int64_t ms);
  Builder& setPollTimeoutMs(int64_t ms);
  Builder& setMaxPollRecords(int64_t max);
  // How long one metadata or committed-offsets request may take.
  Builder& setMetadataTimeoutMs(int64_t ms);
  Builder& setRetry(const KafkaSpoutRetryExponentialBackoff& retry);
  Builder& setRecordTranslator(std::shared_ptr<const RecordTranslator> translator);

  // Checks every option (ranges, the pattern, each property against
  // librdkafka) and throws ConfigError naming the first bad one.
  KafkaSpoutConfig build() const;

 private:
  friend class KafkaSpoutConfig;
  KafkaSpoutConfig config_;
};

// Parses "EARLIEST", "AT_MOST_ONCE", ... (as a topology main reading its
// arguments would); throws ConfigError listing the accepted names.
STORM_API FirstPollOffsetStrategy ParseFirstPollOffsetStrategy(const std::string& name);
STORM_API ProcessingGuarantee ParseProcessingGuarantee(const std::string& name);

}  // namespace storm::kafka
