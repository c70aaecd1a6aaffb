// newsdesk's entry point: everything that can fail has been turned into an
// exit code by run_cli; anything still thrown is a bug, reported and fatal.
#include <cstdio>
#include <exception>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  try {
    return newsdesk::app::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "newsdesk: internal error: %s\n", e.what());
    return newsdesk::app::kExitFailure;
  }
}
