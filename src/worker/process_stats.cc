#include "worker/process_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace storm {

namespace {

int64_t ResidentBytes() {
  // statm: size resident shared text lib data dt, in pages.
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0;
  int64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  return resident * (page > 0 ? page : 4096);
}

double Secs(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

ProcessStats MeasureThisProcess() {
  ProcessStats s;
  s.rss_bytes = ResidentBytes();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) s.cpu_secs = Secs(usage.ru_utime) + Secs(usage.ru_stime);
  s.pid = static_cast<int>(getpid());
  return s;
}

}  // namespace storm
