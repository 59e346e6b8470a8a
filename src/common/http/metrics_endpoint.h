// GET /metrics in Prometheus's text format on an http::Server, the endpoint
// every daemon serves (docs/metrics.md). `collect` runs on a server thread
// for each scrape and must be thread-safe; when it throws, the scrape gets a
// 500 naming the error and the daemon goes on.
#pragma once

#include <functional>

#include "common/http/http_server.h"
#include "common/metrics/prometheus.h"

namespace storm::http {

void ServeMetrics(Server& server, std::function<metrics::MetricSet()> collect);

}  // namespace storm::http
