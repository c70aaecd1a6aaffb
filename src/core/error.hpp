// The one error vocabulary of newsdesk: every I/O, parse and database boundary
// returns Result<T> = tl::expected<T, Error>. An Error is a small code for the
// caller to branch on plus a message for a person (what was wrong, and where).
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace newsdesk::core {

enum class ErrorCode {
  kInvalidInput,  // the caller's or the outside world's data is malformed
  kNotFound,      // the thing asked for does not exist
  kIo,            // a file could not be read or written
  kNetwork,       // DNS, connect, TLS, timeout, HTTP failure
  kDatabase,      // the store failed
  kConfig,        // the configuration is wrong
  kLimit,         // a configured size or time limit was exceeded
  kRefused,       // policy said no (e.g. a private address without permission)
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace newsdesk::core

// Error propagation for functions returning a Result: the one place these
// macros live (a statement-level `?` that C++ lacks).
//   ND_TRY(expr);               returns expr's error, if any
//   ND_TRY_ASSIGN(var, expr);   declares `var` = expr's Result, returning its error, if any
#define ND_TRY(expr)                                                  \
  do {                                                                \
    auto nd_try_result = (expr);                                      \
    if (!nd_try_result) return tl::unexpected(nd_try_result.error()); \
  } while (0)
#define ND_TRY_ASSIGN(var, expr) \
  auto var = (expr);             \
  if (!var) return tl::unexpected(var.error())
