// The command line every storm-cpp program reads the same way, as Storm's
// `storm` command does: `-c key=value` (also `-ckey=value`), `--config FILE`
// and `--log-level LEVEL` may stand anywhere; a command's own options that
// take a value (given in `value_options`, e.g. "-w") are taken wherever they
// stand too; every other word is positional, in order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config/config_loader.h"

namespace storm {

struct CommandLine {
  ConfigSources sources;
  std::string log_level = "info";
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;

  std::optional<std::string> Option(const std::string& name) const;  // the last one given
  std::vector<std::string> Options(const std::string& name) const;   // all, in order
  // The overrides alone, as a Config (they also reach submitted topologies).
  Config Overrides() const;
};

// Throws ConfigError for an option without its value, or a word starting
// with '-' that is no known option when `reject_unknown_options`.
CommandLine ParseCommandLine(const std::vector<std::string>& args,
                             const std::vector<std::string>& value_options = {},
                             bool reject_unknown_options = true);

// Parses a whole non-negative number for an option; throws ConfigError
// naming the option.
int ParseCount(const std::string& option, const std::string& value);

}  // namespace storm
