// The SQLite backend of the content repositories: sources, feeds, entries,
// articles, stories.
#include <algorithm>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_repositories.hpp"

namespace newsdesk::store {
namespace {

// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one
// statement (prepared once) for any number of ids.
std::string json_ids(const std::vector<Id>& ids) {
  std::string out = "[";
  for (Id id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
  return out + "]";
}

class SqliteSources final : public SourceRepository {
 public:
  explicit SqliteSources(Database& db) : db_(db) {}
  Result<Id> add(const core::Source& s) override {
    ND_PREPARE(q, db_, "INSERT INTO sources(name, feed_url, site_url, country, language, weight, own, excerpt, domain) VALUES (?,?,?,?,?,?,?,?,?)");
    q.bind(1, s.name).bind(2, s.feed_url).bind(3, s.site_url).bind(4, s.country).bind(5, s.language).bind(6, s.weight).bind(7, s.own)
        .bind(8, s.excerpt).bind(9, core::registrable_domain_of_url(s.feed_url));
    auto r = q.run();
    if (!r) {
      if (r.error().message.find("UNIQUE") != std::string::npos) {
        return core::fail(ErrorCode::kInvalidInput, fmt::format("a source with the feed URL {} already exists", s.feed_url));
      }
      return tl::unexpected(r.error());
    }
    return db_.last_insert_id();
  }
  Result<std::vector<core::Source>> list() override { return query("SELECT * FROM sources ORDER BY id", {}); }
  Result<std::optional<core::Source>> get(Id id) override {
    auto r = query("SELECT * FROM sources WHERE id = ?", std::to_string(id));
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Source>(r->front());
  }
  Result<std::optional<core::Source>> find_by_feed_url(const std::string& url) override {
    auto r = query("SELECT * FROM sources WHERE feed_url = ?", url);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Source>(r->front());
  }
  Result<void> set_feed_url(Id id, const std::string& url) override {
    ND_PREPARE(q, db_, "UPDATE sources SET feed_url = ?, domain = ? WHERE id = ?");
    q.bind(1, url).bind(2, core::registrable_domain_of_url(url)).bind(3, id);
    auto r = q.run();
    if (!r && r.error().message.find("UNIQUE") != std::string::npos) {
      return core::fail(ErrorCode::kInvalidInput, fmt::format("another source already reads {}", url));
    }
    return r;
  }
  Result<bool> remove(Id id) override {
    ND_PREPARE(q, db_, "DELETE FROM sources WHERE id = ?");
    q.bind(1, id);
    ND_TRY(q.run());
    return db_.changes() > 0;
  }

 private:
  Result<std::vector<core::Source>> query(std::string_view sql, std::optional<std::string> arg) {
    ND_PREPARE(q, db_, sql);
    if (arg) q.bind(1, *arg);
    std::vector<core::Source> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::Source s;
      s.id = q.integer(0);
      s.name = q.text(1);
      s.feed_url = q.text(2);
      s.site_url = q.text(3);
      s.country = q.text(4);
      s.language = q.text(5);
      s.weight = q.real(6);
      s.own = q.integer(7) != 0;
      s.excerpt = q.text(8);
      out.push_back(std::move(s));
    }
    return out;
  }
  Database& db_;
};

class SqliteFeeds final : public FeedRepository {
 public:
  explicit SqliteFeeds(Database& db) : db_(db) {}
  Result<core::FeedState> state(Id source_id) override {
    ND_PREPARE(q, db_, R"sql(SELECT etag, last_modified, last_polled_at, last_success_at, last_error, consecutive_failures,
      last_error_class, failing_since, next_poll_at, items_per_day, polls, gone FROM feeds WHERE source_id = ?)sql");
    q.bind(1, source_id);
    core::FeedState st;
    auto row = q.step();
    if (!row) return tl::unexpected(row.error());
    if (*row) {
      st.etag = q.text(0);
      st.last_modified = q.text(1);
      st.last_polled = optional_time(q, 2);
      st.last_success = optional_time(q, 3);
      st.last_error = q.text(4);
      st.consecutive_failures = static_cast<int>(q.integer(5));
      st.last_error_class = q.text(6);
      st.failing_since = optional_time(q, 7);
      st.next_poll = optional_time(q, 8);
      st.items_per_day = q.real(9);
      st.polls = static_cast<int>(q.integer(10));
      st.gone = q.integer(11) != 0;
    }
    return st;
  }
  Result<void> save_state(Id source_id, const core::FeedState& st) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO feeds(source_id, etag, last_modified, last_polled_at, last_success_at, last_error,
      consecutive_failures, last_error_class, failing_since, next_poll_at, items_per_day, polls, gone)
      VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_id) DO UPDATE SET etag=excluded.etag,
      last_modified=excluded.last_modified, last_polled_at=excluded.last_polled_at,
      last_success_at=excluded.last_success_at, last_error=excluded.last_error,
      consecutive_failures=excluded.consecutive_failures, last_error_class=excluded.last_error_class,
      failing_since=excluded.failing_since, next_poll_at=excluded.next_poll_at, items_per_day=excluded.items_per_day,
      polls=excluded.polls, gone=excluded.gone, lease_holder='', lease_until=NULL)sql");
    q.bind(1, source_id).bind(2, st.etag).bind(3, st.last_modified).bind(4, seconds(st.last_polled))
        .bind(5, seconds(st.last_success)).bind(6, st.last_error).bind(7, st.consecutive_failures)
        .bind(8, st.last_error_class).bind(9, seconds(st.failing_since)).bind(10, seconds(st.next_poll))
        .bind(11, st.items_per_day).bind(12, st.polls).bind(13, st.gone ? 1 : 0);
    return q.run();
  }
  Result<std::vector<Id>> due(core::TimePoint now) override {
    // Sources never polled have no feeds row yet: due at once.
    ND_PREPARE(q, db_, R"sql(SELECT s.id FROM sources s LEFT JOIN feeds f ON f.source_id = s.id
      WHERE f.source_id IS NULL OR (f.gone = 0 AND (f.next_poll_at IS NULL OR f.next_poll_at <= ?))
      ORDER BY COALESCE(f.next_poll_at, 0), s.id)sql");
    q.bind(1, seconds(now));
    std::vector<Id> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      out.push_back(q.integer(0));
    }
    return out;
  }
  Result<std::optional<core::TimePoint>> next_due() override {
    ND_PREPARE(q, db_, R"sql(SELECT MIN(COALESCE(f.next_poll_at, 0)) FROM sources s LEFT JOIN feeds f ON f.source_id = s.id
      WHERE f.source_id IS NULL OR f.gone = 0)sql");
    auto row = q.step();
    if (!row) return tl::unexpected(row.error());
    return optional_time(q, 0);
  }
  Result<std::vector<Id>> claim_due(const Claim& claim, size_t limit, size_t per_site) override {
    // A source never polled has no feeds row to hold its lease: it gets a
    // blank one (what state() reads for it anyway) before it can be claimed.
    ND_PREPARE(blank, db_, R"sql(INSERT INTO feeds(source_id) SELECT s.id FROM sources s
      WHERE NOT EXISTS (SELECT 1 FROM feeds f WHERE f.source_id = s.id) ON CONFLICT(source_id) DO NOTHING)sql");
    ND_TRY(blank.run());
    // One statement, so one write transaction: SQLite lets one writer in at
    // a time, and no other claimer can pick the same feeds in between.
    // Round-robin over the sites of the first waiting feeds (`turn`: a
    // site's first feed, then its second...), so that one site's many feeds
    // do not fill a batch that its politeness gap would then spread over minutes.
    ND_PREPARE(q, db_, R"sql(UPDATE feeds SET lease_holder = ?1, lease_until = ?2 WHERE source_id IN (
        SELECT source_id FROM (
          SELECT source_id, due, row_number() OVER (PARTITION BY domain ORDER BY due, source_id) AS turn FROM (
            SELECT f.source_id, s.domain, COALESCE(f.next_poll_at, 0) AS due FROM feeds f JOIN sources s ON s.id = f.source_id
            WHERE f.gone = 0 AND (f.next_poll_at IS NULL OR f.next_poll_at <= ?3)
              AND (f.lease_until IS NULL OR f.lease_until <= ?3)
              AND s.domain NOT IN (SELECT domain FROM site_leases WHERE holder <> ?1 AND until > ?3)
            ORDER BY due, f.source_id LIMIT ?6))
        WHERE turn <= ?5 ORDER BY turn, due, source_id LIMIT ?4)
      RETURNING source_id, COALESCE(next_poll_at, 0))sql");
    q.bind(1, claim.holder).bind(2, seconds(claim.until)).bind(3, seconds(claim.now)).bind(4, static_cast<std::int64_t>(limit));
    q.bind(5, static_cast<std::int64_t>(std::min(per_site, limit))).bind(6, claim_candidates(limit));
    std::vector<std::pair<std::int64_t, Id>> claimed;  // (due, source), for due order: RETURNING has none
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      claimed.emplace_back(q.integer(1), q.integer(0));
    }
    std::sort(claimed.begin(), claimed.end());
    std::vector<Id> out;
    for (const auto& [due_at, id] : claimed) out.push_back(id);
    return out;
  }
  Result<void> release(const std::vector<Id>& source_ids, const std::string& holder) override {
    ND_PREPARE(q, db_, R"sql(UPDATE feeds SET lease_holder = '', lease_until = NULL
      WHERE lease_holder = ?1 AND source_id IN (SELECT value FROM json_each(?2)))sql");
    q.bind(1, holder).bind(2, json_ids(source_ids));
    return q.run();
  }

 private:
  Database& db_;
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

class SqliteEntries final : public FeedEntryRepository {
 public:
  explicit SqliteEntries(Database& db) : db_(db) {}
  Result<bool> upsert(Id source_id, const core::FeedEntry& e) override {
    // Videos kept as "type<TAB>url" lines: the story page offers them.
    std::vector<std::string> videos;
    for (const auto& enc : e.enclosures) {
      if (enc.type.rfind("video/", 0) == 0 && enc.url.find_first_of("\t\n") == std::string::npos) videos.push_back(enc.type + "\t" + enc.url);
    }
    ND_PREPARE(q, db_, "INSERT INTO feed_entries(source_id, guid, url, title, summary, authors, published_at, image, videos, domain) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_id, guid) DO NOTHING");
    q.bind(1, source_id).bind(2, e.guid).bind(3, e.url).bind(4, e.title).bind(5, e.summary).bind(6, join_lines(e.authors))
        .bind(7, seconds(e.published)).bind(8, e.image).bind(9, join_lines(videos)).bind(10, core::registrable_domain_of_url(e.url));
    ND_TRY(q.run());
    return db_.changes() > 0;
  }
  Result<std::vector<core::Enclosure>> videos_for_story(Id story_id) override {
    ND_PREPARE(q, db_, R"sql(SELECT fe.videos FROM feed_entries fe JOIN articles a ON a.id = fe.article_id
      WHERE a.story_id = ? AND fe.videos != '' ORDER BY a.published_at, a.id)sql");
    q.bind(1, story_id);
    std::vector<core::Enclosure> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      for (const auto& line : split_lines(q.text(0))) {
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
    ND_PREPARE(q, db_, fmt::format("SELECT {} FROM feed_entries WHERE state = 'new' ORDER BY published_at, id LIMIT ?", kEntryColumns));
    q.bind(1, static_cast<std::int64_t>(limit));
    return read_entries(q);
  }
  Result<std::vector<StoredEntry>> claim_pending(const Claim& claim, size_t limit, size_t per_site) override {
    // One statement, so one write transaction; round-robin over the sites of
    // the first waiting entries (see SqliteFeeds::claim_due).
    ND_PREPARE(q, db_, fmt::format(R"sql(UPDATE feed_entries SET lease_holder = ?1, lease_until = ?2 WHERE id IN (
        SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY domain ORDER BY id) AS turn FROM (
            SELECT id, domain FROM feed_entries WHERE state = 'new' AND (lease_until IS NULL OR lease_until <= ?3)
              AND domain NOT IN (SELECT domain FROM site_leases WHERE holder <> ?1 AND until > ?3)
            ORDER BY id LIMIT ?6))
        WHERE turn <= ?5 ORDER BY turn, id LIMIT ?4)
      RETURNING {})sql", kEntryColumns));
    q.bind(1, claim.holder).bind(2, seconds(claim.until)).bind(3, seconds(claim.now)).bind(4, static_cast<std::int64_t>(limit));
    q.bind(5, static_cast<std::int64_t>(std::min(per_site, limit))).bind(6, claim_candidates(limit));
    auto out = read_entries(q);
    if (!out) return out;
    std::sort(out->begin(), out->end(), [](const StoredEntry& a, const StoredEntry& b) { return a.id < b.id; });
    return out;
  }
  Result<void> release(const std::vector<Id>& entry_ids, const std::string& holder) override {
    ND_PREPARE(q, db_, R"sql(UPDATE feed_entries SET lease_holder = '', lease_until = NULL
      WHERE lease_holder = ?1 AND id IN (SELECT value FROM json_each(?2)))sql");
    q.bind(1, holder).bind(2, json_ids(entry_ids));
    return q.run();
  }
  Result<void> mark(Id entry_id, EntryState state, const std::string& error, std::optional<Id> article_id) override {
    ND_PREPARE(q, db_, "UPDATE feed_entries SET state = ?, error = ?, article_id = ?, lease_holder = '', lease_until = NULL WHERE id = ?");
    q.bind(1, entry_state_name(state)).bind(2, error).bind(3, article_id).bind(4, entry_id);
    return q.run();
  }
  Result<size_t> count(EntryState state) override {
    ND_PREPARE(q, db_, "SELECT count(*) FROM feed_entries WHERE state = ?");
    q.bind(1, entry_state_name(state));
    ND_TRY(q.step());
    return static_cast<size_t>(q.integer(0));
  }

 private:
  static constexpr const char* kEntryColumns = "id, source_id, domain, guid, url, title, summary, authors, published_at, image";
  static Result<std::vector<StoredEntry>> read_entries(Statement& q) {
    std::vector<StoredEntry> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      StoredEntry se;
      se.id = q.integer(0);
      se.source_id = q.integer(1);
      se.domain = q.text(2);
      se.entry.guid = q.text(3);
      se.entry.url = q.text(4);
      se.entry.title = q.text(5);
      se.entry.summary = q.text(6);
      se.entry.authors = split_lines(q.text(7));
      se.entry.published = optional_time(q, 8);
      se.entry.image = q.text(9);
      out.push_back(std::move(se));
    }
    return out;
  }
  Database& db_;
};

class SqliteArticles final : public ArticleRepository {
 public:
  explicit SqliteArticles(Database& db) : db_(db) {}
  Result<Added> add(const core::Article& a) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO articles(source_id, url, canonical_url, title, authors, published_at, modified_at,
      fetched_at, language, site_name, description, image_url, image_caption, text, html, page_type, page_type_confidence,
      published_offset, access, image_credit)
      VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(canonical_url) DO NOTHING)sql");
    q.bind(1, a.source_id).bind(2, a.url).bind(3, a.canonical_url).bind(4, a.title).bind(5, join_lines(a.authors))
        .bind(6, seconds(a.published)).bind(7, seconds(a.modified)).bind(8, seconds(a.fetched)).bind(9, a.language)
        .bind(10, a.site_name).bind(11, a.description).bind(12, a.image_url).bind(13, a.image_caption).bind(14, a.text)
        .bind(15, a.html).bind(16, core::to_string(a.page_type)).bind(17, a.page_type_confidence)
        .bind(18, a.published_offset).bind(19, core::to_string(a.access)).bind(20, a.image_credit);
    ND_TRY(q.run());
    if (db_.changes() > 0) return Added{db_.last_insert_id(), true};
    ND_PREPARE(find, db_, "SELECT id FROM articles WHERE canonical_url = ?");
    find.bind(1, a.canonical_url);
    ND_TRY(find.step());
    return Added{find.integer(0), false};
  }
  Result<std::optional<core::Article>> get(Id id) override {
    auto r = select(kWithPage, "WHERE id = ?", id);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Article>(std::move(r->front()));
  }
  Result<std::vector<core::Article>> unclustered() override {
    return select(kWithoutPage, "WHERE story_id IS NULL ORDER BY coalesce(published_at, fetched_at), id", std::nullopt);
  }
  Result<std::vector<core::Article>> clustered_since(TimePoint since) override {
    return select(kWithoutPage, "WHERE story_id IS NOT NULL AND coalesce(published_at, fetched_at) >= ? ORDER BY coalesce(published_at, fetched_at), id",
                  seconds(since));
  }
  Result<std::vector<core::Article>> by_story(Id story_id) override {
    return select(kWithPage, "WHERE story_id = ? ORDER BY coalesce(published_at, fetched_at), id", story_id);
  }
  Result<void> assign(Id article_id, Id story_id, std::optional<Id> copy_of) override {
    ND_PREPARE(q, db_, "UPDATE articles SET story_id = ?, copy_of = ? WHERE id = ?");
    q.bind(1, story_id).bind(2, copy_of).bind(3, article_id);
    return q.run();
  }
  Result<size_t> count() override {
    ND_PREPARE(q, db_, "SELECT count(*) FROM articles");
    ND_TRY(q.step());
    return static_cast<size_t>(q.integer(0));
  }
  Result<size_t> count_unclustered() override {
    ND_PREPARE(q, db_, "SELECT count(*) FROM articles WHERE story_id IS NULL");
    ND_TRY(q.step());
    return static_cast<size_t>(q.integer(0));
  }
  Result<std::vector<RankRow>> rank_rows(core::TimePoint since, const std::string& beat) override {
    // Through the stories' last_updated index, then each story's articles:
    // no article text is read.
    ND_PREPARE(q, db_, R"sql(SELECT a.id, a.story_id, a.source_id, a.published_at, a.copy_of, a.language, b.relevance
      FROM stories s JOIN articles a ON a.story_id = s.id
      LEFT JOIN article_beats b ON b.article_id = a.id AND b.beat = ?
      WHERE s.last_updated >= ? AND s.merged_into IS NULL)sql");
    q.bind(1, beat).bind(2, seconds(since));
    std::vector<RankRow> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      RankRow r;
      r.article_id = q.integer(0);
      r.story_id = q.integer(1);
      r.source_id = q.integer(2);
      r.published = optional_time(q, 3);
      if (auto c = q.optional_integer(4)) r.copy_of = *c;
      r.language = q.text(5);
      if (auto v = q.optional_real(6)) r.relevance = *v;
      out.push_back(std::move(r));
    }
    return out;
  }
  Result<void> set_relevance(Id article_id, const std::string& beat, double relevance) override {
    ND_PREPARE(q, db_, "INSERT INTO article_beats(article_id, beat, relevance) VALUES (?,?,?) "
                       "ON CONFLICT(article_id, beat) DO UPDATE SET relevance = excluded.relevance");
    q.bind(1, article_id).bind(2, beat).bind(3, relevance);
    return q.run();
  }
  Result<size_t> drop_text(TimePoint before, size_t limit) override {
    // One statement: the FTS trigger takes the old text out of the index
    // and puts the title back alone.
    ND_PREPARE(q, db_, R"sql(UPDATE articles SET text = '', html = '' WHERE id IN (
      SELECT id FROM articles
      WHERE fetched_at < ? AND (text <> '' OR html <> '') ORDER BY fetched_at LIMIT ?))sql");
    q.bind(1, seconds(before)).bind(2, static_cast<std::int64_t>(limit));
    ND_TRY(q.run());
    return static_cast<size_t>(db_.changes());
  }

 private:
  static constexpr bool kWithPage = true, kWithoutPage = false;
  Result<std::vector<core::Article>> select(bool page, const std::string& where, std::optional<std::int64_t> arg) {
    ND_PREPARE(q, db_, fmt::format("SELECT {} FROM articles {}", article_columns(page), where));
    if (arg) q.bind(1, *arg);
    std::vector<core::Article> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::Article a;
      a.id = q.integer(0);
      a.source_id = q.integer(1);
      a.url = q.text(2);
      a.canonical_url = q.text(3);
      a.title = q.text(4);
      a.authors = split_lines(q.text(5));
      a.published = optional_time(q, 6);
      a.modified = optional_time(q, 7);
      a.fetched = optional_time(q, 8);
      a.language = q.text(9);
      a.site_name = q.text(10);
      a.description = q.text(11);
      a.image_url = q.text(12);
      a.image_caption = q.text(13);
      a.text = q.text(14);
      a.html = q.text(15);
      a.page_type = core::page_type_from_string(q.text(16));
      a.page_type_confidence = q.real(17);
      a.story_id = q.optional_integer(18);
      a.copy_of = q.optional_integer(19);
      if (auto offset = q.optional_integer(20)) a.published_offset = static_cast<int>(*offset);
      a.access = core::access_from_string(q.text(21));
      a.image_credit = q.text(22);
      out.push_back(std::move(a));
    }
    return out;
  }
  Database& db_;
};

class SqliteStories final : public StoryRepository {
 public:
  explicit SqliteStories(Database& db) : db_(db) {}
  Result<void> save(const core::Story& s) override {
    ND_PREPARE(q, db_, R"sql(INSERT INTO stories(id, headline, first_seen, last_updated) VALUES (?,?,?,?)
      ON CONFLICT(id) DO UPDATE SET headline=excluded.headline, first_seen=excluded.first_seen, last_updated=excluded.last_updated)sql");
    q.bind(1, s.id).bind(2, s.headline).bind(3, seconds(s.first_seen)).bind(4, seconds(s.last_updated));
    return q.run();
  }
  Result<std::optional<core::Story>> get(Id id) override {
    // Follow merges (a chain of at most a few links; bounded against cycles).
    ND_PREPARE(follow, db_, "SELECT merged_into FROM stories WHERE id = ?");
    for (int hops = 0; hops < 16; ++hops) {
      follow.bind(1, id);
      auto row = follow.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row || follow.is_null(0)) break;
      id = follow.integer(0);
      follow.reset();
    }
    auto r = select("WHERE id = ?", id);
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? std::nullopt : std::optional<core::Story>(std::move(r->front()));
  }
  Result<std::vector<core::Story>> updated_since(TimePoint since) override {
    return select("WHERE last_updated >= ? AND merged_into IS NULL ORDER BY last_updated DESC, id", seconds(since));
  }
  Result<std::vector<core::Story>> headlines_since(TimePoint since) override {
    return select("WHERE last_updated >= ? AND merged_into IS NULL ORDER BY last_updated DESC, id", seconds(since),
                  /*with_article_ids=*/false);
  }
  Result<void> merge(Id from, Id into) override {
    if (from == into) return core::fail(ErrorCode::kInvalidInput, "a story cannot be merged into itself");
    ND_PREPARE(move, db_, "UPDATE articles SET story_id = ? WHERE story_id = ?");
    move.bind(1, into).bind(2, from);
    ND_TRY(move.run());
    ND_PREPARE(mark, db_, "UPDATE stories SET merged_into = ? WHERE id = ?");
    mark.bind(1, into).bind(2, from);
    ND_TRY(mark.run());
    if (db_.changes() == 0) return core::fail(ErrorCode::kNotFound, fmt::format("no story {}", from));
    return {};
  }
  Result<Id> max_id() override {
    ND_PREPARE(q, db_, "SELECT coalesce(max(id), 0) FROM stories");
    ND_TRY(q.step());
    return q.integer(0);
  }

 private:
  Result<std::vector<core::Story>> select(const std::string& where, std::int64_t arg, bool with_article_ids = true) {
    ND_PREPARE(q, db_, "SELECT id, headline, first_seen, last_updated FROM stories " + where);
    q.bind(1, arg);
    std::vector<core::Story> out;
    for (;;) {
      auto row = q.step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      core::Story s;
      s.id = q.integer(0);
      s.headline = q.text(1);
      s.first_seen = time_at(q.integer(2));
      s.last_updated = time_at(q.integer(3));
      out.push_back(std::move(s));
    }
    if (!with_article_ids) return out;
    ND_PREPARE(members, db_, "SELECT id FROM articles WHERE story_id = ? ORDER BY coalesce(published_at, fetched_at), id");
    for (auto& s : out) {
      members.bind(1, s.id);
      for (;;) {
        auto row = members.step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        s.article_ids.push_back(members.integer(0));
      }
      members.reset();
    }
    return out;
  }
  Database& db_;
};

}  // namespace

std::unique_ptr<SourceRepository> make_sqlite_sources(Database& db) { return std::make_unique<SqliteSources>(db); }
std::unique_ptr<FeedRepository> make_sqlite_feeds(Database& db) { return std::make_unique<SqliteFeeds>(db); }
std::unique_ptr<FeedEntryRepository> make_sqlite_entries(Database& db) { return std::make_unique<SqliteEntries>(db); }
std::unique_ptr<ArticleRepository> make_sqlite_articles(Database& db) { return std::make_unique<SqliteArticles>(db); }
std::unique_ptr<StoryRepository> make_sqlite_stories(Database& db) { return std::make_unique<SqliteStories>(db); }

}  // namespace newsdesk::store
