// The PostgreSQL backend of work shared through the database: site leases,
// leadership of single-writer roles, wake-ups, and the sites' domains of rows
// written before there were any (docs/schema.md). Each means what its SQLite
// twin means (sqlite_work_sharing.cpp). The claims themselves are the feed
// and entry repositories' (pg_store.cpp).
#include <fmt/format.h>

#include "core/url.hpp"
#include "store/migrations.hpp"
#include "store/pg_repositories.hpp"

namespace newsdesk::store {
namespace {

using namespace pg;  // NOLINT(google-build-using-namespace): the backend's own helpers

// `items` as a PostgreSQL array literal of quoted elements.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Takes or renews the lease row `key` of `table` (site_leases by domain,
// leases by role) for the claim's holder unless another holds it under a
// live lease. Two takers at once: the second's insert waits for the first's
// row, then its update finds it held. True when the holder has it now.
Result<bool> take_lease_row(PgConnection& db, std::string_view table, std::string_view key_column,
                            const std::string& key, const Claim& claim) {
  ND_PG_QUERY(q, db, fmt::format(R"sql(INSERT INTO {0}({1}, holder, until) VALUES ($1, $2, $3)
      ON CONFLICT ({1}) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
      WHERE {0}.holder = EXCLUDED.holder OR {0}.until <= $4
      RETURNING holder)sql", table, key_column), {key, claim.holder, seconds(claim.until), seconds(claim.now)});
  return !q.empty();
}

class PgSites final : public SiteLeaseRepository {
 public:
  explicit PgSites(PgConnection& db) : db_(db) {}
  Result<bool> take(const std::string& domain, const Claim& claim) override {
    return take_lease_row(db_, "site_leases", "domain", domain, claim);
  }
  Result<void> release(const std::vector<std::string>& domains, const std::string& holder,
                       core::TimePoint until) override {
    if (domains.empty()) return {};
    ND_TRY(db_.query("UPDATE site_leases SET until = LEAST(until, $1) WHERE holder = $2 AND domain = ANY($3::text[])",
                     {seconds(until), holder, text_array(domains)}));
    return {};
  }
  Result<void> release_all(const std::string& holder) override {
    ND_TRY(db_.query("DELETE FROM site_leases WHERE holder = $1", {holder}));
    return {};
  }
  Result<size_t> held_by_others(const std::string& holder, core::TimePoint now) override {
    ND_PG_QUERY(q, db_, "SELECT count(*) FROM site_leases WHERE holder <> $1 AND until > $2", {holder, seconds(now)});
    return static_cast<size_t>(q.front().integer(0));
  }

 private:
  PgConnection& db_;
};

class PgWorkers final : public WorkerRegistry {
 public:
  explicit PgWorkers(PgConnection& db) : db_(db) {}
  Result<void> beat(const LiveWorker& w) override {
    ND_TRY(db_.query(R"sql(INSERT INTO workers(name, roles, started_at, until) VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO UPDATE SET roles = EXCLUDED.roles, until = EXCLUDED.until)sql",
                     {w.name, w.roles, seconds(w.started), seconds(w.until)}));
    return {};
  }
  Result<void> leave(const std::string& name) override {
    ND_TRY(db_.query("DELETE FROM workers WHERE name = $1", {name}));
    return {};
  }
  Result<std::vector<LiveWorker>> live(core::TimePoint now) override {
    // The dead are forgotten here, by whoever looks.
    ND_TRY(db_.query("DELETE FROM workers WHERE until <= $1", {seconds(now)}));
    ND_PG_QUERY(q, db_, R"sql(SELECT w.name, w.roles, w.started_at, w.until,
        (SELECT count(*) FROM site_leases s WHERE s.holder = w.name AND s.until > $1)
      FROM workers w WHERE w.until > $1 ORDER BY w.name)sql", {seconds(now)});
    std::vector<LiveWorker> out;
    for (PgRow row : q) {
      out.push_back({row.text(0), row.text(1), time_at(row.integer(2)), time_at(row.integer(3)),
                     static_cast<size_t>(row.integer(4))});
    }
    return out;
  }

 private:
  PgConnection& db_;
};

// Fills in `domain` from `url_column` for the rows of `table` that have none,
// a page of rows at a time in id order, each page in one statement.
Result<void> backfill_table(PgConnection& db, std::string_view table, std::string_view url_column) {
  constexpr std::int64_t kPage = 1000;
  const std::string read =
      fmt::format("SELECT id, {} FROM {} WHERE domain = '' AND id > $1 ORDER BY id LIMIT $2", url_column, table);
  const std::string write = fmt::format(
      "UPDATE {0} t SET domain = v.domain FROM unnest($1::bigint[], $2::text[]) AS v(id, domain) WHERE t.id = v.id",
      table);
  Id after = 0;
  for (;;) {
    ND_PG_QUERY(page, db, read, {after, kPage});
    if (page.empty()) return {};
    std::vector<std::string> ids;
    std::vector<std::string> domains;
    for (PgRow row : page) {
      std::string domain = core::registrable_domain_of_url(row.text(1));
      if (domain.empty()) continue;  // not an http(s) URL: no site to share
      ids.push_back(std::to_string(row.integer(0)));
      domains.push_back(std::move(domain));
    }
    after = page[page.size() - 1].integer(0);
    if (ids.empty()) continue;
    ND_TRY(db.query(write, {"{" + core::join(ids, ",") + "}", text_array(domains)}));
  }
}

}  // namespace

std::unique_ptr<SiteLeaseRepository> make_pg_sites(PgConnection& db) { return std::make_unique<PgSites>(db); }
std::unique_ptr<WorkerRegistry> make_pg_workers(PgConnection& db) { return std::make_unique<PgWorkers>(db); }

Result<bool> pg_lead(PgConnection& db, const std::string& role, const Claim& claim) {
  return take_lease_row(db, "leases", "role", role, claim);
}

Result<bool> pg_wait_for_work(PgConnection& db, const std::vector<std::string>& work, std::chrono::milliseconds timeout) {
  std::vector<std::string> channels;
  for (const auto& name : work) {
    const std::string_view channel = notification_channel(name);
    if (channel.empty()) return core::fail(ErrorCode::kInvalidInput, fmt::format("no work is called \"{}\"", name));
    channels.emplace_back(channel);
  }
  return db.wait_for_notification(channels, timeout);
}

Result<void> backfill_pg_domains(PgConnection& db) {
  ND_TRY(backfill_table(db, "sources", "feed_url"));
  return backfill_table(db, "feed_entries", "url");
}

}  // namespace newsdesk::store
