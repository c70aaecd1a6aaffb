// Which backend a store location names.
#include <string_view>

#include "store/store.hpp"

namespace newsdesk::store {

Result<std::unique_ptr<Store>> open_store(const std::string& location) {
  const std::string_view where = location;
  if (where.starts_with("postgresql://") || where.starts_with("postgres://")) return open_postgresql_store(location);
  if (where.starts_with("sqlite:")) {
    const std::string path(where.substr(std::string_view("sqlite:").size()));
    if (path.empty()) return core::fail(core::ErrorCode::kInvalidInput, "the store location \"sqlite:\" names no file");
    return open_sqlite_store(path);
  }
  return open_sqlite_store(location);
}

}  // namespace newsdesk::store
