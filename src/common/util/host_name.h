// This machine's host name, as the kernel knows it (gethostname), or
// "localhost" when it has none. Config's storm.local.hostname, when set,
// takes precedence: see LocalHostName in common/config/daemon.h.
#pragma once

#include <string>

namespace storm {

std::string MachineHostName();

}  // namespace storm
