// `newsdesk demo`: the whole desk on the sample news web, end to end.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"

namespace newsdesk::app {

struct DemoOptions {
  std::filesystem::path sample_dir;  // sample/ (outlets and articles)
  std::filesystem::path work_dir;    // the SQLite file goes here (made fresh)
  std::filesystem::path out_dir;     // the edition files go here
  bool once = false;                 // exit after writing the edition
  int fixture_port = 0;              // the sample web's port (0 = any free)
};

// Runs the demo; returns when done (--once) or when interrupted.
core::Result<void> run_demo(core::Config config, const DemoOptions& options);

}  // namespace newsdesk::app
