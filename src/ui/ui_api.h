// Storm UI's REST API (/api/v1/...) over Nimbus's Thrift API: each request
// asks the leader Nimbus afresh (the UI keeps no state of the cluster) and
// answers with ui_json.h's JSON.
//
// Errors, as Storm's JSON error object {"error", "errorMessage"}: an unknown
// topology, component or supervisor is 404; a malformed window, sys flag,
// wait time or rebalance body is 400; Nimbus unreachable is 503 naming the
// addresses tried; another Nimbus failure is 500 with Nimbus's message.
// GETs take Storm's JSONP ?callback=<function name>.
//
// Thread safety: the handlers may run on several threads at once (each
// opens its own Nimbus connection).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "common/client/nimbus_client.h"
#include "common/http/http_server.h"

namespace storm::ui {

struct UiApiOptions {
  // Opens a connection to the leader Nimbus; throws NimbusUnreachableError.
  std::function<std::unique_ptr<NimbusClient>()> connect;
  int logviewer_port = 8000;
  std::function<int64_t()> now_secs;  // unix time; default: the system clock
};

// Adds the API's routes to `server` (before it starts).
void AddUiApiRoutes(http::Server& server, UiApiOptions options);

// The leading Nimbus found through nimbus.seeds, or while none leads any
// Nimbus that answers (its pages read as well from a follower; a follower
// refuses the actions, naming the leader).
std::unique_ptr<NimbusClient> ConnectToLeader(const Config& conf);

}  // namespace storm::ui
