// storm::LocalCluster as a topology author uses it from a main() or a unit
// test: the topology's objects built in this process, no library, no
// ZooKeeper. Of storm-cpp, this test includes only the SDK's headers (and a
// test helper made of the standard library) and links only libstorm and
// libstorm_local_cluster, as a user's program would.
#include "storm/local_cluster.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storm/storm.h"
#include "support/test_support.h"

namespace {

// Emits the numbers 0..limit-1 with message ids, then stops.
class CountingSpout : public storm::BaseRichSpout {
 public:
  explicit CountingSpout(int limit) : limit_(limit) {}
  void open(const storm::Config&, storm::TopologyContext&,
            storm::SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override {
    if (next_ < limit_) {
      collector_->emit(storm::Values{int64_t{next_ % 10}}, storm::Value(int64_t{next_}));
      ++next_;
    }
  }
  void declareOutputFields(storm::OutputFieldsDeclarer& declarer) override {
    declarer.declare(storm::Fields{"digit"});
  }

 private:
  int limit_;
  int next_ = 0;
  storm::SpoutOutputCollector* collector_ = nullptr;
};

// Counts digits into a map shared by the test (the tasks run in this process).
struct SharedCounts {
  std::mutex mutex;
  std::map<int64_t, int> counts;
};

class DigitCountBolt : public storm::BaseBasicBolt {
 public:
  explicit DigitCountBolt(std::shared_ptr<SharedCounts> shared) : shared_(std::move(shared)) {}
  void execute(const storm::Tuple& input, storm::BasicOutputCollector&) override {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    ++shared_->counts[input.getLongByField("digit")];
  }
  void declareOutputFields(storm::OutputFieldsDeclarer&) override {}

 private:
  std::shared_ptr<SharedCounts> shared_;
};

bool WaitFor(const std::function<bool()>& done) {
  return storm::testing::WaitUntil(done, std::chrono::seconds(60));
}

storm::StormTopology DigitTopology(int limit, std::shared_ptr<SharedCounts> counts) {
  storm::TopologyBuilder builder;
  builder.setSpout("digits", std::make_shared<CountingSpout>(limit));
  builder.setBolt("count", std::make_shared<DigitCountBolt>(std::move(counts)), 2)
      .fieldsGrouping("digits", storm::Fields{"digit"});
  return builder.createTopology();
}

TEST(LocalClusterTest, RunsATopologyBuiltInThisProcessAndReportsItsTotals) {
  auto counts = std::make_shared<SharedCounts>();
  storm::LocalCluster cluster;
  storm::Config conf;
  conf.setNumWorkers(2);
  cluster.submitTopology("digits", conf, DigitTopology(1000, counts));

  ASSERT_TRUE(WaitFor([&] { return cluster.getTopologySummary("digits").acked == 1000; }))
      << "acked " << cluster.getTopologySummary("digits").acked << " of 1000";
  const storm::ClusterSummary info = cluster.getClusterInfo();
  ASSERT_EQ(info.topologies.size(), 1u);
  const storm::TopologySummary& t = info.topologies[0];
  EXPECT_EQ(t.name, "digits");
  EXPECT_EQ(t.id.rfind("digits-", 0), 0u) << t.id;
  EXPECT_EQ(t.status, "ACTIVE");
  EXPECT_EQ(t.num_workers, 2);
  EXPECT_EQ(t.failed, 0u);
  EXPECT_GE(t.executed, 1000u);
  {
    std::lock_guard<std::mutex> lock(counts->mutex);
    ASSERT_EQ(counts->counts.size(), 10u);
    for (const auto& [digit, n] : counts->counts) EXPECT_EQ(n, 100) << "digit " << digit;
  }

  cluster.killTopology("digits");
  EXPECT_TRUE(cluster.getClusterInfo().topologies.empty());
}

TEST(LocalClusterTest, RefusesWhatNimbusRefusesByName) {
  storm::LocalCluster cluster;
  auto counts = std::make_shared<SharedCounts>();
  cluster.submitTopology("once", storm::Config(), DigitTopology(10, counts));
  EXPECT_THROW(cluster.submitTopology("once", storm::Config(), DigitTopology(10, counts)),
               storm::AlreadyAliveError);
  EXPECT_THROW(cluster.killTopology("never-submitted"), storm::NotAliveError);
  EXPECT_THROW(cluster.submitTopology("bad/name", storm::Config(), DigitTopology(10, counts)),
               storm::InvalidTopologyError);

  storm::TopologyBuilder builder;
  builder.setBolt("orphan", std::make_shared<DigitCountBolt>(counts))
      .shuffleGrouping("nowhere");
  EXPECT_THROW(cluster.submitTopology("orphan", storm::Config(), builder.createTopology()),
               storm::InvalidTopologyError);
  cluster.shutdown();
  EXPECT_TRUE(cluster.getClusterInfo().topologies.empty());
}

TEST(LocalClusterTest, DeactivateAndActivateSetTheStatusAndTheSpoutsRunAgain) {
  storm::LocalCluster cluster;
  auto counts = std::make_shared<SharedCounts>();
  cluster.submitTopology("toggle", storm::Config(), DigitTopology(1'000'000, counts));
  cluster.deactivate("toggle");
  EXPECT_EQ(cluster.getTopologySummary("toggle").status, "INACTIVE");
  cluster.activate("toggle");
  EXPECT_EQ(cluster.getTopologySummary("toggle").status, "ACTIVE");
  ASSERT_TRUE(WaitFor([&] { return cluster.getTopologySummary("toggle").acked > 0; }));
}

}  // namespace
