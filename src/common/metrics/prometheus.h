// MetricSet: metrics as Prometheus's text exposition format (0.0.4) has
// them, the one model behind every daemon's GET /metrics
// (docs/metrics.md). A family is a name, a help line, a type and samples;
// each sample is labelled. Families keep the order they were first added
// in; samples keep theirs.
//
// Names: SanitizeMetricName maps any text (a user's metric name) to a legal
// Prometheus name. Counters' names end in "_total" (Prometheus's convention,
// which promtool checks); AddCounter adds it when missing.
//
// A MetricSet is a value: not thread-safe, copy or move it between threads.
// It also travels between processes as JSON (a worker writes its set for its
// supervisor to serve).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace storm::metrics {

// What a scraper is told it gets.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram, kSummary };
const char* MetricTypeName(MetricType type);  // "counter", ...

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  std::string suffix;  // "", or "_bucket", "_sum", "_count" of a histogram or summary
  Labels labels;
  double value = 0;
  bool operator==(const Sample&) const = default;
};

struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
  bool operator==(const MetricFamily&) const = default;
};

// A legal metric name: characters outside [a-zA-Z0-9_:] become '_', and a
// leading digit gets a '_' before it. Empty text gives "_".
std::string SanitizeMetricName(std::string_view text);
// A legal label name ([a-zA-Z_][a-zA-Z0-9_]*), the same way.
std::string SanitizeLabelName(std::string_view text);

class MetricSet {
 public:
  void AddCounter(std::string name, const std::string& help, Labels labels, double value);
  void AddGauge(const std::string& name, const std::string& help, Labels labels, double value);
  // `upper_bounds` ascending (seconds, bytes, ...) and `counts` the number of
  // observations in each bucket (not cumulative; one more than upper_bounds:
  // the last is the +Inf bucket's own).
  void AddHistogram(const std::string& name, const std::string& help, const Labels& labels,
                    const std::vector<double>& upper_bounds, const std::vector<uint64_t>& counts,
                    double sum);
  // quantiles: (q in [0, 1], value).
  void AddSummary(const std::string& name, const std::string& help, const Labels& labels,
                  const std::vector<std::pair<double, double>>& quantiles, double sum,
                  uint64_t count);

  // Adds `other`'s samples to the families of the same name (which must have
  // the same type; a family of another type is skipped with its name
  // returned) and its new families after this one's.
  std::vector<std::string> Merge(const MetricSet& other);

  const std::vector<MetricFamily>& families() const { return families_; }
  bool empty() const { return families_.empty(); }

  // The text exposition format: "# HELP", "# TYPE", then the samples.
  std::string RenderText() const;

  nlohmann::json ToJson() const;
  // std::invalid_argument naming what is wrong when `json` is not a set.
  static MetricSet FromJson(const nlohmann::json& json);

 private:
  // The family of that name, added with that type and help when new.
  // std::invalid_argument when it exists with another type.
  MetricFamily& Family(const std::string& name, MetricType type, const std::string& help);

  std::vector<MetricFamily> families_;
};

}  // namespace storm::metrics
