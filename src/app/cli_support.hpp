// What the subcommands of `newsdesk` share: a failure that ends the command
// with its exit code, the options every command takes, the configuration
// and store they open, and the subcommand groups defined in files of their
// own (commands.cpp registers them all).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace newsdesk::app {

// A failure that ends the command: printed once by run_cli, then the exit code.
struct CommandError {
  int exit_code;
  std::string message;
};

[[noreturn]] inline void fail_with(int code, std::string message) { throw CommandError{code, std::move(message)}; }

// The result's value; an error ends the command (exit 3 for a configuration
// error, else 1).
template <class T>
T need(core::Result<T> r) {
  if (!r) fail_with(r.error().code == core::ErrorCode::kConfig ? kExitConfig : kExitFailure, r.error().message);
  return std::move(*r);
}
inline void need(core::Result<void> r) {
  if (!r) fail_with(r.error().code == core::ErrorCode::kConfig ? kExitConfig : kExitFailure, r.error().message);
}

// The options every subcommand takes.
struct Globals {
  std::string config_path;
  std::string db_path;
};

// The configuration (--config, else ./newsdesk.toml when present, else the
// defaults), with --db applied and the files it names read and checked:
// edition templates, the DKIM key, relay passwords.
core::Config load(const Globals& g);
std::unique_ptr<store::Store> open_store(const core::Config& config);
// Reads a file, a URL or "-" (standard input).
std::string read_input(const std::string& where, const core::Config& config, std::string* final_url = nullptr,
                       std::string* content_type = nullptr);
// The sample web's folder: next to the program, installed, or the build's.
std::filesystem::path default_sample_dir();

// The operator's housekeeping (admin_commands.cpp).
void add_subscribers_command(CLI::App& app, Globals& g);
void add_bounces_command(CLI::App& app, Globals& g);
void add_dkim_command(CLI::App& app);
void add_api_command(CLI::App& app);
void add_admin_command(CLI::App& app);
// `store copy`: a whole desk into a fresh store (SQLite or PostgreSQL).
void add_store_command(CLI::App& app, Globals& g);
void add_backup_commands(CLI::App& app, Globals& g);

}  // namespace newsdesk::app
