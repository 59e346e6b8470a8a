// Seeing inside a running cluster (issue #20), end to end: a real
// ZooKeeper, storm-nimbus, two storm-supervisor processes (two hosts) with
// a storm-logviewer beside one, and storm-ui, all over the network. Word
// count runs; then, as an operator would:
//   - the UI's REST API shows the topology with Storm's fields and counts;
//   - every daemon's GET /metrics passes promtool, and a real Prometheus
//     scraping Nimbus, the supervisors and the UI computes a rate of the
//     workers' emits (no worker port is scraped);
//   - the UI's worker log link opens the log in the logviewer, which
//     refuses paths out of its log dir;
//   - the pages render in headless Chromium with no JavaScript error
//     (screenshots to $STORM_SCREENSHOT_DIR when set).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "e2e/cluster_hosts.h"
#include "support/http_client.h"
#include "support/prometheus_server.h"
#include "support/webdriver.h"

namespace storm::e2e {
namespace {

using testing::AnyZooKeeper;
using testing::FreePort;
using testing::HttpGet;
using Json = nlohmann::json;

inline std::string UiBinary() { return BuildDir() + "/bin/storm-ui"; }
inline std::string LogviewerBinary() { return BuildDir() + "/bin/storm-logviewer"; }

class ObservabilityTest : public ::testing::Test {
 protected:
  ObservabilityTest()
      : nimbus_metrics_(FreePort()),
        cluster_(AnyZooKeeper(),
                 {"-c", "nimbus.metrics.port=" + std::to_string(nimbus_metrics_)}) {
    for (auto* host : {&a_, &b_}) {
      const std::string name = host == &a_ ? "a" : "b";
      HostPorts& ports = host == &a_ ? ports_a_ : ports_b_;
      *host = std::make_unique<SupervisorHost>(
          cluster_, name, std::vector<int>{FreePort(), FreePort()},
          "supervisor.metrics.port: " + std::to_string(ports.metrics) +
              "\nlogviewer.port: " + std::to_string(ports.logviewer) + "\n");
    }
    // A logviewer beside each supervisor, as on a cluster.
    for (SupervisorHost* host : {a_.get(), b_.get()}) {
      logviewers_.push_back(std::make_unique<testing::DaemonProcess>(
          std::vector<std::string>{LogviewerBinary(), "--config", host->config_file()},
          files_ / ("logviewer-" + std::to_string(logviewers_.size()) + ".log")));
      logviewers_.back()->Start();
    }
    ui_ = std::make_unique<testing::DaemonProcess>(
        std::vector<std::string>{UiBinary(), "--config", cluster_.config_file(), "-c",
                                 "ui.port=" + std::to_string(ui_port_), "-c",
                                 "logviewer.port=" + std::to_string(ports_a_.logviewer)},
        files_ / "ui.log");
    ui_->Start();
    testing::WaitForPort(*ui_, ui_port_, 30s);
    testing::WaitForPort(*logviewers_[0], ports_a_.logviewer, 30s);
    testing::WaitForPort(*logviewers_[1], ports_b_.logviewer, 30s);
    EXPECT_TRUE(Eventually([&] { return cluster_.state().SupervisorIds().size() == 2; }, 30s))
        << Logs();
  }
  ~ObservabilityTest() override {
    if (HasFailure()) std::cerr << Logs() << std::flush;
    cluster_.KillAll();
  }

  std::string Logs() const {
    return a_->Logs() + b_->Logs() + "--- ui:\n" + ui_->LogTail() + "--- logviewer a:\n" +
           logviewers_[0]->LogTail() + "--- logviewer b:\n" + logviewers_[1]->LogTail();
  }

  Json Api(const std::string& path, int expect_status = 200) {
    const testing::HttpReply reply = HttpGet(ui_port_, path);
    EXPECT_EQ(reply.status, expect_status) << path << ": " << reply.body;
    return Json::parse(reply.body, nullptr, false);
  }

  // The topology page once its all-time emitted count is above zero.
  Json TopologyWithCounts(const std::string& id) {
    Json page;
    Eventually(
        [&] {
          page = Json::parse(HttpGet(ui_port_, "/api/v1/topology/" + id).body, nullptr, false);
          if (page.is_discarded() || !page.contains("topologyStats")) return false;
          for (const Json& w : page["topologyStats"]) {
            if (w.value("window", "") == ":all-time" && w.value("emitted", int64_t{0}) > 0) {
              return true;
            }
          }
          return false;
        },
        90s);
    return page;
  }

  struct HostPorts {
    int metrics = FreePort();
    int logviewer = FreePort();
  };

  TempDir files_;
  int ui_port_ = FreePort();
  int nimbus_metrics_;
  HostPorts ports_a_;
  HostPorts ports_b_;
  TestCluster cluster_;
  std::unique_ptr<SupervisorHost> a_;
  std::unique_ptr<SupervisorHost> b_;
  std::vector<std::unique_ptr<testing::DaemonProcess>> logviewers_;  // a's, b's
  std::unique_ptr<testing::DaemonProcess> ui_;
};

TEST_F(ObservabilityTest, AnOperatorSeesTheRunningWordCount) {
  ExpectSuccess(cluster_.Storm({"jar", WordCountLibrary(), "wc", "-c", "topology.workers=2"}));
  const std::string id = cluster_.List()["wc"].id;
  ASSERT_FALSE(id.empty());

  // ---- The REST API, with Storm's names.
  const Json topology = TopologyWithCounts(id);
  if (const char* dir = std::getenv("STORM_SCREENSHOT_DIR")) {
    std::ofstream(std::filesystem::path(dir) / "topology.json") << topology.dump(2);
  }
  ASSERT_TRUE(topology.contains("spouts")) << topology.dump(2);
  EXPECT_EQ(topology["name"], "wc");
  EXPECT_EQ(topology["id"], id);
  EXPECT_EQ(topology["status"], "ACTIVE");
  ASSERT_FALSE(topology["spouts"].empty());
  ASSERT_FALSE(topology["bolts"].empty());
  for (const char* field : {"spoutId", "emitted", "transferred", "acked", "failed",
                            "completeLatency", "lastError", "errorWorkerLogLink"}) {
    EXPECT_TRUE(topology["spouts"][0].contains(field)) << field;
  }
  for (const char* field : {"boltId", "capacity", "executeLatency", "processLatency",
                            "executed", "acked", "failed"}) {
    EXPECT_TRUE(topology["bolts"][0].contains(field)) << field;
  }
  ASSERT_FALSE(topology["workers"].empty()) << topology.dump(2);
  // A worker of host a, whose logviewer the UI's links name (both hosts are
  // 127.0.0.1 here; the UI knows one logviewer.port).
  std::string log_link;
  for (const Json& w : topology["workers"]) {
    if (w.value("supervisorId", "") == a_->SupervisorId(cluster_)) {
      log_link = w.value("workerLogLink", "");
    }
  }
  if (log_link.empty()) log_link = topology["workers"][0].value("workerLogLink", "");
  EXPECT_NE(log_link.find("/api/v1/log?file="), std::string::npos) << log_link;

  const Json component = Api("/api/v1/topology/" + id + "/component/split");
  EXPECT_EQ(component["id"], "split");
  EXPECT_FALSE(component["executorStats"].empty()) << component.dump(2);
  Api("/api/v1/topology/no-such-topology-1-1", 404);
  Api("/api/v1/topology/" + id + "/component/no-such-component", 404);
  Api("/api/v1/topology/" + id + "?window=forever", 400);
  EXPECT_EQ(Api("/api/v1/cluster/summary")["supervisors"], 2);

  // ---- Prometheus: promtool on each daemon's exposition, then a real
  // server scraping the daemons (never a worker) computes a rate.
  const std::vector<int> daemons = {nimbus_metrics_, ports_a_.metrics, ports_b_.metrics, ui_port_,
                                    ports_a_.logviewer};
  EXPECT_TRUE(Eventually(
      [&] {
        return HttpGet(ports_a_.metrics, "/metrics").body.find("storm_emit_count_total") !=
                   std::string::npos ||
               HttpGet(ports_b_.metrics, "/metrics").body.find("storm_emit_count_total") !=
                   std::string::npos;
      },
      60s))
      << HttpGet(ports_a_.metrics, "/metrics").body;
  for (int port : daemons) {
    const testing::HttpReply reply = HttpGet(port, "/metrics");
    ASSERT_EQ(reply.status, 200) << port;
    EXPECT_NE(reply.Header("Content-Type").find("text/plain; version=0.0.4"), std::string::npos);
    const testing::CommandResult check = testing::CheckMetrics(reply.body);
    EXPECT_EQ(check.status, 0) << port << ": " << check.Describe();
  }
  std::vector<std::string> targets;
  for (int port : daemons) targets.push_back("127.0.0.1:" + std::to_string(port));
  testing::PrometheusServer prometheus(targets);
  std::vector<double> rate;
  Eventually(
      [&] {
        rate = prometheus.QueryValues("sum(rate(storm_emit_count_total{topology=\"" + id +
                                      "\",component=\"split\"}[10s]))");
        return !rate.empty() && rate[0] > 0;
      },
      60s);
  ASSERT_FALSE(rate.empty()) << prometheus.TargetsJson();
  EXPECT_GT(rate[0], 0);

  // ---- Logs: the UI's link opens the worker's log in the logviewer.
  const std::string file = log_link.substr(log_link.find("file=") + 5);
  const testing::HttpReply log = HttpGet(ports_a_.logviewer, "/api/v1/log?format=text&file=" + file);
  if (!a_->WorkerPids().empty()) {
    EXPECT_EQ(log.status, 200) << log_link << ": " << log.body;
  }
  EXPECT_EQ(HttpGet(ports_a_.logviewer, "/api/v1/log?file=../../../etc/passwd").status, 400);
  EXPECT_EQ(HttpGet(ports_a_.logviewer, "/api/v1/log?file=%2Fetc%2Fpasswd").status, 400);

  // ---- Debug: Nimbus's sampling switch, turned on from the UI for split;
  // each worker logs the sampled emits of its split executors to its
  // events.log, which the component page links and the logviewer serves.
  const std::string debug_split = "/api/v1/topology/" + id + "/component/split/debug/";
  ASSERT_EQ(testing::HttpFetch(ui_port_, "POST", debug_split + "enable/100", "").status, 200);
  Json sampled = Api("/api/v1/topology/" + id + "/component/split");
  EXPECT_EQ(sampled["debug"], true) << sampled.dump(2);
  EXPECT_EQ(sampled["samplingPct"], 100.0);
  std::string event_log;  // the events.log of a split executor, as the logviewer of its host has it
  EXPECT_TRUE(Eventually(
      [&] {
        const Json page = Api("/api/v1/topology/" + id + "/component/split");
        for (const Json& e : page["executorStats"]) {
          const std::string link = e.value("eventLogLink", "");
          const int port = e.value("port", 0);
          const int logviewer =
              a_->WorkerPids().count(port) != 0 ? ports_a_.logviewer : ports_b_.logviewer;
          const std::string target = "/api/v1/log?format=text&file=" + link.substr(link.find("file=") + 5);
          const testing::HttpReply reply = HttpGet(logviewer, target);
          event_log = "GET " + target + " from logviewer :" + std::to_string(logviewer) + ": " +
                      std::to_string(reply.status) + "\n" + reply.body;
          if (event_log.find("component=split") != std::string::npos) return true;
        }
        return false;
      },
      30s))
      << event_log;
  EXPECT_NE(event_log.find("stream=default"), std::string::npos) << event_log;
  ASSERT_EQ(testing::HttpFetch(ui_port_, "POST", debug_split + "disable/0", "").status, 200);
  EXPECT_EQ(Api("/api/v1/topology/" + id + "/component/split")["debug"], false);

  // ---- The pages in a real browser.
  testing::Browser browser;
  const std::string base = "http://127.0.0.1:" + std::to_string(ui_port_) + "/";
  const char* dir = std::getenv("STORM_SCREENSHOT_DIR");
  // Opens a page, waits for `text` and then for `ready` (a script returning
  // true), and keeps a screenshot.
  auto visit = [&](const std::string& page, const std::string& text, const std::string& shot,
                   const std::string& ready = "return true") {
    browser.Open(base + page);
    EXPECT_TRUE(browser.WaitForText(text, 30s)) << page << ":\n" << browser.BodyText();
    EXPECT_TRUE(browser.WaitForScript(ready, 30s)) << page << ": " << ready << "\n"
                                                   << browser.BodyText();
    if (dir != nullptr) browser.Screenshot(std::filesystem::path(dir) / shot);
    const std::vector<std::string> errors = browser.SevereConsoleMessages();
    EXPECT_TRUE(errors.empty()) << page << ": " << (errors.empty() ? "" : errors[0]);
  };
  visit("", "wc", "ui-cluster.png");
  // The topology page: the DAG's nodes, each edge labelled with the rate of
  // the tuples crossing it, and the chart drawn from three polls (10 s).
  visit("topology.html?id=" + id, "split", "ui-topology.png",
        "const nodes = ['sentences', 'split', 'count', 'report'].every(c => "
        "  document.querySelector('#topology-dag svg .node[data-component=\"' + c + '\"]'));"
        "const labels = [...document.querySelectorAll('#topology-dag svg .edge-rate')];"
        "return nodes && labels.length === 3 &&"
        "  labels.every(l => /^[0-9.]+[kM]?\\/s /.test(l.textContent)) &&"
        "  labels.some(l => parseFloat(l.textContent) > 0) &&"
        "  document.querySelectorAll('#topology-chart polyline').length === 2");
  visit("component.html?topology_id=" + id + "&id=split", "split", "ui-component.png");
  visit("supervisor.html?id=" + a_->SupervisorId(cluster_), "127.0.0.1", "ui-supervisor.png");

  ExpectSuccess(cluster_.Storm({"kill", "wc", "-w", "1"}));
}

}  // namespace
}  // namespace storm::e2e
