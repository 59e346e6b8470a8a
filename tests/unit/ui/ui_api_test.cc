// storm-ui's REST API against a fake Nimbus served over real Thrift: Storm's
// routes, JSON field names and units, and its error objects.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/ports.h"
#include "ui/ui_json.h"
#include "unit/ui/ui_test_cluster.h"

namespace storm::testing {
namespace {

using Json = nlohmann::json;

class UiApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      std::lock_guard lock(nimbus_.mutex());
      FillCluster(nimbus_.state());
    }
    ui_ = StartUi(nimbus_);
  }
  void TearDown() override { ui_->Stop(); }

  Json Get(const std::string& target, int expected_status = 200) {
    auto reply = HttpGet(ui_->port(), target);
    EXPECT_EQ(reply.status, expected_status) << target << ": " << reply.body;
    EXPECT_EQ(reply.Header("Content-Type"), "application/json;charset=utf-8") << target;
    return Json::parse(reply.body);
  }
  Json Post(const std::string& target, const std::string& body = "", int expected = 200) {
    auto reply = HttpFetch(ui_->port(), "POST", target, body);
    EXPECT_EQ(reply.status, expected) << target << ": " << reply.body;
    return Json::parse(reply.body);
  }
  std::vector<std::string> Operations() {
    std::lock_guard lock(nimbus_.mutex());
    return nimbus_.state().operations;
  }

  FakeNimbus nimbus_;
  std::unique_ptr<ui::UiServer> ui_;
};

TEST(UiJsonTest, PrettyTimesAsStorm) {
  EXPECT_EQ(ui::PrettyUptime(5), "5s");
  EXPECT_EQ(ui::PrettyUptime(358), "5m 58s");
  EXPECT_EQ(ui::PrettyUptime(3600), "1h 0m 0s");
  EXPECT_EQ(ui::WindowPretty("600"), "10m 0s");
  EXPECT_EQ(ui::WindowPretty("10800"), "3h 0m 0s");
  EXPECT_EQ(ui::WindowPretty("86400"), "1d 0h 0m 0s");
  EXPECT_EQ(ui::WindowPretty(":all-time"), "All time");
  EXPECT_EQ(ui::Fixed3(2.1123), "2.112");
  EXPECT_EQ(ui::WorkerLogLink("node1", 8000, "wc-1-2", 6701),
            "http://node1:8000/api/v1/log?file=wc-1-2%2F6701%2Fworker.log");
}

TEST_F(UiApiTest, ClusterSummaryCountsSlotsExecutorsAndTasks) {
  Json j = Get("/api/v1/cluster/summary");
  EXPECT_EQ(j["supervisors"], 1);
  EXPECT_EQ(j["topologies"], 1);
  EXPECT_EQ(j["slotsTotal"], 4);
  EXPECT_EQ(j["slotsUsed"], 2);
  EXPECT_EQ(j["slotsFree"], 2);
  EXPECT_EQ(j["executorsTotal"], 8);
  EXPECT_EQ(j["tasksTotal"], 12);
  EXPECT_EQ(j["stormVersion"], "0.1.0");
}

TEST_F(UiApiTest, ConfigurationIsNimbusConf) {
  Json j = Get("/api/v1/cluster/configuration");
  EXPECT_EQ(j["ui.port"], 8080);
  EXPECT_EQ(j["nimbus.seeds"][0], "127.0.0.1");
}

TEST_F(UiApiTest, NimbusAndSupervisorSummaries) {
  Json n = Get("/api/v1/nimbus/summary")["nimbuses"][0];
  EXPECT_EQ(n["host"], "127.0.0.1");
  EXPECT_EQ(n["port"], 6627);
  EXPECT_EQ(n["status"], "Leader");
  EXPECT_EQ(n["nimbusUpTime"], "3m 33s");
  EXPECT_EQ(n["nimbusUpTimeSeconds"], 213);
  Json s = Get("/api/v1/supervisor/summary")["supervisors"][0];
  EXPECT_EQ(s["id"], kSupervisorId);
  EXPECT_EQ(s["host"], "node1");
  EXPECT_EQ(s["uptime"], "1h 2m 5s");
  EXPECT_EQ(s["uptimeSeconds"], 3725);
  EXPECT_EQ(s["slotsTotal"], 4);
  EXPECT_EQ(s["slotsUsed"], 2);
}

TEST_F(UiApiTest, TopologySummaryHasStormsFields) {
  Json t = Get("/api/v1/topology/summary")["topologies"][0];
  EXPECT_EQ(t["id"], kTopologyId);
  EXPECT_EQ(t["encodedId"], kTopologyId);
  EXPECT_EQ(t["name"], "wc");
  EXPECT_EQ(t["status"], "ACTIVE");
  EXPECT_EQ(t["uptime"], "29m 19s");
  EXPECT_EQ(t["uptimeSeconds"], 1759);
  EXPECT_EQ(t["tasksTotal"], 12);
  EXPECT_EQ(t["workersTotal"], 2);
  EXPECT_EQ(t["executorsTotal"], 8);
}

TEST_F(UiApiTest, TopologyPageHasWindowsSpoutsBoltsWorkersAndConfiguration) {
  Json j = Get(std::string("/api/v1/topology/") + kTopologyId + "?window=600");
  EXPECT_EQ(j["id"], kTopologyId);
  EXPECT_EQ(j["name"], "wc");
  EXPECT_EQ(j["window"], "600");
  EXPECT_EQ(j["windowHint"], "10m 0s");
  EXPECT_EQ(j["msgTimeout"], 30);
  EXPECT_EQ(j["configuration"]["topology.workers"], 2);
  ASSERT_EQ(j["topologyStats"].size(), 4u);
  const Json& all = j["topologyStats"][3];
  EXPECT_EQ(all["window"], ":all-time");
  EXPECT_EQ(all["windowPretty"], "All time");
  EXPECT_EQ(all["emitted"], 397960);
  EXPECT_EQ(all["transferred"], 213380);
  EXPECT_EQ(all["completeLatency"], "12.500");
  EXPECT_EQ(all["acked"], 213460);
  EXPECT_EQ(all["failed"], 3);

  const Json& spout = j["spouts"][0];
  EXPECT_EQ(spout["spoutId"], "spout");
  EXPECT_EQ(spout["encodedSpoutId"], "spout");
  EXPECT_EQ(spout["executors"], 2);
  EXPECT_EQ(spout["tasks"], 2);
  EXPECT_EQ(spout["emitted"], 28880);
  EXPECT_EQ(spout["completeLatency"], "12.500");
  EXPECT_EQ(spout["acked"], 28875);
  EXPECT_EQ(spout["failed"], 5);
  EXPECT_EQ(spout["lastError"], "");
  EXPECT_TRUE(spout["errorPort"].is_null());

  Json split;
  for (const Json& b : j["bolts"]) {
    if (b["boltId"] == "split") split = b;
  }
  ASSERT_FALSE(split.is_null());
  EXPECT_EQ(split["capacity"], "0.750");
  EXPECT_EQ(split["executeLatency"], "0.048");
  EXPECT_EQ(split["processLatency"], "2.112");
  EXPECT_EQ(split["executed"], 28780);
  EXPECT_EQ(split["lastError"], "std::runtime_error: bad sentence");
  EXPECT_EQ(split["errorHost"], "node1");
  EXPECT_EQ(split["errorPort"], 6701);
  EXPECT_EQ(split["errorTime"], kNow - 65);
  EXPECT_EQ(split["errorLapsedSecs"], 65);
  EXPECT_EQ(split["errorWorkerLogLink"], std::string("http://node1:8000/api/v1/log?file=") +
                                             kTopologyId + "%2F6701%2Fworker.log");

  ASSERT_EQ(j["workers"].size(), 2u);
  const Json& worker = j["workers"][0];
  EXPECT_EQ(worker["host"], "node1");
  EXPECT_EQ(worker["port"], 6701);
  EXPECT_EQ(worker["supervisorId"], kSupervisorId);
  EXPECT_EQ(worker["executorsTotal"], 4);
  EXPECT_EQ(worker["componentNumTasks"]["split"], 3);
  EXPECT_EQ(worker["uptime"], "5m 58s");
  EXPECT_EQ(worker["workerLogLink"], std::string("http://node1:8000/api/v1/log?file=") +
                                         kTopologyId + "%2F6701%2Fworker.log");

  std::lock_guard lock(nimbus_.mutex());
  EXPECT_EQ(nimbus_.state().windows_asked.back(), "600");
}

TEST_F(UiApiTest, TopologyPageDefaultsToAllTime) {
  EXPECT_EQ(Get(std::string("/api/v1/topology/") + kTopologyId)["window"], ":all-time");
}

TEST_F(UiApiTest, ComponentPageHasExecutorsInputsOutputsAndErrors) {
  Json j = Get(std::string("/api/v1/topology/") + kTopologyId + "/component/split");
  EXPECT_EQ(j["id"], "split");
  EXPECT_EQ(j["componentType"], "bolt");
  EXPECT_EQ(j["topologyId"], kTopologyId);
  EXPECT_EQ(j["name"], "wc");
  EXPECT_EQ(j["executors"], 3);
  EXPECT_EQ(j["tasks"], 6);
  ASSERT_EQ(j["boltStats"].size(), 4u);
  EXPECT_EQ(j["boltStats"][0]["window"], "600");
  EXPECT_EQ(j["boltStats"][0]["executed"], 100);
  EXPECT_EQ(j["inputStats"][0]["component"], "spout");
  EXPECT_EQ(j["inputStats"][0]["stream"], "default");
  EXPECT_EQ(j["inputStats"][0]["executeLatency"], "0.048");
  EXPECT_EQ(j["outputStats"][0]["stream"], "default");
  const Json& e = j["executorStats"][0];
  EXPECT_EQ(e["id"], "[3-4]");
  EXPECT_EQ(e["host"], "node1");
  EXPECT_EQ(e["port"], 6701);
  EXPECT_EQ(e["uptime"], "43m 4s");
  EXPECT_EQ(e["executed"], 9000);
  EXPECT_EQ(e["capacity"], "0.250");
  EXPECT_NE(e["workerLogLink"].get<std::string>().find("%2F6701%2Fworker.log"), std::string::npos);
  EXPECT_EQ(j["componentErrors"][0]["error"], "std::runtime_error: bad sentence");
  EXPECT_EQ(j["componentErrors"][0]["errorLapsedSecs"], 65);
}

TEST_F(UiApiTest, VisualizationIsTheDagWithoutSystemComponentsUnlessAsked) {
  Json j = Get(std::string("/api/v1/topology/") + kTopologyId + "/visualization");
  EXPECT_TRUE(j.contains("spout"));
  EXPECT_FALSE(j.contains("__acker"));
  EXPECT_EQ(j["spout"][":type"], "spout");
  EXPECT_EQ(j["count"][":type"], "bolt");
  EXPECT_DOUBLE_EQ(j["split"][":capacity"].get<double>(), 0.75);
  EXPECT_EQ(j["count"][":inputs"][0][":component"], "split");
  EXPECT_EQ(j["count"][":inputs"][0][":grouping"], "fields");
  EXPECT_EQ(j["split"][":inputs"][0][":grouping"], "shuffle");
  // Each edge: what its bolt executed from it, all-time, and per second over
  // the last 10 minutes (the topology is up for longer).
  EXPECT_EQ(j["count"][":inputs"][0][":executed"], 8000);
  EXPECT_DOUBLE_EQ(j["count"][":inputs"][0][":rate"].get<double>(), 1800.0 / 600);
  EXPECT_EQ(j["split"][":inputs"][0][":executed"], 0);
  EXPECT_TRUE(Get(std::string("/api/v1/topology/") + kTopologyId + "/visualization?sys=1")
                  .contains("__acker"));
}

TEST_F(UiApiTest, SupervisorPageByIdAndHost) {
  Json j = Get(std::string("/api/v1/supervisor?id=") + kSupervisorId);
  EXPECT_EQ(j["supervisors"][0]["id"], kSupervisorId);
  EXPECT_EQ(j["workers"].size(), 2u);
  EXPECT_EQ(j["workers"][1]["port"], 6702);
  EXPECT_EQ(Get("/api/v1/supervisor?host=node1")["supervisors"][0]["host"], "node1");
  EXPECT_EQ(Get("/api/v1/supervisor?host=elsewhere", 404)["error"], "Not Found");
  EXPECT_EQ(Get("/api/v1/supervisor?id=nope", 404)["error"], "Not Found");
  EXPECT_EQ(Get("/api/v1/supervisor", 400)["error"], "Bad Request");
}

TEST_F(UiApiTest, TopologyWorkersListsHostPorts) {
  Json j = Get(std::string("/api/v1/topology-workers/") + kTopologyId);
  ASSERT_EQ(j["hostPortList"].size(), 2u);
  EXPECT_EQ(j["hostPortList"][0]["host"], "node1");
  EXPECT_EQ(j["hostPortList"][0]["port"], 6701);
  EXPECT_EQ(j["logviewerPort"], 8000);
}

TEST_F(UiApiTest, UnknownTopologyOrComponentIs404) {
  Json j = Get("/api/v1/topology/nope-1-1", 404);
  EXPECT_EQ(j["error"], "Not Found");
  EXPECT_NE(j["errorMessage"].get<std::string>().find("nope-1-1"), std::string::npos);
  Get(std::string("/api/v1/topology/") + kTopologyId + "/component/nope", 404);
  Get("/api/v1/topology/nope-1-1/component/split", 404);
  Get("/api/v1/topology/nope-1-1/visualization", 404);
  Post("/api/v1/topology/nope-1-1/activate", "", 404);
  EXPECT_TRUE(Operations().empty());
}

// Storm's debug routes: the topology's or a component's sampling switch.
TEST_F(UiApiTest, DebugTurnsNimbusSamplingOnAndOff) {
  const std::string base = std::string("/api/v1/topology/") + kTopologyId;
  Json j = Post(base + "/debug/enable/10");
  EXPECT_EQ(j["topologyOperation"], "debug");
  EXPECT_EQ(j["topologyId"], kTopologyId);
  EXPECT_EQ(j["status"], "success");
  EXPECT_EQ(Post(base + "/component/split/debug/enable/100")["componentId"], "split");
  Post(base + "/component/split/debug/disable/0");
  EXPECT_EQ(Operations(), (std::vector<std::string>{"debug wc on 10", "debug wc/split on 100",
                                                    "debug wc/split off 0"}));
  EXPECT_NE(Post(base + "/debug/enable/101", "", 400)["errorMessage"].get<std::string>().find(
                "0..100"),
            std::string::npos);
  Post(base + "/debug/enable/x", "", 400);
  Post(base + "/debug/maybe/10", "", 404);
  Post(base + "/debug/enable", "", 404);
  Post("/api/v1/topology/nope-1-1/debug/enable/10", "", 404);
  EXPECT_EQ(Operations().size(), 3u);
}

TEST_F(UiApiTest, MalformedInputIs400) {
  const std::string page = std::string("/api/v1/topology/") + kTopologyId;
  EXPECT_NE(Get(page + "?window=7", 400)["errorMessage"].get<std::string>().find("window"),
            std::string::npos);
  Get(page + "?sys=maybe", 400);
  Post(page + "/kill/soon", "", 400);
  Post(page + "/kill/-1", "", 400);
  Post(page + "/rebalance/0", "{not json", 400);
  Post(page + "/rebalance/0", R"({"rebalanceOptions": {"numWorkers": "many"}})", 400);
  EXPECT_TRUE(Operations().empty());
}

TEST_F(UiApiTest, OperationsReachNimbusByNameAndAnswerAsStorm) {
  const std::string base = std::string("/api/v1/topology/") + kTopologyId;
  Json j = Post(base + "/deactivate");
  EXPECT_EQ(j, Json({{"topologyOperation", "deactivate"},
                     {"topologyId", kTopologyId},
                     {"status", "success"}}));
  EXPECT_EQ(Post(base + "/activate")["topologyOperation"], "activate");
  Post(base + "/rebalance/5",
       R"({"rebalanceOptions": {"numWorkers": 3, "executors": {"split": "4", "count": 2}}})");
  EXPECT_EQ(Post(base + "/kill/30")["topologyOperation"], "kill");
  EXPECT_EQ(Operations(),
            (std::vector<std::string>{"deactivate wc", "activate wc",
                                      "rebalance wc 5 workers=3 count=2 split=4", "kill wc 30"}));
}

TEST_F(UiApiTest, JsonpWrapsTheJsonInTheCallback) {
  auto reply = HttpGet(ui_->port(), "/api/v1/cluster/summary?callback=render.cluster");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Header("Content-Type"), "application/javascript;charset=utf-8");
  ASSERT_EQ(reply.body.rfind("render.cluster(", 0), 0u) << reply.body;
  ASSERT_EQ(reply.body.substr(reply.body.size() - 2), ");");
  const std::string json = reply.body.substr(15, reply.body.size() - 17);
  EXPECT_EQ(Json::parse(json)["supervisors"], 1);
  EXPECT_EQ(HttpGet(ui_->port(), "/api/v1/cluster/summary?callback=%3Cscript%3E").status, 400);
}

TEST_F(UiApiTest, WrongMethodIs405AndUnknownApiPathIs404) {
  EXPECT_EQ(HttpFetch(ui_->port(), "POST", "/api/v1/cluster/summary").status, 405);
  Get(std::string("/api/v1/topology/") + kTopologyId + "/nothing/here", 404);
  Post(std::string("/api/v1/topology/") + kTopologyId + "/explode", "", 404);
}

TEST(UiApiLeaderTest, AsksTheLeaderWhenTheSeedIsNotIt) {
  FakeNimbus leader;
  {
    std::lock_guard lock(leader.mutex());
    FillCluster(leader.state());
  }
  FakeNimbus standby;  // knows no topology; names the leader
  {
    std::lock_guard lock(standby.mutex());
    standby.state().leader_port = leader.port();
  }
  auto ui = StartUi(standby);
  auto reply = HttpGet(ui->port(), "/api/v1/topology/summary");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json::parse(reply.body)["topologies"][0]["id"], kTopologyId);
  EXPECT_EQ(
      HttpFetch(ui->port(), "POST", std::string("/api/v1/topology/") + kTopologyId + "/deactivate")
          .status,
      200);
  std::lock_guard lock(leader.mutex());
  EXPECT_EQ(leader.state().operations, std::vector<std::string>{"deactivate wc"});
  ui->Stop();
}

TEST(UiApiNimbusDownTest, UnreachableNimbusIs503NamingIt) {
  RefusingPort refusing;
  ui::UiServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  Config conf = DefaultConfig();
  conf.put(Config::kNimbusSeeds, std::vector<std::string>{"127.0.0.1"});
  conf.put(Config::kNimbusThriftPort, refusing.port());
  options.api.connect = [conf] { return ui::ConnectToLeader(conf); };
  ui::UiServer ui(std::move(options));
  const int port = ui.Start();
  auto reply = HttpGet(port, "/api/v1/cluster/summary");
  EXPECT_EQ(reply.status, 503);
  auto j = Json::parse(reply.body);
  EXPECT_EQ(j["error"], "Service Unavailable");
  EXPECT_NE(j["errorMessage"].get<std::string>().find(refusing.endpoint()), std::string::npos);
  ui.Stop();
}

TEST_F(UiApiTest, ServesTheWebPageFromTheBinary) {
  auto index = HttpGet(ui_->port(), "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("Storm UI"), std::string::npos);
  for (const char* page : {"/index.html", "/topology.html", "/component.html", "/supervisor.html",
                           "/storm-ui.js", "/storm-ui.css"}) {
    EXPECT_EQ(HttpGet(ui_->port(), page).status, 200) << page;
  }
  EXPECT_EQ(HttpGet(ui_->port(), "/nope.html").status, 404);
}

}  // namespace
}  // namespace storm::testing
