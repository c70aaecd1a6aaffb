// The JSON API (docs/api.md), without HTTP types: sources and their health,
// stories with their articles, editions, and subscribers (list, and add as
// an import with its own consent record). Every call needs a bearer token
// whose SHA-256 is in [api] token_sha256.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "store/store.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::web {

struct ApiRequest {
  std::string method;  // GET, POST
  std::string path;    // /api/v1/...
  std::string authorization;  // the Authorization header
  std::string body;
  std::map<std::string, std::string> params;
  std::string ip;
};

class Api {
 public:
  Api(const core::Config& config, store::Store& store, std::mutex& store_mutex, const core::Clock& clock)
      : config_(config), store_(store), store_mutex_(store_mutex), clock_(clock) {}
  Response handle(const ApiRequest& request);

 private:
  bool authorized(const std::string& authorization) const;
  const core::Config& config_;
  store::Store& store_;
  std::mutex& store_mutex_;
  const core::Clock& clock_;
};

}  // namespace newsdesk::web
