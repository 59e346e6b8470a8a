// Nimbus's submit: what it stores and assigns, inactive submits, the
// uploaded library (required unless optional, checked, installed, used
// once), and the validation of names, topologies and configs, each refused
// with a message that says why and leaving nothing behind.
#include <gtest/gtest.h>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

// ---- Submit ------------------------------------------------------------------------------

TEST_F(NimbusTest, SubmitStoresTheTopologyAndAssignsIt) {
  const int64_t launch = UnixSecs();
  const std::string id = Submit("words");
  EXPECT_EQ(id, "words-1-" + std::to_string(launch));
  EXPECT_EQ(nimbus_->IdOfName("words"), id);

  const StormBase base = BaseOf(id);
  EXPECT_EQ(base.name, "words");
  EXPECT_EQ(base.status, TopologyStatus::kActive);
  EXPECT_EQ(base.num_workers, 3);
  EXPECT_EQ(base.launch_time_secs, launch);
  // Ackers default to one per worker.
  EXPECT_EQ(base.component_executors,
            (std::map<std::string, int>{{"__acker", 3}, {"count", 2}, {"spout", 2}, {"split", 2}}));

  // 9 executors over 3 slots taken round-robin across the two supervisors.
  const Assignment a = AssignmentOf(id);
  EXPECT_EQ(a.executor_slot.size(), 9u);
  EXPECT_EQ(SlotsOf(a), (std::set<WorkerSlot>{{"sup-a", 6700}, {"sup-b", 6700}, {"sup-a", 6701}}));
  for (const auto& [slot, executors] : BySlot(a)) EXPECT_EQ(executors.size(), 3u);
  EXPECT_EQ(a.node_host,
            (std::map<std::string, std::string>{{"sup-a", "host-a"}, {"sup-b", "host-b"}}));
  EXPECT_EQ(a.executor_start_time_secs.size(), 9u);
  for (const auto& [e, secs] : a.executor_start_time_secs) EXPECT_EQ(secs, launch);
  // Executors cover every task once: 3 ackers + 2 count + 2 spout + 4 split tasks.
  std::set<int> tasks;
  for (const auto& [e, s] : a.executor_slot) {
    for (int t = e.first; t <= e.second; ++t) EXPECT_TRUE(tasks.insert(t).second) << t;
  }
  EXPECT_EQ(tasks.size(), 11u);
  EXPECT_EQ(*tasks.begin(), 1);
  EXPECT_EQ(*tasks.rbegin(), 11);

  // The code is in stormdist/<id>/.
  const fs::path code = dir_ / "nimbus" / "stormdist" / id;
  EXPECT_EQ(a.master_code_dir, code.string());
  EXPECT_TRUE(fs::is_regular_file(code / "stormcode.ser"));
  EXPECT_TRUE(fs::is_regular_file(code / "stormconf.ser"));
  EXPECT_EQ(nimbus_->GetTopologyConf(id).getString(Config::kTopologyName), "words");
  EXPECT_EQ(nimbus_->GetTopologyConf(id).getInt(Config::kTopologyWorkers), 3);
  const StormTopology user = nimbus_->GetUserTopology(id);
  EXPECT_EQ(TopologyComponents(user).size(), 3u);
  EXPECT_NE(FindComponent(nimbus_->GetTopology(id), "__acker"), nullptr);

  // A second topology gets the next counter.
  clock_.AdvanceSecs(2);
  const std::string id2 = Submit("other", Workers(1));
  EXPECT_EQ(id2, "other-2-" + std::to_string(launch + 2));
}

TEST_F(NimbusTest, SubmitInactive) {
  const std::string id = nimbus_->SubmitTopology("words", "", Workers(1), WordTopology(),
                                                 /*start_active=*/false);
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kInactive);
  EXPECT_TRUE(state_->GetAssignment(id));  // assigned all the same, its spouts just wait
}

TEST_F(NimbusTest, SubmitWithoutALibraryIsRefusedUnlessOptional) {
  NimbusOptions o = Options();
  o.library_optional = false;
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  const std::string error = ErrorOf<InvalidTopologyError>([&] { Submit("words"); });
  EXPECT_NE(error.find("no topology library"), std::string::npos) << error;
  const std::string bad_location = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->SubmitTopology("words", "/tmp/nothing.so", Workers(1), WordTopology()); });
  EXPECT_NE(bad_location.find("not a finished upload"), std::string::npos) << bad_location;
}

TEST_F(NimbusTest, SubmitWithAnUploadedLibraryChecksAndInstallsIt) {
  std::string checked;
  NimbusOptions o = Options();
  o.check_library = [&](const std::string& path, const std::string& name, const Config& conf,
                        const StormTopology&) {
    checked = path + " " + name + " " + std::to_string(conf.getInt(Config::kTopologyWorkers));
  };
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  CodeStore& store = nimbus_->code_store();
  const std::string location = store.BeginUpload();
  store.UploadChunk(location, "ELF pretend");
  store.FinishUpload(location);
  const std::string id = nimbus_->SubmitTopology("words", location, Workers(1), WordTopology());
  EXPECT_EQ(checked, location + " words 1");
  const fs::path library = dir_ / "nimbus" / "stormdist" / id / "stormjar.so";
  EXPECT_TRUE(fs::is_regular_file(library));
  EXPECT_EQ(fs::file_size(library), 11u);
  EXPECT_FALSE(fs::exists(location));
  // An upload is used once.
  EXPECT_THROW(nimbus_->SubmitTopology("again", location, Workers(1), WordTopology()),
               InvalidTopologyError);
}

TEST_F(NimbusTest, ALibraryCheckThatFailsRefusesTheSubmit) {
  NimbusOptions o = Options();
  o.check_library = [](const std::string&, const std::string&, const Config&,
                       const StormTopology&) {
    throw InvalidTopologyError("the library's main threw: boom");
  };
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  CodeStore& store = nimbus_->code_store();
  const std::string location = store.BeginUpload();
  store.FinishUpload(location);
  const std::string error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->SubmitTopology("words", location, Workers(1), WordTopology()); });
  EXPECT_NE(error.find("boom"), std::string::npos) << error;
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

// ---- Validation ---------------------------------------------------------------------------

TEST_F(NimbusTest, NamesWithForbiddenCharactersAreRefused) {
  for (const std::string name : {"a/b", "a.b", "a:b", "a\\b", ""}) {
    const std::string error = ErrorOf<InvalidTopologyError>([&] { Submit(name); });
    EXPECT_NE(error.find("topology name"), std::string::npos) << name << ": " << error;
  }
  EXPECT_TRUE(state_->ActiveStorms().empty());
}

TEST_F(NimbusTest, ANameAlreadyAliveIsRefused) {
  Submit("words");
  const std::string error = ErrorOf<AlreadyAliveError>([&] { Submit("words"); });
  EXPECT_NE(error.find("'words' already exists"), std::string::npos) << error;
  EXPECT_EQ(state_->ActiveStorms().size(), 1u);
  EXPECT_EQ(nimbus_->code_store().InstalledIds().size(), 1u);
}

TEST_F(NimbusTest, BadTopologiesAreRefusedWithAClearMessage) {
  struct Case {
    std::string what;
    std::function<StormTopology()> topology;
    std::string expected;  // in the message
  };
  const std::vector<Case> cases = {
      {"input from an unknown component",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory()).shuffleGrouping("nobody");
         return b.createTopology();
       },
       "nobody"},
      {"input from an unknown stream",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory()).shuffleGrouping("spout", "nostream");
         return b.createTopology();
       },
       "nostream"},
      {"fields grouping on an undeclared field",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory()).fieldsGrouping("spout", Fields{"colour"});
         return b.createTopology();
       },
       "colour"},
      {"parallelism 0",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory(), 0).shuffleGrouping("spout");
         return b.createTopology();
       },
       "parallelism 0"},
  };
  for (const Case& c : cases) {
    const std::string error =
        ErrorOf<InvalidTopologyError>([&] { Submit("bad", Workers(1), c.topology()); });
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.what << ": " << error;
  }
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

TEST_F(NimbusTest, BadConfigsAreRefusedWithAClearMessage) {
  std::string error = ErrorOf<InvalidTopologyError>([&] { Submit("bad", Workers(0)); });
  EXPECT_NE(error.find("topology.workers"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>([&] { Submit("bad", Workers(-2)); });
  EXPECT_NE(error.find("topology.workers"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { Submit("bad", Config().put(Config::kTopologyMessageTimeoutSecs, "soon")); });
  EXPECT_NE(error.find("topology.message.timeout.secs"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { Submit("bad", Config().put(Config::kTopologyAckerExecutors, -1)); });
  EXPECT_NE(error.find("topology.acker.executors"), std::string::npos) << error;
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

}  // namespace
}  // namespace storm::testing
