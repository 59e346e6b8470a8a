// Log files: where they are and how they rotate.
#include "common/util/logging.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/config/daemon.h"
#include "common/state/local_state.h"
#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LoggingTest, ALogFileRotatesBySizeKeepingMaxFiles) {
  testing::TempDir dir;
  LogFileOptions file;
  file.path = (dir / "logs/nimbus.log").string();  // its directory is created
  file.max_bytes = 1024;
  file.max_files = 2;
  InitLogging("nimbus", "info", file);
  for (int i = 0; i < 100; ++i) spdlog::info("line {} {}", i, std::string(50, 'x'));
  spdlog::default_logger()->flush();
  EXPECT_TRUE(fs::exists(dir / "logs/nimbus.log"));
  EXPECT_TRUE(fs::exists(dir / "logs/nimbus.1.log"));
  EXPECT_TRUE(fs::exists(dir / "logs/nimbus.2.log"));
  EXPECT_FALSE(fs::exists(dir / "logs/nimbus.3.log"));
  EXPECT_LE(fs::file_size(dir / "logs/nimbus.log"), 1024u);
  EXPECT_NE(Read(dir / "logs/nimbus.log").find("[nimbus] line 99"), std::string::npos);
  InitLogging("test", "info");  // back to stderr, closing the file
}

TEST(LoggingTest, StormLevelNames) {
  EXPECT_EQ(LevelFromStormName("FATAL"), spdlog::level::critical);
  EXPECT_EQ(LevelFromStormName("warn"), spdlog::level::warn);
  EXPECT_EQ(LevelFromStormName("OFF"), spdlog::level::off);
  EXPECT_EQ(LevelFromStormName("LOUD"), std::nullopt);
  EXPECT_EQ(StormLevelName(spdlog::level::err), "ERROR");
}

TEST(LoggingTest, LogDirIsStormLogDirElseLogsUnderTheLocalDir) {
  Config conf;
  conf.put(Config::kStormLocalDir, "/var/lib/storm");
  EXPECT_EQ(LogDir(conf), "/var/lib/storm/logs");
  conf.put(Config::kStormLogDir, "/var/log/storm/");
  EXPECT_EQ(LogDir(conf), "/var/log/storm");
  EXPECT_EQ(LocalState::FromConfig(conf).WorkerLogFile("wc-1-1", 6700),
            "/var/log/storm/workers-artifacts/wc-1-1/6700/worker.log");
  EXPECT_EQ(LocalState("/l").WorkerStderrFile("wc-1-1", 6700),
            "/l/logs/workers-artifacts/wc-1-1/6700/worker.log.err");
}

}  // namespace
}  // namespace storm
