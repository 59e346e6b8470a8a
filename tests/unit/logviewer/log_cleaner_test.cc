// LogCleaner: old logs of dead workers go; running workers' logs stay.
#include "logviewer/log_cleaner.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::minutes;

class LogCleanerTest : public ::testing::Test {
 protected:
  // A file of `bytes` under workers-artifacts, last modified `age` before now_.
  fs::path File(const std::string& relative, size_t bytes, minutes age) {
    const fs::path path = dir_.Write(relative, std::string(bytes, 'x'));
    fs::last_write_time(path, now_ - age);
    fs::last_write_time(path.parent_path(), now_ - age);
    return path;
  }
  LogCleaner Cleaner(uintmax_t max_bytes = uintmax_t{1} << 30) {
    return LogCleaner({dir_.path().string(), minutes(60), max_bytes});
  }

  testing::TempDir dir_;
  const fs::file_time_type now_ = fs::file_time_type::clock::now();
};

TEST_F(LogCleanerTest, DeletesTheOldDirectoriesOfDeadWorkersOnly) {
  const fs::path old_dead = File("old-1-1/6700/worker.log", 10, minutes(120));
  const fs::path old_alive = File("alive-2-2/6701/worker.log", 10, minutes(120));
  const fs::path fresh_dead = File("fresh-3-3/6702/worker.log", 10, minutes(5));
  const CleanupReport report = Cleaner().Run(now_, {{"alive-2-2", 6701}});
  EXPECT_FALSE(fs::exists(old_dead.parent_path()));
  EXPECT_FALSE(fs::exists(dir_ / "old-1-1")) << "an emptied topology directory goes too";
  EXPECT_TRUE(fs::exists(old_alive));
  EXPECT_TRUE(fs::exists(fresh_dead));
  EXPECT_EQ(report.dirs_deleted, 1);
}

TEST_F(LogCleanerTest, ADirectoryWithOneRecentFileIsKept) {
  File("topo-1-1/6700/worker.1.log", 10, minutes(600));
  const fs::path recent = File("topo-1-1/6700/worker.log", 10, minutes(1));
  Cleaner().Run(now_, {});
  EXPECT_TRUE(fs::exists(recent));
  EXPECT_TRUE(fs::exists(dir_ / "topo-1-1/6700/worker.1.log"));
}

TEST_F(LogCleanerTest, OverTheTotalTheOldestFilesOfDeadWorkersGoFirst) {
  const fs::path oldest = File("dead-1-1/6700/worker.2.log", 100, minutes(50));
  const fs::path older = File("dead-1-1/6700/worker.1.log", 100, minutes(40));
  const fs::path newer = File("dead-1-1/6700/worker.log", 100, minutes(30));
  const fs::path alive = File("live-2-2/6701/worker.1.log", 100, minutes(55));
  const CleanupReport report = Cleaner(/*max_bytes=*/250).Run(now_, {{"live-2-2", 6701}});
  EXPECT_FALSE(fs::exists(oldest));
  EXPECT_FALSE(fs::exists(older));
  EXPECT_TRUE(fs::exists(newer));
  EXPECT_TRUE(fs::exists(alive)) << "older, but its worker runs";
  EXPECT_EQ(report.files_deleted, 2);
  EXPECT_EQ(report.bytes_left, 200u);
}

TEST_F(LogCleanerTest, RunningWorkersOverTheTotalAreLeftAlone) {
  const fs::path alive = File("live-2-2/6701/worker.log", 300, minutes(55));
  const CleanupReport report = Cleaner(/*max_bytes=*/100).Run(now_, {{"live-2-2", 6701}});
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_EQ(report.bytes_left, 300u);
}

TEST_F(LogCleanerTest, AliveWorkersAreThoseWithARecentLocalHeartbeat) {
  LocalState local(dir_.path().string());
  fs::create_directories(local.WorkerDir("w1"));
  fs::create_directories(local.WorkerDir("w2"));
  local.WriteHeartbeat("w1", LocalWorkerHeartbeat{1000, "topo-1-1", {}, 6700});
  local.WriteHeartbeat("w2", LocalWorkerHeartbeat{900, "topo-1-1", {}, 6701});
  EXPECT_EQ(AliveWorkerDirs(local, 1010, 30), (std::set<WorkerDirKey>{{"topo-1-1", 6700}}));
}

}  // namespace
}  // namespace storm
