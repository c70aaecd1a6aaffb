// The PostgreSQL backend of the edition, subscriber, delivery and bounce
// repositories, full-text search, and the store itself (transactions,
// migrations, secrets, counts). Each means what its SQLite twin means
// (sqlite_delivery_store.cpp).
#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "store/migrations.hpp"
#include "store/pg_repositories.hpp"
#include "store/search_terms.hpp"
#include "store/search_vector.hpp"

namespace newsdesk::store {
namespace {

using namespace pg;  // NOLINT(google-build-using-namespace): the backend's own helpers

class PgEditions final : public EditionRepository {
 public:
  explicit PgEditions(PgConnection& db) : db_(db) {}
  Result<Id> save(const core::Edition& e, const RenderedEdition& r) override {
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO editions(name, date, built_at, subject, html, text, json) VALUES ($1,$2,$3,$4,$5,$6,$7)
      ON CONFLICT (name, date) DO UPDATE SET built_at = excluded.built_at, subject = excluded.subject, html = excluded.html,
      text = excluded.text, json = excluded.json RETURNING id)sql",
                {e.name, e.date, seconds(e.built_at), e.subject, r.html, r.text, r.json});
    const Id id = q.front().integer(0);
    ND_TRY(db_.query("DELETE FROM edition_items WHERE edition_id = $1", {id}));
    int position = 0;
    for (const auto& it : e.items) {
      ND_TRY(db_.query(R"sql(INSERT INTO edition_items(edition_id, position, story_id, headline, summary, url, outlet,
        score, outlets, section) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10))sql",
                  {id, position++, it.story_id, it.headline, it.summary, it.url, it.outlet, it.score, it.outlets, it.section}));
    }
    return id;
  }
  Result<std::optional<core::Edition>> latest(const std::string& name) override {
    return one(select("WHERE name = $1 ORDER BY date DESC LIMIT 1", {name}));
  }
  Result<std::optional<core::Edition>> by_date(const std::string& name, const std::string& date) override {
    return one(select("WHERE name = $1 AND date = $2", {name, date}));
  }
  Result<std::optional<RenderedEdition>> rendered(Id edition_id) override {
    ND_PG_QUERY(q, db_, "SELECT html, text, json FROM editions WHERE id = $1", {edition_id});
    if (q.empty()) return std::optional<RenderedEdition>();
    const PgRow row = q.front();
    return std::optional<RenderedEdition>(RenderedEdition{row.text(0), row.text(1), row.text(2)});
  }
  Result<std::vector<core::Edition>> list(const std::string& name, size_t limit) override {
    return select("WHERE name = $1 ORDER BY date DESC LIMIT $2", {name, static_cast<std::int64_t>(limit)});
  }
  Result<Id> add_edit(const core::EditionEdit& e) override {
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO edition_edits(edition, date, action, story_id, position, title, editor, at)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id)sql",
                {e.edition, e.date, core::to_string(e.action), e.story_id, e.position, e.title, e.editor, seconds(e.at)});
    return q.front().integer(0);
  }
  Result<std::vector<core::EditionEdit>> edits(const std::string& name, const std::string& date) override {
    ND_PG_QUERY(q, db_, R"sql(SELECT id, action, story_id, position, title, editor, at FROM edition_edits
      WHERE edition = $1 AND date = $2 ORDER BY id)sql", {name, date});
    std::vector<core::EditionEdit> out;
    for (PgRow row : q) {
      core::EditionEdit e;
      e.id = row.integer(0);
      e.edition = name;
      e.date = date;
      const std::string action = row.text(1);
      e.action = action == "drop" ? core::EditionEdit::Action::kDrop
                 : action == "move" ? core::EditionEdit::Action::kMove
                 : action == "retitle" ? core::EditionEdit::Action::kRetitle
                                       : core::EditionEdit::Action::kPin;
      e.story_id = row.integer(2);
      e.position = static_cast<int>(row.integer(3));
      e.title = row.text(4);
      e.editor = row.text(5);
      e.at = time_at(row.integer(6));
      out.push_back(std::move(e));
    }
    return out;
  }
  Result<std::vector<SentStory>> sent_before(const std::string& name, const std::string& date) override {
    // The latest earlier edition per story (editions of a name are one a day).
    ND_PG_QUERY(q, db_, R"sql(SELECT i.story_id, e.date, e.built_at, i.outlets FROM edition_items i
      JOIN editions e ON e.id = i.edition_id
      WHERE e.name = $1 AND e.date < $2
        AND e.date = (SELECT MAX(e2.date) FROM edition_items i2 JOIN editions e2 ON e2.id = i2.edition_id
                      WHERE e2.name = e.name AND e2.date < $2 AND i2.story_id = i.story_id)
      ORDER BY i.story_id)sql", {name, date});
    std::vector<SentStory> out;
    for (PgRow row : q) {
      out.push_back({row.integer(0), row.text(1), time_at(row.integer(2)), static_cast<int>(row.integer(3))});
    }
    return out;
  }

 private:
  static Result<std::optional<core::Edition>> one(Result<std::vector<core::Edition>> r) {
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Edition>(std::move(r->front()));
  }
  Result<std::vector<core::Edition>> select(std::string_view where, std::initializer_list<PgParam> params) {
    ND_PG_QUERY(q, db_, fmt::format("SELECT id, name, date, built_at, subject FROM editions {}", where), params);
    std::vector<core::Edition> out;
    for (PgRow row : q) {
      core::Edition e;
      e.id = row.integer(0);
      e.name = row.text(1);
      e.date = row.text(2);
      e.built_at = time_at(row.integer(3));
      e.subject = row.text(4);
      out.push_back(std::move(e));
    }
    for (auto& e : out) {
      ND_PG_QUERY(items, db_, R"sql(SELECT story_id, headline, summary, url, outlet, score, outlets, section
        FROM edition_items WHERE edition_id = $1 ORDER BY position)sql", {e.id});
      for (PgRow row : items) {
        core::EditionItem it;
        it.story_id = row.integer(0);
        it.headline = row.text(1);
        it.summary = row.text(2);
        it.url = row.text(3);
        it.outlet = row.text(4);
        it.score = row.real(5);
        it.outlets = static_cast<int>(row.integer(6));
        it.section = row.text(7);
        e.items.push_back(std::move(it));
      }
    }
    return out;
  }
  PgConnection& db_;
};

core::SubscriberState subscriber_state(const std::string& s) {
  for (auto st : {core::SubscriberState::kPending, core::SubscriberState::kConfirmed,
                  core::SubscriberState::kUnsubscribed, core::SubscriberState::kBounced}) {
    if (s == core::to_string(st)) return st;
  }
  return core::SubscriberState::kPending;
}

class PgSubscribers final : public SubscriberRepository {
 public:
  explicit PgSubscribers(PgConnection& db) : db_(db) {}
  Result<Id> add(const std::string& email, const std::string& time_zone, TimePoint now) override {
    // One address once whatever its case: the unique index is on lower(email).
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO subscribers(email, state, time_zone, created_at, updated_at)
      VALUES ($1, 'pending', $2, $3, $3) ON CONFLICT ((lower(email))) DO NOTHING RETURNING id)sql",
                {email, time_zone, seconds(now)});
    if (!q.empty()) return q.front().integer(0);
    ND_PG_QUERY(found, db_, "SELECT id FROM subscribers WHERE lower(email) = lower($1)", {email});
    if (found.empty()) return core::fail(ErrorCode::kDatabase, "the subscriber " + email + " vanished while added");
    return found.front().integer(0);
  }
  Result<std::optional<core::Subscriber>> find_by_email(const std::string& email) override {
    return one(select("WHERE lower(email) = lower($1)", email));
  }
  Result<void> set_state(Id id, core::SubscriberState state, TimePoint now) override {
    ND_PG_QUERY(q, db_, R"sql(UPDATE subscribers SET state = $1, updated_at = $2,
      confirmed_at = CASE WHEN $1 = 'confirmed' AND confirmed_at IS NULL THEN $2 ELSE confirmed_at END WHERE id = $3)sql",
                {core::to_string(state), seconds(now), id});
    if (q.affected() == 0) return core::fail(ErrorCode::kNotFound, fmt::format("no subscriber with id {}", id));
    return {};
  }
  Result<std::vector<core::Subscriber>> list(std::optional<core::SubscriberState> state) override {
    return state ? select("WHERE state = $1 ORDER BY id", std::string(core::to_string(*state)))
                 : select("ORDER BY id", std::nullopt);
  }
  Result<std::optional<core::Subscriber>> find(Id id) override { return one(select("WHERE id = $1", std::to_string(id))); }
  Result<void> set_preferences(Id id, const std::vector<std::string>& editions, const std::string& time_zone, bool paused,
                               TimePoint now) override {
    ND_PG_QUERY(q, db_, "UPDATE subscribers SET editions = $1, time_zone = $2, paused = $3, updated_at = $4 WHERE id = $5",
                {join_lines(editions), time_zone, paused, seconds(now), id});
    if (q.affected() == 0) return core::fail(ErrorCode::kNotFound, fmt::format("no subscriber with id {}", id));
    return {};
  }
  Result<void> add_consent(const core::Consent& c) override {
    ND_TRY(db_.query(R"sql(INSERT INTO consents(subscriber_id, action, at, ip, form_version, detail)
      VALUES ($1,$2,$3,$4,$5,$6))sql", {c.subscriber_id, c.action, seconds(c.at), c.ip, c.form_version, c.detail}));
    return {};
  }
  Result<std::vector<core::Consent>> consents(Id id) override {
    ND_PG_QUERY(q, db_, "SELECT action, at, ip, form_version, detail FROM consents WHERE subscriber_id = $1 ORDER BY id", {id});
    std::vector<core::Consent> out;
    for (PgRow row : q) out.push_back({id, row.text(0), time_at(row.integer(1)), row.text(2), row.text(3), row.text(4)});
    return out;
  }
  Result<void> erase(Id id) override {
    ND_TRY(db_.query("DELETE FROM subscribers WHERE id = $1", {id}));
    return {};
  }
  Result<size_t> expire_pending(TimePoint created_before) override {
    ND_PG_QUERY(q, db_, "DELETE FROM subscribers WHERE state = 'pending' AND created_at < $1", {seconds(created_before)});
    return q.affected();
  }
  Result<int> add_hard_bounce(Id id, int limit, TimePoint now) override {
    ND_PG_QUERY(q, db_, R"sql(UPDATE subscribers SET hard_bounces = hard_bounces + 1, updated_at = $2,
      state = CASE WHEN hard_bounces + 1 >= $3 AND state IN ('confirmed', 'pending') THEN 'bounced' ELSE state END
      WHERE id = $1 RETURNING hard_bounces)sql", {id, seconds(now), limit});
    if (q.empty()) return core::fail(ErrorCode::kNotFound, fmt::format("no subscriber with id {}", id));
    return static_cast<int>(q.front().integer(0));
  }

 private:
  static Result<std::optional<core::Subscriber>> one(Result<std::vector<core::Subscriber>> r) {
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Subscriber>(std::move(r->front()));
  }
  Result<std::vector<core::Subscriber>> select(std::string_view where, std::optional<std::string> arg) {
    const std::string sql = fmt::format(
        "SELECT id, email, state, time_zone, created_at, confirmed_at, editions, paused FROM subscribers {}", where);
    auto rows = arg ? db_.query(sql, {*arg}) : db_.query(sql);
    if (!rows) return tl::unexpected(rows.error());
    std::vector<core::Subscriber> out;
    for (PgRow row : *rows) {
      core::Subscriber s;
      s.id = row.integer(0);
      s.email = row.text(1);
      s.state = subscriber_state(row.text(2));
      s.time_zone = row.text(3);
      s.created_at = time_at(row.integer(4));
      s.confirmed_at = optional_time(row, 5);
      for (auto& name : core::split(row.text(6), '\n')) {
        if (!name.empty()) s.editions.push_back(std::move(name));
      }
      s.paused = row.boolean(7);
      out.push_back(std::move(s));
    }
    return out;
  }
  PgConnection& db_;
};

core::DeliveryState delivery_state(const std::string& s) {
  for (auto st : {core::DeliveryState::kQueued, core::DeliveryState::kSending, core::DeliveryState::kSent,
                  core::DeliveryState::kDeferred, core::DeliveryState::kFailed, core::DeliveryState::kBounced}) {
    if (s == core::to_string(st)) return st;
  }
  return core::DeliveryState::kQueued;
}

class PgDeliveries final : public DeliveryRepository {
  // Whether the copy's reader may have it (confirmed, not paused): a
  // subquery per copy, which the planner cannot turn into a join. Joined,
  // subscribers and deliveries were merged in id order from the first
  // subscriber on, so each page of copies read every subscriber before it
  // again: a 100,000-copy send spent most of its database time there
  // (76 ms a claim of 500 near the end, against 9 ms now).
  static constexpr const char* kReaderMayHaveIt =
      "(SELECT s.state = 'confirmed' AND NOT s.paused FROM subscribers s WHERE s.id = d.subscriber_id)";

 public:
  explicit PgDeliveries(PgConnection& db) : db_(db) {}
  Result<size_t> enqueue(Id edition_id, const std::vector<Id>& subscriber_ids, TimePoint now) override {
    if (subscriber_ids.empty()) return size_t{0};
    // One statement for the whole list: a round trip per reader would cost
    // more than the inserts.
    std::string ids;
    for (Id s : subscriber_ids) ids += (ids.empty() ? "{" : ",") + std::to_string(s);
    ids += "}";
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO deliveries(edition_id, subscriber_id, state, updated_at)
      SELECT $1, s, 'queued', $3 FROM (SELECT DISTINCT unnest($2::bigint[]) AS s) ids ORDER BY s
      ON CONFLICT DO NOTHING)sql", {edition_id, ids, seconds(now)});
    return q.affected();
  }
  Result<size_t> enqueue_confirmed(Id edition_id, const std::string& edition_name, TimePoint now) override {
    // editions holds one name a line; '' is every edition.
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO deliveries(edition_id, subscriber_id, state, updated_at)
      SELECT $1, id, 'queued', $2 FROM subscribers
      WHERE state = 'confirmed' AND NOT paused AND (editions = '' OR $3::text = ANY (string_to_array(editions, E'\n')))
      ORDER BY id ON CONFLICT DO NOTHING)sql", {edition_id, seconds(now), edition_name});
    return q.affected();
  }
  Result<void> set_state(Id edition_id, Id subscriber_id, core::DeliveryState state, const std::string& error,
                         TimePoint now, std::optional<TimePoint> retry_at, const std::string& relay) override {
    ND_PG_QUERY(q, db_, R"sql(UPDATE deliveries SET state = $1, last_error = $2, updated_at = $3,
      attempts = attempts + CASE WHEN $1 = 'sending' THEN 1 ELSE 0 END,
      first_attempt_at = CASE WHEN $1 = 'sending' THEN COALESCE(first_attempt_at, $3) ELSE first_attempt_at END,
      retry_at = $6, relay = CASE WHEN $7::text = '' THEN relay ELSE $7::text END,
      lease_holder = CASE WHEN $1 = 'sending' THEN lease_holder ELSE '' END,
      lease_until = CASE WHEN $1 = 'sending' THEN lease_until ELSE NULL END
      WHERE edition_id = $4 AND subscriber_id = $5)sql",
                {core::to_string(state), error, seconds(now), edition_id, subscriber_id, seconds(retry_at), relay});
    if (q.affected() == 0) {
      return core::fail(ErrorCode::kNotFound, fmt::format("no delivery of edition {} to subscriber {}", edition_id, subscriber_id));
    }
    return {};
  }
  Result<void> set_states(Id edition_id, const std::vector<StateChange>& changes) override {
    if (changes.empty()) return {};
    // One UPDATE over a VALUES list (a statement is all or none on its own):
    // the same moves as set_state's, row by row. A statement text per
    // number of rows, each prepared once (a sender writes one or two).
    std::string rows;
    std::vector<PgParam> params{edition_id};
    for (const StateChange& c : changes) {
      const size_t n = params.size();
      rows += fmt::format("{}(${}::bigint, ${}::text, ${}::text, ${}::bigint, ${}::bigint, ${}::text)", rows.empty() ? "" : ", ",
                          n + 1, n + 2, n + 3, n + 4, n + 5, n + 6);
      params.insert(params.end(), {c.subscriber_id, core::to_string(c.state), c.error, seconds(c.at), seconds(c.retry_at), c.relay});
    }
    // Every copy or none: rows are updated only when all are there (a
    // statement is atomic on its own, but would keep the rows it found).
    ND_PG_QUERY(q, db_, fmt::format(R"sql(WITH v(subscriber_id, state, error, at, retry_at, relay) AS (VALUES {})
      UPDATE deliveries d SET state = v.state, last_error = v.error, updated_at = v.at,
      attempts = d.attempts + CASE WHEN v.state = 'sending' THEN 1 ELSE 0 END,
      first_attempt_at = CASE WHEN v.state = 'sending' THEN COALESCE(d.first_attempt_at, v.at) ELSE d.first_attempt_at END,
      retry_at = v.retry_at, relay = CASE WHEN v.relay = '' THEN d.relay ELSE v.relay END,
      lease_holder = CASE WHEN v.state = 'sending' THEN d.lease_holder ELSE '' END,
      lease_until = CASE WHEN v.state = 'sending' THEN d.lease_until ELSE NULL END
      FROM v WHERE d.edition_id = $1 AND d.subscriber_id = v.subscriber_id
        AND (SELECT count(*) FROM deliveries e JOIN v w ON e.edition_id = $1 AND e.subscriber_id = w.subscriber_id) = {})sql",
                                    rows, changes.size()),
                params);
    if (q.affected() != changes.size()) {
      std::vector<std::string> who;
      for (const StateChange& c : changes) who.push_back(std::to_string(c.subscriber_id));
      return core::fail(ErrorCode::kNotFound, fmt::format("no delivery of edition {} to one of the subscribers {}: none moved",
                                                          edition_id, core::join(who, ", ")));
    }
    return {};
  }
  Result<std::vector<DueDelivery>> due(Id edition_id, Id after, size_t limit, TimePoint now) override {
    // The subscriber is looked up per copy (kReaderMayHaveIt), not joined.
    ND_PG_QUERY(q, db_, fmt::format(R"sql(SELECT d.subscriber_id,
        (SELECT s.email FROM subscribers s WHERE s.id = d.subscriber_id), d.state, d.attempts, d.first_attempt_at
      FROM deliveries d
      WHERE d.edition_id = $1 AND d.subscriber_id > $2 AND {}
        AND d.state IN ('queued', 'sending', 'deferred')  -- the deliveries_waiting index
        AND (d.state IN ('queued', 'sending') OR (d.state = 'deferred' AND COALESCE(d.retry_at, 0) <= $3))
      ORDER BY d.subscriber_id LIMIT $4)sql", kReaderMayHaveIt),
                {edition_id, after, seconds(now), static_cast<std::int64_t>(limit)});
    return read_due(q);
  }
  Result<std::vector<DueDelivery>> claim_due(Id edition_id, const Claim& claim, size_t limit, Id after) override {
    // As PgEntries::claim_pending: copies another claimer is taking are
    // skipped, and the pick runs once. Only the deliveries are locked.
    ND_PG_QUERY(q, db_, fmt::format(R"sql(WITH picked AS MATERIALIZED (
        SELECT d.subscriber_id FROM deliveries d
        WHERE d.edition_id = $1 AND d.subscriber_id > $6 AND {}
          AND (d.lease_until IS NULL OR d.lease_until <= $4)
          AND d.state IN ('queued', 'sending', 'deferred')  -- the deliveries_waiting index
          AND (d.state IN ('queued', 'sending') OR (d.state = 'deferred' AND COALESCE(d.retry_at, 0) <= $4))
        ORDER BY d.subscriber_id LIMIT $5 FOR UPDATE OF d SKIP LOCKED)
      UPDATE deliveries d SET lease_holder = $2, lease_until = $3 FROM picked, subscribers s
      WHERE d.edition_id = $1 AND d.subscriber_id = picked.subscriber_id AND s.id = d.subscriber_id
      RETURNING d.subscriber_id, s.email, d.state, d.attempts, d.first_attempt_at)sql", kReaderMayHaveIt),
                {edition_id, claim.holder, seconds(claim.until), seconds(claim.now), static_cast<std::int64_t>(limit), after});
    std::vector<DueDelivery> out = read_due(q);
    std::sort(out.begin(), out.end(), [](const DueDelivery& a, const DueDelivery& b) { return a.subscriber_id < b.subscriber_id; });
    return out;
  }
  Result<void> renew(Id edition_id, const Claim& claim) override {
    ND_TRY(db_.query("UPDATE deliveries SET lease_until = $1 WHERE edition_id = $2 AND lease_holder = $3",
                     {seconds(claim.until), edition_id, claim.holder}));
    return {};
  }
  Result<size_t> release(Id edition_id, const std::string& holder) override {
    ND_PG_QUERY(q, db_, "UPDATE deliveries SET lease_holder = '', lease_until = NULL WHERE edition_id = $1 AND lease_holder = $2",
                {edition_id, holder});
    return q.affected();
  }
  Result<std::vector<std::string>> holders(Id edition_id, TimePoint now) override {
    ND_PG_QUERY(q, db_, R"sql(SELECT DISTINCT lease_holder FROM deliveries
      WHERE edition_id = $1 AND lease_holder <> '' AND lease_until > $2 ORDER BY lease_holder)sql",
                {edition_id, seconds(now)});
    std::vector<std::string> out;
    for (PgRow row : q) out.push_back(row.text(0));
    return out;
  }
  Result<DeliveryCounts> counts(Id edition_id) override {
    ND_PG_QUERY(q, db_, "SELECT state, COUNT(*), MIN(retry_at) FROM deliveries WHERE edition_id = $1 GROUP BY state",
                {edition_id});
    DeliveryCounts c;
    for (PgRow row : q) {
      auto n = static_cast<size_t>(row.integer(1));
      switch (delivery_state(row.text(0))) {
        case core::DeliveryState::kQueued: c.queued = n; break;
        case core::DeliveryState::kSending: c.sending = n; break;
        case core::DeliveryState::kSent: c.sent = n; break;
        case core::DeliveryState::kDeferred:
          c.deferred = n;
          c.next_retry = optional_time(row, 2);
          break;
        case core::DeliveryState::kFailed: c.failed = n; break;
        case core::DeliveryState::kBounced: c.bounced = n; break;
      }
    }
    return c;
  }
  Result<std::vector<core::Delivery>> in_state(Id edition_id, core::DeliveryState state) override {
    ND_PG_QUERY(q, db_, R"sql(SELECT subscriber_id, state, attempts, last_error, updated_at FROM deliveries
      WHERE edition_id = $1 AND state = $2 ORDER BY subscriber_id)sql", {edition_id, core::to_string(state)});
    std::vector<core::Delivery> out;
    for (PgRow row : q) {
      core::Delivery d;
      d.edition_id = edition_id;
      d.subscriber_id = row.integer(0);
      d.state = delivery_state(row.text(1));
      d.attempts = static_cast<int>(row.integer(2));
      d.last_error = row.text(3);
      d.updated_at = time_at(row.integer(4));
      out.push_back(std::move(d));
    }
    return out;
  }

 private:
  // Rows of (subscriber_id, email, state, attempts, first_attempt_at).
  static std::vector<DueDelivery> read_due(const PgRows& rows) {
    std::vector<DueDelivery> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (PgRow row : rows) {
      DueDelivery d;
      d.subscriber_id = row.integer(0);
      d.email = row.text(1);
      d.state = delivery_state(row.text(2));
      d.attempts = static_cast<int>(row.integer(3));
      d.first_attempt_at = optional_time(row, 4);
      out.push_back(std::move(d));
    }
    return out;
  }
  PgConnection& db_;
};

class PgBounces final : public BounceRepository {
 public:
  explicit PgBounces(PgConnection& db) : db_(db) {}
  Result<bool> seen(const std::string& source) override {
    ND_PG_QUERY(q, db_, "SELECT 1 FROM bounces WHERE source = $1", {source});
    return !q.empty();
  }
  Result<Id> add(const BounceRecord& b) override {
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO bounces(source, received_at, kind, subscriber_id, edition_id, recipient, status,
      detail, raw) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id)sql",
                {b.source, seconds(b.received_at), b.kind, b.subscriber_id, b.edition_id, b.recipient, b.status, b.detail,
                 PgParam::bytes(b.raw)});
    return q.front().integer(0);
  }
  Result<std::vector<BounceRecord>> recent(size_t limit) override {
    ND_PG_QUERY(q, db_, fmt::format("SELECT {}, NULL FROM bounces ORDER BY id DESC LIMIT $1", kColumns),
                {static_cast<std::int64_t>(limit)});
    return rows(q);
  }
  Result<std::vector<BounceRecord>> for_subscriber(Id subscriber_id) override {
    ND_PG_QUERY(q, db_, fmt::format("SELECT {}, raw FROM bounces WHERE subscriber_id = $1 ORDER BY id", kColumns),
                {subscriber_id});
    return rows(q);
  }

 private:
  static constexpr const char* kColumns = "source, received_at, kind, subscriber_id, edition_id, recipient, status, detail";
  // Rows of kColumns and then the raw message (NULL when not asked for).
  static std::vector<BounceRecord> rows(const PgRows& q) {
    std::vector<BounceRecord> out;
    for (PgRow row : q) {
      BounceRecord b;
      b.source = row.text(0);
      b.received_at = time_at(row.integer(1));
      b.kind = row.text(2);
      b.subscriber_id = row.optional_integer(3);
      b.edition_id = row.optional_integer(4);
      b.recipient = row.text(5);
      b.status = row.text(6);
      b.detail = row.text(7);
      b.raw = row.bytes(8);
      out.push_back(std::move(b));
    }
    return out;
  }
  PgConnection& db_;
};

class PgSearch final : public SearchRepository {
 public:
  explicit PgSearch(PgConnection& db) : db_(db) {}
  Result<SearchResults> search(const std::string& query, size_t limit, size_t offset) override {
    SearchResults out;
    // The reader's words folded as the articles' were (search_vector.hpp).
    const SearchTerms terms = search_terms(query);
    const std::string match = search_query(terms.words, terms.last_is_prefix);
    if (match.empty()) return out;
    ND_PG_QUERY(count, db_, "SELECT count(*) FROM article_search WHERE search @@ $1::tsquery", {match});
    out.total = static_cast<size_t>(count.front().integer(0));
    if (out.total == 0) return out;
    // The page is ranked first and only its rows are marked up (ts_headline
    // reads the whole text again). The title weighs four times the text, as
    // SQLite's bm25 weights say; ts_rank's normalisation 1 divides by the log
    // of the length, so a short article that matches is not buried.
    ND_PG_QUERY(q, db_, R"sql(WITH q AS (SELECT $1::tsquery AS query),
      page AS (SELECT f.article_id AS id, ts_rank('{0.25, 0.25, 0.25, 1.0}', f.search, q.query, 1) AS rank
               FROM article_search f, q WHERE f.search @@ q.query ORDER BY rank DESC, f.article_id LIMIT $2 OFFSET $3)
      SELECT a.id, a.story_id, ts_headline('newsdesk_search', a.title, q.query, $4),
        ts_headline('newsdesk_search', left(a.text, 100000), q.query, $5), a.url, COALESCE(s.name, a.site_name),
        a.published_at
      FROM page JOIN articles a ON a.id = page.id LEFT JOIN sources s ON s.id = a.source_id, q
      ORDER BY page.rank DESC, a.id)sql",
                {match, static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset), kTitleMarks, kSnippetMarks});
    for (PgRow row : q) {
      SearchHit h;
      h.article_id = row.integer(0);
      h.story_id = row.optional_integer(1);
      h.title = row.text(2);
      h.snippet = row.text(3);
      h.url = row.text(4);
      h.outlet = row.text(5);
      h.published = optional_time(row, 6);
      out.hits.push_back(std::move(h));
    }
    return out;
  }

 private:
  // ts_headline's options: the marks are kMarkStart and kMarkEnd (the bytes
  // themselves, quoted); the title whole, the text as up to two passages of
  // a dozen words or so joined by " … " (SQLite's snippet: one of 24 words).
  static_assert(kMarkStart == '\x02' && kMarkEnd == '\x03', "the options below spell the marks out");
  static constexpr const char* kTitleMarks = "StartSel=\"\x02\", StopSel=\"\x03\", HighlightAll=true";
  static constexpr const char* kSnippetMarks =
      "StartSel=\"\x02\", StopSel=\"\x03\", MaxFragments=2, MaxWords=14, MinWords=6, FragmentDelimiter=\" … \"";
  PgConnection& db_;
};

// The advisory lock that lets one process at a time migrate a database.
constexpr std::int64_t kMigrationLock = 0x6E64'6D69'6772;  // "ndmigr"

class PgStore final : public Store {
 public:
  explicit PgStore(PgConnection db)
      : db_(std::move(db)),
        sources_(make_pg_sources(db_)),
        feeds_(make_pg_feeds(db_)),
        entries_(make_pg_entries(db_)),
        articles_(make_pg_articles(db_)),
        stories_(make_pg_stories(db_)),
        editions_(make_pg_editions(db_)),
        subscribers_(make_pg_subscribers(db_)),
        deliveries_(make_pg_deliveries(db_)),
        bounces_(make_pg_bounces(db_)),
        search_(make_pg_search(db_)) {}

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

  Result<bool> lead(const std::string& role, const Claim& claim) override { return pg_lead(db_, role, claim); }
  Result<bool> wait_for_work(const std::vector<std::string>& channels, std::chrono::milliseconds timeout) override {
    return pg_wait_for_work(db_, channels, timeout);
  }

  Result<DeskCounts> counts() override {
    DeskCounts c;
    auto one = [&](const char* sql, size_t& out) -> Result<void> {
      ND_PG_QUERY(q, db_, sql);
      out = q.empty() ? 0 : static_cast<size_t>(q.front().integer(0));
      return {};
    };
    auto grouped = [&](const char* sql, std::vector<std::pair<std::string, size_t>>& out) -> Result<void> {
      ND_PG_QUERY(q, db_, sql);
      for (PgRow row : q) out.emplace_back(row.text(0), static_cast<size_t>(row.integer(1)));
      return {};
    };
    ND_TRY(one("SELECT COUNT(*) FROM sources", c.sources));
    ND_TRY(one("SELECT COUNT(*) FROM feeds WHERE gone", c.feeds_gone));
    ND_TRY(grouped("SELECT CASE last_error_class WHEN '' THEN 'other' ELSE last_error_class END, COUNT(*) FROM feeds "
                   "WHERE consecutive_failures > 0 AND NOT gone GROUP BY 1 ORDER BY 1", c.feeds_failing));
    ND_TRY(one("SELECT COUNT(*) FROM feed_entries WHERE state = 'new'", c.entries_waiting));
    ND_TRY(one("SELECT COUNT(*) FROM articles", c.articles));
    ND_TRY(one("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL", c.stories));
    ND_TRY(grouped("SELECT state, COUNT(*) FROM subscribers GROUP BY state ORDER BY state", c.subscribers));
    ND_TRY(grouped("SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state", c.deliveries));
    return c;
  }

  Result<std::string> secret(const std::string& name) override {
    // A secret never changes once kept: read once per store, not per request.
    if (auto known = secrets_.find(name); known != secrets_.end()) return known->second;
    const std::string key = "secret." + name;
    ND_PG_QUERY(get, db_, "SELECT value FROM settings WHERE key = $1", {key});
    if (!get.empty()) return secrets_[name] = get.front().text(0);
    const std::string value = core::random_hex(32);
    if (value.empty()) return core::fail(ErrorCode::kDatabase, "the system's random source failed");
    // Two processes may make one at once: the first kept wins, and both read it back.
    ND_TRY(db_.query("INSERT INTO settings(key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", {key, value}));
    ND_PG_QUERY(again, db_, "SELECT value FROM settings WHERE key = $1", {key});
    if (again.empty()) return core::fail(ErrorCode::kDatabase, "the secret " + name + " could not be kept");
    return secrets_[name] = again.front().text(0);
  }

  Result<void> transaction(const std::function<Result<void>()>& work) override {
    // As in SQLite, transactions do not nest (PostgreSQL would only warn at
    // the inner BEGIN, and the inner COMMIT would commit the outer work).
    if (in_transaction_) return core::fail(ErrorCode::kDatabase, "cannot start a transaction within a transaction");
    ND_TRY(db_.exec("BEGIN"));
    in_transaction_ = true;
    auto r = work();
    in_transaction_ = false;
    if (!r) {
      (void)db_.exec("ROLLBACK");
      return r;
    }
    ND_TRY_ASSIGN(committed, db_.exec("COMMIT"));
    // A statement that failed inside (its error not passed on) spoiled the
    // transaction, and COMMIT then rolls back: say so instead of succeeding.
    if (committed->command() != "COMMIT") {
      return core::fail(ErrorCode::kDatabase, "the transaction was rolled back: a statement in it had failed");
    }
    return {};
  }

  Result<void> compact() override { return {}; }
  int schema_version() override {
    auto q = db_.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!q || q->empty()) return 0;
    return static_cast<int>(q->front().integer(0));
  }

  // Applies the pending migrations, all in one transaction under the
  // migration lock: a second process opening the same fresh database waits,
  // then finds nothing to do. A schema newer than this binary knows is
  // refused before anything is written.
  Result<void> migrate() {
    ND_TRY(db_.exec("BEGIN"));
    auto applied = migrate_locked();
    if (!applied) {
      (void)db_.exec("ROLLBACK");
      return applied;
    }
    ND_TRY(db_.exec("COMMIT"));
    return {};
  }

 private:
  Result<void> migrate_locked() {
    ND_TRY(db_.query("SELECT pg_advisory_xact_lock($1::bigint)", {kMigrationLock}));
    ND_PG_QUERY(exists, db_, "SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (!exists.front().boolean(0)) {
      ND_TRY(db_.exec(R"sql(CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')))sql"));
    }
    ND_PG_QUERY(current_q, db_, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    const int current = static_cast<int>(current_q.front().integer(0));
    const int known = postgresql_migrations().back().version;
    if (current > known) {
      return core::fail(ErrorCode::kDatabase,
                        fmt::format("the database at {} has schema version {}, newer than this newsdesk knows ({}): "
                                    "it was written by a newer newsdesk; nothing was changed",
                                    db_.where(), current, known));
    }
    for (const auto& m : postgresql_migrations()) {
      if (m.version <= current) continue;
      auto ran = db_.exec(m.sql);
      if (ran && m.version == kWorkSharingMigration) {
        auto filled = backfill_pg_domains(db_);
        if (!filled) ran = tl::unexpected(filled.error());
      }
      if (!ran) {
        return core::fail(ErrorCode::kDatabase, fmt::format("migration {} ({}) failed: {}", m.version, m.description,
                                                            ran.error().message));
      }
      ND_TRY(db_.query("INSERT INTO schema_migrations(version, description) VALUES ($1, $2)",
                  {m.version, m.description}));
    }
    return {};
  }

  PgConnection db_;
  std::unique_ptr<SourceRepository> sources_;
  std::unique_ptr<FeedRepository> feeds_;
  std::unique_ptr<FeedEntryRepository> entries_;
  std::unique_ptr<ArticleRepository> articles_;
  std::unique_ptr<StoryRepository> stories_;
  std::unique_ptr<EditionRepository> editions_;
  std::unique_ptr<SubscriberRepository> subscribers_;
  std::unique_ptr<DeliveryRepository> deliveries_;
  std::unique_ptr<BounceRepository> bounces_;
  std::unique_ptr<SearchRepository> search_;
  std::unique_ptr<SiteLeaseRepository> sites_ = make_pg_sites(db_);
  std::unique_ptr<WorkerRegistry> workers_ = make_pg_workers(db_);
  std::unique_ptr<RateLimitRepository> rate_limits_ = make_pg_rate_limits(db_);
  std::map<std::string, std::string> secrets_;  // kept secrets read so far
  bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<EditionRepository> make_pg_editions(PgConnection& db) { return std::make_unique<PgEditions>(db); }
std::unique_ptr<SubscriberRepository> make_pg_subscribers(PgConnection& db) { return std::make_unique<PgSubscribers>(db); }
std::unique_ptr<DeliveryRepository> make_pg_deliveries(PgConnection& db) { return std::make_unique<PgDeliveries>(db); }
std::unique_ptr<BounceRepository> make_pg_bounces(PgConnection& db) { return std::make_unique<PgBounces>(db); }
std::unique_ptr<SearchRepository> make_pg_search(PgConnection& db) { return std::make_unique<PgSearch>(db); }

Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& url) {
  ND_TRY_ASSIGN(db, PgConnection::connect(url));
  auto store = std::make_unique<PgStore>(std::move(*db));
  ND_TRY(store->migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsdesk::store
