#include "ui/ui_server.h"

#include "common/http/metrics_endpoint.h"

#include "ui/web_assets.h"

namespace storm::ui {

namespace {

http::Response ServeAsset(const http::Request& request) {
  const std::string path = request.path == "/" ? "/index.html" : request.path;
  for (const WebAsset& asset : WebAssets()) {
    if (asset.path == path) {
      http::Response response{200, ContentTypeOf(path), std::string(asset.bytes), {}};
      response.headers.emplace_back("Cache-Control", "no-cache");
      return response;
    }
  }
  return http::Response::Error(404, "no such page: " + request.path);
}

http::ServerOptions HttpOptions(const UiServerOptions& options) {
  http::ServerOptions http;
  http.host = options.host;
  http.port = options.port;
  http.threads = options.threads;
  http.name = "ui";
  return http;
}

}  // namespace

UiServer::UiServer(UiServerOptions options) : server_(HttpOptions(options)) {
  AddUiApiRoutes(server_, std::move(options.api));
  http::ServeMetrics(server_, [started = std::chrono::steady_clock::now()] {
    metrics::MetricSet set;
    http::AddDaemonUptime(set, "ui", started);
    return set;
  });
  server_.HandlePrefix("GET", "/", ServeAsset);
}

int UiServer::Start() {
  return server_.Start();
}

void UiServer::Stop() {
  server_.Stop();
}

UiServerOptions UiServerOptionsFromConfig(const Config& conf) {
  UiServerOptions options;
  options.host = conf.getString(Config::kUiHost);
  options.port = static_cast<int>(conf.getInt(Config::kUiPort));
  options.api.logviewer_port = static_cast<int>(conf.getInt(Config::kLogviewerPort));
  options.api.connect = [conf] { return ConnectToLeader(conf); };
  return options;
}

}  // namespace storm::ui
