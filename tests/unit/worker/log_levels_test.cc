// LogLevels: what `storm set_log_level` does to a running worker's loggers.
#include "worker/log_levels.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

namespace storm {
namespace {

using spdlog::level::level_enum;

// A registered logger that drops what it logs (spdlog's null_logger_mt would
// start it at OFF).
std::shared_ptr<spdlog::logger> NullLogger(const std::string& name) {
  auto logger =
      std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::null_sink_mt>());
  spdlog::initialize_logger(logger);  // the global level, and registered
  return logger;
}

LoggerLevel Level(std::string target, int64_t reset_at = 0, std::string reset = "INFO") {
  return LoggerLevel{std::move(target), reset_at, std::move(reset)};
}

class LogLevelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::drop_all();
    spdlog::set_level(spdlog::level::info);
    spdlog::set_default_logger(NullLogger("worker"));
    kafka_ = NullLogger("kafka");
  }
  void TearDown() override { spdlog::drop_all(); }

  std::shared_ptr<spdlog::logger> kafka_;
  LogLevels levels_;
};

TEST_F(LogLevelsTest, NamedLoggerTakesTheTargetLevelAndNoOtherChanges) {
  levels_.Apply(LogConfig{{{"kafka", Level("DEBUG")}}}, 100);
  EXPECT_EQ(kafka_->level(), level_enum::debug);
  EXPECT_EQ(spdlog::default_logger()->level(), level_enum::info);
}

TEST_F(LogLevelsTest, RootSetsEveryLoggerButANamedOneWins) {
  levels_.Apply(LogConfig{{{"ROOT", Level("WARN")}, {"kafka", Level("trace")}}}, 100);
  EXPECT_EQ(spdlog::default_logger()->level(), level_enum::warn);
  EXPECT_EQ(kafka_->level(), level_enum::trace);
  // Applying the same config again (every heartbeat) keeps it so.
  levels_.Apply(LogConfig{{{"ROOT", Level("WARN")}, {"kafka", Level("trace")}}}, 101);
  EXPECT_EQ(kafka_->level(), level_enum::trace);
}

TEST_F(LogLevelsTest, StormLevelNamesMapToSpdlogs) {
  const std::pair<const char*, level_enum> names[] = {
      {"TRACE", level_enum::trace}, {"DEBUG", level_enum::debug}, {"INFO", level_enum::info},
      {"WARN", level_enum::warn},   {"ERROR", level_enum::err},   {"FATAL", level_enum::critical},
      {"OFF", level_enum::off}};
  for (const auto& [name, level] : names) {
    levels_.Apply(LogConfig{{{"kafka", Level(name)}}}, 100);
    EXPECT_EQ(kafka_->level(), level) << name;
  }
}

TEST_F(LogLevelsTest, ResetsToTheResetLevelWhenTheTimeoutPasses) {
  const LogConfig config{{{"kafka", Level("DEBUG", /*reset_at=*/200, "ERROR")}}};
  levels_.Apply(config, 100);
  EXPECT_EQ(kafka_->level(), level_enum::debug);
  levels_.Apply(config, 199);
  EXPECT_EQ(kafka_->level(), level_enum::debug);
  levels_.Apply(config, 200);
  EXPECT_EQ(kafka_->level(), level_enum::err);
}

TEST_F(LogLevelsTest, ARemovedEntryRestoresTheLevelBeforeTheChange) {
  kafka_->set_level(level_enum::warn);
  levels_.Apply(LogConfig{{{"kafka", Level("DEBUG")}, {"ROOT", Level("ERROR")}}}, 100);
  levels_.Apply(std::nullopt, 101);  // the topology's /logconfigs node is gone
  EXPECT_EQ(spdlog::default_logger()->level(), level_enum::info);
  EXPECT_EQ(kafka_->level(), level_enum::warn);
  EXPECT_TRUE(levels_.applied().empty());
}

TEST_F(LogLevelsTest, AnUnknownLevelNameIsIgnored) {
  levels_.Apply(LogConfig{{{"kafka", Level("LOUD")}}}, 100);
  EXPECT_EQ(kafka_->level(), level_enum::info);
  levels_.Apply(LogConfig{{{"kafka", Level("LOUD")}}}, 101);  // and warned about once
  EXPECT_EQ(kafka_->level(), level_enum::info);
}

TEST_F(LogLevelsTest, ALoggerCreatedLaterGetsItsLevelOnTheNextApply) {
  const LogConfig config{{{"late", Level("TRACE")}}};
  levels_.Apply(config, 100);
  auto late = NullLogger("late");
  levels_.Apply(config, 101);
  EXPECT_EQ(late->level(), level_enum::trace);
}

}  // namespace
}  // namespace storm
