// A real Prometheus server for tests (Debian's `prometheus` package): its
// own process on a free 127.0.0.1 port, a temporary config and TSDB, a
// scrape every second of the targets given (host:port, GET /metrics).
//
//   PrometheusServer prometheus({"127.0.0.1:6629", "127.0.0.1:6630"});
//   std::string json = prometheus.Query("rate(storm_emit_count_total[10s])");
//
// And promtool's linter over an exposition (CheckMetrics). Both throw
// std::runtime_error saying what is missing when the package is not there.
// The server gets SIGKILL when the test process dies (DaemonProcess).
#pragma once

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/ports.h"
#include "support/processes.h"
#include "support/temp_dir.h"

namespace storm::testing {

inline constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";
inline constexpr const char* kPromtoolBinary = "/usr/bin/promtool";

// `promtool check metrics` over `exposition`: its exit status and what it
// said (problems are printed, one per line; none means the text is clean).
inline CommandResult CheckMetrics(const std::string& exposition) {
  if (!std::filesystem::exists(kPromtoolBinary)) {
    throw std::runtime_error(std::string(kPromtoolBinary) +
                             " is missing: install Debian's prometheus package "
                             "(scripts/install-deps.sh)");
  }
  TempDir dir;
  const auto file = dir / "metrics.txt";
  std::ofstream(file) << exposition;
  return RunProgram({"/bin/sh", "-c", std::string(kPromtoolBinary) + " check metrics < " +
                                          file.string()},
                    {}, std::chrono::seconds(30));
}

class PrometheusServer {
 public:
  explicit PrometheusServer(const std::vector<std::string>& targets)
      : port_(FreePort()),
        daemon_({kPrometheusBinary, "--config.file=" + (dir_ / "prometheus.yml").string(),
                 "--storage.tsdb.path=" + (dir_ / "data").string(),
                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                 "--log.level=warn"},
                dir_ / "prometheus.log") {
    if (!std::filesystem::exists(kPrometheusBinary)) {
      throw std::runtime_error(std::string(kPrometheusBinary) +
                               " is missing: install Debian's prometheus package "
                               "(scripts/install-deps.sh)");
    }
    std::ofstream config(dir_ / "prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
              "scrape_configs:\n  - job_name: storm\n    static_configs:\n      - targets: [";
    for (size_t i = 0; i < targets.size(); ++i) config << (i ? ", " : "") << '"' << targets[i] << '"';
    config << "]\n";
    config.close();
    daemon_.Start();
    WaitForPort(daemon_, port_, std::chrono::seconds(60));
    // It listens before its storage is open: ready is when /-/ready says so.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (HttpGet(port_, "/-/ready").status != 200) {
      if (!daemon_.Alive() || std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("prometheus did not become ready:\n" + daemon_.LogTail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  int port() const { return port_; }

  // The HTTP API's answer to an instant query (its JSON text); throws when
  // the server does not answer with 200.
  std::string Query(const std::string& promql) {
    const HttpReply reply = HttpGet(port_, "/api/v1/query?query=" + UrlEncode(promql));
    if (reply.status != 200) {
      throw std::runtime_error("prometheus answered " + std::to_string(reply.status) + " to " +
                               promql + ": " + reply.body);
    }
    return reply.body;
  }

  // The values of the query's result vector (empty when it has none yet).
  std::vector<double> QueryValues(const std::string& promql) {
    std::vector<double> out;
    const auto json = nlohmann::json::parse(Query(promql), nullptr, false);
    if (json.is_discarded() || !json.contains("data")) return out;
    for (const auto& r : json["data"]["result"]) out.push_back(std::stod(r["value"][1].get<std::string>()));
    return out;
  }

  // The health of every scrape target ("up", "down", "unknown"), by URL.
  std::string TargetsJson() { return HttpGet(port_, "/api/v1/targets").body; }

  std::string LogTail() const { return daemon_.LogTail(); }

 private:
  static std::string UrlEncode(const std::string& text) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  }

  TempDir dir_;
  int port_;
  DaemonProcess daemon_;
};

}  // namespace storm::testing
