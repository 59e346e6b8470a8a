#include "common/http/metrics_endpoint.h"

#include <utility>

#include <spdlog/spdlog.h>

namespace storm::http {

void ServeMetrics(Server& server, std::function<metrics::MetricSet()> collect) {
  server.Handle("GET", "/metrics", [collect = std::move(collect)](const Request&) {
    Response response;
    response.content_type = metrics::kTextContentType;
    response.body = collect().RenderText();
    return response;
  });
}

void AddDaemonUptime(metrics::MetricSet& set, const std::string& daemon,
                     std::chrono::steady_clock::time_point started) {
  const std::chrono::duration<double> up = std::chrono::steady_clock::now() - started;
  set.AddGauge("storm_daemon_uptime_seconds", "Seconds since the daemon started.",
               {{"daemon", daemon}}, up.count());
}

std::unique_ptr<Server> StartMetricsServer(const std::string& daemon, const std::string& key,
                                           int port,
                                           std::function<metrics::MetricSet()> collect) {
  auto server = std::make_unique<Server>(
      ServerOptions{.host = "0.0.0.0", .port = port, .threads = 1, .name = daemon + "-metrics"});
  ServeMetrics(*server, std::move(collect));
  try {
    server->Start();
  } catch (const std::exception& e) {
    spdlog::error("{}: no Prometheus /metrics: {} (set {} to a free port)", daemon, e.what(), key);
    return nullptr;
  }
  return server;
}

}  // namespace storm::http
