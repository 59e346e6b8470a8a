// The command line every storm-cpp program reads (common/config/command_line.h),
// parsed from word lists into an App shaped like storm's: global options, a
// verb with a name and numbers, a verb that runs a library with its
// arguments.
#include "common/config/command_line.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace storm {
namespace {

using Words = std::vector<std::string>;

// `prog` with the global options and three verbs:
//   prog list
//   prog kill <topology-name> [-w SECS]
//   prog jar <library> [args...] [--ttl SECS]
class CommandLineTest : public ::testing::Test {
 protected:
  CommandLineTest() {
    app_.require_subcommand(1);
    AddGlobalOptions(app_, global_);
    list_ = app_.add_subcommand("list", "lists");
    AddGlobalOptions(*list_, global_);
    kill_ = app_.add_subcommand("kill", "kills");
    AddGlobalOptions(*kill_, global_);
    kill_->add_option("topology-name", name_)->required();
    kill_->add_option("-w,--wait", wait_secs_)->check(WholeNumber(0));
    jar_ = app_.add_subcommand("jar", "runs a library");
    auto jar_options = [this](CLI::App& app) {
      AddGlobalOptions(app, global_);
      app.add_option("--ttl", ttl_secs_)->check(Seconds())->trigger_on_parse();
    };
    jar_options(*jar_);
    SetUsage(*jar_, "prog jar [OPTIONS] <library> [args...]");
    TakeProgramAndArguments(*jar_, jar_options, "a library", library_, library_args_);
  }

  // Parses; returns the exit status ParseCommandLine gives (-1 to go on).
  int Parse(const Words& words) { return ParseCommandLine(app_, words, out_, err_).value_or(-1); }
  // Parses a command line that must be refused; returns its one error line.
  std::string ErrorOf(const Words& words) {
    out_.str("");
    err_.str("");
    const int status = Parse(words);
    EXPECT_EQ(status, 2) << "stdout: " << out_.str();
    EXPECT_EQ(out_.str(), "");
    const std::string err = err_.str();
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    return err.substr(0, err.find('\n'));
  }

  CLI::App app_{"prog: a test", "prog"};
  CLI::App* list_ = nullptr;
  CLI::App* kill_ = nullptr;
  CLI::App* jar_ = nullptr;
  GlobalOptions global_;
  std::string name_;
  int wait_secs_ = -1;
  double ttl_secs_ = 20;
  std::string library_;
  Words library_args_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CommandLineTest, GlobalOptionsStandBeforeAndAfterTheVerbInOrder) {
  ASSERT_EQ(Parse({"-c", "a=1", "--log-level", "debug", "kill", "wc", "-cb=2", "--config",
                   "site.yaml", "-w", "3", "-c", "a=[1,2]", "--log-level", "warn"}),
            -1)
      << err_.str();
  EXPECT_EQ(global_.sources.overrides, (Words{"a=1", "b=2", "a=[1,2]"}));
  EXPECT_EQ(global_.sources.config_file, "site.yaml");
  EXPECT_EQ(global_.log_level, "warn");  // the later one
  EXPECT_TRUE(kill_->parsed());
  EXPECT_EQ(name_, "wc");
  EXPECT_EQ(wait_secs_, 3);
  EXPECT_EQ(err_.str(), "");

  const Config overrides = global_.Overrides();
  EXPECT_EQ(overrides.getInt("b"), 2);
  EXPECT_EQ(overrides.getIntList("a"), (std::vector<int64_t>{1, 2}));
}

TEST_F(CommandLineTest, WithoutOptionsTheDefaultsHold) {
  ASSERT_EQ(Parse({"list"}), -1) << err_.str();
  EXPECT_TRUE(list_->parsed());
  EXPECT_TRUE(global_.sources.overrides.empty());
  EXPECT_EQ(global_.sources.config_file, "");
  EXPECT_EQ(global_.log_level, "");
  EXPECT_EQ(global_.LogLevelOr("warn"), "warn");
  global_.log_level = "debug";
  EXPECT_EQ(global_.LogLevelOr("warn"), "debug");
}

TEST_F(CommandLineTest, AnUnknownLogLevelIsAnErrorNamingIt) {
  // spdlog takes an unknown level for "off": a typo would silence the log.
  EXPECT_EQ(ErrorOf({"list", "--log-level", "verbose"}),
            "prog list: --log-level: unknown level 'verbose' (trace, debug, info, warn, error, "
            "critical or off)");
}

TEST_F(CommandLineTest, AnOptionWithoutItsValueIsAnErrorNamingIt) {
  EXPECT_EQ(ErrorOf({"list", "-c"}), "prog list: option -c needs a value");
  EXPECT_EQ(ErrorOf({"kill", "wc", "-w"}), "prog kill: option --wait needs a value");
  EXPECT_EQ(ErrorOf({"--config"}), "prog: option --config needs a value");
}

TEST_F(CommandLineTest, ABadValueIsAnErrorNamingTheOptionAndTheValue) {
  for (const std::string bad : {"abc", "-1", "0x10", "+3", "3.5", " 3", ""}) {
    EXPECT_EQ(ErrorOf({"kill", "wc", "-w", bad}),
              "prog kill: --wait: expected a whole number >= 0, got '" + bad + "'");
  }
  EXPECT_EQ(ErrorOf({"list", "-c", "no-equals-sign"}),
            "prog list: -c: expected KEY=VALUE, got 'no-equals-sign'");
}

TEST_F(CommandLineTest, WholeNumbersAndSecondsAreCheckedByRange) {
  CLI::Validator port = WholeNumber(1, 65535);
  for (std::string good : {"1", "6700", "65535"}) EXPECT_EQ(port(good), "") << good;
  std::string too_large = "70000";
  EXPECT_EQ(port(too_large), "expected a whole number from 1 to 65535, got '70000'");
  std::string zero = "0";
  EXPECT_NE(port(zero), "");

  CLI::Validator seconds = Seconds();
  for (std::string good : {"0", "1", "0.5", "20"}) EXPECT_EQ(seconds(good), "") << good;
  for (std::string bad : {"soon", "-1", "inf", "nan", "1e3", "1s", ""}) {
    EXPECT_EQ(seconds(bad), "expected a number of seconds, got '" + bad + "'") << bad;
  }
}

TEST_F(CommandLineTest, AWordThatIsNoVerbOrOptionIsAnError) {
  EXPECT_EQ(ErrorOf({"frobnicate"}), "prog: unknown command 'frobnicate' (see prog --help)");
  EXPECT_EQ(ErrorOf({"--log-level", "info", "frobnicate"}),
            "prog: unknown command 'frobnicate' (see prog --help)");
  EXPECT_EQ(ErrorOf({}), "prog: no command given (see prog --help)");
  EXPECT_EQ(ErrorOf({"--frob"}), "prog: unknown option '--frob'");
}

TEST_F(CommandLineTest, AVerbSaysItsNameOnceInItsErrors) {
  EXPECT_EQ(ErrorOf({"kill"}), "prog kill: topology-name is required");
  EXPECT_EQ(ErrorOf({"kill", "wc", "extra"}), "prog kill: unexpected argument 'extra'");
  EXPECT_EQ(ErrorOf({"kill", "wc", "--frob"}), "prog kill: unknown option '--frob'");
  EXPECT_EQ(ErrorOf({"--frob", "list"}), "prog list: unknown option '--frob'");
  // Another verb's name is no verb after the first.
  EXPECT_EQ(ErrorOf({"list", "kill"}), "prog list: unexpected argument 'kill'");
}

TEST_F(CommandLineTest, HelpGoesToStdoutWithStatus0) {
  EXPECT_EQ(Parse({"--help"}), 0);
  EXPECT_EQ(err_.str(), "");
  EXPECT_NE(out_.str().find("prog: a test"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("--log-level LEVEL"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("-c KEY=VALUE"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("kill"), std::string::npos) << out_.str();
}

TEST_F(CommandLineTest, AVerbsHelpIsItsOwn) {
  EXPECT_EQ(Parse({"-c", "a=1", "kill", "-h"}), 0);
  EXPECT_EQ(err_.str(), "");
  EXPECT_NE(out_.str().find("kills"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("-w,--wait"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("--config FILE"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("lists"), std::string::npos) << out_.str();
}

TEST_F(CommandLineTest, SetUsageWritesTheUsageLine) {
  EXPECT_EQ(Parse({"jar", "--help"}), 0);
  EXPECT_NE(out_.str().find("Usage: prog jar [OPTIONS] <library> [args...]\n"), std::string::npos)
      << out_.str();
}

TEST_F(CommandLineTest, TheLibrarysArgumentsAreItsOwnEvenWhenTheyLookLikeOptions) {
  ASSERT_EQ(Parse({"-c", "a=1", "jar", "--ttl", "5", "lib.so", "wc", "--frob", "-w", "3", "list",
                   "-x", "--help", "--frob=1"}),
            -1)
      << err_.str();
  EXPECT_EQ(library_, "lib.so");
  EXPECT_EQ(library_args_, (Words{"wc", "--frob", "-w", "3", "list", "-x", "--help", "--frob=1"}));
  EXPECT_EQ(global_.sources.overrides, (Words{"a=1"}));
  EXPECT_EQ(ttl_secs_, 5);
}

TEST_F(CommandLineTest, TheCommandsOptionsAreTakenAfterTheLibraryUpToADoubleDash) {
  ASSERT_EQ(Parse({"jar", "lib.so", "wc", "-c", "a=1", "--ttl", "0.5", "x", "-cb=2", "--config",
                   "f.yaml", "--log-level", "debug", "--", "-c", "c=3", "--ttl", "9", "--"}),
            -1)
      << err_.str();
  EXPECT_EQ(library_, "lib.so");
  EXPECT_EQ(library_args_, (Words{"wc", "x", "-c", "c=3", "--ttl", "9", "--"}));
  EXPECT_EQ(global_.sources.overrides, (Words{"a=1", "b=2"}));
  EXPECT_EQ(global_.sources.config_file, "f.yaml");
  EXPECT_EQ(global_.log_level, "debug");
  EXPECT_EQ(ttl_secs_, 0.5);
}

TEST_F(CommandLineTest, ADoubleDashRightAfterTheLibraryPassesEverythingOn) {
  ASSERT_EQ(Parse({"jar", "lib.so", "--", "-c", "a=1"}), -1) << err_.str();
  EXPECT_EQ(library_, "lib.so");
  EXPECT_EQ(library_args_, (Words{"-c", "a=1"}));
  EXPECT_TRUE(global_.sources.overrides.empty());
}

TEST_F(CommandLineTest, ALibraryWithoutArgumentsHasNone) {
  ASSERT_EQ(Parse({"jar", "lib.so"}), -1) << err_.str();
  EXPECT_EQ(library_, "lib.so");
  EXPECT_TRUE(library_args_.empty());
}

TEST_F(CommandLineTest, TheLibraryIsRequiredAndNoUnknownOptionMayPrecedeIt) {
  EXPECT_EQ(ErrorOf({"jar"}), "prog jar: a library is required");
  EXPECT_EQ(ErrorOf({"jar", "-c", "a=1"}), "prog jar: a library is required");
  EXPECT_EQ(ErrorOf({"jar", "--frob", "lib.so"}), "prog jar: unknown option '--frob'");
  EXPECT_EQ(ErrorOf({"jar", "lib.so", "wc", "-c"}), "prog jar: option -c needs a value");
  EXPECT_EQ(ErrorOf({"jar", "lib.so", "--ttl", "soon"}),
            "prog jar: --ttl: expected a number of seconds, got 'soon'");
}

TEST(LogLevelOptionTest, TakesSpdlogsLevelsOnly) {
  for (const std::string level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    CLI::App app{"", "tool"};
    std::string parsed = "warn";
    AddLogLevelOption(app, parsed);
    std::ostringstream out, err;
    EXPECT_EQ(ParseCommandLine(app, {"--log-level", level}, out, err), std::nullopt) << err.str();
    EXPECT_EQ(parsed, level);
  }
  CLI::App app{"", "tool"};
  std::string parsed = "warn";
  AddLogLevelOption(app, parsed);
  std::ostringstream out, err;
  EXPECT_EQ(ParseCommandLine(app, {"--log-level", "loud"}, out, err), 2);
  EXPECT_EQ(err.str(),
            "tool: --log-level: unknown level 'loud' (trace, debug, info, warn, error, critical or "
            "off)\n");
}

}  // namespace
}  // namespace storm
