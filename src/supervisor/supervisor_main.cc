// storm-supervisor: the daemon on every host (see supervisor/supervisor_daemon.h).
#include <string>
#include <vector>

#include "supervisor/supervisor_daemon.h"

int main(int argc, char** argv) {
  return storm::RunSupervisorDaemon(std::vector<std::string>(argv + 1, argv + argc));
}
