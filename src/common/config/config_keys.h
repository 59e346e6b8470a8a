// The key table (storm/config_keys.def) as data: every key storm-cpp reads,
// with its kind, default and doc. Defaults (DefaultConfig), validation
// (ValidateConfig), the constants of storm/config.h and docs/configuration.md
// all come from this one table.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace storm {

enum class ValueKind {
  kPositiveInt,
  kNonNegativeInt,
  kWaitSecs,  // an integer >= -1, -1 meaning no limit (Storm's wait times)
  kBool,
  kString,      // non-empty: an empty path or root is never meant
  kStringList,
  kPort,        // 1..65535: a port to connect to
  kListenPort,  // 0..65535: 0 lets the OS pick, as tests do
  kPortList,    // distinct ports 1..65535 (worker slots)
  kFraction,    // a number in (0, 1]
  kNonNegativeNumber,
};

struct ConfigKey {
  std::string_view name;          // the constant's name without its k: "TopologyWorkers"
  std::string_view key;           // topology.workers
  ValueKind kind;
  bool nullable;                  // null means "not set"
  std::string_view default_yaml;  // "1", "[\"localhost\"]", "null"
  std::string_view doc;
};

// Every key, in the table's order.
std::span<const ConfigKey> ConfigKeys();

// The entry of `key`, or nullptr when storm-cpp does not read it.
const ConfigKey* FindConfigKey(std::string_view key);

// Whether `value` is a valid value of `spec` (null only when nullable).
bool IsValidValue(const ConfigKey& spec, const nlohmann::json& value);

// What a value of `spec` must be, for messages: "a positive integer or null".
std::string ExpectedValue(const ConfigKey& spec);

// The kind as docs/configuration.md shows it: "positive integer".
std::string_view KindName(ValueKind kind);

// docs/configuration.md: the table as Markdown, by key prefix.
std::string ConfigurationMarkdown();

}  // namespace storm
