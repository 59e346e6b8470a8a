// ProcessWorkerLauncher: a worker's stdout and stderr go to worker.log.out
// and worker.log.err beside its worker.log, as in Storm.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/state/local_state.h"
#include "supervisor/supervisor.h"
#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(WorkerLauncherTest, StdoutAndStderrGoToWorkerLogOutAndErr) {
  testing::TempDir dir;
  // A stand-in for storm-worker that prints to both and exits.
  const std::string fake =
      dir.Write("fake-worker", "#!/bin/sh\necho to-stdout\necho to-stderr >&2\n");
  fs::permissions(fake, fs::perms::owner_all);
  const LocalState local((dir / "local").string());
  WorkerLaunchSpec spec{"wc-1-1",
                        "sup-1",
                        6700,
                        "w-1",
                        "/dev/null",
                        local.WorkerStdoutFile("wc-1-1", 6700),
                        local.WorkerStderrFile("wc-1-1", 6700)};
  ProcessWorkerLauncher launcher(fake);
  const int pid = launcher.Launch(spec);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(Read(spec.stdout_file), "to-stdout\n");
  EXPECT_EQ(Read(spec.stderr_file), "to-stderr\n");
  EXPECT_EQ(fs::path(spec.stdout_file).parent_path(),
            fs::path(local.WorkerLogFile("wc-1-1", 6700)).parent_path());
}

TEST(WorkerLauncherTest, AnUnwritableLogDirIsAClearError) {
  testing::TempDir dir;
  dir.Write("file", "");  // a file where a directory should be
  WorkerLaunchSpec spec{"wc-1-1",
                        "sup-1",
                        6700,
                        "w-1",
                        "/dev/null",
                        (dir / "file/worker.log.out").string(),
                        (dir / "file/worker.log.err").string()};
  ProcessWorkerLauncher launcher("/bin/true");
  EXPECT_ANY_THROW(launcher.Launch(spec));
}

}  // namespace
}  // namespace storm
