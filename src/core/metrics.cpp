#include "core/metrics.hpp"

#include <fmt/format.h>

namespace newsdesk::core {
namespace {

std::string rendered(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    std::string value;
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') value += '\\';
      if (c == '\n') {
        value += "\\n";
        continue;
      }
      value += c;
    }
    out += fmt::format("{}{}=\"{}\"", i ? "," : "", labels[i].first, value);
  }
  return out + "}";
}

}  // namespace

Metrics& Metrics::global() {
  static Metrics metrics;
  return metrics;
}

void Metrics::add(const std::string& name, const std::string& help, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.help.empty()) f.help = help;
  f.counter = true;
  f.series[rendered(labels)] += by;
}

void Metrics::set(const std::string& name, const std::string& help, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.help.empty()) f.help = help;
  f.counter = false;
  f.series[rendered(labels)] = value;
}

void Metrics::clear_gauges(std::string_view prefix) {
  std::lock_guard lock(mutex_);
  for (auto& [name, f] : families_) {
    if (!f.counter && name.rfind(prefix, 0) == 0) f.series.clear();
  }
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.series.empty()) continue;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.counter ? "counter" : "gauge");
    for (const auto& [labels, value] : f.series) out += fmt::format("{}{} {}\n", name, labels, value);
  }
  return out;
}

}  // namespace newsdesk::core
