#include "storm/kafka/kafka_bolt.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <map>
#include <vector>

#include "kafka/rdkafka_util.h"
#include "storm/errors.h"
#include "storm/kafka/kafka_spout_config.h"

namespace storm::kafka {

namespace {

const char* const kWho = "kafka bolt";
constexpr int kQueueFullRetries = 50;
constexpr int kQueueFullWaitMs = 100;
constexpr int kFlushOnCleanupMs = 5'000;
constexpr int64_t kReportAgainMs = 30'000;

// A value as record bytes: strings and bytes as they are, scalars as text
// (into `scratch`), null as no bytes at all.
struct RecordBytes {
  const char* data = nullptr;
  size_t size = 0;
};

RecordBytes ToBytes(const Value& v, char (&scratch)[64]) {
  switch (v.type()) {
    case Value::Type::kNull: return {};
    case Value::Type::kString: return {v.asString().data(), v.asString().size()};
    case Value::Type::kBytes: return {v.asBytes().data(), v.asBytes().size()};
    case Value::Type::kInt: {
      auto r = std::to_chars(scratch, scratch + sizeof scratch, v.asInt());
      return {scratch, static_cast<size_t>(r.ptr - scratch)};
    }
    case Value::Type::kDouble: {
      auto r = std::to_chars(scratch, scratch + sizeof scratch, v.asDouble());
      return {scratch, static_cast<size_t>(r.ptr - scratch)};
    }
    case Value::Type::kBool: return v.asBool() ? RecordBytes{"true", 4} : RecordBytes{"false", 5};
    case Value::Type::kList: break;
  }
  throw StormError("a list value cannot be written to Kafka: " + v.toString());
}

}  // namespace

// One task's producer. Delivery reports are served by rd_kafka_poll, which
// this class calls only from execute and cleanup, i.e. on the executor
// thread: the report callback may then ack and fail on the collector.
class KafkaBolt::Producer {
 public:
  Producer(const Options& options, const Config& conf, TopologyContext& context,
           OutputCollector& collector);
  ~Producer();

  void Execute(const Tuple& input);
  void Tick() { rd_kafka_poll(rk_.get(), 0); }
  void Close();

 private:
  // An input waiting for its record's delivery report. Reused from a free
  // list, so that a tuple's copy reuses an earlier one's storage.
  struct Delivery {
    Tuple input;
  };

  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  void Delivered(const rd_kafka_message_t& message);
  Delivery* Take(const Tuple& input);
  void Give(Delivery* d) { free_.push_back(d); }
  void Fail(const Tuple& input, const std::string& what, const std::string& message);

  const Options& options_;
  OutputCollector& collector_;
  std::string component_;
  std::string bootstrap_;
  KafkaHandle rk_;
  std::vector<std::unique_ptr<Delivery>> all_;
  std::vector<Delivery*> free_;
  bool closing_ = false;
  std::map<std::string, std::pair<std::string, int64_t>> reported_;
};

KafkaBolt::Producer::Producer(const Options& options, const Config& conf, TopologyContext& context,
                              OutputCollector& collector)
    : options_(options), collector_(collector), component_(context.getThisComponentId()) {
  bootstrap_ = options.bootstrap_servers;
  if (bootstrap_.empty()) bootstrap_ = conf.getString(kBootstrapServersKey, "");
  if (bootstrap_.empty()) {
    throw ConfigError(std::string(kWho) + " " + component_ +
                      ": no bootstrap servers: call withBootstrapServers or set " +
                      kBootstrapServersKey);
  }
  if (options.topic.empty() && options.topic_field.empty()) {
    throw ConfigError(std::string(kWho) + " " + component_ +
                      ": no topic: call withTopic or withTopicField");
  }
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", bootstrap_},
      {"client.id", "storm-" + component_ + "-" + std::to_string(context.getThisTaskId())},
      {"message.timeout.ms", "30000"},
  };
  for (const auto& [name, value] : options.properties) props[name] = value;
  KafkaConf kconf = MakeConf(kWho, props);
  rd_kafka_conf_set_dr_msg_cb(kconf.get(), &Producer::OnDelivery);
  rd_kafka_conf_set_opaque(kconf.get(), this);
  rk_ = MakeClient(kWho, RD_KAFKA_PRODUCER, std::move(kconf));
  spdlog::info("{} {} task {}: writing to {} at {} ({})", kWho, component_, context.getThisTaskId(),
               options.topic_field.empty() ? "topic " + options.topic
                                           : "the topic in field " + options.topic_field,
               bootstrap_, rd_kafka_name(rk_.get()));
}

KafkaBolt::Producer::~Producer() {
  Close();
}

void KafkaBolt::Producer::Close() {
  if (!rk_) return;
  closing_ = true;  // the topology is stopping: no more acks nor fails
  if (rd_kafka_flush(rk_.get(), kFlushOnCleanupMs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("{} {}: {} records not delivered when the bolt stopped", kWho, component_,
                 rd_kafka_outq_len(rk_.get()));
  }
  rk_.reset();
}

KafkaBolt::Producer::Delivery* KafkaBolt::Producer::Take(const Tuple& input) {
  if (free_.empty()) {
    all_.push_back(std::make_unique<Delivery>());
    free_.push_back(all_.back().get());
  }
  Delivery* d = free_.back();
  free_.pop_back();
  d->input = input;
  return d;
}

void KafkaBolt::Producer::Fail(const Tuple& input, const std::string& what,
                               const std::string& message) {
  collector_.fail(input);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
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

void KafkaBolt::Producer::Execute(const Tuple& input) {
  std::string topic_storage;
  const std::string* topic = &options_.topic;
  if (!options_.topic_field.empty() && input.contains(options_.topic_field)) {
    topic = &input.getStringByField(options_.topic_field);
  }
  if (topic->empty()) {
    Fail(input, "topic", "a tuple without a topic (field '" + options_.topic_field + "')");
    return;
  }
  if (!input.contains(options_.value_field)) {
    Fail(input, "value",
         "a tuple without the value field '" + options_.value_field + "' (fields " +
             input.getFields().toString() + ")");
    return;
  }
  char key_scratch[64];
  char value_scratch[64];
  RecordBytes key;
  RecordBytes value;
  try {
    if (input.contains(options_.key_field)) {
      key = ToBytes(input.getValueByField(options_.key_field), key_scratch);
    }
    value = ToBytes(input.getValueByField(options_.value_field), value_scratch);
  } catch (const StormError& e) {
    Fail(input, "value", e.what());
    return;
  }
  Delivery* d = options_.fire_and_forget ? nullptr : Take(input);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int attempt = 0; attempt <= kQueueFullRetries; ++attempt) {
    err = rd_kafka_producev(rk_.get(), RD_KAFKA_V_TOPIC(topic->c_str()),
                            RD_KAFKA_V_KEY(const_cast<char*>(key.data), key.size),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data), value.size),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(d),
                            RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
    rd_kafka_poll(rk_.get(), kQueueFullWaitMs);  // the queue drains as reports come
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (d) Give(d);
    Fail(input, "produce " + *topic,
         "cannot write to topic '" + *topic + "': " + rd_kafka_err2str(err));
  } else if (options_.fire_and_forget) {
    collector_.ack(input);
  }
  rd_kafka_poll(rk_.get(), 0);  // serve the reports that came meanwhile
}

void KafkaBolt::Producer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  static_cast<Producer*>(opaque)->Delivered(*message);
}

void KafkaBolt::Producer::Delivered(const rd_kafka_message_t& message) {
  auto* d = static_cast<Delivery*>(message._private);
  if (d == nullptr) return;  // fire and forget
  if (!closing_) {
    if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      collector_.ack(d->input);
    } else {
      const std::string topic = rd_kafka_topic_name(message.rkt);
      Fail(d->input, "deliver " + topic,
           "delivery to topic '" + topic + "' at bootstrap servers '" + bootstrap_ +
               "' failed: " + rd_kafka_err2str(message.err));
    }
  }
  Give(d);
}

// ---- KafkaBolt ----

KafkaBolt::KafkaBolt() = default;
KafkaBolt::KafkaBolt(const KafkaBolt& other) : BaseRichBolt(), options_(other.options_) {}
KafkaBolt::~KafkaBolt() = default;

KafkaBolt& KafkaBolt::withBootstrapServers(const std::string& servers) {
  options_.bootstrap_servers = servers;
  return *this;
}

KafkaBolt& KafkaBolt::withTopic(const std::string& topic) {
  if (topic.empty()) throw ConfigError(std::string(kWho) + ": withTopic: an empty topic name");
  options_.topic = topic;
  return *this;
}

KafkaBolt& KafkaBolt::withTopicField(const std::string& field, const std::string& default_topic) {
  if (field.empty()) throw ConfigError(std::string(kWho) + ": withTopicField: an empty field name");
  options_.topic_field = field;
  options_.topic = default_topic;
  return *this;
}

KafkaBolt& KafkaBolt::withTupleToKafkaMapper(const std::string& key_field,
                                             const std::string& value_field) {
  if (value_field.empty()) {
    throw ConfigError(std::string(kWho) + ": withTupleToKafkaMapper: an empty value field name");
  }
  options_.key_field = key_field;
  options_.value_field = value_field;
  return *this;
}

KafkaBolt& KafkaBolt::withProducerProperty(const std::string& name, const std::string& value) {
  if (name == "bootstrap.servers") return withBootstrapServers(value);
  options_.properties[name] = value;
  MakeConf(kWho, options_.properties);  // a bad property is an error now, naming it
  return *this;
}

KafkaBolt& KafkaBolt::withProducerProperties(const std::map<std::string, std::string>& properties) {
  for (const auto& [name, value] : properties) withProducerProperty(name, value);
  return *this;
}

KafkaBolt& KafkaBolt::setFireAndForget(bool fire_and_forget) {
  options_.fire_and_forget = fire_and_forget;
  return *this;
}

void KafkaBolt::prepare(const Config& conf, TopologyContext& context, OutputCollector& collector) {
  producer_ = std::make_unique<Producer>(options_, conf, context, collector);
}

void KafkaBolt::execute(const Tuple& input) {
  if (input.isTick()) {
    producer_->Tick();
    return;
  }
  producer_->Execute(input);
}

void KafkaBolt::cleanup() {
  producer_.reset();
}

void KafkaBolt::declareOutputFields(OutputFieldsDeclarer&) {}

Config KafkaBolt::getComponentConfiguration() {
  Config conf;
  conf.put(Config::kTopologyTickTupleFreqSecs, 1);  // serves the last delivery reports
  return conf;
}

}  // namespace storm::kafka
