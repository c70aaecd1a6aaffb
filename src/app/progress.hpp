// Progress of a long operation: a bar redrawn in place on a terminal, plain
// lines ("fetching articles: 30/63") when stderr is a file or a pipe.
#pragma once

#include <cstddef>
#include <string>

namespace newsdesk::app {

class Progress {
 public:
  Progress(std::string label, size_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void advance(size_t n = 1);
  void finish();

 private:
  void draw();
  std::string label_;
  size_t total_;
  size_t done_ = 0;
  size_t last_reported_ = 0;
  bool terminal_;
  bool finished_ = false;
};

}  // namespace newsdesk::app
