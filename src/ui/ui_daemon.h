// The UI daemon: what `storm-ui` and `storm ui` run. Takes the global
// options every storm-cpp program takes (common/config/command_line.h),
// serves Storm UI's REST API and web page on ui.host:ui.port until
// SIGTERM/SIGINT. Nimbus need not be up: pages answer 503 until it is.
#pragma once

#include "common/config/command_line.h"

namespace storm {

inline constexpr const char* kUiDescription =
    "storm-ui: Storm UI's REST API (/api/v1/...) and web page over Nimbus, on ui.port until "
    "SIGTERM or SIGINT.";

// Returns the exit status: 0 after SIGTERM/SIGINT, 1 for a failure (the
// port taken, a bad config).
int RunUiDaemon(const GlobalOptions& command_line);

}  // namespace storm
