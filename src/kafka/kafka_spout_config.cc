#include "storm/kafka/kafka_spout_config.h"

#include <regex>

#include "kafka/rdkafka_util.h"
#include "storm/errors.h"

namespace storm::kafka {

namespace {

const char* const kWho = "kafka spout";

void RequireAtLeast(const char* option, int64_t value, int64_t min) {
  if (value < min) {
    throw ConfigError(std::string(kWho) + ": option " + option + " must be at least " +
                      std::to_string(min) + ", got " + std::to_string(value));
  }
}

}  // namespace

const char* ToString(FirstPollOffsetStrategy strategy) {
  switch (strategy) {
    case FirstPollOffsetStrategy::EARLIEST: return "EARLIEST";
    case FirstPollOffsetStrategy::LATEST: return "LATEST";
    case FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST: return "UNCOMMITTED_EARLIEST";
    case FirstPollOffsetStrategy::UNCOMMITTED_LATEST: return "UNCOMMITTED_LATEST";
  }
  return "?";
}

const char* ToString(ProcessingGuarantee guarantee) {
  switch (guarantee) {
    case ProcessingGuarantee::AT_LEAST_ONCE: return "AT_LEAST_ONCE";
    case ProcessingGuarantee::AT_MOST_ONCE: return "AT_MOST_ONCE";
    case ProcessingGuarantee::NO_GUARANTEE: return "NO_GUARANTEE";
  }
  return "?";
}

FirstPollOffsetStrategy ParseFirstPollOffsetStrategy(const std::string& name) {
  for (auto s : {FirstPollOffsetStrategy::EARLIEST, FirstPollOffsetStrategy::LATEST,
                 FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST,
                 FirstPollOffsetStrategy::UNCOMMITTED_LATEST}) {
    if (name == ToString(s)) return s;
  }
  throw ConfigError(std::string(kWho) + ": unknown first poll offset strategy '" + name +
                    "' (expected EARLIEST, LATEST, UNCOMMITTED_EARLIEST or UNCOMMITTED_LATEST)");
}

ProcessingGuarantee ParseProcessingGuarantee(const std::string& name) {
  for (auto g : {ProcessingGuarantee::AT_LEAST_ONCE, ProcessingGuarantee::AT_MOST_ONCE,
                 ProcessingGuarantee::NO_GUARANTEE}) {
    if (name == ToString(g)) return g;
  }
  throw ConfigError(std::string(kWho) + ": unknown processing guarantee '" + name +
                    "' (expected AT_LEAST_ONCE, AT_MOST_ONCE or NO_GUARANTEE)");
}

RecordTranslator::~RecordTranslator() = default;

const std::string& RecordTranslator::stream() const {
  static const std::string kDefault = "default";
  return kDefault;
}

bool DefaultRecordTranslator::translate(const KafkaRecord& r, Values& out) const {
  out.emplace_back(r.topic);
  out.emplace_back(int64_t{r.partition});
  out.emplace_back(r.offset);
  if (r.key) {
    out.emplace_back(std::string_view(r.key, r.key_size));
  } else {
    out.emplace_back();
  }
  if (r.value) {
    out.emplace_back(std::string_view(r.value, r.value_size));
  } else {
    out.emplace_back();
  }
  return true;
}

Fields DefaultRecordTranslator::fields() const {
  return Fields{"topic", "partition", "offset", "key", "value"};
}

KafkaSpoutConfig::Builder KafkaSpoutConfig::builder(const std::string& bootstrap_servers,
                                                    std::vector<std::string> topics) {
  Builder b;
  b.config_.bootstrap_servers_ = bootstrap_servers;
  b.config_.topics_ = std::move(topics);
  return b;
}

KafkaSpoutConfig::Builder KafkaSpoutConfig::builderWithPattern(const std::string& bootstrap_servers,
                                                               const std::string& topic_pattern) {
  Builder b;
  b.config_.bootstrap_servers_ = bootstrap_servers;
  b.config_.topic_pattern_ = topic_pattern;
  return b;
}

using Builder = KafkaSpoutConfig::Builder;

Builder& Builder::setGroupId(const std::string& group_id) {
  config_.group_id_ = group_id;
  return *this;
}
Builder& Builder::setProp(const std::string& name, const std::string& value) {
  if (name == "group.id") return setGroupId(value);
  if (name == "bootstrap.servers") {
    config_.bootstrap_servers_ = value;
    return *this;
  }
  config_.props_[name] = value;
  return *this;
}
Builder& Builder::setFirstPollOffsetStrategy(FirstPollOffsetStrategy strategy) {
  config_.first_poll_ = strategy;
  return *this;
}
Builder& Builder::setProcessingGuarantee(ProcessingGuarantee guarantee) {
  config_.guarantee_ = guarantee;
  return *this;
}
Builder& Builder::setOffsetCommitPeriodMs(int64_t ms) {
  config_.commit_period_ms_ = ms;
  return *this;
}
Builder& Builder::setMaxUncommittedOffsets(int64_t max) {
  config_.max_uncommitted_ = max;
  return *this;
}
Builder& Builder::setPartitionRefreshPeriodMs(int64_t ms) {
  config_.refresh_period_ms_ = ms;
  return *this;
}
Builder& Builder::setPollTimeoutMs(int64_t ms) {
  config_.poll_timeout_ms_ = ms;
  return *this;
}
Builder& Builder::setMaxPollRecords(int64_t max) {
  config_.max_poll_records_ = max;
  return *this;
}
Builder& Builder::setMetadataTimeoutMs(int64_t ms) {
  config_.metadata_timeout_ms_ = ms;
  return *this;
}
Builder& Builder::setRetry(const KafkaSpoutRetryExponentialBackoff& retry) {
  config_.retry_ = retry;
  return *this;
}
Builder& Builder::setRecordTranslator(std::shared_ptr<const RecordTranslator> translator) {
  config_.translator_ = std::move(translator);
  return *this;
}

KafkaSpoutConfig Builder::build() const {
  KafkaSpoutConfig c = config_;
  const std::string who = kWho;
  if (c.topics_.empty() && c.topic_pattern_.empty()) {
    throw ConfigError(who + ": no topics: give a topic list or a topic pattern");
  }
  for (const std::string& topic : c.topics_) {
    if (topic.empty()) throw ConfigError(who + ": an empty topic name in the topic list");
  }
  if (!c.topic_pattern_.empty()) {
    try {
      std::regex check(c.topic_pattern_);
    } catch (const std::regex_error& e) {
      throw ConfigError(who + ": topic pattern '" + c.topic_pattern_ +
                        "' is not a regular expression: " + e.what());
    }
  }
  RequireAtLeast("offset.commit.period.ms", c.commit_period_ms_, 1);
  RequireAtLeast("max.uncommitted.offsets", c.max_uncommitted_, 1);
  RequireAtLeast("partition.refresh.period.ms", c.refresh_period_ms_, 1);
  RequireAtLeast("poll.timeout.ms", c.poll_timeout_ms_, 0);
  RequireAtLeast("max.poll.records", c.max_poll_records_, 1);
  RequireAtLeast("metadata.timeout.ms", c.metadata_timeout_ms_, 1);
  RequireAtLeast("retry initial delay ms", c.retry_.initial_delay_ms, 0);
  RequireAtLeast("retry delay period ms", c.retry_.delay_period_ms, 0);
  RequireAtLeast("retry max retries", c.retry_.max_retries, 0);
  RequireAtLeast("retry max delay ms", c.retry_.max_delay_ms, 0);
  // Each property is checked by librdkafka itself, as the consumer will be.
  MakeConf(who, c.props_);
  if (!c.translator_) c.translator_ = std::make_shared<DefaultRecordTranslator>();
  return c;
}

}  // namespace storm::kafka
