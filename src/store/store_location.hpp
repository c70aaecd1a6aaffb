// Which backend a store location names, and where. Internal to store/:
// open_store and the desk copy read locations the same way.
#pragma once

#include <string>

#include "core/error.hpp"

namespace newsdesk::store {

struct StoreLocation {
  enum class Backend { kSqlite, kPostgresql };
  Backend backend = Backend::kSqlite;
  std::string target;  // the SQLite file's path, or the PostgreSQL URL as given
};

// "postgresql://..." or "postgres://..." is a PostgreSQL URL; "sqlite:PATH",
// or any other string taken as a path, an SQLite file. kInvalidInput for
// "sqlite:" without a path.
core::Result<StoreLocation> parse_store_location(const std::string& location);

}  // namespace newsdesk::store
