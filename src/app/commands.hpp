// The `newsdesk` command line: parsing, and one function per subcommand.
// Exit codes (docs/cli.md): 0 success, 1 the work failed, 2 bad usage,
// 3 bad configuration.
#pragma once

namespace newsdesk::app {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitConfig = 3;

int run_cli(int argc, char** argv);

}  // namespace newsdesk::app
