// Loading a daemon's or a client's configuration the way Apache Storm does:
// built-in defaults (the key table, include/storm/config_keys.def), then the
// site's storm.yaml, the user's ~/.storm/storm.yaml, a --config file and
// `-c key=value` overrides, each overriding the ones before it key by key.
//
// YAML is read with the YAML 1.2 core schema: a plain `4` is an integer,
// `4.0` a float, `true`/`false` booleans, `null`/`~`/empty null, and anything
// else (including `yes`, `on`, and every quoted scalar) a string.
//
// All functions are pure apart from reading files and the environment; every
// failure is a storm::ConfigError naming the file and line, or the key.
// Thread safety: safe to call concurrently (LoadConfig reads environment
// variables, which must not be modified concurrently).
#pragma once

#include <string>
#include <vector>

#include "storm/config.h"

namespace storm {

// Storm's defaults for every key this system reads. Parsed once, then copied.
Config DefaultConfig();

// Parses YAML text whose top level is a map (or empty) into a Config.
// `source_name` (a path, or e.g. "-c") prefixes error messages.
Config ParseYamlConfig(const std::string& yaml_text, const std::string& source_name);

// Reads and parses a YAML file; a missing or unreadable file is an error.
Config LoadYamlFile(const std::string& path);

// Applies one `-c key=value` option. The value is YAML, so `4`, `true`,
// `[6700,6701]` and `'["a","b"]'` become an integer, a boolean and lists.
void ApplyOverride(Config& conf, const std::string& key_equals_value);

struct ConfigSources {
  std::string config_file{};             // --config FILE; empty = none.
  std::vector<std::string> overrides{};  // -c key=value, applied in order.
  // false skips ~/.storm/storm.yaml, so that tests and tools do not depend on
  // the invoking user's files.
  bool read_user_files = true;
};

// Defaults, then $STORM_CONF_DIR/storm.yaml (or ./conf/storm.yaml when
// STORM_CONF_DIR is unset) if present, then ~/.storm/storm.yaml if present
// and read_user_files, then sources.config_file (which must exist), then the
// overrides; the result is checked by ValidateConfig.
Config LoadConfig(const ConfigSources& sources);

// Checks the type and range of every known key present in `conf` (see the
// schema in config_loader.cc); throws ConfigError naming the first bad key.
// Unknown keys are allowed: topologies add their own.
void ValidateConfig(const Config& conf);

// The keys of `conf` under Storm's reserved prefixes (storm., nimbus.,
// supervisor., worker., topology., ui.) that this system does not know,
// sorted; daemons log them as likely typos.
std::vector<std::string> UnknownReservedKeys(const Config& conf);

}  // namespace storm
