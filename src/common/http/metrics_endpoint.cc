#include "common/http/metrics_endpoint.h"

#include <utility>

namespace storm::http {

void ServeMetrics(Server& server, std::function<metrics::MetricSet()> collect) {
  server.Handle("GET", "/metrics", [collect = std::move(collect)](const Request&) {
    Response response;
    response.content_type = metrics::kTextContentType;
    response.body = collect().RenderText();
    return response;
  });
}

}  // namespace storm::http
