#include "kafka/mock_cluster.h"

#include <algorithm>
#include <chrono>

#include "storm/errors.h"

namespace storm::kafka {

namespace {

constexpr int kTimeoutMs = 10'000;

KafkaHandle Client(rd_kafka_type_t type, const std::string& bootstrap,
                   std::map<std::string, std::string> more = {}) {
  more["bootstrap.servers"] = bootstrap;
  return MakeClient("kafka client", type, MakeConf("kafka client", more));
}

}  // namespace

MockKafkaCluster::MockKafkaCluster(int brokers) {
  // The owning client never connects anywhere: a producer with no brokers.
  // (its warning that it has no bootstrap servers is expected: log errors only).
  owner_ =
      MakeClient("kafka mock", RD_KAFKA_PRODUCER, MakeConf("kafka mock", {{"log_level", "3"}}));
  cluster_ = rd_kafka_mock_cluster_new(owner_.get(), brokers);
  if (cluster_ == nullptr) throw StormError("kafka mock: cannot start librdkafka's mock cluster");
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

MockKafkaCluster::~MockKafkaCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
}

void MockKafkaCluster::CreateTopic(const std::string& topic, int partitions) {
  if (topic.empty() || partitions < 1) {
    throw StormError("kafka mock: topic '" + topic + "' needs a name and at least one partition");
  }
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, /*replication_factor=*/1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StormError("kafka mock: cannot create topic '" + topic + "': " + rd_kafka_err2str(err));
  }
}

void ProduceRecords(const std::string& bootstrap, const std::string& topic,
                    const std::vector<ProducedRecord>& records) {
  KafkaHandle producer = Client(RD_KAFKA_PRODUCER, bootstrap, {{"linger.ms", "5"}});
  int failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (const ProducedRecord& r : records) {
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
          RD_KAFKA_V_KEY(r.key.empty() ? nullptr : const_cast<char*>(r.key.data()), r.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer.get(), 50);
        continue;
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++failed;
        if (first_error == RD_KAFKA_RESP_ERR_NO_ERROR) first_error = err;
      }
      break;
    }
  }
  if (rd_kafka_flush(producer.get(), kTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StormError("kafka client: records to topic '" + topic + "' at '" + bootstrap +
                     "' not delivered within " + std::to_string(kTimeoutMs) + " ms");
  }
  if (failed > 0) {
    throw StormError("kafka client: " + std::to_string(failed) + " records to topic '" + topic +
                     "' refused: " + rd_kafka_err2str(first_error));
  }
}

int PartitionCount(const std::string& bootstrap, const std::string& topic) {
  KafkaHandle client = Client(RD_KAFKA_PRODUCER, bootstrap);
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(client.get(), 1, nullptr, &raw, kTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StormError("kafka client: no metadata from '" + bootstrap +
                     "': " + rd_kafka_err2str(err));
  }
  KafkaMetadata metadata(raw);
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    if (topic == metadata->topics[t].topic &&
        metadata->topics[t].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      return metadata->topics[t].partition_cnt;
    }
  }
  throw StormError("kafka client: topic '" + topic + "' does not exist at '" + bootstrap + "'");
}

std::vector<ConsumedRecord> ReadTopic(const std::string& bootstrap, const std::string& topic) {
  const int partitions = PartitionCount(bootstrap, topic);
  KafkaHandle consumer = Client(RD_KAFKA_CONSUMER, bootstrap,
                                {{"group.id", "storm-kafka-reader"},
                                 {"enable.auto.commit", "false"},
                                 {"enable.partition.eof", "false"}});
  rd_kafka_poll_set_consumer(consumer.get());
  PartitionList list = NewPartitionList(partitions);
  std::map<int32_t, int64_t> high;
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = 0;
    int64_t hi = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), p, &lo, &hi, kTimeoutMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw StormError("kafka client: no offsets for " + topic + "-" + std::to_string(p) + ": " +
                       rd_kafka_err2str(err));
    }
    if (hi > lo) {
      high[p] = hi;
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = lo;
    }
  }
  std::vector<ConsumedRecord> out;
  if (high.empty()) return out;
  rd_kafka_assign(consumer.get(), list.get());
  std::map<int32_t, int64_t> next;
  auto done = [&] {
    return std::all_of(high.begin(), high.end(),
                       [&](const auto& h) { return next[h.first] >= h.second; });
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw StormError("kafka client: could not read topic '" + topic + "' to its end");
    }
    KafkaMessage m(rd_kafka_consumer_poll(consumer.get(), 100));
    if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (m->offset >= high[m->partition]) continue;
    ConsumedRecord r;
    r.partition = m->partition;
    r.offset = m->offset;
    r.has_key = m->key != nullptr;
    if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
    next[m->partition] = m->offset + 1;
    out.push_back(std::move(r));
  }
  rd_kafka_consumer_close(consumer.get());
  std::sort(out.begin(), out.end(), [](const ConsumedRecord& a, const ConsumedRecord& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return out;
}

std::map<int32_t, int64_t> CommittedOffsets(const std::string& bootstrap, const std::string& group,
                                            const std::string& topic, int partitions) {
  KafkaHandle consumer =
      Client(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", group}, {"enable.auto.commit", "false"}});
  PartitionList list = NewPartitionList(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  rd_kafka_resp_err_t err = rd_kafka_committed(consumer.get(), list.get(), kTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StormError("kafka client: cannot read committed offsets of group '" + group +
                     "': " + rd_kafka_err2str(err));
  }
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    out[list->elems[i].partition] = list->elems[i].offset >= 0 ? list->elems[i].offset : -1;
  }
  rd_kafka_consumer_close(consumer.get());
  return out;
}

}  // namespace storm::kafka
