// Config: a topology's (or a daemon's) configuration, a map from Storm's key
// names to JSON-like values (null, booleans, integers, numbers, strings,
// lists and maps), as Apache Storm's `Config` (a Map<String,Object>).
//
// The keys and their meanings are Apache Storm's; the constants below name
// every key this system reads, each with its type, default and meaning in
// storm/config_keys.def (docs/configuration.md lists them).
//
// Thread safety: none; a Config is a value, copy it to share it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "storm/export.h"

namespace storm {

class Value;

namespace detail {
struct ConfigAccess;  // the runtime's way in (not part of the SDK)
}

class STORM_API Config {
 public:
  // Storm's key names: Config::kTopologyWorkers is topology.workers, ...
#define STORM_CONFIG_KEY(name, key, kind, nullable, default_yaml, doc) \
  static constexpr const char* k##name = key;
#include "storm/config_keys.def"
#undef STORM_CONFIG_KEY

  Config();
  Config(const Config& other);
  Config(Config&& other) noexcept;
  Config& operator=(const Config& other);
  Config& operator=(Config&& other) noexcept;
  ~Config();

  // Typed setters for the common keys, as Storm's Config has them.
  Config& setNumWorkers(int64_t workers) { return put(kTopologyWorkers, workers); }
  Config& setNumAckers(int64_t ackers) { return put(kTopologyAckerExecutors, ackers); }
  Config& setMaxSpoutPending(int64_t max) { return put(kTopologyMaxSpoutPending, max); }
  Config& setMessageTimeoutSecs(int64_t secs) { return put(kTopologyMessageTimeoutSecs, secs); }
  Config& setDebug(bool debug) { return put(kTopologyDebug, debug); }
  Config& setMaxTaskParallelism(int64_t n) { return put(kTopologyMaxTaskParallelism, n); }

  // Sets `key` to a value, replacing what it held.
  Config& put(std::string_view key, bool value);
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Config& put(std::string_view key, T value) {
    return putInt(key, static_cast<int64_t>(value));
  }
  Config& put(std::string_view key, double value);
  Config& put(std::string_view key, const char* value) { return put(key, std::string_view(value)); }
  Config& put(std::string_view key, std::string_view value);
  Config& put(std::string_view key, const std::string& value) {
    return put(key, std::string_view(value));
  }
  Config& put(std::string_view key, const std::vector<std::string>& value);
  Config& put(std::string_view key, const std::vector<int64_t>& value);
  Config& put(std::string_view key, std::nullptr_t);  // null: "not set"
  // A tuple value (a list of values becomes a list).
  Config& put(std::string_view key, const Value& value);
  // A map value (a nested config).
  Config& put(std::string_view key, const Config& map);

  bool contains(std::string_view key) const;
  void erase(std::string_view key);

  // Typed getters. They throw ConfigError (storm/errors.h) naming the key and
  // the expected type when the value is missing or of another type.
  int64_t getInt(std::string_view key) const;
  double getDouble(std::string_view key) const;
  bool getBool(std::string_view key) const;
  std::string getString(std::string_view key) const;
  std::vector<std::string> getStringList(std::string_view key) const;
  std::vector<int64_t> getIntList(std::string_view key) const;

  // Getters with a fallback for a missing (or null) key; a present value of the
  // wrong type still throws.
  int64_t getInt(std::string_view key, int64_t fallback) const;
  double getDouble(std::string_view key, double fallback) const;
  bool getBool(std::string_view key, bool fallback) const;
  std::string getString(std::string_view key, std::string_view fallback) const;
  std::vector<std::string> getStringList(std::string_view key,
                                         const std::vector<std::string>& fallback) const;

  // Copies every key of `other` over this config (a list or map value
  // replaces the old one whole, as Storm's Map.putAll).
  Config& merge(const Config& other);

  // The config as a JSON object, one line, keys in order.
  std::string toJson() const;

  bool operator==(const Config& other) const;

 private:
  friend struct detail::ConfigAccess;
  struct Impl;

  Config& putInt(std::string_view key, int64_t value);

  std::unique_ptr<Impl> impl_;
};

}  // namespace storm
