// The PostgreSQL backend of the content repositories: sources, feeds,
// entries, articles, stories. Each means what its SQLite twin means
// (sqlite_store.cpp).
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/url.hpp"
#include "store/migrations.hpp"
#include "store/pg_repositories.hpp"
#include "store/search_vector.hpp"

namespace newsdesk::store {
namespace {

using namespace pg;  // NOLINT(google-build-using-namespace): the backend's own helpers

// Ids as a PostgreSQL array literal, for `= ANY($n::bigint[])`.
std::string id_array(const std::vector<Id>& ids) {
  std::string out = "{";
  for (Id id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
  return out + "}";
}

class PgSources final : public SourceRepository {
 public:
  explicit PgSources(PgConnection& db) : db_(db) {}
  Result<Id> add(const core::Source& s) override {
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO sources(name, feed_url, site_url, country, language, weight, own, excerpt, domain)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (feed_url) DO NOTHING RETURNING id)sql",
                {s.name, s.feed_url, s.site_url, s.country, s.language, s.weight, s.own, s.excerpt,
                 core::registrable_domain_of_url(s.feed_url)});
    if (q.empty()) {
      return core::fail(ErrorCode::kInvalidInput, fmt::format("a source with the feed URL {} already exists", s.feed_url));
    }
    return q.front().integer(0);
  }
  Result<std::vector<core::Source>> list() override { return query("ORDER BY id", std::nullopt); }
  Result<std::optional<core::Source>> get(Id id) override { return one(query("WHERE id = $1", std::to_string(id))); }
  Result<std::optional<core::Source>> find_by_feed_url(const std::string& url) override {
    return one(query("WHERE feed_url = $1", url));
  }
  Result<void> set_feed_url(Id id, const std::string& url) override {
    // Refused without an error in the SQL (which would spoil a transaction
    // around this call); the UNIQUE constraint still stands behind it.
    ND_PG_QUERY(q, db_, R"sql(UPDATE sources SET feed_url = $1, domain = $3 WHERE id = $2
      AND NOT EXISTS (SELECT 1 FROM sources o WHERE o.feed_url = $1 AND o.id <> $2) RETURNING id)sql",
                {url, id, core::registrable_domain_of_url(url)});
    if (!q.empty()) return {};
    ND_PG_QUERY(clash, db_, R"sql(SELECT EXISTS (SELECT 1 FROM sources WHERE id = $2)
      AND EXISTS (SELECT 1 FROM sources WHERE feed_url = $1 AND id <> $2))sql", {url, id});
    if (clash.front().boolean(0)) {
      return core::fail(ErrorCode::kInvalidInput, fmt::format("another source already reads {}", url));
    }
    return {};  // no such source: nothing to change, as in SQLite
  }
  Result<bool> remove(Id id) override {
    ND_PG_QUERY(q, db_, "DELETE FROM sources WHERE id = $1", {id});
    return q.affected() > 0;
  }

 private:
  static Result<std::optional<core::Source>> one(Result<std::vector<core::Source>> r) {
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Source>(std::move(r->front()));
  }
  Result<std::vector<core::Source>> query(std::string_view where, std::optional<std::string> arg) {
    const std::string sql =
        fmt::format("SELECT id, name, feed_url, site_url, country, language, weight, own, excerpt FROM sources {}", where);
    auto rows = arg ? db_.query(sql, {*arg}) : db_.query(sql);
    if (!rows) return tl::unexpected(rows.error());
    std::vector<core::Source> out;
    for (PgRow row : *rows) {
      core::Source s;
      s.id = row.integer(0);
      s.name = row.text(1);
      s.feed_url = row.text(2);
      s.site_url = row.text(3);
      s.country = row.text(4);
      s.language = row.text(5);
      s.weight = row.real(6);
      s.own = row.boolean(7);
      s.excerpt = row.text(8);
      out.push_back(std::move(s));
    }
    return out;
  }
  PgConnection& db_;
};

class PgFeeds final : public FeedRepository {
 public:
  explicit PgFeeds(PgConnection& db) : db_(db) {}
  Result<core::FeedState> state(Id source_id) override {
    ND_PG_QUERY(q, db_, R"sql(SELECT etag, last_modified, last_polled_at, last_success_at, last_error, consecutive_failures,
      last_error_class, failing_since, next_poll_at, items_per_day, polls, gone FROM feeds WHERE source_id = $1)sql",
                {source_id});
    core::FeedState st;
    if (q.empty()) return st;
    const PgRow row = q.front();
    st.etag = row.text(0);
    st.last_modified = row.text(1);
    st.last_polled = optional_time(row, 2);
    st.last_success = optional_time(row, 3);
    st.last_error = row.text(4);
    st.consecutive_failures = static_cast<int>(row.integer(5));
    st.last_error_class = row.text(6);
    st.failing_since = optional_time(row, 7);
    st.next_poll = optional_time(row, 8);
    st.items_per_day = row.real(9);
    st.polls = static_cast<int>(row.integer(10));
    st.gone = row.boolean(11);
    return st;
  }
  Result<void> save_state(Id source_id, const core::FeedState& st) override {
    ND_TRY(db_.query(R"sql(INSERT INTO feeds(source_id, etag, last_modified, last_polled_at, last_success_at, last_error,
      consecutive_failures, last_error_class, failing_since, next_poll_at, items_per_day, polls, gone)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (source_id) DO UPDATE SET etag = excluded.etag,
      last_modified = excluded.last_modified, last_polled_at = excluded.last_polled_at,
      last_success_at = excluded.last_success_at, last_error = excluded.last_error,
      consecutive_failures = excluded.consecutive_failures, last_error_class = excluded.last_error_class,
      failing_since = excluded.failing_since, next_poll_at = excluded.next_poll_at,
      items_per_day = excluded.items_per_day, polls = excluded.polls, gone = excluded.gone,
      lease_holder = '', lease_until = NULL)sql",
                {source_id, st.etag, st.last_modified, seconds(st.last_polled), seconds(st.last_success), st.last_error,
                 st.consecutive_failures, st.last_error_class, seconds(st.failing_since), seconds(st.next_poll),
                 st.items_per_day, st.polls, st.gone}));
    return {};
  }
  Result<std::vector<Id>> due(core::TimePoint now) override {
    // Sources never polled have no feeds row yet: due at once.
    ND_PG_QUERY(q, db_, R"sql(SELECT s.id FROM sources s LEFT JOIN feeds f ON f.source_id = s.id
      WHERE f.source_id IS NULL OR (NOT f.gone AND (f.next_poll_at IS NULL OR f.next_poll_at <= $1))
      ORDER BY COALESCE(f.next_poll_at, 0), s.id)sql", {seconds(now)});
    std::vector<Id> out;
    for (PgRow row : q) out.push_back(row.integer(0));
    return out;
  }
  Result<std::optional<core::TimePoint>> next_due() override {
    ND_PG_QUERY(q, db_, R"sql(SELECT MIN(COALESCE(f.next_poll_at, 0)) FROM sources s LEFT JOIN feeds f ON f.source_id = s.id
      WHERE f.source_id IS NULL OR NOT f.gone)sql");
    return optional_time(q.front(), 0);
  }
  Result<std::vector<Id>> claim_due(const Claim& claim, size_t limit, size_t per_site) override {
    // A source never polled has no feeds row to hold its lease: it gets a
    // blank one (what state() reads for it anyway) before it can be claimed.
    ND_TRY(db_.query(R"sql(INSERT INTO feeds(source_id) SELECT s.id FROM sources s
      WHERE NOT EXISTS (SELECT 1 FROM feeds f WHERE f.source_id = s.id) ON CONFLICT (source_id) DO NOTHING)sql"));
    // Round-robin over the sites of the first waiting feeds (`turn`: a
    // site's first feed, then its second...), so that one site's many feeds
    // do not fill a batch that its politeness gap would then spread over
    // minutes. Rows another claimer is taking right now are locked: skipped,
    // not waited for; the lease is checked again on the locked row.
    // MATERIALIZED: the pick runs once, whatever the plan.
    ND_PG_QUERY(q, db_, R"sql(WITH waiting AS (
        SELECT f.source_id, s.domain, COALESCE(f.next_poll_at, 0) AS due FROM feeds f JOIN sources s ON s.id = f.source_id
        WHERE NOT f.gone AND (f.next_poll_at IS NULL OR f.next_poll_at <= $3)
          AND (f.lease_until IS NULL OR f.lease_until <= $3)
          AND s.domain NOT IN (SELECT domain FROM site_leases WHERE holder <> $1 AND until > $3)
        ORDER BY due, f.source_id LIMIT $6),
      turns AS (SELECT source_id, due, row_number() OVER (PARTITION BY domain ORDER BY due, source_id) AS turn FROM waiting),
      picked AS MATERIALIZED (
        SELECT f.source_id FROM feeds f JOIN turns t ON t.source_id = f.source_id
        WHERE t.turn <= $5 AND (f.lease_until IS NULL OR f.lease_until <= $3)
        ORDER BY t.turn, t.due, f.source_id LIMIT $4
        FOR UPDATE OF f SKIP LOCKED)
      UPDATE feeds f SET lease_holder = $1, lease_until = $2 FROM picked WHERE f.source_id = picked.source_id
      RETURNING f.source_id, COALESCE(f.next_poll_at, 0))sql",
                {claim.holder, seconds(claim.until), seconds(claim.now), static_cast<std::int64_t>(limit),
                 static_cast<std::int64_t>(std::min(per_site, limit)), claim_candidates(limit)});
    std::vector<std::pair<std::int64_t, Id>> claimed;  // (due, source), for due order: RETURNING has none
    for (PgRow row : q) claimed.emplace_back(row.integer(1), row.integer(0));
    std::sort(claimed.begin(), claimed.end());
    std::vector<Id> out;
    for (const auto& [due_at, id] : claimed) out.push_back(id);
    return out;
  }
  Result<void> release(const std::vector<Id>& source_ids, const std::string& holder) override {
    // Work given back is work for another poller: idle ones are woken.
    ND_TRY(db_.query(fmt::format(R"sql(WITH given AS (UPDATE feeds SET lease_holder = '', lease_until = NULL
      WHERE lease_holder = $1 AND source_id = ANY($2::bigint[]) RETURNING 1)
      SELECT pg_notify('{}', '') WHERE EXISTS (SELECT 1 FROM given))sql", notification_channel("poll")),
                     {holder, id_array(source_ids)}));
    return {};
  }

 private:
  PgConnection& db_;
};

const char* entry_state_name(EntryState s) {
  switch (s) {
    case EntryState::kNew: return "new";
    case EntryState::kFetched: return "fetched";
    case EntryState::kFailed: return "failed";
    case EntryState::kSkipped: return "skipped";
  }
  return "new";
}

class PgEntries final : public FeedEntryRepository {
 public:
  explicit PgEntries(PgConnection& db) : db_(db) {}
  Result<bool> upsert(Id source_id, const core::FeedEntry& e) override {
    // Videos kept as "type<TAB>url" lines: the story page offers them.
    std::vector<std::string> videos;
    for (const auto& enc : e.enclosures) {
      if (enc.type.rfind("video/", 0) == 0 && enc.url.find_first_of("\t\n") == std::string::npos) {
        videos.push_back(enc.type + "\t" + enc.url);
      }
    }
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO feed_entries(source_id, guid, url, title, summary, authors, published_at, image, videos,
      domain) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (source_id, guid) DO NOTHING)sql",
                {source_id, e.guid, e.url, e.title, e.summary, join_lines(e.authors), seconds(e.published), e.image,
                 join_lines(videos), core::registrable_domain_of_url(e.url)});
    return q.affected() > 0;
  }
  Result<std::vector<core::Enclosure>> videos_for_story(Id story_id) override {
    ND_PG_QUERY(q, db_, R"sql(SELECT fe.videos FROM feed_entries fe JOIN articles a ON a.id = fe.article_id
      WHERE a.story_id = $1 AND fe.videos <> '' ORDER BY a.published_at NULLS FIRST, a.id)sql", {story_id});
    std::vector<core::Enclosure> out;
    for (PgRow row : q) {
      for (const auto& line : split_lines(row.text(0))) {
        const size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        core::Enclosure v{line.substr(tab + 1), line.substr(0, tab), std::nullopt};
        bool seen = false;
        for (const auto& o : out) seen = seen || o.url == v.url;
        if (!seen) out.push_back(std::move(v));
      }
    }
    return out;
  }
  Result<std::vector<StoredEntry>> pending(size_t limit) override {
    // NULLS FIRST: SQLite sorts NULL before every value.
    ND_PG_QUERY(q, db_, fmt::format(R"sql(SELECT {} FROM feed_entries WHERE state = 'new'
      ORDER BY published_at NULLS FIRST, id LIMIT $1)sql", kEntryColumns), {static_cast<std::int64_t>(limit)});
    return read_entries(q);
  }
  Result<std::vector<StoredEntry>> claim_pending(const Claim& claim, size_t limit, size_t per_site) override {
    // As PgFeeds::claim_due: round-robin over the sites of the first waiting
    // entries, locked rows skipped, the lease checked again, the pick run once.
    ND_PG_QUERY(q, db_, fmt::format(R"sql(WITH waiting AS (
        SELECT id, domain FROM feed_entries WHERE state = 'new' AND (lease_until IS NULL OR lease_until <= $3)
          AND domain NOT IN (SELECT domain FROM site_leases WHERE holder <> $1 AND until > $3)
        ORDER BY id LIMIT $6),
      turns AS (SELECT id, row_number() OVER (PARTITION BY domain ORDER BY id) AS turn FROM waiting),
      picked AS MATERIALIZED (
        SELECT e.id FROM feed_entries e JOIN turns t ON t.id = e.id
        WHERE t.turn <= $5 AND e.state = 'new' AND (e.lease_until IS NULL OR e.lease_until <= $3)
        ORDER BY t.turn, e.id LIMIT $4 FOR UPDATE OF e SKIP LOCKED)
      UPDATE feed_entries e SET lease_holder = $1, lease_until = $2 FROM picked WHERE e.id = picked.id
      RETURNING {})sql", kClaimedEntryColumns),
                {claim.holder, seconds(claim.until), seconds(claim.now), static_cast<std::int64_t>(limit),
                 static_cast<std::int64_t>(std::min(per_site, limit)), claim_candidates(limit)});
    std::vector<StoredEntry> out = read_entries(q);
    std::sort(out.begin(), out.end(), [](const StoredEntry& a, const StoredEntry& b) { return a.id < b.id; });
    return out;
  }
  Result<void> release(const std::vector<Id>& entry_ids, const std::string& holder) override {
    // Work given back is work for another fetcher: idle ones are woken.
    ND_TRY(db_.query(fmt::format(R"sql(WITH given AS (UPDATE feed_entries SET lease_holder = '', lease_until = NULL
      WHERE lease_holder = $1 AND id = ANY($2::bigint[]) RETURNING 1)
      SELECT pg_notify('{}', '') WHERE EXISTS (SELECT 1 FROM given))sql", notification_channel("fetch")),
                     {holder, id_array(entry_ids)}));
    return {};
  }
  Result<void> mark(Id entry_id, EntryState state, const std::string& error, std::optional<Id> article_id) override {
    ND_TRY(db_.query("UPDATE feed_entries SET state = $1, error = $2, article_id = $3, lease_holder = '', "
                     "lease_until = NULL WHERE id = $4",
                {entry_state_name(state), error, article_id, entry_id}));
    return {};
  }
  Result<size_t> count(EntryState state) override {
    ND_PG_QUERY(q, db_, "SELECT count(*) FROM feed_entries WHERE state = $1", {entry_state_name(state)});
    return static_cast<size_t>(q.front().integer(0));
  }

 private:
  static constexpr const char* kEntryColumns = "id, source_id, domain, guid, url, title, summary, authors, published_at, image";
  static constexpr const char* kClaimedEntryColumns =
      "e.id, e.source_id, e.domain, e.guid, e.url, e.title, e.summary, e.authors, e.published_at, e.image";
  static std::vector<StoredEntry> read_entries(const PgRows& rows) {
    std::vector<StoredEntry> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (PgRow row : rows) {
      StoredEntry se;
      se.id = row.integer(0);
      se.source_id = row.integer(1);
      se.domain = row.text(2);
      se.entry.guid = row.text(3);
      se.entry.url = row.text(4);
      se.entry.title = row.text(5);
      se.entry.summary = row.text(6);
      se.entry.authors = split_lines(row.text(7));
      se.entry.published = optional_time(row, 8);
      se.entry.image = row.text(9);
      out.push_back(std::move(se));
    }
    return out;
  }
  PgConnection& db_;
};

class PgArticles final : public ArticleRepository {
 public:
  explicit PgArticles(PgConnection& db) : db_(db) {}
  Result<Added> add(const core::Article& a) override {
    // The article and its search vector (search_vector.hpp), in one statement.
    ND_PG_QUERY(q, db_, R"sql(WITH added AS (INSERT INTO articles(source_id, url, canonical_url, title, authors,
      published_at, modified_at, fetched_at, language, site_name, description, image_url, image_caption, text, html,
      page_type, page_type_confidence, published_offset, access, image_credit)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$20,$21)
      ON CONFLICT (canonical_url) DO NOTHING RETURNING id),
      searched AS (INSERT INTO article_search(article_id, search) SELECT id, $19::tsvector FROM added)
      SELECT id FROM added)sql",
                {a.source_id, a.url, a.canonical_url, a.title, join_lines(a.authors), seconds(a.published),
                 seconds(a.modified), seconds(a.fetched), a.language, a.site_name, a.description, a.image_url,
                 a.image_caption, a.text, a.html, core::to_string(a.page_type), a.page_type_confidence,
                 a.published_offset, search_vector(a.title, a.text), core::to_string(a.access), a.image_credit});
    if (!q.empty()) return Added{q.front().integer(0), true};
    ND_PG_QUERY(found, db_, "SELECT id FROM articles WHERE canonical_url = $1", {a.canonical_url});
    if (found.empty()) return core::fail(ErrorCode::kDatabase, "the article " + a.canonical_url + " vanished while stored");
    return Added{found.front().integer(0), false};
  }
  Result<std::optional<core::Article>> get(Id id) override {
    auto r = select(kWithPage, "WHERE id = $1", id);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Article>(std::move(r->front()));
  }
  Result<std::vector<core::Article>> unclustered() override {
    return select(kWithoutPage, "WHERE story_id IS NULL ORDER BY coalesce(published_at, fetched_at) NULLS FIRST, id", std::nullopt);
  }
  Result<std::vector<core::Article>> clustered_since(TimePoint since) override {
    return select(kWithoutPage, "WHERE story_id IS NOT NULL AND coalesce(published_at, fetched_at) >= $1 "
                  "ORDER BY coalesce(published_at, fetched_at), id",
                  seconds(since));
  }
  Result<std::vector<core::Article>> by_story(Id story_id) override {
    return select(kWithPage, "WHERE story_id = $1 ORDER BY coalesce(published_at, fetched_at) NULLS FIRST, id", story_id);
  }
  Result<void> assign(Id article_id, Id story_id, std::optional<Id> copy_of) override {
    ND_TRY(db_.query("UPDATE articles SET story_id = $1, copy_of = $2 WHERE id = $3", {story_id, copy_of, article_id}));
    return {};
  }
  Result<size_t> count() override {
    ND_PG_QUERY(q, db_, "SELECT count(*) FROM articles");
    return static_cast<size_t>(q.front().integer(0));
  }
  Result<size_t> count_unclustered() override {
    ND_PG_QUERY(q, db_, "SELECT count(*) FROM articles WHERE story_id IS NULL");
    return static_cast<size_t>(q.front().integer(0));
  }
  Result<std::vector<RankRow>> rank_rows(core::TimePoint since, const std::string& beat) override {
    // Through the stories' last_updated index, then each story's articles:
    // no article text is read.
    ND_PG_QUERY(q, db_, R"sql(SELECT a.id, a.story_id, a.source_id, a.published_at, a.copy_of, a.language, b.relevance
      FROM stories s JOIN articles a ON a.story_id = s.id
      LEFT JOIN article_beats b ON b.article_id = a.id AND b.beat = $1
      WHERE s.last_updated >= $2 AND s.merged_into IS NULL)sql", {beat, seconds(since)});
    std::vector<RankRow> out;
    out.reserve(static_cast<size_t>(q.size()));
    for (PgRow row : q) {
      RankRow r;
      r.article_id = row.integer(0);
      r.story_id = row.integer(1);
      r.source_id = row.integer(2);
      r.published = optional_time(row, 3);
      r.copy_of = row.optional_integer(4);
      r.language = row.text(5);
      r.relevance = row.optional_real(6);
      out.push_back(std::move(r));
    }
    return out;
  }
  Result<void> set_relevance(Id article_id, const std::string& beat, double relevance) override {
    ND_TRY(db_.query(R"sql(INSERT INTO article_beats(article_id, beat, relevance) VALUES ($1,$2,$3)
      ON CONFLICT (article_id, beat) DO UPDATE SET relevance = excluded.relevance)sql", {article_id, beat, relevance}));
    return {};
  }
  Result<size_t> drop_text(TimePoint before, size_t limit) override {
    ND_PG_QUERY(due, db_, R"sql(SELECT id, title FROM articles WHERE fetched_at < $1 AND (text <> '' OR html <> '')
      ORDER BY fetched_at LIMIT $2)sql", {seconds(before), limit});
    if (due.empty()) return size_t{0};
    // The text out and the title's vector in (made here, as at insert), in
    // one statement: the index never holds words the article no longer has.
    std::vector<PgParam> params;
    std::string values;
    for (PgRow row : due) {
      const size_t n = params.size();
      values += fmt::format("{}(${}::bigint, ${}::tsvector)", values.empty() ? "" : ",", n + 1, n + 2);
      params.emplace_back(row.integer(0));
      params.emplace_back(search_vector(row.text(1), ""));
    }
    ND_PG_QUERY(done, db_, fmt::format(R"sql(WITH v(id, search) AS (VALUES {}),
      cleared AS (UPDATE articles a SET text = '', html = '' FROM v WHERE a.id = v.id RETURNING a.id),
      searched AS (UPDATE article_search s SET search = v.search FROM v WHERE s.article_id = v.id RETURNING 1)
      SELECT count(*) FROM cleared)sql", values), params);
    return static_cast<size_t>(done.front().integer(0));
  }

 private:
  static constexpr bool kWithPage = true, kWithoutPage = false;
  Result<std::vector<core::Article>> select(bool page, std::string_view where, std::optional<std::int64_t> arg) {
    const std::string sql = fmt::format("SELECT {} FROM articles {}", article_columns(page), where);
    auto rows = arg ? db_.query(sql, {*arg}) : db_.query(sql);
    if (!rows) return tl::unexpected(rows.error());
    std::vector<core::Article> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (PgRow row : *rows) {
      core::Article a;
      a.id = row.integer(0);
      a.source_id = row.integer(1);
      a.url = row.text(2);
      a.canonical_url = row.text(3);
      a.title = row.text(4);
      a.authors = split_lines(row.text(5));
      a.published = optional_time(row, 6);
      a.modified = optional_time(row, 7);
      a.fetched = optional_time(row, 8);
      a.language = row.text(9);
      a.site_name = row.text(10);
      a.description = row.text(11);
      a.image_url = row.text(12);
      a.image_caption = row.text(13);
      a.text = row.text(14);
      a.html = row.text(15);
      a.page_type = core::page_type_from_string(row.text(16));
      a.page_type_confidence = row.real(17);
      a.story_id = row.optional_integer(18);
      a.copy_of = row.optional_integer(19);
      if (auto offset = row.optional_integer(20)) a.published_offset = static_cast<int>(*offset);
      a.access = core::access_from_string(row.text(21));
      a.image_credit = row.text(22);
      out.push_back(std::move(a));
    }
    return out;
  }
  PgConnection& db_;
};

class PgStories final : public StoryRepository {
 public:
  explicit PgStories(PgConnection& db) : db_(db) {}
  Result<void> save(const core::Story& s) override {
    ND_TRY(db_.query(R"sql(INSERT INTO stories(id, headline, first_seen, last_updated) VALUES ($1,$2,$3,$4)
      ON CONFLICT (id) DO UPDATE SET headline = excluded.headline, first_seen = excluded.first_seen,
      last_updated = excluded.last_updated)sql", {s.id, s.headline, seconds(s.first_seen), seconds(s.last_updated)}));
    return {};
  }
  Result<std::optional<core::Story>> get(Id id) override {
    // Follow merges (a chain of at most a few links; bounded against cycles).
    for (int hops = 0; hops < 16; ++hops) {
      ND_PG_QUERY(follow, db_, "SELECT merged_into FROM stories WHERE id = $1", {id});
      if (follow.empty() || follow.front().is_null(0)) break;
      id = follow.front().integer(0);
    }
    auto r = select("WHERE id = $1", id);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Story>(std::move(r->front()));
  }
  Result<std::vector<core::Story>> updated_since(TimePoint since) override {
    return select("WHERE last_updated >= $1 AND merged_into IS NULL ORDER BY last_updated DESC, id", seconds(since));
  }
  Result<std::vector<core::Story>> headlines_since(TimePoint since) override {
    return select("WHERE last_updated >= $1 AND merged_into IS NULL ORDER BY last_updated DESC, id", seconds(since),
                  /*with_article_ids=*/false);
  }
  Result<void> merge(Id from, Id into) override {
    if (from == into) return core::fail(ErrorCode::kInvalidInput, "a story cannot be merged into itself");
    ND_TRY(db_.query("UPDATE articles SET story_id = $1 WHERE story_id = $2", {into, from}));
    ND_PG_QUERY(mark, db_, "UPDATE stories SET merged_into = $1 WHERE id = $2", {into, from});
    if (mark.affected() == 0) return core::fail(ErrorCode::kNotFound, fmt::format("no story {}", from));
    return {};
  }
  Result<Id> max_id() override {
    ND_PG_QUERY(q, db_, "SELECT coalesce(max(id), 0) FROM stories");
    return q.front().integer(0);
  }

 private:
  Result<std::vector<core::Story>> select(std::string_view where, std::int64_t arg, bool with_article_ids = true) {
    ND_PG_QUERY(q, db_, fmt::format("SELECT id, headline, first_seen, last_updated FROM stories {}", where), {arg});
    std::vector<core::Story> out;
    out.reserve(static_cast<size_t>(q.size()));
    for (PgRow row : q) {
      core::Story s;
      s.id = row.integer(0);
      s.headline = row.text(1);
      s.first_seen = time_at(row.integer(2));
      s.last_updated = time_at(row.integer(3));
      out.push_back(std::move(s));
    }
    if (!with_article_ids || out.empty()) return out;
    // Every story's members in one round trip (SQLite asks per story, which
    // costs nothing there and a round trip each here).
    std::string ids;
    for (const auto& s : out) ids += (ids.empty() ? "{" : ",") + std::to_string(s.id);
    ids += "}";
    ND_PG_QUERY(members, db_, R"sql(SELECT story_id, id FROM articles WHERE story_id = ANY($1::bigint[])
      ORDER BY story_id, coalesce(published_at, fetched_at) NULLS FIRST, id)sql", {ids});
    std::unordered_map<Id, core::Story*> by_id;
    for (auto& s : out) by_id[s.id] = &s;
    for (PgRow row : members) by_id[row.integer(0)]->article_ids.push_back(row.integer(1));
    return out;
  }
  PgConnection& db_;
};

}  // namespace

std::unique_ptr<SourceRepository> make_pg_sources(PgConnection& db) { return std::make_unique<PgSources>(db); }
std::unique_ptr<FeedRepository> make_pg_feeds(PgConnection& db) { return std::make_unique<PgFeeds>(db); }
std::unique_ptr<FeedEntryRepository> make_pg_entries(PgConnection& db) { return std::make_unique<PgEntries>(db); }
std::unique_ptr<ArticleRepository> make_pg_articles(PgConnection& db) { return std::make_unique<PgArticles>(db); }
std::unique_ptr<StoryRepository> make_pg_stories(PgConnection& db) { return std::make_unique<PgStories>(db); }

}  // namespace newsdesk::store
