// The SQLite backend of work shared through the database: site leases,
// leadership of single-writer roles, and the sites' domains of rows written
// before there were any (docs/schema.md). The claims themselves are the
// feed and entry repositories' (sqlite_store.cpp).
#include <fmt/format.h>

#include "core/url.hpp"
#include "store/sqlite_repositories.hpp"

namespace newsdesk::store {
namespace {

// Takes or renews the lease row `key` of `table` (site_leases by domain,
// leases by role) for the claim's holder unless another holds it under a
// live lease. One statement: SQLite lets one writer in at a time, so two
// takers cannot both find the row free. True when the holder has it now.
Result<bool> take_lease_row(Database& db, std::string_view table, std::string_view key_column, const std::string& key,
                            const Claim& claim) {
  ND_PREPARE(q, db, fmt::format(R"sql(INSERT INTO {0}({1}, holder, until) VALUES (?1, ?2, ?3)
      ON CONFLICT({1}) DO UPDATE SET holder = excluded.holder, until = excluded.until
      WHERE {0}.holder = excluded.holder OR {0}.until <= ?4
      RETURNING holder)sql", table, key_column));
  q.bind(1, key).bind(2, claim.holder).bind(3, seconds(claim.until)).bind(4, seconds(claim.now));
  ND_TRY_ASSIGN(row, q.step());
  const bool taken = *row;
  ND_TRY(q.run());
  return taken;
}

class SqliteSites final : public SiteLeaseRepository {
 public:
  explicit SqliteSites(Database& db) : db_(db) {}
  Result<bool> take(const std::string& domain, const Claim& claim) override {
    return take_lease_row(db_, "site_leases", "domain", domain, claim);
  }
  Result<void> release(const std::vector<std::string>& domains, const std::string& holder,
                       core::TimePoint until) override {
    ND_PREPARE(q, db_, "UPDATE site_leases SET until = MIN(until, ?1) WHERE holder = ?2 AND domain = ?3");
    for (const auto& domain : domains) {
      q.bind(1, seconds(until)).bind(2, holder).bind(3, domain);
      ND_TRY(q.run());
      q.reset();
    }
    return {};
  }
  Result<void> release_all(const std::string& holder) override {
    ND_PREPARE(q, db_, "DELETE FROM site_leases WHERE holder = ?");
    q.bind(1, holder);
    return q.run();
  }
  Result<size_t> held_by_others(const std::string& holder, core::TimePoint now) override {
    ND_PREPARE(q, db_, "SELECT count(*) FROM site_leases WHERE holder <> ? AND until > ?");
    q.bind(1, holder).bind(2, seconds(now));
    ND_TRY(q.step());
    return static_cast<size_t>(q.integer(0));
  }

 private:
  Database& db_;
};

class SqliteWorkers final : public WorkerRegistry {
 public:
  explicit SqliteWorkers(Database& db) : db_(db) {}
  Result<void> beat(const LiveWorker& w) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO workers(name, roles, started_at, until) VALUES (?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET roles = excluded.roles, until = excluded.until)sql");
    q.bind(1, w.name).bind(2, w.roles).bind(3, seconds(w.started)).bind(4, seconds(w.until));
    return q.run();
  }
  Result<void> leave(const std::string& name) override {
    ND_PREPARE(q, db_, "DELETE FROM workers WHERE name = ?");
    q.bind(1, name);
    return q.run();
  }
  Result<std::vector<LiveWorker>> live(core::TimePoint now) override {
    // The dead are forgotten here, by whoever looks.
    ND_PREPARE(prune, db_, "DELETE FROM workers WHERE until <= ?");
    prune.bind(1, seconds(now));
    ND_TRY(prune.run());
    ND_PREPARE(q, db_, R"sql(SELECT w.name, w.roles, w.started_at, w.until,
        (SELECT count(*) FROM site_leases s WHERE s.holder = w.name AND s.until > ?1)
      FROM workers w WHERE w.until > ?1 ORDER BY w.name)sql");
    q.bind(1, seconds(now));
    std::vector<LiveWorker> out;
    for (;;) {
      ND_TRY_ASSIGN(row, q.step());
      if (!*row) break;
      out.push_back({q.text(0), q.text(1), time_at(q.integer(2)), time_at(q.integer(3)),
                     static_cast<size_t>(q.integer(4))});
    }
    return out;
  }

 private:
  Database& db_;
};

// Fills in `domain` from `url_column` for the rows of `table` that have none,
// a page of rows at a time in id order.
Result<void> backfill_table(Database& db, std::string_view table, std::string_view url_column) {
  constexpr std::int64_t kPage = 500;
  ND_PREPARE(read, db, fmt::format("SELECT id, {} FROM {} WHERE domain = '' AND id > ? ORDER BY id LIMIT ?", url_column, table));
  ND_PREPARE(write, db, fmt::format("UPDATE {} SET domain = ? WHERE id = ?", table));
  Id after = 0;
  for (;;) {
    std::vector<std::pair<Id, std::string>> page;
    read.bind(1, after).bind(2, kPage);
    for (;;) {
      ND_TRY_ASSIGN(row, read.step());
      if (!*row) break;
      page.emplace_back(read.integer(0), core::registrable_domain_of_url(read.text(1)));
    }
    read.reset();
    if (page.empty()) return {};
    for (const auto& [id, domain] : page) {
      if (domain.empty()) continue;  // not an http(s) URL: no site to share
      write.bind(1, domain).bind(2, id);
      ND_TRY(write.run());
      write.reset();
    }
    after = page.back().first;
  }
}

}  // namespace

std::unique_ptr<SiteLeaseRepository> make_sqlite_sites(Database& db) { return std::make_unique<SqliteSites>(db); }
std::unique_ptr<WorkerRegistry> make_sqlite_workers(Database& db) { return std::make_unique<SqliteWorkers>(db); }

Result<bool> sqlite_lead(Database& db, const std::string& role, const Claim& claim) {
  return take_lease_row(db, "leases", "role", role, claim);
}

Result<void> backfill_sqlite_domains(Database& db) {
  ND_TRY(backfill_table(db, "sources", "feed_url"));
  return backfill_table(db, "feed_entries", "url");
}

}  // namespace newsdesk::store
