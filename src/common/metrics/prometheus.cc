#include "common/metrics/prometheus.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace storm::metrics {

namespace {

bool IsNameChar(char c, bool first, bool allow_colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                     (allow_colon && c == ':');
  return first ? alpha : alpha || (c >= '0' && c <= '9');
}

std::string Sanitize(std::string_view text, bool allow_colon) {
  if (text.empty()) return "_";
  std::string out;
  out.reserve(text.size() + 1);
  if (!IsNameChar(text[0], true, allow_colon) && text[0] >= '0' && text[0] <= '9') out += '_';
  for (char c : text) out += IsNameChar(c, false, allow_colon) ? c : '_';
  return out;
}

// Label values: backslash, double quote and line feed escaped; HELP text:
// backslash and line feed.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

void RenderLabels(std::string& out, const Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += SanitizeLabelName(name);
    out += "=\"";
    out += Escape(value, true);
    out += '"';
  }
  out += '}';
}

Labels With(Labels labels, std::string name, std::string value) {
  labels.emplace_back(std::move(name), std::move(value));
  return labels;
}

MetricType TypeFromName(const std::string& name) {
  for (MetricType t : {MetricType::kCounter, MetricType::kGauge, MetricType::kHistogram,
                       MetricType::kSummary}) {
    if (name == MetricTypeName(t)) return t;
  }
  throw std::invalid_argument("unknown metric type '" + name + "'");
}

}  // namespace

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kSummary: return "summary";
  }
  return "untyped";
}

std::string SanitizeMetricName(std::string_view text) { return Sanitize(text, true); }
std::string SanitizeLabelName(std::string_view text) { return Sanitize(text, false); }

MetricFamily& MetricSet::Family(const std::string& raw_name, MetricType type,
                                const std::string& help) {
  const std::string name = SanitizeMetricName(raw_name);
  for (MetricFamily& f : families_) {
    if (f.name != name) continue;
    if (f.type != type) {
      throw std::invalid_argument("metric " + name + " is a " + MetricTypeName(f.type) +
                                  ", not a " + MetricTypeName(type));
    }
    return f;
  }
  families_.push_back(MetricFamily{name, help, type, {}});
  return families_.back();
}

void MetricSet::AddCounter(std::string name, const std::string& help, Labels labels,
                           double value) {
  if (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0) name += "_total";
  Family(name, MetricType::kCounter, help).samples.push_back(Sample{"", std::move(labels), value});
}

void MetricSet::AddGauge(const std::string& name, const std::string& help, Labels labels,
                         double value) {
  Family(name, MetricType::kGauge, help).samples.push_back(Sample{"", std::move(labels), value});
}

void MetricSet::AddHistogram(const std::string& name, const std::string& help,
                             const Labels& labels, const std::vector<double>& upper_bounds,
                             const std::vector<uint64_t>& counts, double sum) {
  if (counts.size() != upper_bounds.size() + 1) {
    throw std::invalid_argument("histogram " + name + ": " + std::to_string(counts.size()) +
                                " counts for " + std::to_string(upper_bounds.size()) +
                                " bounds; want one more (+Inf)");
  }
  MetricFamily& f = Family(name, MetricType::kHistogram, help);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < upper_bounds.size(); ++i) {
    cumulative += counts[i];
    f.samples.push_back(Sample{"_bucket", With(labels, "le", FormatValue(upper_bounds[i])),
                               static_cast<double>(cumulative)});
  }
  cumulative += counts.back();
  f.samples.push_back(Sample{"_bucket", With(labels, "le", "+Inf"), static_cast<double>(cumulative)});
  f.samples.push_back(Sample{"_sum", labels, sum});
  f.samples.push_back(Sample{"_count", labels, static_cast<double>(cumulative)});
}

void MetricSet::AddSummary(const std::string& name, const std::string& help, const Labels& labels,
                           const std::vector<std::pair<double, double>>& quantiles, double sum,
                           uint64_t count) {
  MetricFamily& f = Family(name, MetricType::kSummary, help);
  for (const auto& [q, v] : quantiles) {
    f.samples.push_back(Sample{"", With(labels, "quantile", FormatValue(q)), v});
  }
  f.samples.push_back(Sample{"_sum", labels, sum});
  f.samples.push_back(Sample{"_count", labels, static_cast<double>(count)});
}

std::vector<std::string> MetricSet::Merge(const MetricSet& other) {
  std::vector<std::string> skipped;
  for (const MetricFamily& theirs : other.families_) {
    try {
      MetricFamily& mine = Family(theirs.name, theirs.type, theirs.help);
      mine.samples.insert(mine.samples.end(), theirs.samples.begin(), theirs.samples.end());
    } catch (const std::invalid_argument&) {
      skipped.push_back(theirs.name);
    }
  }
  return skipped;
}

std::string MetricSet::RenderText() const {
  std::string out;
  for (const MetricFamily& f : families_) {
    if (f.samples.empty()) continue;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, Escape(f.help, false), f.name,
                       MetricTypeName(f.type));
    for (const Sample& s : f.samples) {
      out += f.name;
      out += s.suffix;
      RenderLabels(out, s.labels);
      out += ' ';
      out += FormatValue(s.value);
      out += '\n';
    }
  }
  return out;
}

nlohmann::json MetricSet::ToJson() const {
  nlohmann::json families = nlohmann::json::array();
  for (const MetricFamily& f : families_) {
    nlohmann::json samples = nlohmann::json::array();
    for (const Sample& s : f.samples) {
      samples.push_back({{"suffix", s.suffix}, {"labels", s.labels}, {"value", s.value}});
    }
    families.push_back({{"name", f.name},
                        {"help", f.help},
                        {"type", MetricTypeName(f.type)},
                        {"samples", std::move(samples)}});
  }
  return families;
}

MetricSet MetricSet::FromJson(const nlohmann::json& json) {
  if (!json.is_array()) throw std::invalid_argument("a metric set is a JSON array of families");
  MetricSet set;
  try {
    for (const auto& f : json) {
      MetricFamily& family = set.Family(f.at("name").get<std::string>(),
                                        TypeFromName(f.at("type").get<std::string>()),
                                        f.at("help").get<std::string>());
      for (const auto& s : f.at("samples")) {
        family.samples.push_back(Sample{s.at("suffix").get<std::string>(),
                                        s.at("labels").get<Labels>(), s.at("value").get<double>()});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("not a metric set: ") + e.what());
  }
  return set;
}

}  // namespace storm::metrics
