// MockKafkaCluster: librdkafka's mock cluster (rdkafka_mock.h), a Kafka
// that speaks the protocol on loopback ports chosen by the system, held by
// the storm-kafka-mock tool and by the tests; and small client helpers the
// tool and the tests share (produce lines, read a topic back, read a
// group's committed offsets). Errors throw StormError naming the topic or
// the address.
//
// Thread safety: a MockKafkaCluster may be used from one thread at a time;
// the cluster itself runs on librdkafka's threads and serves any client.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kafka/rdkafka_util.h"

namespace storm::kafka {

class MockKafkaCluster {
 public:
  explicit MockKafkaCluster(int brokers = 1);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  void CreateTopic(const std::string& topic, int partitions);

 private:
  KafkaHandle owner_;  // the client whose threads run the cluster
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

struct ProducedRecord {
  int32_t partition = -1;  // -1: librdkafka's partitioner (by key)
  std::string key;         // empty: no key
  std::string value;
};

// Writes the records to `topic` and waits until every one is acknowledged.
void ProduceRecords(const std::string& bootstrap, const std::string& topic,
                    const std::vector<ProducedRecord>& records);

// One record of ReadTopic.
struct ConsumedRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  bool has_key = false;
  std::string key;
  std::string value;
};

// Every record of every partition of `topic`, up to the high watermarks
// seen when called, in partition then offset order.
std::vector<ConsumedRecord> ReadTopic(const std::string& bootstrap, const std::string& topic);

// The partition count of `topic`; throws StormError when it does not exist.
int PartitionCount(const std::string& bootstrap, const std::string& topic);

// The offsets `group` committed for the partitions 0..partitions-1 of
// `topic` (-1 for none).
std::map<int32_t, int64_t> CommittedOffsets(const std::string& bootstrap, const std::string& group,
                                            const std::string& topic, int partitions);

}  // namespace storm::kafka
