// The schema, as an ordered list of migrations per backend (docs/schema.md
// explains it). Applied at open; each runs once. A version means the same
// tables on both backends: a change is a migration of the same number in both
// lists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// The migration that shares work through the database (leases, sites'
// domains). Each backend fills in the domains of the rows written before it
// in the same transaction as the migration, so an old desk has them too.
inline constexpr int kWorkSharingMigration = 11;

// The PostgreSQL channel the tables' triggers notify (kWorkSharingMigration)
// for each kind of work a worker may wait for (Store::wait_for_work): "poll"
// (a source added), "fetch" (feed entries), "cluster" (articles), "send"
// (deliveries); "" for another name.
std::string_view notification_channel(std::string_view work);

// The articles' columns as both backends read them, in this order; `page`
// false reads an empty html instead of the page (the story writer's reads:
// it never looks at the page, and the pages are most of an article's bytes).
std::string article_columns(bool page);

// SQLite: each pending migration in its own transaction.
const std::vector<Migration>& sqlite_migrations();
// PostgreSQL: every pending migration in one transaction, under an advisory
// lock, so that processes opening a fresh database at once migrate it once.
// Starts at version 10 (the SQLite schema of that version, whole).
const std::vector<Migration>& postgresql_migrations();

}  // namespace newsdesk::store
