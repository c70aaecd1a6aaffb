// Counters and gauges for the service's /metrics (Prometheus text format
// 0.0.4), kept by prometheus-cpp. One registry per process; thread-safe.
// Stages report what they did (fetches, articles, sends, build times); the
// store's sizes are read when the page is asked for.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsdesk::core {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
  static Metrics& global();
  // A counter goes up; a gauge is set. `help` describes the family the first time.
  void add(const std::string& name, const std::string& help, const Labels& labels = {}, double by = 1);
  void set(const std::string& name, const std::string& help, const Labels& labels, double value);
  // Every family in the text format, label values escaped (prometheus-cpp's serializer).
  std::string render() const;
  // Families set for one scrape only (sizes read from the store) are cleared first.
  void clear_gauges(std::string_view prefix);

 private:
  struct Impl;
  mutable std::mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::core
