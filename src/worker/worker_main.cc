// storm-worker: one worker process of a topology (see worker/worker_daemon.h).
#include <string>
#include <vector>

#include "worker/worker_daemon.h"

int main(int argc, char** argv) {
  return storm::RunWorkerDaemon(std::vector<std::string>(argv + 1, argv + argc));
}
