// The key table (include/storm/config_keys.def) is the one place a config
// key is written: defaults, validation, Config::k* and docs/configuration.md
// come from it, and src/ names keys only through the constants.
#include "common/config/config_keys.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/config/config_loader.h"
#include "sdk/config_json.h"
#include "storm/config.h"
#include "support/build_paths.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

// `key` between two `quote`s. Appended: GCC 12 warns falsely (-Wrestrict, bug
// 105651) on `const char* + std::string` in optimised builds.
std::string Quoted(std::string_view key, char quote) {
  return std::string(1, quote).append(key).append(1, quote);
}

TEST(ConfigKeysTest, EveryDefaultIsValidForItsKeyAndTheDefaultsHoldExactlyTheTable) {
  const Config defaults = DefaultConfig();
  std::set<std::string> keys;
  for (const ConfigKey& spec : ConfigKeys()) {
    SCOPED_TRACE(std::string(spec.key));
    EXPECT_TRUE(keys.insert(std::string(spec.key)).second) << "written twice";
    ASSERT_TRUE(ConfigJson(defaults).contains(spec.key));
    EXPECT_TRUE(IsValidValue(spec, ConfigJson(defaults).at(std::string(spec.key))))
        << "default " << spec.default_yaml << " is not " << ExpectedValue(spec);
    EXPECT_FALSE(spec.doc.empty());
  }
  EXPECT_EQ(ConfigJson(defaults).size(), keys.size());
  EXPECT_NO_THROW(ValidateConfig(defaults));
}

TEST(ConfigKeysTest, TheConstantsAreTheTablesKeys) {
  EXPECT_STREQ(Config::kTopologyWorkers, "topology.workers");
  EXPECT_STREQ(Config::kNimbusThriftPort, "nimbus.thrift.port");
  EXPECT_EQ(FindConfigKey(Config::kSupervisorSlotsPorts)->kind, ValueKind::kPortList);
  EXPECT_EQ(FindConfigKey("topology.wokers"), nullptr);
}

TEST(ConfigKeysTest, StormsDefaultsAreKept) {
  const Config defaults = DefaultConfig();
  EXPECT_EQ(defaults.getInt(Config::kNimbusThriftPort), 6627);
  EXPECT_EQ(defaults.getInt(Config::kUiPort), 8080);
  EXPECT_EQ(defaults.getIntList(Config::kSupervisorSlotsPorts),
            (std::vector<int64_t>{6700, 6701, 6702, 6703}));
  EXPECT_EQ(defaults.getString(Config::kStormZookeeperRoot), "/storm");
  EXPECT_EQ(defaults.getInt(Config::kTopologyMessageTimeoutSecs), 30);
  EXPECT_TRUE(ConfigJson(defaults).at(Config::kTopologyAckerExecutors).is_null());
}

TEST(ConfigKeysTest, TheConfigurationPageIsGeneratedFromTheTable) {
  const fs::path page = fs::path(testing::SourceDir()) / "docs" / "configuration.md";
  const std::string checked_in = testing::ReadFile(page);
  EXPECT_EQ(checked_in, ConfigurationMarkdown())
      << page << " differs from the key table: regenerate it with\n"
      << "  " << testing::BuildDir() << "/bin/storm-config-docs > docs/configuration.md";
  for (const ConfigKey& spec : ConfigKeys()) {
    EXPECT_NE(checked_in.find(Quoted(spec.key, '`')), std::string::npos) << spec.key;
  }
}

// One fact in one place: a key's name is written in the table only, and the
// code names it as Config::k<Name>, so a renamed or retyped key cannot be
// missed somewhere.
TEST(ConfigKeysTest, NoSourceOutsideTheTableSpellsAKeyOut) {
  const fs::path root = testing::SourceDir();
  std::vector<std::string> found;
  for (const fs::path& dir : {root / "src", root / "include"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      const std::string text = testing::ReadFile(entry.path());
      for (const ConfigKey& spec : ConfigKeys()) {
        if (text.find(Quoted(spec.key, '"')) != std::string::npos) {
          found.push_back(fs::relative(entry.path(), root).string() + ": " +
                          Quoted(spec.key, '"'));
        }
      }
    }
  }
  std::string list;
  for (const std::string& f : found) list += "  " + f + "\n";
  EXPECT_TRUE(found.empty()) << "use Config::k<Name> instead of the key's name:\n" << list;
}

}  // namespace
}  // namespace storm
