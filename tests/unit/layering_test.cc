// The layers of the source tree, checked: every `#include "..."` in src/ and
// include/storm/, and every target_link_libraries of src/'s CMakeLists, must
// point down the layers below, and no daemon may reach into another.
//
//   cli/                                   8
//   local/                                 7
//   nimbus/ supervisor/ worker/ ui/        6   daemons: never each other
//   acker/ kafka/                          5   hosted by the worker only
//   common/client/                         4
//   common/state/ common/topology/         3
//   common/config/ common/http/            2
//   common/util/ common/thrift/            1
//   sdk/ (include/storm/, src/sdk/)        0
//
// This table is the one statement of the layering; docs/architecture.md
// describes it for readers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/build_paths.h"
#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

struct Module {
  std::string name;  // its folder under src/ ("sdk" also holds include/storm/)
  int rank;
  bool daemon;       // in the group that must not include each other
};

const std::vector<Module>& Modules() {
  static const std::vector<Module> modules = {
      {"sdk", 0, false},          {"common/util", 1, false},  {"common/thrift", 1, false},
      {"common/config", 2, false}, {"common/http", 2, false},
      {"common/topology", 3, false}, {"common/state", 3, false},
      {"common/client", 4, false}, {"acker", 5, true},         {"kafka", 5, true},
      {"worker", 6, true},         {"nimbus", 6, true},        {"supervisor", 6, true},
      {"ui", 6, true},             {"logviewer", 6, true},     {"local", 7, false},
      {"cli", 8, false},
  };
  return modules;
}

// Daemon-group edges that are allowed: the worker runs acker and Kafka
// executors in its process.
bool HostedBy(const std::string& from, const std::string& to) {
  return from == "worker" && (to == "acker" || to == "kafka");
}

const Module* FindModule(const std::string& name) {
  for (const Module& m : Modules()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// The module a path under src/ (relative, e.g. "common/util/files.h") is in.
std::optional<std::string> ModuleOfPath(const std::string& relative) {
  std::string best;
  for (const Module& m : Modules()) {
    if (relative.rfind(m.name + "/", 0) == 0 && m.name.size() > best.size()) best = m.name;
  }
  if (best.empty()) return std::nullopt;
  return best;
}

// The module an `#include "..."` names; nullopt for a header of no module
// (a system or third-party header written with quotes).
std::optional<std::string> ModuleOfInclude(const std::string& header) {
  if (header.rfind("storm/", 0) == 0) return "sdk";
  if (header == "storm_types.h" || header == "storm_constants.h" || header == "Nimbus.h") {
    return "common/thrift";  // generated from thrift/storm.thrift
  }
  if (header == "defaults_yaml.h" || header == "config_keys.h") return "common/config";
  return ModuleOfPath(header);
}

// The module of a CMake target of ours; nullopt for other libraries.
std::optional<std::string> ModuleOfTarget(const std::string& target) {
  static const std::map<std::string, std::string> targets = {
      {"storm", "sdk"},
      {"storm_util", "common/util"},
      {"storm_thrift", "common/thrift"},
      {"storm_config", "common/config"},
      {"storm_http", "common/http"},
      {"storm_topology", "common/topology"},
      {"storm_state", "common/state"},
      {"storm_client", "common/client"},
      {"storm_acker", "acker"},
      {"storm_kafka", "kafka"},
      {"storm_kafka_internal", "kafka"},
      {"storm_worker", "worker"},
      {"storm_nimbus", "nimbus"},
      {"storm_supervisor", "supervisor"},
      {"storm_ui", "ui"},
      {"storm_logviewer", "logviewer"},
      {"storm_local", "local"},
      {"storm_local_cluster", "local"},
  };
  auto it = targets.find(target);
  if (it == targets.end()) return std::nullopt;
  return it->second;
}

// Why the edge from -> to is not allowed, or "" when it is.
std::string EdgeProblem(const std::string& from, const std::string& to) {
  if (from == to) return "";
  const Module* a = FindModule(from);
  const Module* b = FindModule(to);
  if (a == nullptr || b == nullptr) return "";
  if (a->daemon && b->daemon && !HostedBy(from, to)) {
    return from + " and " + to + " are daemons: they meet through ZooKeeper, Thrift and processes";
  }
  if (b->rank >= a->rank && !HostedBy(from, to)) {
    return to + " (layer " + std::to_string(b->rank) + ") is not below " + from + " (layer " +
           std::to_string(a->rank) + ")";
  }
  return "";
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsSource(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".h" || ext == ".cc" || ext == ".inc" || ext == ".def";
}

// Every layering violation under `root` (a source tree: src/, include/storm/),
// one line each: "<file>:<line>: <edge>: <why>".
std::vector<std::string> Violations(const fs::path& root) {
  std::vector<std::string> out;
  const std::regex include_line(R"(^\s*#\s*include\s*"([^"]+)\")");
  auto check_file = [&](const fs::path& file, const std::string& from) {
    std::istringstream lines(Slurp(file));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      std::smatch m;
      if (!std::regex_search(line, m, include_line)) continue;
      const std::optional<std::string> to = ModuleOfInclude(m[1].str());
      if (!to) continue;
      const std::string why = EdgeProblem(from, *to);
      if (!why.empty()) {
        out.push_back(fs::relative(file, root).string() + ":" + std::to_string(number) +
                      ": #include \"" + m[1].str() + "\" (" + from + " -> " + *to + "): " + why);
      }
    }
  };
  std::error_code ec;
  const fs::path src = root / "src";
  for (auto it = fs::recursive_directory_iterator(src, ec);
       !ec && it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    const std::string relative = fs::relative(it->path(), src).generic_string();
    const std::optional<std::string> from = ModuleOfPath(relative);
    if (!from) continue;
    if (IsSource(it->path())) check_file(it->path(), *from);
    if (it->path().filename() == "CMakeLists.txt") {
      // target_link_libraries(<target> [PUBLIC|PRIVATE|INTERFACE] libs...)
      const std::string text = Slurp(it->path());
      const std::regex link(R"(target_link_libraries\s*\(([^)]*)\))");
      for (auto m = std::sregex_iterator(text.begin(), text.end(), link);
           m != std::sregex_iterator(); ++m) {
        std::istringstream words((*m)[1].str());
        std::string target, word;
        words >> target;
        while (words >> word) {
          const std::optional<std::string> to = ModuleOfTarget(word);
          if (!to) continue;
          const std::string why = EdgeProblem(*from, *to);
          if (!why.empty()) {
            out.push_back(fs::relative(it->path(), root).string() + ": " + target + " links " +
                          word + " (" + *from + " -> " + *to + "): " + why);
          }
        }
      }
    }
  }
  const fs::path sdk = root / "include" / "storm";
  for (auto it = fs::recursive_directory_iterator(sdk, ec);
       !ec && it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file() && IsSource(it->path())) check_file(it->path(), "sdk");
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += "  " + line + "\n";
  return text;
}

TEST(LayeringTest, EveryIncludeAndLinkOfTheTreePointsDownAndNoDaemonReachesAnother) {
  const fs::path root = testing::SourceDir();
  ASSERT_TRUE(fs::is_directory(root / "src")) << root;
  const std::vector<std::string> violations = Violations(root);
  EXPECT_TRUE(violations.empty()) << "edges against the layering (tests/unit/layering_test.cc):\n"
                                  << Join(violations);
}

TEST(LayeringTest, EveryFolderOfSrcIsAModuleOfTheTable) {
  const fs::path src = fs::path(testing::SourceDir()) / "src";
  std::vector<std::string> unknown;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file() || !IsSource(entry.path())) continue;
    const std::string relative = fs::relative(entry.path(), src).generic_string();
    if (!ModuleOfPath(relative)) unknown.push_back(relative);
  }
  EXPECT_TRUE(unknown.empty()) << "files in no module of the layering table:\n" << Join(unknown);
}

// The checker itself, on a tree made for it: it must see an upward include,
// an include between two daemons, and an upward link.
class LayeringCheckerTest : public ::testing::Test {
 protected:
  void Write(const std::string& relative, const std::string& text) { dir_.Write(relative, text); }
  testing::TempDir dir_;
};

TEST_F(LayeringCheckerTest, ReportsAnIncludeThatGoesUp) {
  Write("src/common/util/files.cc", "#include \"common/state/cluster_state.h\"\n");
  const auto violations = Violations(dir_.path());
  ASSERT_EQ(violations.size(), 1u) << Join(violations);
  EXPECT_NE(violations[0].find("src/common/util/files.cc:1"), std::string::npos) << violations[0];
  EXPECT_NE(violations[0].find("is not below"), std::string::npos) << violations[0];
}

TEST_F(LayeringCheckerTest, ReportsADaemonIncludingAnother) {
  Write("src/worker/worker_process.cc",
        "#include \"acker/acker_bolt.h\"\n#include \"nimbus/code_store.h\"\n");
  const auto violations = Violations(dir_.path());
  ASSERT_EQ(violations.size(), 1u) << Join(violations);
  EXPECT_NE(violations[0].find("worker -> nimbus"), std::string::npos) << violations[0];
  EXPECT_NE(violations[0].find("are daemons"), std::string::npos) << violations[0];
}

TEST_F(LayeringCheckerTest, ReportsTheSdkIncludingTheRuntime) {
  Write("include/storm/tuple.h", "#include \"worker/tuple_batch.h\"\n#include \"storm/value.h\"\n");
  const auto violations = Violations(dir_.path());
  ASSERT_EQ(violations.size(), 1u) << Join(violations);
  EXPECT_NE(violations[0].find("sdk -> worker"), std::string::npos) << violations[0];
}

TEST_F(LayeringCheckerTest, ReportsALinkThatGoesUpOrAcrossDaemons) {
  Write("src/supervisor/CMakeLists.txt",
        "target_link_libraries(storm_supervisor PUBLIC storm_state storm_local\n"
        "  spdlog::spdlog)\n");
  Write("src/nimbus/CMakeLists.txt", "target_link_libraries(storm_nimbus PUBLIC storm_worker)\n");
  const auto violations = Violations(dir_.path());
  ASSERT_EQ(violations.size(), 2u) << Join(violations);
  EXPECT_NE(violations[0].find("storm_nimbus links storm_worker"), std::string::npos)
      << violations[0];
  EXPECT_NE(violations[1].find("storm_supervisor links storm_local"), std::string::npos)
      << violations[1];
}

}  // namespace
}  // namespace storm
