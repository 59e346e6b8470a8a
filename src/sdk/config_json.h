// The runtime's view of a storm::Config: its JSON object. Not part of the
// SDK (a topology author never sees nlohmann::json); daemons, the CLI and
// local mode use it to read YAML into a Config, to send a config over Thrift
// and to check values against the key table.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

#include "storm/config.h"
#include "storm/errors.h"

namespace storm {

struct Config::Impl {
  nlohmann::json map = nlohmann::json::object();
};

namespace detail {
struct ConfigAccess {
  static nlohmann::json& Json(Config& conf) { return conf.impl_->map; }
  static const nlohmann::json& Json(const Config& conf) { return conf.impl_->map; }
};
}  // namespace detail

// The config's map of keys to values.
inline nlohmann::json& ConfigJson(Config& conf) { return detail::ConfigAccess::Json(conf); }
inline const nlohmann::json& ConfigJson(const Config& conf) {
  return detail::ConfigAccess::Json(conf);
}

// A config value as an error message shows it: JSON on one line, cut after
// 100 characters. Never throws on a string that is not UTF-8 (YAML may
// hold one): a message about a bad value must not itself throw.
inline std::string DescribeValue(const nlohmann::json& value) {
  constexpr size_t kMaxChars = 100;
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > kMaxChars ? text.substr(0, kMaxChars) + "..." : text;
}

// A Config holding `map`; throws ConfigError when it is not a JSON object.
inline Config ConfigFromJson(nlohmann::json map) {
  if (!map.is_object()) {
    throw ConfigError("a config must be a map of keys to values, got " + DescribeValue(map));
  }
  Config conf;
  ConfigJson(conf) = std::move(map);
  return conf;
}

}  // namespace storm
