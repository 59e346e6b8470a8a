// storm::Config's typed getters. Every failure is a ConfigError whose message
// names the key, the expected type and the value actually found, so that a
// user can fix a storm.yaml or a `-c` flag from the message alone.

#include "storm/config.h"

#include <limits>
#include <utility>

#include "storm/errors.h"

namespace storm {

using nlohmann::json;

namespace {

// Long values (a big list) are cut so that the message stays one line.
constexpr size_t kMaxShownValueChars = 100;

std::string DescribeValue(const json& value) {
  // `replace`: a YAML string may hold bytes that are not UTF-8; a message
  // about a bad value must not itself throw.
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxShownValueChars) {
    text = text.substr(0, kMaxShownValueChars) + "...";
  }
  return text;
}

[[noreturn]] void ThrowWrongType(std::string_view key, std::string_view expected,
                                 const json& actual) {
  throw ConfigError("config key '" + std::string(key) + "': expected " + std::string(expected) +
                    ", got " + DescribeValue(actual));
}

bool IsInt64(const json& value) {
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  }
  return value.is_number_integer();
}

bool IsListOf(const json& value, bool (*is_element)(const json&)) {
  if (!value.is_array()) return false;
  for (const json& element : value) {
    if (!is_element(element)) return false;
  }
  return true;
}

bool IsString(const json& value) { return value.is_string(); }

bool IsMissing(const json& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() || it->is_null();
}

}  // namespace

Config::Config(nlohmann::json map) : map_(std::move(map)) {
  if (!map_.is_object()) {
    throw ConfigError("a config must be a map of keys to values, got " + DescribeValue(map_));
  }
}

const nlohmann::json& Config::Require(std::string_view key) const {
  auto it = map_.find(key);
  if (it == map_.end()) {
    throw ConfigError("config key '" + std::string(key) + "' is not set");
  }
  return *it;
}

int64_t Config::getInt(std::string_view key) const {
  const auto& value = Require(key);
  if (!IsInt64(value)) ThrowWrongType(key, "an integer", value);
  return value.get<int64_t>();
}

// Like Storm's ObjectReader.getDouble, any number is accepted: a user who
// writes `0` for a rate means 0.0.
double Config::getDouble(std::string_view key) const {
  const auto& value = Require(key);
  if (!value.is_number()) ThrowWrongType(key, "a number", value);
  return value.get<double>();
}

bool Config::getBool(std::string_view key) const {
  const auto& value = Require(key);
  if (!value.is_boolean()) ThrowWrongType(key, "a boolean", value);
  return value.get<bool>();
}

std::string Config::getString(std::string_view key) const {
  const auto& value = Require(key);
  if (!value.is_string()) ThrowWrongType(key, "a string", value);
  return value.get<std::string>();
}

std::vector<std::string> Config::getStringList(std::string_view key) const {
  const auto& value = Require(key);
  if (!IsListOf(value, IsString)) ThrowWrongType(key, "a list of strings", value);
  return value.get<std::vector<std::string>>();
}

std::vector<int64_t> Config::getIntList(std::string_view key) const {
  const auto& value = Require(key);
  if (!IsListOf(value, IsInt64)) ThrowWrongType(key, "a list of integers", value);
  return value.get<std::vector<int64_t>>();
}

// Storm's defaults.yaml writes `null` for "not set", so null takes the
// fallback just as a missing key does.
int64_t Config::getInt(std::string_view key, int64_t fallback) const {
  return IsMissing(map_, key) ? fallback : getInt(key);
}

bool Config::getBool(std::string_view key, bool fallback) const {
  return IsMissing(map_, key) ? fallback : getBool(key);
}

std::string Config::getString(std::string_view key, std::string_view fallback) const {
  return IsMissing(map_, key) ? std::string(fallback) : getString(key);
}

// A shallow merge, as Storm's Map.putAll: a list or map value replaces the
// old one whole rather than being combined with it.
Config& Config::merge(const Config& other) {
  for (const auto& [key, value] : other.map_.items()) {
    map_[key] = value;
  }
  return *this;
}

}  // namespace storm
