// Configuration loading: YAML to JSON with the YAML 1.2 core schema, the
// layering of Storm's config sources, and a schema of the known keys.
//
// yaml-cpp only parses; it types nothing. Plain scalars are resolved here
// rather than with yaml-cpp's `as<T>()`, which would accept `yes` as a
// boolean (YAML 1.1) and could not tell the quoted "4" from the plain 4.

#include "common/config/config_loader.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "common/util/files.h"
#include "defaults_yaml.h"
#include "storm/errors.h"

namespace storm {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------
// YAML to JSON.

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// "file:line:column", the form compilers use, so that editors can jump to it.
std::string Where(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

bool IsCoreBool(const std::string& text) {
  static const std::regex pattern("true|True|TRUE|false|False|FALSE");
  return std::regex_match(text, pattern);
}

bool IsCoreInt(const std::string& text) {
  static const std::regex pattern("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
  return std::regex_match(text, pattern);
}

bool IsCoreFloat(const std::string& text) {
  static const std::regex pattern(
      "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?"
      "|[-+]?(\\.inf|\\.Inf|\\.INF)|\\.nan|\\.NaN|\\.NAN");
  return std::regex_match(text, pattern);
}

bool IsCoreNull(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// `text` matches IsCoreInt.
int64_t ParseCoreInt(const std::string& text, const std::string& where) {
  std::string_view digits = text;
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0o")) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  } else if (digits.starts_with('+')) {
    digits.remove_prefix(1);  // from_chars takes '-' but not '+'.
  }
  int64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (error != std::errc()) {
    throw ConfigError(where + ": integer " + text + " does not fit in 64 bits");
  }
  return value;
}

// `text` matches IsCoreFloat. from_chars, unlike strtod, ignores the locale.
double ParseCoreFloat(const std::string& text, const std::string& where) {
  std::string_view rest = text;
  const bool negative = rest.starts_with('-');
  if (negative || rest.starts_with('+')) rest.remove_prefix(1);
  std::string lower(rest);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  double value = 0;
  if (lower == ".inf") {
    value = std::numeric_limits<double>::infinity();
  } else if (lower == ".nan") {
    value = std::numeric_limits<double>::quiet_NaN();
  } else {
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (error != std::errc()) {
      throw ConfigError(where + ": number " + text + " is out of range");
    }
  }
  return negative ? -value : value;
}

// The core schema's resolution of an untagged plain scalar.
json ResolvePlain(const std::string& text, const std::string& where) {
  if (IsCoreBool(text)) return text[0] == 't' || text[0] == 'T';
  if (IsCoreInt(text)) return ParseCoreInt(text, where);
  if (IsCoreFloat(text)) return ParseCoreFloat(text, where);
  return text;
}

// A scalar with an explicit core tag (`!!int 5`) must be of that type.
json ResolveTagged(const std::string& tag, const std::string& text, const std::string& where) {
  const std::string type = tag.substr(kCoreTagPrefix.size());
  if (type == "null" && IsCoreNull(text)) return nullptr;
  if (type == "bool" && IsCoreBool(text)) return ResolvePlain(text, where);
  if (type == "int" && IsCoreInt(text)) return ParseCoreInt(text, where);
  if (type == "float" && IsCoreFloat(text)) return ParseCoreFloat(text, where);
  throw ConfigError(where + ": '" + text + "' is not a valid !!" + type);
}

json ScalarToJson(const YAML::Node& node, const std::string& source) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  // yaml-cpp tags a quoted scalar "!" and an untagged plain one "?".
  if (tag == "!" || tag == std::string(kCoreTagPrefix) + "str") return text;
  const std::string where = Where(source, node.Mark());
  if (tag == "?") return ResolvePlain(text, where);
  if (tag.starts_with(kCoreTagPrefix)) return ResolveTagged(tag, text, where);
  throw ConfigError(where + ": unsupported YAML tag " + tag);
}

json NodeToJson(const YAML::Node& node, const std::string& source);

json MapToJson(const YAML::Node& node, const std::string& source) {
  json map = json::object();
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      throw ConfigError(Where(source, entry.first.Mark()) + ": a map key must be a string");
    }
    map[entry.first.Scalar()] = NodeToJson(entry.second, source);
  }
  return map;
}

json NodeToJson(const YAML::Node& node, const std::string& source) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return ScalarToJson(node, source);
    case YAML::NodeType::Sequence: {
      json list = json::array();
      for (const auto& element : node) list.push_back(NodeToJson(element, source));
      return list;
    }
    case YAML::NodeType::Map:
      return MapToJson(node, source);
    case YAML::NodeType::Undefined:
      break;
  }
  throw ConfigError(Where(source, node.Mark()) + ": undefined YAML node");
}

YAML::Node ParseYaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Where(source, e.mark) + ": malformed YAML: " + e.msg);
  }
}

std::string ReadConfigFile(const std::string& path) {
  try {
    return ReadFile(path, "config file '" + path + "'");
  } catch (const ConfigError&) {
    throw;
  } catch (const StormError& e) {
    throw ConfigError(e.what());
  }
}

// ---------------------------------------------------------------------------
// Config sources.

std::string SiteConfigPath() {
  const char* dir = std::getenv("STORM_CONF_DIR");
  const std::filesystem::path base = (dir != nullptr && *dir != '\0') ? dir : "conf";
  return (base / "storm.yaml").string();
}

std::string UserConfigPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return (std::filesystem::path(home) / ".storm" / "storm.yaml").string();
}

void MergeFileIfPresent(Config& conf, const std::string& path) {
  std::error_code ignored;
  if (path.empty() || !std::filesystem::exists(path, ignored)) return;
  conf.merge(LoadYamlFile(path));
}

// ---------------------------------------------------------------------------
// Schema of the known keys.

enum class ValueKind {
  kPositiveInt,
  kNonNegativeInt,
  kBool,
  kString,        // Non-empty: an empty path or root is never meant.
  kStringList,
  kPort,          // 1..65535: a port to connect to.
  kListenPort,    // 0..65535: 0 lets the OS pick, as tests do.
  kPortList,      // Distinct ports 1..65535 (worker slots).
  kFraction,      // A number in (0, 1].
  kNonNegativeNumber,
};

struct KeySchema {
  std::string_view key;
  ValueKind kind;
  bool nullable;  // null means "not set"; the reader picks a behaviour.
};

// Every key in conf/defaults.yaml.
constexpr KeySchema kSchema[] = {
    {"storm.zookeeper.servers", ValueKind::kStringList, false},
    {"storm.zookeeper.port", ValueKind::kPort, false},
    {"storm.zookeeper.root", ValueKind::kString, false},
    {"storm.zookeeper.session.timeout", ValueKind::kPositiveInt, false},
    {"storm.zookeeper.connection.timeout", ValueKind::kPositiveInt, false},
    {"storm.zookeeper.retry.times", ValueKind::kNonNegativeInt, false},
    {"storm.zookeeper.retry.interval", ValueKind::kNonNegativeInt, false},
    {"storm.zookeeper.retry.intervalceiling.millis", ValueKind::kNonNegativeInt, false},
    {"storm.local.dir", ValueKind::kString, false},
    {"storm.local.hostname", ValueKind::kString, true},
    {"nimbus.seeds", ValueKind::kStringList, false},
    {"nimbus.thrift.port", ValueKind::kListenPort, false},
    {"nimbus.thrift.max_buffer_size", ValueKind::kPositiveInt, false},
    {"nimbus.max.upload.bytes", ValueKind::kPositiveInt, false},
    {"nimbus.task.timeout.secs", ValueKind::kPositiveInt, false},
    {"nimbus.supervisor.timeout.secs", ValueKind::kPositiveInt, false},
    {"nimbus.monitor.freq.secs", ValueKind::kPositiveInt, false},
    {"nimbus.task.launch.secs", ValueKind::kPositiveInt, false},
    {"nimbus.file.copy.expiration.secs", ValueKind::kPositiveInt, false},
    {"supervisor.slots.ports", ValueKind::kPortList, false},
    {"supervisor.worker.timeout.secs", ValueKind::kPositiveInt, false},
    {"supervisor.monitor.frequency.secs", ValueKind::kPositiveInt, false},
    {"supervisor.worker.start.timeout.secs", ValueKind::kPositiveInt, false},
    {"supervisor.worker.shutdown.sleep.secs", ValueKind::kNonNegativeInt, false},
    {"supervisor.heartbeat.frequency.secs", ValueKind::kPositiveInt, false},
    {"worker.heartbeat.frequency.secs", ValueKind::kPositiveInt, false},
    {"task.heartbeat.frequency.secs", ValueKind::kPositiveInt, false},
    {"topology.workers", ValueKind::kPositiveInt, false},
    {"topology.acker.executors", ValueKind::kNonNegativeInt, true},
    {"topology.tasks", ValueKind::kPositiveInt, true},
    {"topology.name", ValueKind::kString, true},
    {"topology.submitter.user", ValueKind::kString, true},
    {"topology.cpp.main.args", ValueKind::kStringList, true},
    {"topology.debug", ValueKind::kBool, false},
    {"topology.enable.message.timeouts", ValueKind::kBool, false},
    {"topology.message.timeout.secs", ValueKind::kPositiveInt, false},
    {"topology.max.spout.pending", ValueKind::kPositiveInt, true},
    {"topology.max.task.parallelism", ValueKind::kPositiveInt, true},
    {"topology.tick.tuple.freq.secs", ValueKind::kPositiveInt, true},
    {"topology.stats.sample.rate", ValueKind::kFraction, false},
    {"topology.executor.receive.buffer.size", ValueKind::kPositiveInt, false},
    {"topology.transfer.buffer.size", ValueKind::kPositiveInt, false},
    {"topology.producer.batch.size", ValueKind::kPositiveInt, false},
    // 0 disables the timed flush, as in Storm 2.
    {"topology.batch.flush.interval.millis", ValueKind::kNonNegativeNumber, false},
    {"topology.spout.wait.strategy", ValueKind::kString, false},
    {"topology.sleep.spout.wait.strategy.time.ms", ValueKind::kNonNegativeInt, false},
    {"ui.port", ValueKind::kListenPort, false},
};

constexpr std::string_view kReservedPrefixes[] = {"storm.",  "nimbus.",   "supervisor.",
                                                  "worker.", "topology.", "ui."};

const KeySchema* FindSchema(std::string_view key) {
  for (const KeySchema& schema : kSchema) {
    if (schema.key == key) return &schema;
  }
  return nullptr;
}

std::optional<int64_t> AsInt(const json& value) {
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  if (!value.is_number_integer()) return std::nullopt;
  return value.get<int64_t>();
}

bool IsIntIn(const json& value, int64_t min, int64_t max) {
  std::optional<int64_t> number = AsInt(value);
  return number && *number >= min && *number <= max;
}

bool IsStringList(const json& value) {
  return value.is_array() &&
         std::all_of(value.begin(), value.end(), [](const json& e) { return e.is_string(); });
}

bool IsPortList(const json& value) {
  if (!value.is_array()) return false;
  std::set<int64_t> seen;
  for (const json& port : value) {
    if (!IsIntIn(port, 1, 65535) || !seen.insert(port.get<int64_t>()).second) return false;
  }
  return true;
}

bool Matches(ValueKind kind, const json& value) {
  constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
  switch (kind) {
    case ValueKind::kPositiveInt: return IsIntIn(value, 1, kMaxInt);
    case ValueKind::kNonNegativeInt: return IsIntIn(value, 0, kMaxInt);
    case ValueKind::kBool: return value.is_boolean();
    case ValueKind::kString: return value.is_string() && !value.get_ref<const std::string&>().empty();
    case ValueKind::kStringList: return IsStringList(value);
    case ValueKind::kPort: return IsIntIn(value, 1, 65535);
    case ValueKind::kListenPort: return IsIntIn(value, 0, 65535);
    case ValueKind::kPortList: return IsPortList(value);
    case ValueKind::kFraction:
      return value.is_number() && value.get<double>() > 0 && value.get<double>() <= 1;
    case ValueKind::kNonNegativeNumber:
      return value.is_number() && value.get<double>() >= 0;
  }
  return false;
}

std::string Expected(ValueKind kind) {
  switch (kind) {
    case ValueKind::kPositiveInt: return "a positive integer";
    case ValueKind::kNonNegativeInt: return "a non-negative integer";
    case ValueKind::kBool: return "true or false";
    case ValueKind::kString: return "a non-empty string";
    case ValueKind::kStringList: return "a list of strings";
    case ValueKind::kPort: return "a port number (1..65535)";
    case ValueKind::kListenPort: return "a port number (0..65535, 0 = any free port)";
    case ValueKind::kPortList: return "a list of distinct port numbers (1..65535)";
    case ValueKind::kFraction: return "a number in (0, 1]";
    case ValueKind::kNonNegativeNumber: return "a non-negative number";
  }
  return "?";
}

std::string DescribeValue(const json& value) {
  constexpr size_t kMaxChars = 100;  // Keep the message on one readable line.
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.size() > kMaxChars ? text.substr(0, kMaxChars) + "..." : text;
}

void CheckKey(const KeySchema& schema, const json& value) {
  if (schema.nullable && value.is_null()) return;
  if (Matches(schema.kind, value)) return;
  const std::string expected = Expected(schema.kind) + (schema.nullable ? " or null" : "");
  throw ConfigError("config key '" + std::string(schema.key) + "': expected " + expected +
                    ", got " + DescribeValue(value));
}

}  // namespace

Config DefaultConfig() {
  // Parsed on first use; a defaults.yaml that does not parse fails every
  // test that loads a config, so it cannot ship.
  static const Config defaults = ParseYamlConfig(kDefaultsYaml, "built-in defaults.yaml");
  return defaults;
}

Config ParseYamlConfig(const std::string& yaml_text, const std::string& source_name) {
  const YAML::Node root = ParseYaml(yaml_text, source_name);
  // An empty storm.yaml (or one with only comments) sets nothing, as in Storm.
  if (root.IsNull()) return Config();
  if (!root.IsMap()) {
    throw ConfigError(Where(source_name, root.Mark()) +
                      ": expected a map of config keys at the top level, got " +
                      (root.IsSequence() ? "a list" : "a scalar"));
  }
  return Config(MapToJson(root, source_name));
}

Config LoadYamlFile(const std::string& path) { return ParseYamlConfig(ReadConfigFile(path), path); }

void ApplyOverride(Config& conf, const std::string& key_equals_value) {
  const size_t equals = key_equals_value.find('=');
  if (equals == std::string::npos) {
    throw ConfigError("config override '" + key_equals_value + "': expected key=value");
  }
  const std::string key = key_equals_value.substr(0, equals);
  if (key.empty()) {
    throw ConfigError("config override '" + key_equals_value + "': the key is empty");
  }
  const std::string value_text = key_equals_value.substr(equals + 1);
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError("config key '" + key + "': cannot parse override value '" + value_text +
                      "' as YAML: " + e.msg);
  }
  conf.put(key, NodeToJson(value, "config key '" + key + "' (-c)"));
}

Config LoadConfig(const ConfigSources& sources) {
  Config conf = DefaultConfig();
  MergeFileIfPresent(conf, SiteConfigPath());
  if (sources.read_user_files) MergeFileIfPresent(conf, UserConfigPath());
  if (!sources.config_file.empty()) conf.merge(LoadYamlFile(sources.config_file));
  for (const std::string& override_option : sources.overrides) {
    ApplyOverride(conf, override_option);
  }
  ValidateConfig(conf);
  return conf;
}

void ValidateConfig(const Config& conf) {
  for (const KeySchema& schema : kSchema) {
    auto it = conf.json().find(schema.key);
    if (it != conf.json().end()) CheckKey(schema, *it);
  }
}

std::vector<std::string> UnknownReservedKeys(const Config& conf) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : conf.json().items()) {
    const bool reserved = std::any_of(std::begin(kReservedPrefixes), std::end(kReservedPrefixes),
                                      [&](std::string_view p) { return key.starts_with(p); });
    if (reserved && FindSchema(key) == nullptr) unknown.push_back(key);
  }
  return unknown;  // Sorted: a json object iterates in key order.
}

}  // namespace storm
