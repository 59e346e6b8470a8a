// storm-ui's pages in a real browser: Debian's headless Chromium loads each
// page from a UI over the fake Nimbus, runs its JavaScript, and prints the
// DOM it rendered and its console. Skipped when Chromium is not installed.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.h"
#include "unit/ui/ui_test_cluster.h"

namespace storm::testing {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

struct PageLoad {
  std::string dom;
  std::string console;  // Chromium's log: console messages and uncaught errors
};

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Loads `url` in a fresh headless Chromium; returns once the page's timers
// have run for a few seconds of virtual time.
PageLoad Load(const std::string& url) {
  TempDir dir;
  const std::string command =
      std::string(kChromium) +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage"
      " --enable-logging=stderr --v=0 --virtual-time-budget=4000 --user-data-dir=" +
      (dir / "profile").string() + " --dump-dom '" + url + "' >" + (dir / "dom").string() + " 2>" +
      (dir / "log").string();
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return {Slurp(dir / "dom"), Slurp(dir / "log")};
}

// Console lines that are JavaScript errors or failed requests.
std::string Problems(const std::string& console) {
  std::stringstream lines(console);
  std::string line, problems;
  while (std::getline(lines, line)) {
    if (line.find("CONSOLE") == std::string::npos && line.find("Uncaught") == std::string::npos) {
      continue;
    }
    problems += line + "\n";
  }
  return problems;
}

class UiBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) GTEST_SKIP() << "no " << kChromium;
    {
      std::lock_guard lock(nimbus_.mutex());
      FillCluster(nimbus_.state());
    }
    ui_ = StartUi(nimbus_);
  }
  void TearDown() override {
    if (ui_) ui_->Stop();
  }
  std::string Url(const std::string& page) {
    return "http://127.0.0.1:" + std::to_string(ui_->port()) + "/" + page;
  }
  PageLoad Check(const std::string& page) {
    PageLoad load = Load(Url(page));
    EXPECT_EQ(Problems(load.console), "") << page;
    // The banner stays hidden: every API call the page made succeeded.
    EXPECT_NE(load.dom.find(R"(id="error" class="error-banner hidden")"), std::string::npos)
        << page << "\n"
        << load.dom;
    return load;
  }

  FakeNimbus nimbus_;
  std::unique_ptr<ui::UiServer> ui_;
};

TEST_F(UiBrowserTest, IndexShowsNimbusSupervisorsAndTopologies) {
  PageLoad load = Check("");
  EXPECT_NE(load.dom.find("Leader"), std::string::npos);
  EXPECT_NE(load.dom.find(std::string("topology.html?id=") + kTopologyId), std::string::npos);
  EXPECT_NE(load.dom.find("supervisor.html?id=sup-1"), std::string::npos);
  EXPECT_NE(load.dom.find("ACTIVE"), std::string::npos);
}

TEST_F(UiBrowserTest, TopologyShowsStatsDagChartAndErrors) {
  PageLoad load = Check(std::string("topology.html?id=") + kTopologyId);
  EXPECT_NE(load.dom.find("All time"), std::string::npos);
  EXPECT_NE(load.dom.find("<svg"), std::string::npos);
  EXPECT_NE(load.dom.find("capacity 0.750"), std::string::npos);  // the DAG's split
  EXPECT_NE(load.dom.find("acked/s"), std::string::npos);         // the chart
  EXPECT_NE(load.dom.find("std::runtime_error: bad sentence"), std::string::npos);
  EXPECT_NE(load.dom.find("%2F6701%2Fworker.log"), std::string::npos);
  EXPECT_NE(load.dom.find("cap-mid"), std::string::npos);
  EXPECT_NE(load.dom.find("Deactivate"), std::string::npos);
}

TEST_F(UiBrowserTest, ComponentShowsExecutors) {
  PageLoad load = Check(std::string("component.html?topology_id=") + kTopologyId + "&id=split");
  EXPECT_NE(load.dom.find("[3-4]"), std::string::npos);
  EXPECT_NE(load.dom.find("43m 4s"), std::string::npos);
  EXPECT_NE(load.dom.find("0.250"), std::string::npos);
}

TEST_F(UiBrowserTest, SupervisorShowsWorkers) {
  PageLoad load = Check("supervisor.html?id=sup-1");
  EXPECT_NE(load.dom.find("6702"), std::string::npos);
  EXPECT_NE(load.dom.find("worker.log"), std::string::npos);
}

TEST_F(UiBrowserTest, UnknownTopologyShowsTheErrorBanner) {
  PageLoad load = Load(Url("topology.html?id=nope-1-1"));
  EXPECT_NE(load.dom.find("nope-1-1 is not alive"), std::string::npos) << load.dom;
}

}  // namespace
}  // namespace storm::testing
