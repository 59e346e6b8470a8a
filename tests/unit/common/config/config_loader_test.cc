#include "common/config/config_loader.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "storm/errors.h"
#include "support/temp_dir.h"
#include "sdk/config_json.h"

namespace storm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::TempDir;

// The message of the ConfigError `action` throws; fails the test if it throws
// nothing or something else.
std::string ConfigErrorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

// Sets (or unsets, for nullopt) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    Set(value);
  }
  ~ScopedEnv() { Set(old_); }

 private:
  void Set(const std::optional<std::string>& value) {
    if (value) {
      setenv(name_, value->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

// Changes the working directory for one scope (for ./conf/storm.yaml).
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() { fs::current_path(old_); }

 private:
  fs::path old_;
};

// An environment in which LoadConfig finds only the files a test writes.
struct IsolatedEnv {
  TempDir dir;
  ScopedEnv conf_dir{"STORM_CONF_DIR", (dir / "conf").string()};
  ScopedEnv home{"HOME", (dir / "home").string()};
};

TEST(ConfigLoaderTest, DefaultsHaveStormValues) {
  const Config conf = DefaultConfig();
  EXPECT_EQ(conf.getStringList(Config::kStormZookeeperServers),
            std::vector<std::string>{"localhost"});
  EXPECT_EQ(conf.getInt(Config::kStormZookeeperPort), 2181);
  EXPECT_EQ(conf.getString(Config::kStormZookeeperRoot), "/storm");
  EXPECT_EQ(conf.getInt(Config::kStormZookeeperSessionTimeout), 20000);
  EXPECT_EQ(conf.getInt(Config::kStormZookeeperConnectionTimeout), 15000);
  EXPECT_EQ(conf.getInt("storm.zookeeper.retry.times"), 5);
  EXPECT_EQ(conf.getString(Config::kStormLocalDir), "storm-local");
  EXPECT_EQ(conf.getStringList(Config::kNimbusSeeds), std::vector<std::string>{"localhost"});
  EXPECT_EQ(conf.getInt(Config::kNimbusThriftPort), 6627);
  EXPECT_EQ(conf.getInt(Config::kNimbusTaskTimeoutSecs), 30);
  EXPECT_EQ(conf.getInt(Config::kNimbusMonitorFreqSecs), 10);
  EXPECT_EQ(conf.getInt(Config::kNimbusSupervisorTimeoutSecs), 60);
  EXPECT_EQ(conf.getInt(Config::kNimbusMaxUploadBytes), 268435456);
  EXPECT_EQ(conf.getIntList(Config::kSupervisorSlotsPorts),
            (std::vector<int64_t>{6700, 6701, 6702, 6703}));
  EXPECT_EQ(conf.getInt(Config::kSupervisorWorkerTimeoutSecs), 30);
  EXPECT_EQ(conf.getInt(Config::kTopologyWorkers), 1);
  EXPECT_TRUE(ConfigJson(conf).at(Config::kTopologyAckerExecutors).is_null());
  EXPECT_TRUE(ConfigJson(conf).at(Config::kTopologyMaxSpoutPending).is_null());
  EXPECT_EQ(conf.getInt(Config::kTopologyMessageTimeoutSecs), 30);
  EXPECT_FALSE(conf.getBool(Config::kTopologyDebug));
  EXPECT_TRUE(conf.getBool(Config::kTopologyEnableMessageTimeouts));
  EXPECT_DOUBLE_EQ(conf.getDouble(Config::kTopologyStatsSampleRate), 0.05);
  EXPECT_EQ(conf.getInt(Config::kTopologyExecutorReceiveBufferSize), 32768);
  EXPECT_EQ(conf.getInt(Config::kTopologyTransferBufferSize), 1000);
  EXPECT_EQ(conf.getInt(Config::kTopologyProducerBatchSize), 256);
  // Ours: 0.2 ms (Storm: 1), and it paces frames between workers only.
  EXPECT_EQ(conf.getDouble(Config::kTopologyBatchFlushIntervalMillis), 0.2);
  EXPECT_EQ(conf.getInt(Config::kUiPort), 8080);
}

TEST(ConfigLoaderTest, DefaultsCoverEveryKeyOfConfigHAndAreValid) {
  const Config conf = DefaultConfig();
  for (const char* key :
       {Config::kStormLocalHostname, Config::kTopologyTasks, Config::kTopologyName,
        Config::kTopologyTickTupleFreqSecs, Config::kTopologySpoutWaitStrategy}) {
    EXPECT_TRUE(conf.contains(key)) << key;
  }
  EXPECT_NO_THROW(ValidateConfig(conf));
  EXPECT_TRUE(UnknownReservedKeys(conf).empty());
}

TEST(ConfigLoaderTest, ScalarsAreTypedByTheYaml12CoreSchema) {
  const Config conf = ParseYamlConfig(
      "int: 42\nneg: -7\nplus: +3\nhex: 0x1F\noct: 0o17\n"
      "float: 2.5\nexp: 1e3\nleading_dot: .5\ninf: -.inf\n"
      "t: true\nf: False\nnull1: null\nnull2: ~\nnull3:\n"
      "yes_is_string: yes\nquoted_int: \"4\"\nquoted_bool: 'true'\n"
      "tagged_str: !!str 5\ntagged_float: !!float 3\nplain: hello world\n",
      "test.yaml");
  const json& j = ConfigJson(conf);
  EXPECT_EQ(j.at("int"), 42);
  EXPECT_EQ(j.at("neg"), -7);
  EXPECT_EQ(j.at("plus"), 3);
  EXPECT_EQ(j.at("hex"), 31);
  EXPECT_EQ(j.at("oct"), 15);
  EXPECT_TRUE(j.at("int").is_number_integer());
  EXPECT_TRUE(j.at("float").is_number_float());
  EXPECT_DOUBLE_EQ(j.at("float").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j.at("exp").get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(j.at("leading_dot").get<double>(), 0.5);
  EXPECT_TRUE(std::isinf(j.at("inf").get<double>()) && j.at("inf").get<double>() < 0);
  EXPECT_EQ(j.at("t"), true);
  EXPECT_EQ(j.at("f"), false);
  EXPECT_TRUE(j.at("null1").is_null() && j.at("null2").is_null() && j.at("null3").is_null());
  EXPECT_EQ(j.at("yes_is_string"), "yes");
  EXPECT_EQ(j.at("quoted_int"), "4");
  EXPECT_EQ(j.at("quoted_bool"), "true");
  EXPECT_EQ(j.at("tagged_str"), "5");
  EXPECT_TRUE(j.at("tagged_float").is_number_float());
  EXPECT_EQ(j.at("plain"), "hello world");
}

TEST(ConfigLoaderTest, SequencesAndMapsNest) {
  const Config conf = ParseYamlConfig(
      "ports:\n  - 6700\n  - 6701\nseeds: [\"a\", b]\n"
      "nested:\n  inner: {x: 1, y: [true, ~]}\n",
      "test.yaml");
  EXPECT_EQ(ConfigJson(conf).at("ports"), json::parse("[6700, 6701]"));
  EXPECT_EQ(ConfigJson(conf).at("seeds"), json::parse(R"(["a", "b"])"));
  EXPECT_EQ(ConfigJson(conf).at("nested"), json::parse(R"({"inner": {"x": 1, "y": [true, null]}})"));
}

TEST(ConfigLoaderTest, EmptyOrCommentOnlyYamlIsAnEmptyConfig) {
  EXPECT_EQ(ParseYamlConfig("", "empty.yaml"), Config());
  EXPECT_EQ(ParseYamlConfig("# nothing here\n", "comments.yaml"), Config());
}

TEST(ConfigLoaderTest, TopLevelThatIsNotAMapNamesFileAndLine) {
  const std::string message = ConfigErrorOf([] { ParseYamlConfig("\n- a\n- b\n", "list.yaml"); });
  EXPECT_NE(message.find("list.yaml:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("map"), std::string::npos) << message;
  EXPECT_NE(ConfigErrorOf([] { ParseYamlConfig("just a string", "s.yaml"); }).find("s.yaml"),
            std::string::npos);
}

TEST(ConfigLoaderTest, MalformedYamlNamesFileAndLine) {
  TempDir dir;
  const std::string path = dir.Write("bad.yaml", "topology.workers: 1\nnimbus.seeds: [a, b\n");
  const std::string message = ConfigErrorOf([&] { LoadYamlFile(path); });
  EXPECT_NE(message.find(path + ":3:"), std::string::npos) << message;
  EXPECT_NE(message.find("malformed YAML"), std::string::npos) << message;
}

TEST(ConfigLoaderTest, UnparsableScalarsNameFileAndLine) {
  EXPECT_NE(ConfigErrorOf([] { ParseYamlConfig("a: 1\nb: 99999999999999999999\n", "big.yaml"); })
                .find("big.yaml:2:"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { ParseYamlConfig("a: !!int x\n", "t.yaml"); }).find("t.yaml:1:"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { ParseYamlConfig("a: !custom x\n", "t.yaml"); }).find("!custom"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { ParseYamlConfig("[a]: 1\n", "k.yaml"); }).find("k.yaml:1:"),
            std::string::npos);
}

TEST(ConfigLoaderTest, MissingFileNamesThePath) {
  const std::string message = ConfigErrorOf([] { LoadYamlFile("/nonexistent/storm.yaml"); });
  EXPECT_NE(message.find("/nonexistent/storm.yaml"), std::string::npos) << message;
  TempDir dir;
  EXPECT_NE(ConfigErrorOf([&] { LoadYamlFile(dir.path().string()); }).find("directory"),
            std::string::npos);
}

TEST(ConfigLoaderTest, SourcesOverrideEachOtherInStormOrder) {
  IsolatedEnv env;
  env.dir.Write("conf/storm.yaml",
                "topology.workers: 2\nnimbus.thrift.port: 7000\nui.port: 9000\nmy.key: site\n");
  env.dir.Write("home/.storm/storm.yaml", "topology.workers: 3\nnimbus.thrift.port: 7001\n");
  const std::string file = env.dir.Write("extra.yaml", "topology.workers: 4\n");

  ConfigSources sources{.config_file = file, .overrides = {"topology.workers=5"}};
  EXPECT_EQ(LoadConfig(sources).getInt(Config::kTopologyWorkers), 5);
  sources.overrides.clear();
  const Config conf = LoadConfig(sources);
  EXPECT_EQ(conf.getInt(Config::kTopologyWorkers), 4);
  EXPECT_EQ(conf.getInt(Config::kNimbusThriftPort), 7001);  // Home over site.
  EXPECT_EQ(conf.getInt(Config::kUiPort), 9000);            // Site over defaults.
  EXPECT_EQ(conf.getString("my.key"), "site");              // Unknown keys pass.
  EXPECT_EQ(conf.getInt(Config::kStormZookeeperPort), 2181);  // Defaults remain.
}

TEST(ConfigLoaderTest, ReadUserFilesFalseSkipsHomeButNotSite) {
  IsolatedEnv env;
  env.dir.Write("conf/storm.yaml", "ui.port: 9000\n");
  env.dir.Write("home/.storm/storm.yaml", "ui.port: 9001\n");
  EXPECT_EQ(LoadConfig({.read_user_files = false}).getInt(Config::kUiPort), 9000);
  EXPECT_EQ(LoadConfig({}).getInt(Config::kUiPort), 9001);
}

TEST(ConfigLoaderTest, SiteFileFallsBackToConfInWorkingDirectory) {
  TempDir dir;
  dir.Write("conf/storm.yaml", "ui.port: 9100\n");
  ScopedEnv no_conf_dir("STORM_CONF_DIR", std::nullopt);
  ScopedEnv no_home("HOME", std::nullopt);
  ScopedCwd cwd(dir.path());
  EXPECT_EQ(LoadConfig({}).getInt(Config::kUiPort), 9100);
}

TEST(ConfigLoaderTest, AbsentFilesAreSkippedButAMissingConfigFileIsAnError) {
  IsolatedEnv env;
  EXPECT_EQ(LoadConfig({}), DefaultConfig());
  const std::string message = ConfigErrorOf([&] { LoadConfig({.config_file = "nope.yaml"}); });
  EXPECT_NE(message.find("nope.yaml"), std::string::npos) << message;
}

TEST(ConfigLoaderTest, OverrideValuesAreYaml) {
  Config conf;
  ApplyOverride(conf, "topology.workers=4");
  ApplyOverride(conf, "topology.debug=true");
  ApplyOverride(conf, "supervisor.slots.ports=[6700,6701]");
  ApplyOverride(conf, R"(nimbus.seeds=["a","b"])");
  ApplyOverride(conf, "topology.name=word=count");  // Splits at the first '='.
  ApplyOverride(conf, "topology.max.spout.pending=");
  EXPECT_EQ(conf.getInt(Config::kTopologyWorkers), 4);
  EXPECT_TRUE(conf.getBool(Config::kTopologyDebug));
  EXPECT_EQ(conf.getIntList(Config::kSupervisorSlotsPorts), (std::vector<int64_t>{6700, 6701}));
  EXPECT_EQ(conf.getStringList(Config::kNimbusSeeds), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(conf.getString(Config::kTopologyName), "word=count");
  EXPECT_TRUE(ConfigJson(conf).at(Config::kTopologyMaxSpoutPending).is_null());
}

TEST(ConfigLoaderTest, OverridesApplyInOrderAndAreValidated) {
  IsolatedEnv env;
  EXPECT_EQ(LoadConfig({.overrides = {"ui.port=1", "ui.port=2"}}).getInt(Config::kUiPort), 2);
  const std::string message =
      ConfigErrorOf([] { LoadConfig({.overrides = {"topology.workers=0"}}); });
  EXPECT_EQ(message, "config key 'topology.workers': expected a positive integer, got 0");
}

TEST(ConfigLoaderTest, BadOverridesAreErrors) {
  Config conf;
  EXPECT_NE(ConfigErrorOf([&] { ApplyOverride(conf, "topology.workers"); }).find("key=value"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([&] { ApplyOverride(conf, "=4"); }).find("key is empty"),
            std::string::npos);
  const std::string message = ConfigErrorOf([&] { ApplyOverride(conf, "nimbus.seeds=[a, b"); });
  EXPECT_NE(message.find("'nimbus.seeds'"), std::string::npos) << message;
}

TEST(ConfigLoaderTest, ValidationNamesTheKeyAndWhatWasExpected) {
  struct Case {
    const char* key;
    const char* value;  // JSON.
    const char* expected;
  };
  const Case cases[] = {
      {"topology.workers", "\"abc\"", "expected a positive integer, got \"abc\""},
      {"topology.workers", "2.5", "expected a positive integer, got 2.5"},
      {"topology.acker.executors", "-1", "expected a non-negative integer or null, got -1"},
      {"topology.max.spout.pending", "0", "expected a positive integer or null, got 0"},
      {"topology.debug", "\"yes\"", "expected true or false, got \"yes\""},
      {"storm.local.dir", "\"\"", "expected a non-empty string"},
      {"storm.zookeeper.servers", "\"zk1\"", "expected a list of strings, got \"zk1\""},
      {"nimbus.seeds", "[1]", "expected a list of strings, got [1]"},
      {"storm.zookeeper.port", "0", "expected a port number (1..65535), got 0"},
      {"nimbus.thrift.port", "70000", "expected a port number (0..65535"},
      {"supervisor.slots.ports", "[6700, 0]", "expected a list of distinct port numbers"},
      {"supervisor.slots.ports", "[6700, 6700]", "expected a list of distinct port numbers"},
      {"topology.stats.sample.rate", "0", "expected a number in (0, 1], got 0"},
      {"topology.stats.sample.rate", "1.5", "expected a number in (0, 1], got 1.5"},
      {"topology.batch.flush.interval.millis", "-1", "expected a non-negative number, got -1"},
      {"topology.batch.flush.interval.millis", "\"1ms\"", "expected a non-negative number"},
      {"storm.zookeeper.session.timeout", "null", "expected a positive integer, got null"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    Config conf = DefaultConfig();
    ConfigJson(conf)[c.key] = json::parse(c.value);
    const std::string message = ConfigErrorOf([&] { ValidateConfig(conf); });
    EXPECT_EQ(message.rfind(std::string("config key '") + c.key + "': " + c.expected, 0), 0u)
        << message;
  }
}

TEST(ConfigLoaderTest, ValidationAcceptsGoodValues) {
  Config conf = DefaultConfig();
  conf.put(Config::kTopologyAckerExecutors, 0)
      .put(Config::kTopologyMaxSpoutPending, 1000)
      .put(Config::kTopologyStatsSampleRate, 1)
      .put(Config::kTopologyBatchFlushIntervalMillis, 0.25)
      .put(Config::kNimbusThriftPort, 0)
      .put(Config::kSupervisorSlotsPorts, std::vector<int64_t>{})
      .put("topology.my.custom.key", Config());
  EXPECT_NO_THROW(ValidateConfig(conf));
}

TEST(ConfigLoaderTest, UnknownReservedKeysListsLikelyTypos) {
  Config conf = DefaultConfig();
  conf.put("topology.wokers", 2).put("ui.prot", 1).put("myapp.setting", 1).put("words", 1);
  EXPECT_EQ(UnknownReservedKeys(conf), (std::vector<std::string>{"topology.wokers", "ui.prot"}));
}

TEST(ConfigLoaderTest, GettersNameTheKeyTheTypeAndTheValue) {
  Config conf = ParseYamlConfig("topology.workers: abc\nrate: 1\nports: [1, x]\n", "t.yaml");
  EXPECT_EQ(ConfigErrorOf([&] { conf.getInt(Config::kTopologyWorkers); }),
            "config key 'topology.workers': expected an integer, got \"abc\"");
  EXPECT_EQ(ConfigErrorOf([&] { conf.getInt("absent"); }), "config key 'absent' is not set");
  EXPECT_EQ(ConfigErrorOf([&] { conf.getIntList("ports"); }),
            "config key 'ports': expected a list of integers, got [1,\"x\"]");
  EXPECT_EQ(ConfigErrorOf([&] { conf.getBool("rate", false); }),
            "config key 'rate': expected a boolean, got 1");
  EXPECT_DOUBLE_EQ(conf.getDouble("rate"), 1.0);  // Integers are numbers.
  EXPECT_EQ(conf.getInt("absent", 7), 7);
  EXPECT_NE(ConfigErrorOf([] { ConfigFromJson(json::array()); }).find("map"), std::string::npos);
}

}  // namespace
}  // namespace storm
