#include "common/config/command_line.h"

#include <algorithm>
#include <charconv>

#include "storm/errors.h"

namespace storm {

namespace {
// spdlog's level names ("warning" and "err" are its aliases); spdlog itself
// takes any other word for "off", which would silence the log.
bool IsLogLevel(const std::string& level) {
  static const char* const kLevels[] = {"trace", "debug", "info",     "warn", "warning",
                                        "error", "err",   "critical", "off"};
  return std::find(std::begin(kLevels), std::end(kLevels), level) != std::end(kLevels);
}
}  // namespace

std::optional<std::string> CommandLine::Option(const std::string& name) const {
  std::optional<std::string> out;
  auto [begin, end] = options.equal_range(name);
  for (auto it = begin; it != end; ++it) out = it->second;
  return out;
}

std::vector<std::string> CommandLine::Options(const std::string& name) const {
  std::vector<std::string> out;
  auto [begin, end] = options.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

Config CommandLine::Overrides() const {
  Config conf;
  for (const auto& o : sources.overrides) ApplyOverride(conf, o);
  return conf;
}

CommandLine ParseCommandLine(const std::vector<std::string>& args,
                             const std::vector<std::string>& value_options,
                             bool reject_unknown_options) {
  CommandLine out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw ConfigError("option " + a + " needs a value");
      return args[++i];
    };
    if (a == "-c") {
      out.sources.overrides.push_back(value());
    } else if (a.rfind("-c", 0) == 0 && a.size() > 2 && a[2] != '-' &&
               a.find('=') != std::string::npos) {
      out.sources.overrides.push_back(a.substr(2));
    } else if (a == "--config") {
      out.sources.config_file = value();
    } else if (a == "--log-level") {
      out.log_level = value();
      if (!IsLogLevel(out.log_level)) {
        throw ConfigError("--log-level: unknown level '" + out.log_level +
                          "' (trace, debug, info, warn, error, critical or off)");
      }
    } else if (std::find(value_options.begin(), value_options.end(), a) != value_options.end()) {
      const std::string& v = value();
      out.options.emplace(a, v);
    } else if (reject_unknown_options && a.size() > 1 && a[0] == '-') {
      throw ConfigError("unknown option " + a);
    } else {
      out.positional.push_back(a);
    }
  }
  return out;
}

int ParseCount(const std::string& option, const std::string& value) {
  int n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr != value.data() + value.size() || n < 0) {
    throw ConfigError("option " + option + ": expected a whole number, got \"" + value + "\"");
  }
  return n;
}

}  // namespace storm
