// Where "now" comes from. Pure stages take a time as a value; the edges read
// it from a Clock so that tests and the demo can fix it.
#pragma once

#include <chrono>

#include "core/types.hpp"

namespace newsdesk::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }

 private:
  TimePoint t_;
};

}  // namespace newsdesk::core
