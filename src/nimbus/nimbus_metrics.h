// What Nimbus serves at GET /metrics (nimbus.metrics.port): the cluster as
// this Nimbus sees it, for Prometheus (docs/metrics.md). Reads the cluster
// state on each scrape; thread-safe as Nimbus's queries are.
#pragma once

#include "common/metrics/prometheus.h"
#include "nimbus/nimbus.h"

namespace storm {

metrics::MetricSet NimbusMetrics(Nimbus& nimbus, const std::string& host, int port);

}  // namespace storm
