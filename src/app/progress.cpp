#include "app/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace newsdesk::app {

Progress::Progress(std::string label, size_t total)
    : label_(std::move(label)), total_(total), terminal_(isatty(STDERR_FILENO) == 1) {
  if (total_ > 0) draw();
}

Progress::~Progress() { finish(); }

void Progress::advance(size_t n) {
  done_ += n;
  if (done_ > total_) done_ = total_;
  draw();
}

void Progress::finish() {
  if (finished_ || total_ == 0) return;
  finished_ = true;
  done_ = total_;
  if (terminal_) {
    draw();
    std::fputc('\n', stderr);
  } else if (last_reported_ != done_) {
    std::fprintf(stderr, "%s: %zu/%zu\n", label_.c_str(), done_, total_);
  }
}

void Progress::draw() {
  if (terminal_) {
    constexpr int kWidth = 30;
    int filled = total_ == 0 ? kWidth : static_cast<int>(done_ * kWidth / total_);
    std::fprintf(stderr, "\r%-22s [%.*s%*s] %zu/%zu", label_.c_str(), filled, "##############################",
                 kWidth - filled, "", done_, total_);
    std::fflush(stderr);
    return;
  }
  // Plain lines at every tenth, so logs stay short.
  if (done_ == 0 || done_ * 10 / total_ != last_reported_ * 10 / total_ || done_ == total_) {
    if (done_ != last_reported_ || done_ == 0) std::fprintf(stderr, "%s: %zu/%zu\n", label_.c_str(), done_, total_);
    last_reported_ = done_;
  }
}

}  // namespace newsdesk::app
