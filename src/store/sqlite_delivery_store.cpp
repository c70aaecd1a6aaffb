// The SQLite backend of the edition, subscriber and delivery repositories.
#include <algorithm>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "core/signed_link.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_repositories.hpp"

namespace newsdesk::store {
namespace {

class SqliteEditions final : public EditionRepository {
 public:
  explicit SqliteEditions(Database& db) : db_(db) {}
  Result<Id> save(const core::Edition& e, const RenderedEdition& r) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO editions(name, date, built_at, subject, html, text, json) VALUES (?,?,?,?,?,?,?)
      ON CONFLICT(name, date) DO UPDATE SET built_at=excluded.built_at, subject=excluded.subject, html=excluded.html,
      text=excluded.text, json=excluded.json RETURNING id)sql");
    q.bind(1, e.name).bind(2, e.date).bind(3, seconds(e.built_at)).bind(4, e.subject).bind(5, r.html).bind(6, r.text).bind(7, r.json);
    auto row = q.step();
    if (!row) return tl::unexpected(row.error());
    Id id = q.integer(0);
    ND_TRY(q.run());
    ND_PREPARE(clear, db_, "DELETE FROM edition_items WHERE edition_id = ?");
    clear.bind(1, id);
    ND_TRY(clear.run());
    ND_PREPARE(item, db_, "INSERT INTO edition_items(edition_id, position, story_id, headline, summary, url, outlet, score, outlets, section) VALUES (?,?,?,?,?,?,?,?,?,?)");
    int position = 0;
    for (const auto& it : e.items) {
      item.bind(1, id).bind(2, position++).bind(3, it.story_id).bind(4, it.headline).bind(5, it.summary).bind(6, it.url)
          .bind(7, it.outlet).bind(8, it.score).bind(9, it.outlets).bind(10, it.section);
      ND_TRY(item.run());
      item.reset();
    }
    return id;
  }
  Result<std::optional<core::Edition>> latest(const std::string& name) override {
    auto r = select("WHERE name = ? ORDER BY date DESC LIMIT 1", name, "");
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Edition>(std::move(r->front()));
  }
  Result<std::optional<core::Edition>> by_date(const std::string& name, const std::string& date) override {
    auto r = select("WHERE name = ? AND date = ?", name, date);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Edition>(std::move(r->front()));
  }
  Result<std::optional<RenderedEdition>> rendered(Id edition_id) override {
    ND_PREPARE(q, db_, "SELECT html, text, json FROM editions WHERE id = ?");
    q.bind(1, edition_id);
    auto row = q.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<RenderedEdition>();
    return std::optional<RenderedEdition>(RenderedEdition{q.text(0), q.text(1), q.text(2)});
  }
  Result<std::vector<core::Edition>> list(const std::string& name, size_t limit) override {
    return select(fmt::format("WHERE name = ? ORDER BY date DESC LIMIT {}", limit), name, "");
  }
  Result<Id> add_edit(const core::EditionEdit& e) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO edition_edits(edition, date, action, story_id, position, title, editor, at)
      VALUES (?,?,?,?,?,?,?,?))sql");
    q.bind(1, e.edition).bind(2, e.date).bind(3, std::string(core::to_string(e.action))).bind(4, e.story_id)
        .bind(5, e.position).bind(6, e.title).bind(7, e.editor).bind(8, seconds(e.at));
    ND_TRY(q.run());
    return db_.last_insert_id();
  }
  Result<std::vector<core::EditionEdit>> edits(const std::string& name, const std::string& date) override {
    ND_PREPARE(q, db_, R"sql(SELECT id, action, story_id, position, title, editor, at FROM edition_edits
      WHERE edition = ? AND date = ? ORDER BY id)sql");
    q.bind(1, name).bind(2, date);
    std::vector<core::EditionEdit> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::EditionEdit e;
      e.id = q.integer(0);
      e.edition = name;
      e.date = date;
      std::string action = q.text(1);
      e.action = action == "drop" ? core::EditionEdit::Action::kDrop
                 : action == "move" ? core::EditionEdit::Action::kMove
                 : action == "retitle" ? core::EditionEdit::Action::kRetitle
                                       : core::EditionEdit::Action::kPin;
      e.story_id = q.integer(2);
      e.position = static_cast<int>(q.integer(3));
      e.title = q.text(4);
      e.editor = q.text(5);
      e.at = time_at(q.integer(6));
      out.push_back(std::move(e));
    }
    return out;
  }
  Result<std::vector<SentStory>> sent_before(const std::string& name, const std::string& date) override {
    // The latest earlier edition per story (editions of a name are one a day).
    ND_PREPARE(q, db_, R"sql(SELECT i.story_id, e.date, e.built_at, i.outlets FROM edition_items i
      JOIN editions e ON e.id = i.edition_id
      WHERE e.name = ? AND e.date < ?
        AND e.date = (SELECT MAX(e2.date) FROM edition_items i2 JOIN editions e2 ON e2.id = i2.edition_id
                      WHERE e2.name = e.name AND e2.date < ? AND i2.story_id = i.story_id)
      ORDER BY i.story_id)sql");
    q.bind(1, name).bind(2, date).bind(3, date);
    std::vector<SentStory> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      out.push_back({q.integer(0), q.text(1), time_at(q.integer(2)), static_cast<int>(q.integer(3))});
    }
    return out;
  }

 private:
  Result<std::vector<core::Edition>> select(const std::string& where, const std::string& name, const std::string& date) {
    ND_PREPARE(q, db_, "SELECT id, name, date, built_at, subject FROM editions " + where);
    q.bind(1, name);
    if (!date.empty()) q.bind(2, date);
    std::vector<core::Edition> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::Edition e;
      e.id = q.integer(0);
      e.name = q.text(1);
      e.date = q.text(2);
      e.built_at = time_at(q.integer(3));
      e.subject = q.text(4);
      out.push_back(std::move(e));
    }
    ND_PREPARE(items, db_, "SELECT story_id, headline, summary, url, outlet, score, outlets, section FROM edition_items WHERE edition_id = ? ORDER BY position");
    for (auto& e : out) {
      items.bind(1, e.id);
      for (;;) {
        auto row = items.step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        core::EditionItem it;
        it.story_id = items.integer(0);
        it.headline = items.text(1);
        it.summary = items.text(2);
        it.url = items.text(3);
        it.outlet = items.text(4);
        it.score = items.real(5);
        it.outlets = static_cast<int>(items.integer(6));
        it.section = items.text(7);
        e.items.push_back(std::move(it));
      }
      items.reset();
    }
    return out;
  }
  Database& db_;
};

core::SubscriberState subscriber_state(const std::string& s) {
  for (auto st : {core::SubscriberState::kPending, core::SubscriberState::kConfirmed,
                  core::SubscriberState::kUnsubscribed, core::SubscriberState::kBounced}) {
    if (s == core::to_string(st)) return st;
  }
  return core::SubscriberState::kPending;
}

class SqliteSubscribers final : public SubscriberRepository {
 public:
  explicit SqliteSubscribers(Database& db) : db_(db) {}
  Result<Id> add(const std::string& email, const std::string& time_zone, TimePoint now) override {
    ND_PREPARE(q, db_, "INSERT INTO subscribers(email, state, time_zone, created_at, updated_at) VALUES (?, 'pending', ?, ?, ?) ON CONFLICT(email) DO NOTHING");
    q.bind(1, email).bind(2, time_zone).bind(3, seconds(now)).bind(4, seconds(now));
    ND_TRY(q.run());
    ND_PREPARE(find, db_, "SELECT id FROM subscribers WHERE email = ?");
    find.bind(1, email);
    ND_TRY(find.step());
    return find.integer(0);
  }
  Result<std::optional<core::Subscriber>> find_by_email(const std::string& email) override {
    auto r = select("WHERE email = ?", email);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Subscriber>(r->front());
  }
  Result<void> set_state(Id id, core::SubscriberState state, TimePoint now) override {
    ND_PREPARE(q, db_, R"sql(UPDATE subscribers SET state = ?1, updated_at = ?2,
      confirmed_at = CASE WHEN ?1 = 'confirmed' AND confirmed_at IS NULL THEN ?2 ELSE confirmed_at END WHERE id = ?3)sql");
    q.bind(1, core::to_string(state)).bind(2, seconds(now)).bind(3, id);
    ND_TRY(q.run());
    if (db_.changes() == 0) return core::fail(ErrorCode::kNotFound, fmt::format("no subscriber with id {}", id));
    return {};
  }
  Result<std::vector<core::Subscriber>> list(std::optional<core::SubscriberState> state) override {
    return state ? select("WHERE state = ? ORDER BY id", core::to_string(*state)) : select("ORDER BY id", std::nullopt);
  }
  Result<std::optional<core::Subscriber>> find(Id id) override {
    auto r = select("WHERE id = ?", std::to_string(id));
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Subscriber>(r->front());
  }
  Result<void> set_preferences(Id id, const std::vector<std::string>& editions, const std::string& time_zone, bool paused,
                               TimePoint now) override {
    std::string names;
    for (const auto& e : editions) names += (names.empty() ? "" : "\n") + e;
    ND_PREPARE(q, db_, "UPDATE subscribers SET editions = ?, time_zone = ?, paused = ?, updated_at = ? WHERE id = ?");
    q.bind(1, names).bind(2, time_zone).bind(3, paused).bind(4, seconds(now)).bind(5, id);
    ND_TRY(q.run());
    if (db_.changes() == 0) return core::fail(ErrorCode::kNotFound, fmt::format("no subscriber with id {}", id));
    return {};
  }
  Result<void> add_consent(const core::Consent& c) override {
    ND_PREPARE(q, db_, "INSERT INTO consents(subscriber_id, action, at, ip, form_version, detail) VALUES (?,?,?,?,?,?)");
    q.bind(1, c.subscriber_id).bind(2, c.action).bind(3, seconds(c.at)).bind(4, c.ip).bind(5, c.form_version).bind(6, c.detail);
    return q.run();
  }
  Result<std::vector<core::Consent>> consents(Id id) override {
    ND_PREPARE(q, db_, "SELECT action, at, ip, form_version, detail FROM consents WHERE subscriber_id = ? ORDER BY id");
    q.bind(1, id);
    std::vector<core::Consent> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      out.push_back({id, q.text(0), time_at(q.integer(1)), q.text(2), q.text(3), q.text(4)});
    }
    return out;
  }
  Result<void> erase(Id id) override {
    ND_PREPARE(q, db_, "DELETE FROM subscribers WHERE id = ?");
    q.bind(1, id);
    return q.run();
  }
  Result<size_t> expire_pending(TimePoint created_before) override {
    ND_PREPARE(q, db_, "DELETE FROM subscribers WHERE state = 'pending' AND created_at < ?");
    q.bind(1, seconds(created_before));
    ND_TRY(q.run());
    return static_cast<size_t>(db_.changes());
  }
  Result<int> add_hard_bounce(Id id, int limit, TimePoint now) override {
    ND_PREPARE(q, db_, R"sql(UPDATE subscribers SET hard_bounces = hard_bounces + 1, updated_at = ?2,
      state = CASE WHEN hard_bounces + 1 >= ?3 AND state IN ('confirmed', 'pending') THEN 'bounced' ELSE state END
      WHERE id = ?1 RETURNING hard_bounces)sql");
    q.bind(1, id).bind(2, seconds(now)).bind(3, limit);
    ND_TRY_ASSIGN(row, q.step());
    if (!*row) return core::fail(ErrorCode::kNotFound, fmt::format("no subscriber with id {}", id));
    int count = static_cast<int>(q.integer(0));
    ND_TRY(q.run());
    return count;
  }

 private:
  Result<std::vector<core::Subscriber>> select(const std::string& where, std::optional<std::string> arg) {
    ND_PREPARE(q, db_, "SELECT id, email, state, time_zone, created_at, confirmed_at, editions, paused FROM subscribers " + where);
    if (arg) q.bind(1, *arg);
    std::vector<core::Subscriber> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::Subscriber s;
      s.id = q.integer(0);
      s.email = q.text(1);
      s.state = subscriber_state(q.text(2));
      s.time_zone = q.text(3);
      s.created_at = time_at(q.integer(4));
      s.confirmed_at = optional_time(q, 5);
      for (auto& name : core::split(q.text(6), '\n')) {
        if (!name.empty()) s.editions.push_back(std::move(name));
      }
      s.paused = q.integer(7) != 0;
      out.push_back(std::move(s));
    }
    return out;
  }
  Database& db_;
};

core::DeliveryState delivery_state(const std::string& s) {
  for (auto st : {core::DeliveryState::kQueued, core::DeliveryState::kSending, core::DeliveryState::kSent,
                  core::DeliveryState::kDeferred, core::DeliveryState::kFailed, core::DeliveryState::kBounced}) {
    if (s == core::to_string(st)) return st;
  }
  return core::DeliveryState::kQueued;
}

class SqliteDeliveries final : public DeliveryRepository {
 public:
  explicit SqliteDeliveries(Database& db) : db_(db) {}
  Result<size_t> enqueue(Id edition_id, const std::vector<Id>& subscriber_ids, TimePoint now) override {
    ND_PREPARE(q, db_, "INSERT INTO deliveries(edition_id, subscriber_id, state, updated_at) VALUES (?,?,'queued',?) ON CONFLICT DO NOTHING");
    size_t added = 0;
    for (Id s : subscriber_ids) {
      q.bind(1, edition_id).bind(2, s).bind(3, seconds(now));
      ND_TRY(q.run());
      added += static_cast<size_t>(db_.changes());
      q.reset();
    }
    return added;
  }
  Result<size_t> enqueue_confirmed(Id edition_id, const std::string& edition_name, TimePoint now) override {
    // editions holds one name a line; '' is every edition.
    ND_PREPARE(q, db_, R"sql(INSERT INTO deliveries(edition_id, subscriber_id, state, updated_at)
      SELECT ?1, id, 'queued', ?2 FROM subscribers
      WHERE state = 'confirmed' AND paused = 0 AND (editions = '' OR instr(char(10) || editions || char(10), char(10) || ?3 || char(10)) > 0)
      ORDER BY id ON CONFLICT DO NOTHING)sql");
    q.bind(1, edition_id).bind(2, seconds(now)).bind(3, edition_name);
    ND_TRY(q.run());
    return static_cast<size_t>(db_.changes());
  }
  Result<void> set_state(Id edition_id, Id subscriber_id, core::DeliveryState state, const std::string& error,
                         TimePoint now, std::optional<TimePoint> retry_at, const std::string& relay) override {
    ND_PREPARE(q, db_, R"sql(UPDATE deliveries SET state = ?1, last_error = ?2, updated_at = ?3,
      attempts = attempts + CASE WHEN ?1 = 'sending' THEN 1 ELSE 0 END,
      first_attempt_at = CASE WHEN ?1 = 'sending' THEN COALESCE(first_attempt_at, ?3) ELSE first_attempt_at END,
      retry_at = ?6, relay = CASE WHEN ?7 = '' THEN relay ELSE ?7 END,
      lease_holder = CASE WHEN ?1 = 'sending' THEN lease_holder ELSE '' END,
      lease_until = CASE WHEN ?1 = 'sending' THEN lease_until ELSE NULL END
      WHERE edition_id = ?4 AND subscriber_id = ?5)sql");
    const char* name = core::to_string(state);
    std::optional<std::int64_t> retry;
    if (retry_at) retry = seconds(*retry_at);
    q.bind(1, name).bind(2, error).bind(3, seconds(now)).bind(4, edition_id).bind(5, subscriber_id).bind(6, retry).bind(7, relay);
    ND_TRY(q.run());
    if (db_.changes() == 0) {
      return core::fail(ErrorCode::kNotFound, fmt::format("no delivery of edition {} to subscriber {}", edition_id, subscriber_id));
    }
    return {};
  }
  Result<void> set_states(Id edition_id, const std::vector<StateChange>& changes) override {
    // All or none: a transaction of its own (IMMEDIATE, as Store::transaction
    // takes the write lock, so that a busy desk waits instead of failing), or
    // a savepoint within the caller's.
    const bool own = sqlite3_get_autocommit(db_.handle()) != 0;
    ND_TRY(db_.exec(own ? "BEGIN IMMEDIATE" : "SAVEPOINT set_states"));
    for (const StateChange& c : changes) {
      if (auto set = set_state(edition_id, c.subscriber_id, c.state, c.error, c.at, c.retry_at, c.relay); !set) {
        (void)db_.exec(own ? "ROLLBACK" : "ROLLBACK TO set_states; RELEASE set_states");
        return set;
      }
    }
    return db_.exec(own ? "COMMIT" : "RELEASE set_states");
  }
  Result<std::vector<DueDelivery>> due(Id edition_id, Id after, size_t limit, TimePoint now) override {
    ND_PREPARE(q, db_, R"sql(SELECT d.subscriber_id, s.email, d.state, d.attempts, d.first_attempt_at
      FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
      WHERE d.edition_id = ?1 AND d.subscriber_id > ?2 AND s.state = 'confirmed' AND s.paused = 0
        AND d.state IN ('queued', 'sending', 'deferred')  -- the deliveries_waiting index
        AND (d.state IN ('queued', 'sending') OR (d.state = 'deferred' AND COALESCE(d.retry_at, 0) <= ?3))
      ORDER BY d.subscriber_id LIMIT ?4)sql");
    q.bind(1, edition_id).bind(2, after).bind(3, seconds(now)).bind(4, static_cast<std::int64_t>(limit));
    return read_due(q);
  }
  Result<std::vector<DueDelivery>> claim_due(Id edition_id, const Claim& claim, size_t limit, Id after) override {
    // One statement, so one write transaction: two claimers cannot both
    // find a copy free (see SqliteFeeds::claim_due).
    ND_PREPARE(q, db_, R"sql(UPDATE deliveries SET lease_holder = ?2, lease_until = ?3
      WHERE edition_id = ?1 AND subscriber_id IN (
        SELECT d.subscriber_id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
        WHERE d.edition_id = ?1 AND d.subscriber_id > ?6 AND s.state = 'confirmed' AND s.paused = 0
          AND (d.lease_until IS NULL OR d.lease_until <= ?4)
          AND d.state IN ('queued', 'sending', 'deferred')  -- the deliveries_waiting index
          AND (d.state IN ('queued', 'sending') OR (d.state = 'deferred' AND COALESCE(d.retry_at, 0) <= ?4))
        ORDER BY d.subscriber_id LIMIT ?5)
      RETURNING subscriber_id, (SELECT email FROM subscribers WHERE id = deliveries.subscriber_id), state, attempts,
        first_attempt_at)sql");
    q.bind(1, edition_id).bind(2, claim.holder).bind(3, seconds(claim.until)).bind(4, seconds(claim.now))
        .bind(5, static_cast<std::int64_t>(limit)).bind(6, after);
    ND_TRY_ASSIGN(out, read_due(q));
    std::sort(out->begin(), out->end(), [](const DueDelivery& a, const DueDelivery& b) { return a.subscriber_id < b.subscriber_id; });
    return std::move(*out);
  }
  Result<void> renew(Id edition_id, const Claim& claim) override {
    ND_PREPARE(q, db_, "UPDATE deliveries SET lease_until = ? WHERE edition_id = ? AND lease_holder = ?");
    q.bind(1, seconds(claim.until)).bind(2, edition_id).bind(3, claim.holder);
    return q.run();
  }
  Result<size_t> release(Id edition_id, const std::string& holder) override {
    ND_PREPARE(q, db_, "UPDATE deliveries SET lease_holder = '', lease_until = NULL WHERE edition_id = ? AND lease_holder = ?");
    q.bind(1, edition_id).bind(2, holder);
    ND_TRY(q.run());
    return static_cast<size_t>(db_.changes());
  }
  Result<std::vector<std::string>> holders(Id edition_id, TimePoint now) override {
    ND_PREPARE(q, db_, R"sql(SELECT DISTINCT lease_holder FROM deliveries
      WHERE edition_id = ? AND lease_holder <> '' AND lease_until > ? ORDER BY lease_holder)sql");
    q.bind(1, edition_id).bind(2, seconds(now));
    std::vector<std::string> out;
    for (;;) {
      ND_TRY_ASSIGN(row, q.step());
      if (!*row) break;
      out.push_back(q.text(0));
    }
    return out;
  }
  Result<DeliveryCounts> counts(Id edition_id) override {
    ND_PREPARE(q, db_, "SELECT state, COUNT(*), MIN(retry_at) FROM deliveries WHERE edition_id = ? GROUP BY state");
    q.bind(1, edition_id);
    DeliveryCounts c;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      auto n = static_cast<size_t>(q.integer(1));
      switch (delivery_state(q.text(0))) {
        case core::DeliveryState::kQueued: c.queued = n; break;
        case core::DeliveryState::kSending: c.sending = n; break;
        case core::DeliveryState::kSent: c.sent = n; break;
        case core::DeliveryState::kDeferred:
          c.deferred = n;
          if (auto at = q.optional_integer(2)) c.next_retry = time_at(*at);
          break;
        case core::DeliveryState::kFailed: c.failed = n; break;
        case core::DeliveryState::kBounced: c.bounced = n; break;
      }
    }
    return c;
  }
  Result<std::vector<core::Delivery>> in_state(Id edition_id, core::DeliveryState state) override {
    ND_PREPARE(q, db_, "SELECT subscriber_id, state, attempts, last_error, updated_at FROM deliveries WHERE edition_id = ? AND state = ? ORDER BY subscriber_id");
    q.bind(1, edition_id).bind(2, core::to_string(state));
    std::vector<core::Delivery> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::Delivery d;
      d.edition_id = edition_id;
      d.subscriber_id = q.integer(0);
      d.state = delivery_state(q.text(1));
      d.attempts = static_cast<int>(q.integer(2));
      d.last_error = q.text(3);
      d.updated_at = time_at(q.integer(4));
      out.push_back(std::move(d));
    }
    return out;
  }

 private:
  // Rows of (subscriber_id, email, state, attempts, first_attempt_at).
  static Result<std::vector<DueDelivery>> read_due(Statement& q) {
    std::vector<DueDelivery> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      DueDelivery d;
      d.subscriber_id = q.integer(0);
      d.email = q.text(1);
      d.state = delivery_state(q.text(2));
      d.attempts = static_cast<int>(q.integer(3));
      if (auto first = q.optional_integer(4)) d.first_attempt_at = time_at(*first);
      out.push_back(std::move(d));
    }
    return out;
  }
  Database& db_;
};

class SqliteBounces final : public BounceRepository {
 public:
  explicit SqliteBounces(Database& db) : db_(db) {}
  Result<bool> seen(const std::string& source) override {
    ND_PREPARE(q, db_, "SELECT 1 FROM bounces WHERE source = ?");
    q.bind(1, source);
    return q.step();
  }
  Result<Id> add(const BounceRecord& b) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO bounces(source, received_at, kind, subscriber_id, edition_id, recipient, status, detail, raw)
      VALUES (?,?,?,?,?,?,?,?,?))sql");
    q.bind(1, b.source).bind(2, seconds(b.received_at)).bind(3, b.kind).bind(4, b.subscriber_id).bind(5, b.edition_id)
        .bind(6, b.recipient).bind(7, b.status).bind(8, b.detail).bind(9, b.raw);
    ND_TRY(q.run());
    return db_.last_insert_id();
  }
  Result<std::vector<BounceRecord>> recent(size_t limit) override {
    ND_PREPARE(q, db_, "SELECT " + std::string(kColumns) + ", '' FROM bounces ORDER BY id DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    return rows(q);
  }
  Result<std::vector<BounceRecord>> for_subscriber(Id subscriber_id) override {
    ND_PREPARE(q, db_, "SELECT " + std::string(kColumns) + ", raw FROM bounces WHERE subscriber_id = ? ORDER BY id");
    q.bind(1, subscriber_id);
    return rows(q);
  }

 private:
  static constexpr const char* kColumns = "source, received_at, kind, subscriber_id, edition_id, recipient, status, detail";
  // Rows of kColumns and then the raw message ('' when not asked for).
  static Result<std::vector<BounceRecord>> rows(Statement& q) {
    std::vector<BounceRecord> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      BounceRecord b;
      b.source = q.text(0);
      b.received_at = time_at(q.integer(1));
      b.kind = q.text(2);
      b.subscriber_id = q.optional_integer(3);
      b.edition_id = q.optional_integer(4);
      b.recipient = q.text(5);
      b.status = q.text(6);
      b.detail = q.text(7);
      b.raw = q.text(8);
      out.push_back(std::move(b));
    }
    return out;
  }
  Database& db_;
};

class SqliteSearch final : public SearchRepository {
 public:
  explicit SqliteSearch(Database& db) : db_(db) {}
  Result<SearchResults> search(const std::string& query, size_t limit, size_t offset) override {
    SearchResults out;
    const std::string match = search_words(query);
    if (match.empty()) return out;
    ND_PREPARE(count, db_, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?");
    count.bind(1, match);
    ND_TRY_ASSIGN(counted, count.step());
    out.total = *counted ? static_cast<size_t>(count.integer(0)) : 0;
    // bm25 with the title weighted above the text.
    ND_PREPARE(q, db_, R"sql(SELECT a.id, a.story_id, highlight(articles_fts, 0, char(2), char(3)),
        snippet(articles_fts, 1, char(2), char(3), ' … ', 24), a.url, COALESCE(s.name, a.site_name), a.published_at
      FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid LEFT JOIN sources s ON s.id = a.source_id
      WHERE articles_fts MATCH ?1 ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT ?2 OFFSET ?3)sql");
    q.bind(1, match).bind(2, static_cast<std::int64_t>(limit)).bind(3, static_cast<std::int64_t>(offset));
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      SearchHit h;
      h.article_id = q.integer(0);
      h.story_id = q.optional_integer(1);
      h.title = q.text(2);
      h.snippet = q.text(3);
      h.url = q.text(4);
      h.outlet = q.text(5);
      if (auto t = q.optional_integer(6)) h.published = time_at(*t);
      out.hits.push_back(std::move(h));
    }
    return out;
  }

 private:
  Database& db_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Database db)
      : db_(std::move(db)),
        sources_(make_sqlite_sources(db_)),
        feeds_(make_sqlite_feeds(db_)),
        entries_(make_sqlite_entries(db_)),
        articles_(make_sqlite_articles(db_)),
        stories_(make_sqlite_stories(db_)),
        editions_(make_sqlite_editions(db_)),
        subscribers_(make_sqlite_subscribers(db_)),
        deliveries_(make_sqlite_deliveries(db_)),
        bounces_(std::make_unique<SqliteBounces>(db_)),
        search_(std::make_unique<SqliteSearch>(db_)),
        sites_(make_sqlite_sites(db_)) {}

  SourceRepository& sources() override { return *sources_; }
  FeedRepository& feeds() override { return *feeds_; }
  FeedEntryRepository& entries() override { return *entries_; }
  ArticleRepository& articles() override { return *articles_; }
  StoryRepository& stories() override { return *stories_; }
  EditionRepository& editions() override { return *editions_; }
  SubscriberRepository& subscribers() override { return *subscribers_; }
  DeliveryRepository& deliveries() override { return *deliveries_; }
  BounceRepository& bounces() override { return *bounces_; }
  SearchRepository& search() override { return *search_; }
  SiteLeaseRepository& sites() override { return *sites_; }
  WorkerRegistry& workers() override { return *workers_; }
  RateLimitRepository& rate_limits() override { return *rate_limits_; }

  Result<bool> lead(const std::string& role, const Claim& claim) override { return sqlite_lead(db_, role, claim); }
  Result<bool> wait_for_work(const std::vector<std::string>& channels, std::chrono::milliseconds timeout) override {
    // No notification crosses processes here: the caller's short timeout is
    // how often it looks for work.
    for (const auto& channel : channels) {
      if (notification_channel(channel).empty()) {
        return core::fail(ErrorCode::kInvalidInput, fmt::format("no work is called \"{}\"", channel));
      }
    }
    std::this_thread::sleep_for(timeout);
    return false;
  }

  Result<DeskCounts> counts() override {
    DeskCounts c;
    auto one = [&](const char* sql, size_t& out) -> Result<void> {
      ND_PREPARE(q, db_, sql);
      ND_TRY_ASSIGN(row, q.step());
      out = *row ? static_cast<size_t>(q.integer(0)) : 0;
      return {};
    };
    auto grouped = [&](const char* sql, std::vector<std::pair<std::string, size_t>>& out) -> Result<void> {
      ND_PREPARE(q, db_, sql);
      for (;;) {
        auto row = q.step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        out.emplace_back(q.text(0), static_cast<size_t>(q.integer(1)));
      }
      return {};
    };
    ND_TRY(one("SELECT COUNT(*) FROM sources", c.sources));
    ND_TRY(one("SELECT COUNT(*) FROM feeds WHERE gone = 1", c.feeds_gone));
    ND_TRY(grouped("SELECT CASE last_error_class WHEN '' THEN 'other' ELSE last_error_class END, COUNT(*) FROM feeds "
                   "WHERE consecutive_failures > 0 AND gone = 0 GROUP BY 1", c.feeds_failing));
    ND_TRY(one("SELECT COUNT(*) FROM feed_entries WHERE state = 'new'", c.entries_waiting));
    ND_TRY(one("SELECT COUNT(*) FROM articles", c.articles));
    ND_TRY(one("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL", c.stories));
    ND_TRY(grouped("SELECT state, COUNT(*) FROM subscribers GROUP BY state", c.subscribers));
    ND_TRY(grouped("SELECT state, COUNT(*) FROM deliveries GROUP BY state", c.deliveries));
    return c;
  }

  Result<std::string> secret(const std::string& name) override {
    // A secret never changes once kept: read once per store, not per request.
    if (auto known = secrets_.find(name); known != secrets_.end()) return known->second;
    const std::string key = "secret." + name;
    ND_PREPARE(get, db_, "SELECT value FROM settings WHERE key = ?");
    get.bind(1, key);
    ND_TRY_ASSIGN(found, get.step());
    if (*found) return secrets_[name] = get.text(0);
    const std::string value = core::random_hex(32);
    if (value.empty()) return core::fail(ErrorCode::kDatabase, "the system's random source failed");
    ND_PREPARE(put, db_, "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING");
    put.bind(1, key).bind(2, value);
    ND_TRY(put.run());
    get.reset();
    get.bind(1, key);
    ND_TRY_ASSIGN(again, get.step());
    if (!*again) return core::fail(ErrorCode::kDatabase, "the secret " + name + " could not be kept");
    return secrets_[name] = get.text(0);
  }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    ND_TRY(db_.exec("BEGIN IMMEDIATE"));
    auto r = work();
    if (!r) {
      (void)db_.exec("ROLLBACK");
      return r;
    }
    return db_.exec("COMMIT");
  }

  Result<void> compact() override {
    ND_TRY(db_.exec("VACUUM"));
    return db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  int schema_version() override {
    auto q = db_.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!q || !q->step()) return 0;
    return static_cast<int>(q->integer(0));
  }

  Result<void> migrate() {
    ND_TRY(db_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"));
    int current = schema_version();
    const int known = sqlite_migrations().back().version;
    if (current > known) {
      // A newer newsdesk wrote this desk: what this one would write could break it.
      return core::fail(ErrorCode::kDatabase,
                        fmt::format("the desk's schema is at version {}, newer than this newsdesk knows ({}): "
                                    "run the newsdesk that wrote it, or a newer one",
                                    current, known));
    }
    for (const auto& m : sqlite_migrations()) {
      if (m.version <= current) continue;
      auto applied = transaction([&]() -> Result<void> {
        ND_TRY(db_.exec(m.sql));
        if (m.version == kWorkSharingMigration) ND_TRY(backfill_sqlite_domains(db_));
        ND_PREPARE(q, db_, "INSERT INTO schema_migrations(version, description) VALUES (?, ?)");
        q.bind(1, m.version).bind(2, m.description);
        return q.run();
      });
      if (!applied) {
        return core::fail(ErrorCode::kDatabase, fmt::format("migration {} ({}) failed: {}", m.version, m.description,
                                                            applied.error().message));
      }
    }
    return {};
  }

 private:
  Database db_;
  std::unique_ptr<SourceRepository> sources_;
  std::unique_ptr<FeedRepository> feeds_;
  std::unique_ptr<FeedEntryRepository> entries_;
  std::unique_ptr<ArticleRepository> articles_;
  std::unique_ptr<StoryRepository> stories_;
  std::unique_ptr<EditionRepository> editions_;
  std::unique_ptr<SubscriberRepository> subscribers_;
  std::unique_ptr<DeliveryRepository> deliveries_;
  std::unique_ptr<BounceRepository> bounces_;
  std::map<std::string, std::string> secrets_;  // kept secrets read so far
  std::unique_ptr<SearchRepository> search_;
  std::unique_ptr<SiteLeaseRepository> sites_;
  std::unique_ptr<WorkerRegistry> workers_ = make_sqlite_workers(db_);
  std::unique_ptr<RateLimitRepository> rate_limits_ = make_sqlite_rate_limits(db_);
};

}  // namespace

std::unique_ptr<EditionRepository> make_sqlite_editions(Database& db) { return std::make_unique<SqliteEditions>(db); }
std::unique_ptr<SubscriberRepository> make_sqlite_subscribers(Database& db) { return std::make_unique<SqliteSubscribers>(db); }
std::unique_ptr<DeliveryRepository> make_sqlite_deliveries(Database& db) { return std::make_unique<SqliteDeliveries>(db); }

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path) {
  auto db = Database::open(path.string());
  if (!db) return tl::unexpected(db.error());
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"}) {
    ND_TRY(db->exec(pragma));
  }
  auto store = std::make_unique<SqliteStore>(std::move(*db));
  ND_TRY(store->migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsdesk::store
