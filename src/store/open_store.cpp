// Which backend a store location names.
#include <string_view>

#include "store/store.hpp"
#include "store/store_location.hpp"

namespace newsdesk::store {

core::Result<StoreLocation> parse_store_location(const std::string& location) {
  const std::string_view where = location;
  if (where.starts_with("postgresql://") || where.starts_with("postgres://")) {
    return StoreLocation{StoreLocation::Backend::kPostgresql, location};
  }
  if (where.starts_with("sqlite:")) {
    std::string path(where.substr(std::string_view("sqlite:").size()));
    if (path.empty()) return core::fail(core::ErrorCode::kInvalidInput, "the store location \"sqlite:\" names no file");
    return StoreLocation{StoreLocation::Backend::kSqlite, std::move(path)};
  }
  return StoreLocation{StoreLocation::Backend::kSqlite, location};
}

Result<std::unique_ptr<Store>> open_store(const std::string& location) {
  ND_TRY_ASSIGN(parsed, parse_store_location(location));
  if (parsed->backend == StoreLocation::Backend::kPostgresql) return open_postgresql_store(parsed->target);
  return open_sqlite_store(parsed->target);
}

}  // namespace newsdesk::store
