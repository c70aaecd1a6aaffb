// The schema, as an ordered list of migrations (docs/schema.md explains it).
// Applied at open; each runs once, in its own transaction.
#pragma once

#include <string_view>
#include <vector>

namespace newsdesk::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

const std::vector<Migration>& sqlite_migrations();

}  // namespace newsdesk::store
