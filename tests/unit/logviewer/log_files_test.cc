// LogFiles: the logviewer serves files under storm.log.dir and nothing else.
#include "logviewer/log_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

class LogFilesTest : public ::testing::Test {
 protected:
  LogFilesTest() : files_((dir_ / "logs").string()) {
    dir_.Write("logs/workers-artifacts/wc-1-1/6700/worker.log", "worker line\n");
    dir_.Write("logs/workers-artifacts/wc-1-1/6700/worker.log.err", "");
    dir_.Write("logs/workers-artifacts/wc-1-1/6701/worker.log", "");
    dir_.Write("logs/workers-artifacts/other-2-2/6700/worker.log", "");
    dir_.Write("logs/nimbus.log", "nimbus line\n");
    dir_.Write("secret.txt", "do not serve\n");
  }

  testing::TempDir dir_;
  LogFiles files_;
};

TEST_F(LogFilesTest, AWorkerLogIsNamedUnderWorkersArtifacts) {
  const ResolvedFile r = files_.ResolveWorkerLog("wc-1-1/6700/worker.log");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(fs::path(r.path),
            fs::canonical(dir_ / "logs/workers-artifacts/wc-1-1/6700/worker.log"));
}

TEST_F(LogFilesTest, ADaemonLogIsAFileNameInTheLogDir) {
  EXPECT_TRUE(files_.ResolveDaemonLog("nimbus.log").ok());
  EXPECT_EQ(files_.ResolveDaemonLog("workers-artifacts/wc-1-1/6700/worker.log").status, 400);
}

TEST_F(LogFilesTest, DotDotAndAbsolutePathsAreRefusedWithAReason) {
  for (const char* bad : {"../secret.txt", "../../secret.txt", "wc-1-1/../../../secret.txt",
                          "wc-1-1/6700/../../../../secret.txt"}) {
    const ResolvedFile r = files_.ResolveWorkerLog(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.error.find(".."), std::string::npos) << r.error;
  }
  const ResolvedFile abs = files_.ResolveWorkerLog((dir_ / "secret.txt").string());
  EXPECT_EQ(abs.status, 400);
  EXPECT_NE(abs.error.find("absolute"), std::string::npos) << abs.error;
  EXPECT_EQ(files_.ResolveDaemonLog("../secret.txt").status, 400);
  EXPECT_EQ(files_.ResolveWorkerLog("").status, 400);
}

TEST_F(LogFilesTest, AnEncodedDotDotIsJustAnUnknownName) {
  // The HTTP layer decodes %2F; a name still holding it names no file.
  EXPECT_EQ(files_.ResolveWorkerLog("..%2F..%2Fsecret.txt").status, 404);
}

TEST_F(LogFilesTest, ASymlinkLeadingOutsideIsForbidden) {
  fs::create_symlink(dir_ / "secret.txt", dir_ / "logs/workers-artifacts/wc-1-1/6700/link.log");
  fs::create_directory_symlink(dir_.path(), dir_ / "logs/workers-artifacts/escape");
  EXPECT_EQ(files_.ResolveWorkerLog("wc-1-1/6700/link.log").status, 403);
  EXPECT_EQ(files_.ResolveWorkerLog("escape/secret.txt").status, 403);
  fs::create_symlink(dir_ / "logs/nimbus.log", dir_ / "logs/inside.log");
  EXPECT_TRUE(files_.ResolveDaemonLog("inside.log").ok());
}

TEST_F(LogFilesTest, UnknownFilesAndDirectoriesAreNotFound) {
  EXPECT_EQ(files_.ResolveWorkerLog("wc-1-1/6799/worker.log").status, 404);
  EXPECT_EQ(files_.ResolveWorkerLog("wc-1-1/6700").status, 404);
  EXPECT_EQ(files_.ResolveDaemonLog("ui.log").status, 404);
}

TEST_F(LogFilesTest, ListsWorkerLogsByTopologyAndPort) {
  EXPECT_EQ(files_.ListWorkerLogs(std::nullopt, std::nullopt),
            (std::vector<std::string>{"other-2-2/6700/worker.log", "wc-1-1/6700/worker.log",
                                      "wc-1-1/6700/worker.log.err", "wc-1-1/6701/worker.log"}));
  EXPECT_EQ(files_.ListWorkerLogs("wc-1-1", 6701),
            (std::vector<std::string>{"wc-1-1/6701/worker.log"}));
  EXPECT_TRUE(files_.ListWorkerLogs("gone-3-3", std::nullopt).empty());
  EXPECT_EQ(files_.ListDaemonLogs(), (std::vector<std::string>{"nimbus.log"}));
}

}  // namespace
}  // namespace storm
