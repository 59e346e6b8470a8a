// UiServer: storm-ui's web server: the REST API (ui_api.h) and the web page
// (web_assets.h) on one port. Tests run it in-process against any Nimbus
// (a fake one included) through UiApiOptions::connect.
//
// Thread safety: Start() and Stop() from one thread; requests are served on
// the server's own threads.
#pragma once

#include <string>

#include "common/http/http_server.h"
#include "ui/ui_api.h"

namespace storm::ui {

struct UiServerOptions {
  std::string host = "0.0.0.0";  // ui.host
  int port = 8080;               // ui.port; 0: a free port
  // Handlers wait on Nimbus: more threads than a metrics endpoint needs.
  int threads = 4;
  UiApiOptions api;
};

class UiServer {
 public:
  explicit UiServer(UiServerOptions options);
  // Throws http::ServerError when it cannot bind. Returns the port bound.
  int Start();
  void Stop();
  int port() const { return server_.port(); }

 private:
  http::Server server_;
};

// UiServerOptions from a config: ui.host, ui.port, logviewer.port, and the
// leader Nimbus found from nimbus.seeds.
UiServerOptions UiServerOptionsFromConfig(const Config& conf);

}  // namespace storm::ui
