// GET /metrics in Prometheus's text format on an http::Server, the endpoint
// every daemon serves (docs/metrics.md). `collect` runs on a server thread
// for each scrape and must be thread-safe; when it throws, the scrape gets a
// 500 naming the error and the daemon goes on.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/http/http_server.h"
#include "common/metrics/prometheus.h"

namespace storm::http {

void ServeMetrics(Server& server, std::function<metrics::MetricSet()> collect);

// Adds storm_daemon_uptime_seconds{daemon} (seconds since `started`, a
// steady-clock time) to `set`: what every daemon's /metrics has.
void AddDaemonUptime(metrics::MetricSet& set, const std::string& daemon,
                     std::chrono::steady_clock::time_point started);

// A server of its own for a daemon without a web port (Nimbus, a
// supervisor): GET /metrics on 0.0.0.0:port. A port that cannot be bound is
// logged as an error naming the key and the daemon goes on without it
// (metrics are not worth stopping the cluster's work for): nullptr then.
std::unique_ptr<Server> StartMetricsServer(const std::string& daemon, const std::string& key,
                                           int port,
                                           std::function<metrics::MetricSet()> collect);

}  // namespace storm::http
