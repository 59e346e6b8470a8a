// The Kafka spout and bolt on a InProcessCluster against librdkafka's mock
// cluster, started in this process on a port of the system's choosing:
// partitions shared by two spout tasks, the kafka_word_count example's exact
// counts in its output topic, retries with backoff on a manual clock, and
// the errors a wrong address, a missing topic and bad options give.
#include "storm/kafka/kafka_spout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "common/util/clock.h"
#include "common/topology/topology_library.h"
#include "kafka/mock_cluster.h"
#include "storm/errors.h"
#include "storm/kafka/kafka_bolt.h"
#include "storm/storm.h"
#include "local/in_process_cluster.h"
#include "support/build_paths.h"
#include "support/processes.h"
#include "support/test_support.h"

namespace storm::kafka {
namespace {

using storm::testing::BuildDir;
using storm::testing::Recorder;
using storm::testing::WaitUntil;

// The key of marker records (see WriteMarkers).
constexpr const char* kMarkerKey = "marker";

std::string MarkerEvent(const std::string& topic, int64_t partition) {
  return "marker " + topic + "-" + std::to_string(partition);
}

// Records every tuple it gets: "<partition>" with the offset, and
// "task<source task>" with the partition. Fails the offsets that are a
// multiple of fail_every (0: none), recording each attempt's clock time.
// Marker records are only acked and recorded as MarkerEvent.
class RecordingBolt : public BaseRichBolt {
 public:
  RecordingBolt(std::string recorder, int64_t fail_every = 0, const Clock* clock = nullptr)
      : recorder_(std::move(recorder)), fail_every_(fail_every), clock_(clock) {}
  void prepare(const Config&, TopologyContext&, OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const Tuple& input) override {
    Recorder& r = Recorder::Get(recorder_);
    const int64_t partition = input.getLongByField("partition");
    const int64_t offset = input.getLongByField("offset");
    const Value& key = input.getValueByField("key");
    if (key.isString() && key.asString() == kMarkerKey) {
      r.Add(MarkerEvent(input.getStringByField("topic"), partition), offset);
      collector_->ack(input);
      return;
    }
    r.Add(std::to_string(partition), offset);
    r.Add("task" + std::to_string(input.getSourceTask()), partition);
    r.Add("all", offset);
    if (clock_) r.Add("attempt" + std::to_string(offset), clock_->NowMillis());
    if (fail_every_ > 0 && offset % fail_every_ == 0) {
      collector_->fail(input);
    } else {
      collector_->ack(input);
    }
  }
  void declareOutputFields(OutputFieldsDeclarer&) override {}

 private:
  std::string recorder_;
  int64_t fail_every_;
  const Clock* clock_;
  OutputCollector* collector_ = nullptr;
};

void ProduceNumbered(const std::string& bootstrap, const std::string& topic, int partitions,
                     int records) {
  std::vector<ProducedRecord> out;
  for (int i = 0; i < records; ++i) {
    // std::string + std::string: GCC 12 warns falsely (-Wrestrict, bug 105651)
    // on `const char* + std::string` in optimised builds.
    out.push_back({i % partitions, std::string("k").append(std::to_string(i)),
                   std::string("value ").append(std::to_string(i))});
  }
  ProduceRecords(bootstrap, topic, out);
}

// Writes a marker record to each of `partitions` of `topic` and waits until
// the RecordingBolt under `recorder` got each: nothing the spout would emit
// is still to come then from those partitions. A spout task reads a
// partition in offset order (a due retry seeks back first), and the tuples
// of one executor reach one bolt executor in order, so with one bolt
// executor every record before a marker in its partition was recorded.
bool WriteMarkers(const std::string& bootstrap, const std::string& topic,
                  const std::vector<int32_t>& partitions, const std::string& recorder) {
  Recorder& r = Recorder::Get(recorder);
  std::map<int32_t, size_t> before;
  std::vector<ProducedRecord> markers;
  for (int32_t p : partitions) {
    before[p] = r.Count(MarkerEvent(topic, p));
    markers.push_back({p, kMarkerKey, "marker"});
  }
  ProduceRecords(bootstrap, topic, markers);
  return WaitUntil([&] {
    for (const auto& [p, n] : before) {
      if (r.Count(MarkerEvent(topic, p)) <= n) return false;
    }
    return true;
  });
}

bool HasError(const InProcessCluster& cluster, const std::string& name, const std::string& text) {
  for (const ErrorRecord& e : cluster.Totals(name).errors) {
    if (e.error.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string Errors(const InProcessCluster& cluster, const std::string& name) {
  std::string out;
  for (const ErrorRecord& e : cluster.Totals(name).errors)
    out += e.component + ": " + e.error + "\n";
  return out;
}

TEST(KafkaSpoutTest, TwoSpoutTasksShareFourPartitionsWithoutOverlap) {
  MockKafkaCluster kafka;
  kafka.CreateTopic("four", 4);
  ProduceNumbered(kafka.bootstrap(), "four", 4, 400);

  TopologyBuilder builder;
  builder.setSpout(
      "kafka",
      std::make_shared<KafkaSpout>(
          KafkaSpoutConfig::builder(kafka.bootstrap(), {"four"}).setGroupId("share").build()),
      2);
  builder.setBolt("record", std::make_shared<RecordingBolt>("share"), 2).shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology("share", Config(), builder.createTopology());
  Recorder& r = Recorder::Get("share");
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") >= 400; })) << r.Count("all");
  const std::vector<int>& tasks = cluster.Layout("share").TasksOf("kafka");
  ASSERT_EQ(tasks.size(), 2u);

  std::set<int64_t> read_by_some_task;
  for (int task : tasks) {
    const std::set<int64_t> mine = r.IdSet("task" + std::to_string(task));
    EXPECT_EQ(mine.size(), 2u) << "task " << task;
    for (int64_t partition : mine) {
      EXPECT_TRUE(read_by_some_task.insert(partition).second)
          << "partition " << partition << " read by two tasks";
    }
  }
  EXPECT_EQ(read_by_some_task, (std::set<int64_t>{0, 1, 2, 3}));
  for (int p = 0; p < 4; ++p) {
    std::vector<int64_t> offsets = r.Ids(std::to_string(p));
    std::sort(offsets.begin(), offsets.end());
    std::vector<int64_t> expected(100);
    for (int i = 0; i < 100; ++i) expected[i] = i;
    EXPECT_EQ(offsets, expected) << "partition " << p;
  }
  TopologyTotals totals = cluster.KillTopology("share", 1);
  EXPECT_EQ(totals.totals.spout_failed, 0u);
  EXPECT_TRUE(totals.errors.empty()) << Errors(cluster, "share");
}

TEST(KafkaSpoutTest, WordCountWritesExactlyTheExpectedCountsToItsOutputTopic) {
  MockKafkaCluster kafka;
  kafka.CreateTopic("sentences", 4);
  kafka.CreateTopic("counts", 1);
  const std::vector<std::string> vocabulary = {"storm",  "kafka",     "bolt", "spout",
                                               "offset", "partition", "acker"};
  std::map<std::string, int64_t> expected;
  std::vector<ProducedRecord> sentences;
  size_t words = 0;
  for (int line = 0; line < 300; ++line) {
    std::string sentence;
    for (int w = 0; w <= line % 5; ++w) {
      const std::string& word = vocabulary[(line * 13 + w * 5) % vocabulary.size()];
      sentence += (w ? " " : "") + word;
      ++expected[word];
      ++words;
    }
    sentences.push_back({line % 4, "", sentence});
  }
  ProduceRecords(kafka.bootstrap(), "sentences", sentences);

  auto library = TopologyLibrary::Load(BuildDir() + "/examples/libkafka_word_count.so");
  auto submissions = library->Run({"kwc", "--bootstrap", kafka.bootstrap(), "--group", "kwc"});
  ASSERT_EQ(submissions.size(), 1u);
  InProcessCluster cluster;
  cluster.SubmitTopology("kwc", submissions[0].conf, submissions[0].topology, library);
  ASSERT_TRUE(WaitUntil([&] { return cluster.Totals("kwc").totals.spout_acked >= 300; },
                        std::chrono::seconds(30)))
      << Errors(cluster, "kwc");
  std::vector<ConsumedRecord> counts;
  ASSERT_TRUE(WaitUntil([&] {
    counts = ReadTopic(kafka.bootstrap(), "counts");
    return counts.size() >= words;
  }));
  TopologyTotals totals = cluster.KillTopology("kwc", 2);
  EXPECT_EQ(totals.totals.spout_failed, 0u);
  counts = ReadTopic(kafka.bootstrap(), "counts");
  EXPECT_EQ(counts.size(), words);  // one record per counted word, none twice

  std::map<std::string, int64_t> last;
  std::map<std::string, int64_t> records_per_word;
  for (const ConsumedRecord& c : counts) {
    ASSERT_TRUE(c.has_key);
    last[c.key] = std::max<int64_t>(last[c.key], std::stoll(c.value));
    ++records_per_word[c.key];
  }
  EXPECT_EQ(last, expected);
  EXPECT_EQ(records_per_word, expected);
  // Everything read was committed (the spout commits when it is closed).
  const auto committed = CommittedOffsets(kafka.bootstrap(), "kwc", "sentences", 4);
  for (const auto& [partition, offset] : committed) EXPECT_EQ(offset, 75) << partition;
}

// The spout on a ManualClock: retry delays, commit and refresh periods move
// only when the test advances it.
ManualClock& TestClock() {
  static ManualClock clock;
  return clock;
}
class ManualClockKafkaSpout : public KafkaSpout {
 public:
  using KafkaSpout::KafkaSpout;

 protected:
  int64_t nowMillis() const override { return TestClock().NowMillis(); }
};

TEST(KafkaSpoutTest, FailedTuplesAreRetriedWithBackoffAndGivenUpAfterTheRetryLimit) {
  MockKafkaCluster kafka;
  kafka.CreateTopic("retry", 1);
  ProduceNumbered(kafka.bootstrap(), "retry", 1, 20);
  ManualClock& clock = TestClock();
  const auto config = KafkaSpoutConfig::builder(kafka.bootstrap(), {"retry"})
                          .setGroupId("retry")
                          .setOffsetCommitPeriodMs(1'000)
                          .setRetry(KafkaSpoutRetryExponentialBackoff(
                              /*initial*/ 100, /*period*/ 100, /*max retries*/ 2, /*max*/ 10'000))
                          .build();
  TopologyBuilder builder;
  builder.setSpout("kafka", std::make_shared<ManualClockKafkaSpout>(config));
  builder.setBolt("record", std::make_shared<RecordingBolt>("retry", 5, &clock))
      .shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology("retry", Config(), builder.createTopology());
  Recorder& r = Recorder::Get("retry");

  // Marker records, each acked at once, show what the spout emits at the
  // clock's current time (WriteMarkers): no retry that is not due.
  int64_t markers = 0;
  auto stays = [&](size_t count) {
    ++markers;
    return WriteMarkers(kafka.bootstrap(), "retry", {0}, "retry") && r.Count("all") == count;
  };
  // The clock may move only once the spout got the fails (the acker tells
  // it after the bolt failed): the retry is scheduled from the time then.
  // The count moves just before the spout's fail() runs; a marker emitted
  // afterwards, on the same thread, shows that fail() has run.
  auto spout_got_fails = [&](uint64_t fails) {
    const bool got =
        WaitUntil([&] { return cluster.Totals("retry").totals.spout_failed >= fails; });
    ++markers;
    return got && WriteMarkers(kafka.bootstrap(), "retry", {0}, "retry");
  };
  // First attempts: 20 tuples, 4 of them (offsets 0, 5, 10, 15) fail.
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") >= 20; })) << Errors(cluster, "retry");
  ASSERT_TRUE(spout_got_fails(4));
  const int64_t t0 = clock.NowMillis();
  EXPECT_TRUE(stays(20)) << "retried before the clock moved";
  clock.AdvanceMillis(99);
  EXPECT_TRUE(stays(20)) << "retried before the initial delay";
  clock.AdvanceMillis(1);
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") >= 24; }));
  ASSERT_TRUE(spout_got_fails(8));
  // Second failure: delayPeriod * 2^1 = 200 ms.
  clock.AdvanceMillis(199);
  EXPECT_TRUE(stays(24)) << "retried before the second delay";
  clock.AdvanceMillis(1);
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") >= 28; }));
  ASSERT_TRUE(spout_got_fails(12));
  // Third failure: more than two retries, given up.
  clock.AdvanceMillis(10'000);
  EXPECT_TRUE(stays(28)) << "retried after the retry limit";

  for (int64_t offset = 0; offset < 20; ++offset) {
    const std::vector<int64_t> attempts = r.Ids("attempt" + std::to_string(offset));
    if (offset % 5 != 0) {
      EXPECT_EQ(attempts.size(), 1u) << offset;
      continue;
    }
    ASSERT_EQ(attempts.size(), 3u) << offset;
    EXPECT_EQ(attempts[0], t0);
    EXPECT_EQ(attempts[1], t0 + 100);
    EXPECT_EQ(attempts[2], t0 + 300);
  }
  // Given up counts as done: the commit moves past every offset (and the
  // markers after them).
  clock.AdvanceMillis(1'000);
  EXPECT_TRUE(WaitUntil([&] {
    return CommittedOffsets(kafka.bootstrap(), "retry", "retry", 1).at(0) == 20 + markers;
  }));
  TopologyTotals totals = cluster.KillTopology("retry", 1);
  EXPECT_EQ(totals.totals.spout_failed, 12u);  // 4 offsets x 3 attempts
}

// Runs a one-spout topology reading partition 0 of `topic` until `count`
// tuples were recorded under `recorder` (or the wait times out) and a marker
// written then came through (nothing more may come), then kills it.
size_t RunUntil(const std::string& name, const KafkaSpoutConfig& config, const std::string& topic,
                const std::string& recorder, size_t count) {
  TopologyBuilder builder;
  builder.setSpout("kafka", std::make_shared<KafkaSpout>(config));
  builder.setBolt("record", std::make_shared<RecordingBolt>(recorder)).shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology(name, Config(), builder.createTopology());
  Recorder& r = Recorder::Get(recorder);
  WaitUntil([&] { return r.Count("all") >= count; }, std::chrono::seconds(10));
  EXPECT_TRUE(WriteMarkers(config.bootstrapServers(), topic, {0}, recorder))
      << "the marker after the records did not come through";
  cluster.KillTopology(name, 1);
  return r.Count("all");
}

TEST(KafkaSpoutTest, FirstPollOffsetStrategiesStartWhereStormKafkaClientStarts) {
  MockKafkaCluster kafka;
  kafka.CreateTopic("first", 1);
  ProduceNumbered(kafka.bootstrap(), "first", 1, 40);
  auto config = [&](FirstPollOffsetStrategy s) {
    return KafkaSpoutConfig::builder(kafka.bootstrap(), {"first"})
        .setGroupId("first")
        .setFirstPollOffsetStrategy(s)
        .build();
  };
  // Each RunUntil ends with a marker record: offsets 40, 42 and 43.
  // A first deployment reads everything and commits it when it stops.
  EXPECT_EQ(
      RunUntil("a", config(FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST), "first", "first-a", 40),
      40u);
  EXPECT_EQ(CommittedOffsets(kafka.bootstrap(), "first", "first", 1).at(0), 41);
  // UNCOMMITTED_EARLIEST resumes from the commit: only the record written since.
  ProduceNumbered(kafka.bootstrap(), "first", 1, 1);
  EXPECT_EQ(
      RunUntil("b", config(FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST), "first", "first-b", 1),
      1u);
  EXPECT_EQ(Recorder::Get("first-b").IdSet("0"), std::set<int64_t>{41});
  // EARLIEST ignores what another topology committed: all again.
  EXPECT_EQ(RunUntil("c", config(FirstPollOffsetStrategy::EARLIEST), "first", "first-c", 41), 41u);
  // LATEST, in a new group, starts at the end: only records written later.
  TopologyBuilder builder;
  builder.setSpout("kafka", std::make_shared<KafkaSpout>(
                                KafkaSpoutConfig::builder(kafka.bootstrap(), {"first"})
                                    .setGroupId("latest")
                                    .setFirstPollOffsetStrategy(FirstPollOffsetStrategy::LATEST)
                                    .build()));
  builder.setBolt("record", std::make_shared<RecordingBolt>("first-d")).shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology("d", Config(), builder.createTopology());
  // Records written before the spout took its partition are skipped, those
  // after are read: write one at a time until one comes through.
  Recorder& r = Recorder::Get("first-d");
  int64_t written = 44;  // the end of the partition: 41 records, 3 markers
  ASSERT_TRUE(WaitUntil([&] {
    if (r.Count("all") > 0) return true;
    ProduceNumbered(kafka.bootstrap(), "first", 1, 1);
    ++written;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // pacing the writes
    return false;
  }));
  ProduceNumbered(kafka.bootstrap(), "first", 1, 5);
  written += 5;
  ASSERT_TRUE(
      WaitUntil([&] { return !r.IdSet("0").empty() && *r.IdSet("0").rbegin() == written - 1; }));
  const std::set<int64_t> read = r.IdSet("0");
  EXPECT_GE(*read.begin(), 44) << "LATEST read a record written before the topology started";
  EXPECT_EQ(static_cast<int64_t>(read.size()), *read.rbegin() - *read.begin() + 1);  // no gap
  cluster.KillTopology("d", 1);
}

TEST(KafkaSpoutTest, NoGuaranteeEmitsUntrackedTuplesAndCommitsPeriodically) {
  MockKafkaCluster kafka;
  kafka.CreateTopic("loose", 2);
  ProduceNumbered(kafka.bootstrap(), "loose", 2, 40);
  TopologyBuilder builder;
  builder.setSpout("kafka", std::make_shared<KafkaSpout>(
                                KafkaSpoutConfig::builder(kafka.bootstrap(), {"loose"})
                                    .setGroupId("loose")
                                    .setProcessingGuarantee(ProcessingGuarantee::NO_GUARANTEE)
                                    .setOffsetCommitPeriodMs(100)
                                    .build()));
  builder.setBolt("record", std::make_shared<RecordingBolt>("loose")).shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology("loose", Config(), builder.createTopology());
  Recorder& r = Recorder::Get("loose");
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") == 40; })) << r.Count("all");
  EXPECT_TRUE(WaitUntil([&] {
    auto committed = CommittedOffsets(kafka.bootstrap(), "loose", "loose", 2);
    return committed.at(0) == 20 && committed.at(1) == 20;
  }));
  TopologyTotals totals = cluster.KillTopology("loose", 1);
  EXPECT_EQ(totals.totals.spout_acked, 0u);  // no message ids: nothing tracked
}

TEST(KafkaSpoutTest, ATopicPatternFollowsNewTopicsAndTheTasksDealThePartitionsAgain) {
  MockKafkaCluster kafka;
  kafka.CreateTopic("events-a", 2);
  ProduceNumbered(kafka.bootstrap(), "events-a", 2, 20);
  TopologyBuilder builder;
  builder.setSpout("kafka",
                   std::make_shared<KafkaSpout>(
                       KafkaSpoutConfig::builderWithPattern(kafka.bootstrap(), "events-.*")
                           .setGroupId("pattern")
                           .setPartitionRefreshPeriodMs(200)
                           .build()),
                   2);
  // One bolt executor: the markers below come after the records before them.
  builder.setBolt("record", std::make_shared<RecordingBolt>("pattern")).shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology("pattern", Config(), builder.createTopology());
  Recorder& r = Recorder::Get("pattern");
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") == 20; })) << r.Count("all");
  // A second topic matches: sorted, the four partitions are dealt again
  // (a-0, b-0 to task 0; a-1, b-1 to task 1), a-0 and a-1 keep their place.
  kafka.CreateTopic("events-b", 2);
  ProduceNumbered(kafka.bootstrap(), "events-b", 2, 20);
  ProduceNumbered(kafka.bootstrap(), "events-a", 2, 20);
  ASSERT_TRUE(WaitUntil([&] { return r.Count("all") == 60; })) << r.Count("all");
  ASSERT_TRUE(WriteMarkers(kafka.bootstrap(), "events-a", {0, 1}, "pattern"));
  ASSERT_TRUE(WriteMarkers(kafka.bootstrap(), "events-b", {0, 1}, "pattern"));
  EXPECT_EQ(r.Count("all"), 60u);  // nothing twice
  std::vector<int64_t> a0 = r.Ids("0");
  std::sort(a0.begin(), a0.end());
  // Partition "0" records of both topics: offsets 0-19 of a-0 and 0-9 of b-0.
  EXPECT_EQ(a0.size(), 30u);
  EXPECT_EQ(std::set<int64_t>(a0.begin(), a0.end()).size(), 20u);
  const std::vector<int>& tasks = cluster.Layout("pattern").TasksOf("kafka");
  for (int task : tasks) {
    EXPECT_EQ(r.IdSet("task" + std::to_string(task)).size(), 1u)
        << "task " << task << " read partitions of both numbers";
  }
  TopologyTotals totals = cluster.KillTopology("pattern", 1);
  EXPECT_TRUE(totals.errors.empty()) << Errors(cluster, "pattern");
}

// A spout that emits one ("key", "message") tuple, for the bolt's errors.
class OneTupleSpout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext&, SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    if (done_) return;
    done_ = true;
    collector_->emit(Values{"k", "v"}, Value(int64_t{1}));
  }
  void declareOutputFields(OutputFieldsDeclarer& d) override {
    d.declare(Fields{"key", "message"});
  }

 private:
  SpoutOutputCollector* collector_ = nullptr;
  bool done_ = false;
};

TEST(KafkaSpoutTest, AWrongBootstrapAddressIsAClearErrorForTheSpoutAndTheBolt) {
  // Port 1 on loopback: nothing listens there.
  TopologyBuilder builder;
  builder.setSpout(
      "kafka",
      std::make_shared<KafkaSpout>(
          KafkaSpoutConfig::builder("127.0.0.1:1", {"t"}).setMetadataTimeoutMs(300).build()));
  builder.setSpout("one", std::make_shared<OneTupleSpout>());
  auto bolt = std::make_shared<KafkaBolt>();
  bolt->withBootstrapServers("127.0.0.1:1")
      .withTopic("out")
      .withProducerProperty("message.timeout.ms", "300");
  builder.setBolt("to-kafka", bolt).shuffleGrouping("one");
  InProcessCluster cluster;
  cluster.SubmitTopology("wrong", Config(), builder.createTopology());
  EXPECT_TRUE(WaitUntil([&] {
    return HasError(cluster, "wrong",
                    "kafka spout kafka: cannot get the topics' metadata from bootstrap servers "
                    "'127.0.0.1:1'");
  })) << Errors(cluster, "wrong");
  EXPECT_TRUE(WaitUntil([&] {
    return HasError(cluster, "wrong",
                    "kafka bolt to-kafka: delivery to topic 'out' at bootstrap servers "
                    "'127.0.0.1:1' failed");
  })) << Errors(cluster, "wrong");
  // The bolt failed its input: the spout's tree failed.
  EXPECT_TRUE(WaitUntil([&] { return cluster.Totals("wrong").totals.spout_failed == 1; }));
  cluster.KillTopology("wrong", 0);
}

TEST(KafkaSpoutTest, AMissingTopicIsReportedAndReadOnceItExists) {
  MockKafkaCluster kafka;
  TopologyBuilder builder;
  builder.setSpout(
      "kafka", std::make_shared<KafkaSpout>(KafkaSpoutConfig::builder(kafka.bootstrap(), {"later"})
                                                .setGroupId("later")
                                                .setPartitionRefreshPeriodMs(200)
                                                .build()));
  builder.setBolt("record", std::make_shared<RecordingBolt>("later")).shuffleGrouping("kafka");
  InProcessCluster cluster;
  cluster.SubmitTopology("later", Config(), builder.createTopology());
  EXPECT_TRUE(WaitUntil([&] {
    return HasError(cluster, "later",
                    "kafka spout kafka: topic 'later' does not exist at bootstrap servers '" +
                        kafka.bootstrap() + "'");
  })) << Errors(cluster, "later");
  // The spout follows the topic's partitions as they appear.
  kafka.CreateTopic("later", 3);
  ProduceNumbered(kafka.bootstrap(), "later", 3, 30);
  Recorder& r = Recorder::Get("later");
  EXPECT_TRUE(WaitUntil([&] { return r.Count("all") == 30; })) << r.Count("all");
  cluster.KillTopology("later", 1);
}

TEST(KafkaSpoutTest, MissingBootstrapServersAreAClearError) {
  auto library = TopologyLibrary::Load(BuildDir() + "/examples/libkafka_word_count.so");
  auto submissions = library->Run({"nobootstrap"});
  InProcessCluster cluster;
  cluster.SubmitTopology("nobootstrap", submissions[0].conf, submissions[0].topology, library);
  EXPECT_TRUE(WaitUntil([&] {
    return HasError(cluster, "nobootstrap", "kafka spout sentences: no bootstrap servers") &&
           HasError(cluster, "nobootstrap", "kafka bolt to-kafka: no bootstrap servers");
  })) << Errors(cluster, "nobootstrap");
  cluster.KillTopology("nobootstrap", 0);
}

TEST(KafkaSpoutTest, StormLocalRefusesABadSpoutOptionInOneLine) {
  const std::string wc = BuildDir() + "/examples/libkafka_word_count.so";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--guarantee", "EXACTLY_ONCE"}, "kafka spout: unknown processing guarantee 'EXACTLY_ONCE'"},
      {{"--first-poll", "NEWEST"}, "kafka spout: unknown first poll offset strategy 'NEWEST'"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> argv = {BuildDir() + "/bin/storm", "local", wc, "kwc"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = storm::testing::RunProgram(argv, {}, std::chrono::seconds(30));
    EXPECT_NE(r.status, 0) << r.Describe();
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace storm::kafka
