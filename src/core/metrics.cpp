#include "core/metrics.hpp"

#include <algorithm>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace newsdesk::core {

// prometheus-cpp keeps the families and serialises them (text format 0.0.4);
// this keeps the names to families and the gauges set for one scrape.
struct Metrics::Impl {
  prometheus::Registry registry;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges;
  std::map<std::string, std::vector<prometheus::Gauge*>> gauge_series;  // by family, for clear_gauges
};

namespace {

std::map<std::string, std::string> as_map(const Labels& labels) { return {labels.begin(), labels.end()}; }

}  // namespace

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

Metrics& Metrics::global() {
  static Metrics metrics;
  return metrics;
}

void Metrics::add(const std::string& name, const std::string& help, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  auto it = impl_->counters.find(name);
  if (it == impl_->counters.end()) {
    it = impl_->counters.emplace(name, &prometheus::BuildCounter().Name(name).Help(help).Register(impl_->registry)).first;
  }
  if (by > 0) it->second->Add(as_map(labels)).Increment(by);
  else it->second->Add(as_map(labels));  // the series exists, at 0
}

void Metrics::set(const std::string& name, const std::string& help, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto it = impl_->gauges.find(name);
  if (it == impl_->gauges.end()) {
    it = impl_->gauges.emplace(name, &prometheus::BuildGauge().Name(name).Help(help).Register(impl_->registry)).first;
  }
  prometheus::Gauge& g = it->second->Add(as_map(labels));
  g.Set(value);
  auto& series = impl_->gauge_series[name];
  if (std::find(series.begin(), series.end(), &g) == series.end()) series.push_back(&g);
}

void Metrics::clear_gauges(std::string_view prefix) {
  std::lock_guard lock(mutex_);
  for (auto& [name, family] : impl_->gauges) {
    if (name.rfind(prefix, 0) != 0) continue;
    for (prometheus::Gauge* g : impl_->gauge_series[name]) family->Remove(g);
    impl_->gauge_series[name].clear();
  }
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace newsdesk::core
