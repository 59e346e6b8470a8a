// Threads and signals as every daemon sets them up.
#pragma once

#include <signal.h>

#include <string>

namespace storm {

// Names the calling thread (as `top -H` and gdb show it); Linux keeps the
// first 15 characters.
void SetThreadName(const std::string& name);

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it
// starts afterwards, for the daemon to take them with sigwait (or
// sigtimedwait) on the returned set; ignores SIGPIPE (a peer that went away
// shows as a failed write). Call before any thread starts.
sigset_t BlockStopSignals();

}  // namespace storm
