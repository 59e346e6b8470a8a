#include "ui/ui_daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "common/config/daemon.h"
#include "ui/ui_server.h"

namespace storm {

int RunUiDaemon(const GlobalOptions& command_line) {
  try {
    Config conf = StartDaemon("ui", command_line);
    const sigset_t signals = BlockStopSignals();  // taken by sigwait below
    ui::UiServer server(ui::UiServerOptionsFromConfig(conf));
    const int port = server.Start();
    spdlog::info("ui: serving Storm UI on http://{}:{}/ (Nimbus at nimbus.seeds)",
                 conf.getString(Config::kUiHost), port);
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("ui: {} received, shutting down", strsignal(sig));
    server.Stop();
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("ui: {}", e.what());
    return 1;
  }
}

}  // namespace storm
