// storm::Config's typed getters. Every failure is a ConfigError whose message
// names the key, the expected type and the value actually found, so that a
// user can fix a storm.yaml or a `-c` flag from the message alone.

#include "storm/config.h"

#include <limits>
#include <utility>

#include "sdk/config_json.h"
#include "storm/errors.h"
#include "storm/value.h"

namespace storm {

using nlohmann::json;

namespace {

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

const json& Require(const json& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) {
    throw ConfigError("config key '" + std::string(key) + "' is not set");
  }
  return *it;
}

json ValueToJson(const Value& value) {
  switch (value.type()) {
    case Value::Type::kNull: return nullptr;
    case Value::Type::kBool: return value.asBool();
    case Value::Type::kInt: return value.asInt();
    case Value::Type::kDouble: return value.asDouble();
    case Value::Type::kString: return value.asString();
    case Value::Type::kBytes: return value.asBytes();
    case Value::Type::kList: {
      json list = json::array();
      for (const Value& v : value.asList()) list.push_back(ValueToJson(v));
      return list;
    }
  }
  return nullptr;
}

}  // namespace

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::Config(const Config& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Config::Config(Config&& other) noexcept : impl_(std::make_unique<Impl>()) {
  impl_.swap(other.impl_);
}
Config& Config::operator=(const Config& other) {
  if (this != &other) impl_->map = other.impl_->map;
  return *this;
}
Config& Config::operator=(Config&& other) noexcept {
  impl_.swap(other.impl_);
  return *this;
}
Config::~Config() = default;

Config& Config::put(std::string_view key, bool value) {
  impl_->map[std::string(key)] = value;
  return *this;
}
Config& Config::putInt(std::string_view key, int64_t value) {
  impl_->map[std::string(key)] = value;
  return *this;
}
Config& Config::put(std::string_view key, double value) {
  impl_->map[std::string(key)] = value;
  return *this;
}
Config& Config::put(std::string_view key, std::string_view value) {
  impl_->map[std::string(key)] = std::string(value);
  return *this;
}
Config& Config::put(std::string_view key, const std::vector<std::string>& value) {
  impl_->map[std::string(key)] = value;
  return *this;
}
Config& Config::put(std::string_view key, const std::vector<int64_t>& value) {
  impl_->map[std::string(key)] = value;
  return *this;
}
Config& Config::put(std::string_view key, std::nullptr_t) {
  impl_->map[std::string(key)] = nullptr;
  return *this;
}
Config& Config::put(std::string_view key, const Value& value) {
  impl_->map[std::string(key)] = ValueToJson(value);
  return *this;
}
Config& Config::put(std::string_view key, const Config& map) {
  impl_->map[std::string(key)] = map.impl_->map;
  return *this;
}

bool Config::contains(std::string_view key) const { return impl_->map.contains(key); }
void Config::erase(std::string_view key) { impl_->map.erase(std::string(key)); }


int64_t Config::getInt(std::string_view key) const {
  const auto& value = Require(impl_->map, key);
  if (!IsInt64(value)) ThrowWrongType(key, "an integer", value);
  return value.get<int64_t>();
}

// Like Storm's ObjectReader.getDouble, any number is accepted: a user who
// writes `0` for a rate means 0.0.
double Config::getDouble(std::string_view key) const {
  const auto& value = Require(impl_->map, key);
  if (!value.is_number()) ThrowWrongType(key, "a number", value);
  return value.get<double>();
}

bool Config::getBool(std::string_view key) const {
  const auto& value = Require(impl_->map, key);
  if (!value.is_boolean()) ThrowWrongType(key, "a boolean", value);
  return value.get<bool>();
}

std::string Config::getString(std::string_view key) const {
  const auto& value = Require(impl_->map, key);
  if (!value.is_string()) ThrowWrongType(key, "a string", value);
  return value.get<std::string>();
}

std::vector<std::string> Config::getStringList(std::string_view key) const {
  const auto& value = Require(impl_->map, key);
  if (!IsListOf(value, IsString)) ThrowWrongType(key, "a list of strings", value);
  return value.get<std::vector<std::string>>();
}

std::vector<int64_t> Config::getIntList(std::string_view key) const {
  const auto& value = Require(impl_->map, key);
  if (!IsListOf(value, IsInt64)) ThrowWrongType(key, "a list of integers", value);
  return value.get<std::vector<int64_t>>();
}

// Storm's defaults.yaml writes `null` for "not set", so null takes the
// fallback just as a missing key does.
int64_t Config::getInt(std::string_view key, int64_t fallback) const {
  return IsMissing(impl_->map, key) ? fallback : getInt(key);
}

bool Config::getBool(std::string_view key, bool fallback) const {
  return IsMissing(impl_->map, key) ? fallback : getBool(key);
}

std::string Config::getString(std::string_view key, std::string_view fallback) const {
  return IsMissing(impl_->map, key) ? std::string(fallback) : getString(key);
}

double Config::getDouble(std::string_view key, double fallback) const {
  return IsMissing(impl_->map, key) ? fallback : getDouble(key);
}

std::vector<std::string> Config::getStringList(std::string_view key,
                                               const std::vector<std::string>& fallback) const {
  return IsMissing(impl_->map, key) ? fallback : getStringList(key);
}

// A shallow merge, as Storm's Map.putAll: a list or map value replaces the
// old one whole rather than being combined with it.
Config& Config::merge(const Config& other) {
  for (const auto& [key, value] : other.impl_->map.items()) {
    impl_->map[key] = value;
  }
  return *this;
}

std::string Config::toJson() const {
  return impl_->map.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool Config::operator==(const Config& other) const { return impl_->map == other.impl_->map; }

}  // namespace storm
