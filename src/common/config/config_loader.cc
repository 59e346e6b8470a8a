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

#include "common/config/config_keys.h"
#include "common/util/files.h"
#include "sdk/config_json.h"
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

constexpr std::string_view kReservedPrefixes[] = {"storm.",  "nimbus.",   "supervisor.",
                                                  "worker.", "task.",     "topology.", "ui."};

Config BuildDefaults() {
  Config defaults;
  for (const ConfigKey& spec : ConfigKeys()) {
    const std::string source = "the default of " + std::string(spec.key);
    ConfigJson(defaults)[std::string(spec.key)] =
        NodeToJson(ParseYaml(std::string(spec.default_yaml), source), source);
  }
  return defaults;
}

}  // namespace

Config DefaultConfig() {
  // Built on first use; a default that does not parse (or is not valid for
  // its key) fails config_keys_test, so it cannot ship.
  static const Config defaults = BuildDefaults();
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
  return ConfigFromJson(MapToJson(root, source_name));
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
  ConfigJson(conf)[key] = NodeToJson(value, "config key '" + key + "' (-c)");
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
  for (const ConfigKey& spec : ConfigKeys()) {
    auto it = ConfigJson(conf).find(spec.key);
    if (it == ConfigJson(conf).end() || IsValidValue(spec, *it)) continue;
    throw ConfigError("config key '" + std::string(spec.key) + "': expected " +
                      ExpectedValue(spec) + ", got " + DescribeValue(*it));
  }
}

std::vector<std::string> UnknownReservedKeys(const Config& conf) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : ConfigJson(conf).items()) {
    const bool reserved = std::any_of(std::begin(kReservedPrefixes), std::end(kReservedPrefixes),
                                      [&](std::string_view p) { return key.starts_with(p); });
    if (reserved && FindConfigKey(key) == nullptr) unknown.push_back(key);
  }
  return unknown;  // Sorted: a json object iterates in key order.
}

}  // namespace storm
