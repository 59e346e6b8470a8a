// set_log_level, debug, the topology history and the owners' summaries
// through the Nimbus library (Storm's setLogConfig/getLogConfig, debug,
// getTopologyHistory, getOwnerResourceSummaries).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

LogLevelChange Update(const std::string& level, int timeout = 0) {
  LogLevelChange c;
  c.action = LogLevelChange::Action::kUpdate;
  c.target_level = level;
  c.timeout_secs = timeout;
  return c;
}

TEST_F(NimbusTest, LogConfigUpdatesRemovesAndIgnoresUnchanged) {
  const std::string id = Submit("words");
  EXPECT_TRUE(nimbus_->GetLogConfig(id).loggers.empty());
  nimbus_->SetLogConfig(id, {{"ROOT", Update("DEBUG", 30)}, {"com.example", Update("WARN")}});
  LogConfig config = nimbus_->GetLogConfig(id);
  ASSERT_EQ(config.loggers.size(), 2u);
  EXPECT_EQ(config.loggers.at("ROOT").target_level, "DEBUG");
  EXPECT_EQ(config.loggers.at("ROOT").reset_timeout_epoch_secs, UnixSecs() + 30);
  EXPECT_EQ(config.loggers.at("ROOT").reset_level, "INFO");
  EXPECT_EQ(config.loggers.at("com.example").reset_timeout_epoch_secs, 0) << "0: never reset";
  EXPECT_EQ(state_->GetLogConfig(id), config) << "kept in the cluster state for the workers";

  LogLevelChange remove;
  remove.action = LogLevelChange::Action::kRemove;
  LogLevelChange unchanged;
  unchanged.target_level = "TRACE";
  nimbus_->SetLogConfig(id, {{"com.example", remove}, {"ROOT", unchanged}});
  config = nimbus_->GetLogConfig(id);
  ASSERT_EQ(config.loggers.size(), 1u);
  EXPECT_EQ(config.loggers.at("ROOT").target_level, "DEBUG");

  EXPECT_NE(ErrorOf<NotAliveError>([&] { nimbus_->GetLogConfig("nope-1-1"); }).find("nope-1-1"),
            std::string::npos);
  EXPECT_NE(ErrorOf<std::invalid_argument>([&] {
              nimbus_->SetLogConfig(id, {{"ROOT", Update("DEBUG", -1)}});
            }).find("negative"),
            std::string::npos);
}

TEST_F(NimbusTest, DebugSetsTheSamplingOfAComponentOrTheTopology) {
  const std::string id = Submit("words");
  nimbus_->Debug("words", "", true, 10);
  nimbus_->Debug("words", "split", true, 50);
  StormBase base = BaseOf(id);
  EXPECT_EQ(base.component_debug.at(""), (DebugOptions{true, 10}));
  EXPECT_EQ(base.component_debug.at("split"), (DebugOptions{true, 50}));
  nimbus_->Debug("words", "split", false, 0);
  EXPECT_EQ(BaseOf(id).component_debug.at("split"), (DebugOptions{false, 0}));
  // What the pages show.
  EXPECT_EQ(nimbus_->GetTopologyPage(id, "600", false).debug, (DebugOptions{true, 10}));
  EXPECT_EQ(nimbus_->GetComponentPage(id, "split", "600", false).debug, (DebugOptions{false, 0}));

  EXPECT_NE(ErrorOf<NotAliveError>([&] { nimbus_->Debug("nope", "", true, 1); }).find("nope"),
            std::string::npos);
  EXPECT_NE(ErrorOf<NotAliveError>([&] { nimbus_->Debug("words", "bogus", true, 1); })
                .find("'bogus'"),
            std::string::npos);
  EXPECT_NE(ErrorOf<std::invalid_argument>([&] { nimbus_->Debug("words", "", true, 101); })
                .find("samplingPercentage"),
            std::string::npos);
  EXPECT_NE(ErrorOf<std::invalid_argument>([&] { nimbus_->Debug("words", "", true, -1); })
                .find("samplingPercentage"),
            std::string::npos);
}

TEST_F(NimbusTest, HistoryKeepsKilledTopologiesForTheCleanupAge) {
  const std::string gone = Submit("gone");
  nimbus_->KillTopology("gone", 0);
  nimbus_->RunMonitorOnce();
  ASSERT_FALSE(state_->GetStormBase(gone));
  const std::string live = Submit("live", Workers(1));
  auto history = nimbus_->TopologyHistory();
  EXPECT_EQ(history, (std::vector<std::string>{gone, live}));
  // Kept across a restart: it is in storm.local.dir.
  StartNimbus();
  EXPECT_EQ(nimbus_->TopologyHistory().size(), 2u);
  // logviewer.cleanup.age.mins (7 days by default) later, it is gone.
  clock_.AdvanceSecs(10080 * 60 + 1);
  EXPECT_EQ(nimbus_->TopologyHistory(), (std::vector<std::string>{live}));
}

TEST_F(NimbusTest, OwnerSummariesCountTheLiveTopologiesOfEachOwner) {
  Submit("a", Workers(2).put(Config::kTopologySubmitterUser, "alice"));
  Submit("b", Workers(1).put(Config::kTopologySubmitterUser, "alice"));
  Submit("c", Workers(1).put(Config::kTopologySubmitterUser, "bob"));
  const auto all = nimbus_->OwnerSummaries("");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].owner, "alice");
  EXPECT_EQ(all[0].total_topologies, 2);
  EXPECT_EQ(all[0].total_workers, 3);
  EXPECT_EQ(all[0].total_executors, 2 * 6 + 2 + 1);  // 6 user executors, ackers per worker
  EXPECT_EQ(all[0].total_tasks, 2 * 8 + 2 + 1);
  const auto bob = nimbus_->OwnerSummaries("bob");
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_EQ(bob[0].total_topologies, 1);
  const auto nobody = nimbus_->OwnerSummaries("carol");
  ASSERT_EQ(nobody.size(), 1u);
  EXPECT_EQ(nobody[0].total_topologies, 0);
}

}  // namespace
}  // namespace storm::testing
