// kafka_word_count on the multi-process cluster (issue #5 over issue #4): a
// real ZooKeeper, storm-nimbus, one storm-supervisor with two slots and its
// storm-worker processes, reading from and writing to librdkafka's mock
// cluster in this process (the workers reach it over loopback TCP).
//  - `storm jar` with -c kafka.bootstrap.servers: the counts topic holds
//    exactly the expected counts for a finite input;
//  - a worker SIGKILLed mid-stream is restarted by its supervisor and the
//    spout resumes from the committed offsets until every sentence is done.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <sstream>
#include <string>

#include "e2e/cluster_hosts.h"
#include "kafka/mock_cluster.h"

namespace storm::e2e {
namespace {

using kafka::CommittedOffsets;
using kafka::ProducedRecord;
using kafka::ReadTopic;
using testing::AnyZooKeeper;

constexpr int kPartitions = 4;
const char* const kGroup = "kafka-word-count";

std::string KafkaWordCountLibrary() {
  return BuildDir() + "/examples/libkafka_word_count.so";
}

class KafkaClusterTest : public ::testing::Test {
 protected:
  KafkaClusterTest() : cluster_(AnyZooKeeper()) {
    host_ =
        std::make_unique<SupervisorHost>(cluster_, "a",
                                         std::vector<int>{testing::FreePort(),
                                                          testing::FreePort()});
    EXPECT_TRUE(Eventually([&] { return cluster_.state().SupervisorIds().size() == 1; }, 30s))
        << host_->Logs();
    kafka_.CreateTopic("sentences", kPartitions);
    kafka_.CreateTopic("counts", 1);
  }
  ~KafkaClusterTest() override {
    if (HasFailure()) std::cerr << host_->Logs() << std::flush;
    cluster_.KillAll();
  }

  // Writes `n` sentences (sentence i to partition i % 4) and adds their
  // words to `expected`.
  void ProduceSentences(int first, int n, std::map<std::string, int64_t>& expected) {
    const std::vector<std::string> vocabulary = {"nimbus", "supervisor", "worker", "kafka",
                                                 "offset"};
    std::vector<ProducedRecord> records;
    for (int i = first; i < first + n; ++i) {
      std::string sentence;
      for (int w = 0; w <= i % 4; ++w) {
        const std::string& word = vocabulary[(i * 7 + w * 3) % vocabulary.size()];
        sentence += (w ? " " : "") + word;
        ++expected[word];
      }
      records.push_back({i % kPartitions, "", sentence});
    }
    kafka::ProduceRecords(kafka_.bootstrap(), "sentences", records);
  }

  bool AllCommitted(int64_t per_partition) {
    for (const auto& [p, offset] :
         CommittedOffsets(kafka_.bootstrap(), kGroup, "sentences", kPartitions)) {
      if (offset != per_partition) return false;
    }
    return true;
  }

  kafka::MockKafkaCluster kafka_;
  TestCluster cluster_;
  std::unique_ptr<SupervisorHost> host_;
};

TEST_F(KafkaClusterTest, WordCountOnWorkerProcessesAndAKilledWorkerResumesFromTheCommits) {
  std::map<std::string, int64_t> expected;
  ProduceSentences(0, 200, expected);
  ExpectSuccess(cluster_.Storm({"jar", KafkaWordCountLibrary(), "kwc", "-c",
                                std::string("kafka.bootstrap.servers=") + kafka_.bootstrap(), "-c",
                                "topology.workers=2", "-c", "topology.message.timeout.secs=10"}));
  ASSERT_TRUE(Eventually([&] { return host_->WorkerPids().size() == 2; }, 60s)) << host_->Logs();

  // Every sentence acked and committed (the example commits every second).
  ASSERT_TRUE(Eventually([&] { return AllCommitted(200 / kPartitions); }, 90s)) << host_->Logs();
  std::map<std::string, int64_t> records_per_word;
  std::map<std::string, int64_t> last;
  size_t words = 0;
  for (const auto& [w, n] : expected) words += static_cast<size_t>(n);
  std::vector<kafka::ConsumedRecord> counts;
  ASSERT_TRUE(Eventually(
      [&] {
        counts = ReadTopic(kafka_.bootstrap(), "counts");
        return counts.size() >= words;
      },
      30s));
  for (const auto& c : counts) {
    ++records_per_word[c.key];
    last[c.key] = std::max<int64_t>(last[c.key], std::stoll(c.value));
  }
  EXPECT_EQ(records_per_word, expected);
  EXPECT_EQ(last, expected);

  // A worker SIGKILLed while new sentences come: its supervisor restarts
  // it, and the spouts go on from the committed offsets to the end.
  ProduceSentences(200, 2000, expected);
  const auto [port, pid] = *host_->WorkerPids().begin();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(Eventually(
      [&, port = port, pid = pid] {
        auto now = host_->WorkerPids();
        return now.count(port) != 0 && now.at(port) != pid;
      },
      60s))
      << "no new worker on port " << port << host_->Logs();
  EXPECT_TRUE(Eventually([&] { return AllCommitted(2200 / kPartitions); }, 120s))
      << "committed: " << [&] {
           std::ostringstream s;
           for (const auto& [p, o] :
                CommittedOffsets(kafka_.bootstrap(), kGroup, "sentences", kPartitions)) {
             s << p << "=" << o << " ";
           }
           return s.str();
         }();
  ExpectSuccess(cluster_.Storm({"kill", "kwc", "-w", "1"}));
}

}  // namespace
}  // namespace storm::e2e
