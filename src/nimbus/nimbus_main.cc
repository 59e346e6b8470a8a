// storm-nimbus: the master daemon (see nimbus/nimbus_daemon.h).
#include <string>
#include <vector>

#include "nimbus/nimbus_daemon.h"

int main(int argc, char** argv) {
  return storm::RunNimbusDaemon(std::vector<std::string>(argv + 1, argv + argc));
}
