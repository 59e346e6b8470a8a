// A topology library for the Kafka restart tests: a KafkaSpout (two tasks)
// and a bolt that appends "partition offset" for every tuple to a file
// (one write per tuple, before the ack) and takes ~1 ms per tuple, so that
// a test can kill the process mid-stream and compare what was processed
// with what the consumer group committed.
//
//   args: <name> <bootstrap> <topic> <group> <guarantee> <record file>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "storm/kafka/kafka_spout.h"
#include "storm/storm.h"

namespace {

class RecordingBolt : public storm::BaseRichBolt {
 public:
  explicit RecordingBolt(std::string file) : file_(std::move(file)) {}
  RecordingBolt(const RecordingBolt& other) : BaseRichBolt(), file_(other.file_) {}
  ~RecordingBolt() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void prepare(const storm::Config&, storm::TopologyContext&,
               storm::OutputCollector& collector) override {
    collector_ = &collector;
    fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + file_);
  }
  void execute(const storm::Tuple& input) override {
    char line[64];
    const int n = std::snprintf(line, sizeof line, "%lld %lld\n",
                                static_cast<long long>(input.getLongByField("partition")),
                                static_cast<long long>(input.getLongByField("offset")));
    if (::write(fd_, line, static_cast<size_t>(n)) != n) throw std::runtime_error("short write");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    collector_->ack(input);
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  std::string file_;
  int fd_ = -1;
  storm::OutputCollector* collector_ = nullptr;
};

}  // namespace

STORM_TOPOLOGY_MAIN(args) {
  if (args.size() != 6) {
    throw std::invalid_argument("usage: <name> <bootstrap> <topic> <group> <guarantee> <file>");
  }
  auto config = storm::kafka::KafkaSpoutConfig::builder(args[1], {args[2]})
                    .setGroupId(args[3])
                    .setProcessingGuarantee(storm::kafka::ParseProcessingGuarantee(args[4]))
                    .setOffsetCommitPeriodMs(50)
                    .setMaxUncommittedOffsets(300)
                    .setMaxPollRecords(50)
                    .build();
  storm::TopologyBuilder builder;
  builder.setSpout("kafka", std::make_shared<storm::kafka::KafkaSpout>(config), 2);
  builder.setBolt("record", std::make_shared<RecordingBolt>(args[5]), 2).shuffleGrouping("kafka");
  storm::Config conf;
  conf.setNumWorkers(1);
  conf.setMaxSpoutPending(100);
  // Small queues: AT_MOST_ONCE emits untracked tuples, which only
  // backpressure holds back; the kill must find records not yet read.
  conf.put(storm::Config::kTopologyExecutorReceiveBufferSize, 64);
  conf.put(storm::Config::kTopologyProducerBatchSize, 8);
  storm::StormSubmitter::submitTopology(args[0], conf, builder.createTopology());
}
