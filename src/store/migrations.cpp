#include "store/migrations.hpp"

#include <fmt/format.h>

namespace newsdesk::store {

std::string article_columns(bool page) {
  return fmt::format(
      "id, source_id, url, canonical_url, title, authors, published_at, modified_at, fetched_at, language, site_name, "
      "description, image_url, image_caption, text, {}, page_type, page_type_confidence, story_id, copy_of, "
      "published_offset, access, image_credit",
      page ? "html" : "'' AS html");
}

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "sources, feeds, entries, articles, stories, editions, subscribers, deliveries", R"sql(
CREATE TABLE sources (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  feed_url    TEXT NOT NULL UNIQUE,
  site_url    TEXT NOT NULL DEFAULT '',
  country     TEXT NOT NULL DEFAULT '',
  language    TEXT NOT NULL DEFAULT '',
  weight      REAL NOT NULL DEFAULT 1.0,
  own         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE feeds (
  source_id            INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  etag                 TEXT NOT NULL DEFAULT '',
  last_modified        TEXT NOT NULL DEFAULT '',
  last_polled_at       INTEGER,
  last_success_at      INTEGER,
  last_error           TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stories (
  id            INTEGER PRIMARY KEY,
  headline      TEXT NOT NULL,
  first_seen    INTEGER NOT NULL,
  last_updated  INTEGER NOT NULL
);
CREATE INDEX stories_last_updated ON stories(last_updated);
CREATE TABLE articles (
  id             INTEGER PRIMARY KEY,
  source_id      INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  url            TEXT NOT NULL,
  canonical_url  TEXT NOT NULL UNIQUE,
  title          TEXT NOT NULL DEFAULT '',
  authors        TEXT NOT NULL DEFAULT '',
  published_at   INTEGER,
  published_offset INTEGER,
  modified_at    INTEGER,
  fetched_at     INTEGER,
  language       TEXT NOT NULL DEFAULT '',
  site_name      TEXT NOT NULL DEFAULT '',
  description    TEXT NOT NULL DEFAULT '',
  image_url      TEXT NOT NULL DEFAULT '',
  image_caption  TEXT NOT NULL DEFAULT '',
  text           TEXT NOT NULL DEFAULT '',
  html           TEXT NOT NULL DEFAULT '',
  page_type      TEXT NOT NULL DEFAULT 'article',
  page_type_confidence REAL NOT NULL DEFAULT 0,
  story_id       INTEGER REFERENCES stories(id),
  copy_of        INTEGER REFERENCES articles(id) ON DELETE SET NULL
);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_published ON articles(published_at);
CREATE TABLE feed_entries (
  id           INTEGER PRIMARY KEY,
  source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  guid         TEXT NOT NULL,
  url          TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  summary      TEXT NOT NULL DEFAULT '',
  authors      TEXT NOT NULL DEFAULT '',
  published_at INTEGER,
  image        TEXT NOT NULL DEFAULT '',
  state        TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new','fetched','failed','skipped')),
  error        TEXT NOT NULL DEFAULT '',
  article_id   INTEGER REFERENCES articles(id) ON DELETE SET NULL,
  UNIQUE (source_id, guid)
);
CREATE INDEX feed_entries_state ON feed_entries(state);
CREATE TABLE editions (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,
  date      TEXT NOT NULL,
  built_at  INTEGER NOT NULL,
  subject   TEXT NOT NULL,
  html      TEXT NOT NULL,
  text      TEXT NOT NULL,
  json      TEXT NOT NULL,
  UNIQUE (name, date)
);
CREATE TABLE edition_items (
  edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  story_id    INTEGER NOT NULL REFERENCES stories(id),
  headline    TEXT NOT NULL,
  summary     TEXT NOT NULL,
  url         TEXT NOT NULL,
  outlet      TEXT NOT NULL,
  score       REAL NOT NULL,
  outlets     INTEGER NOT NULL,
  section     TEXT NOT NULL,
  PRIMARY KEY (edition_id, position)
);
CREATE TABLE subscribers (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  state         TEXT NOT NULL CHECK (state IN ('pending','confirmed','unsubscribed','bounced')),
  time_zone     TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  confirmed_at  INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE TABLE deliveries (
  edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  state         TEXT NOT NULL CHECK (state IN ('queued','sending','sent','deferred','failed','bounced')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT NOT NULL DEFAULT '',
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (edition_id, subscriber_id)
);
CREATE INDEX deliveries_state ON deliveries(edition_id, state);
)sql"},
      {2, "stories that converged: merged_into points at the survivor", R"sql(
ALTER TABLE stories ADD COLUMN merged_into INTEGER REFERENCES stories(id);
)sql"},
      {3, "feed polling schedule and source health", R"sql(
ALTER TABLE feeds ADD COLUMN last_error_class TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN failing_since INTEGER;
ALTER TABLE feeds ADD COLUMN next_poll_at INTEGER;
ALTER TABLE feeds ADD COLUMN items_per_day REAL NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN polls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
CREATE INDEX feeds_next_poll ON feeds(next_poll_at);
)sql"},
      {4, "the editor's last word: edits to an edition, who and when", R"sql(
CREATE TABLE edition_edits (
  id        INTEGER PRIMARY KEY,
  edition   TEXT NOT NULL,
  date      TEXT NOT NULL,
  action    TEXT NOT NULL CHECK (action IN ('pin', 'drop', 'move', 'retitle')),
  story_id  INTEGER NOT NULL,
  position  INTEGER NOT NULL DEFAULT 0,
  title     TEXT NOT NULL DEFAULT '',
  editor    TEXT NOT NULL,
  at        INTEGER NOT NULL
);
CREATE INDEX edition_edits_by_edition ON edition_edits(edition, date, id);
)sql"},
      {5, "what an edition may show of a source's articles", R"sql(
ALTER TABLE sources ADD COLUMN excerpt TEXT NOT NULL DEFAULT 'summary' CHECK (excerpt IN ('summary', 'headline'));
)sql"},
      {6, "each article's relevance to each beat, computed once", R"sql(
CREATE TABLE article_beats (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  beat       TEXT NOT NULL,
  relevance  REAL NOT NULL,
  PRIMARY KEY (article_id, beat)
) WITHOUT ROWID;
)sql"},
      {7, "delivery retries, hard bounces, the bounce messages received, who is sending an edition, and settings such as the link secret", R"sql(
ALTER TABLE deliveries ADD COLUMN retry_at INTEGER;
ALTER TABLE deliveries ADD COLUMN first_attempt_at INTEGER;
ALTER TABLE deliveries ADD COLUMN relay TEXT NOT NULL DEFAULT '';
ALTER TABLE subscribers ADD COLUMN hard_bounces INTEGER NOT NULL DEFAULT 0;
CREATE TABLE bounces (
  id            INTEGER PRIMARY KEY,
  source        TEXT NOT NULL UNIQUE,
  received_at   INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint', 'ignore', 'unparsable')),
  subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
  edition_id    INTEGER,
  recipient     TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL DEFAULT '',
  detail        TEXT NOT NULL DEFAULT '',
  raw           BLOB NOT NULL
);
CREATE INDEX bounces_by_subscriber ON bounces(subscriber_id);
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE send_leases (
  edition_id   INTEGER PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
  holder       TEXT NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
)sql"},
      {8, "subscribers' choices (editions, pause) and the evidence of their consent", R"sql(
ALTER TABLE subscribers ADD COLUMN editions TEXT NOT NULL DEFAULT '';
ALTER TABLE subscribers ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
CREATE TABLE consents (
  id            INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  action        TEXT NOT NULL,
  at            INTEGER NOT NULL,
  ip            TEXT NOT NULL DEFAULT '',
  form_version  TEXT NOT NULL DEFAULT '',
  detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_by_subscriber ON consents(subscriber_id, id);
)sql"},
      {9, "full-text search over articles (FTS5, kept in step by triggers)", R"sql(
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id',
                                             tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
)sql"},
      {10, "the videos feeds attach to their items (for the story page)", R"sql(
ALTER TABLE feed_entries ADD COLUMN videos TEXT NOT NULL DEFAULT '';
)sql"},
      // The domains of rows written before this version are filled in by
      // the store right after it runs (backfill_sqlite_domains), in the same
      // transaction.
      {kWorkSharingMigration, "work shared through the database: leases on feeds and entries, sites' domains, site leases, leadership", R"sql(
ALTER TABLE sources ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN lease_until INTEGER;
ALTER TABLE feed_entries ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE feed_entries ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE feed_entries ADD COLUMN lease_until INTEGER;
CREATE INDEX feed_entries_waiting ON feed_entries(id) WHERE state = 'new';
CREATE TABLE site_leases (
  domain TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until  INTEGER NOT NULL
);
CREATE TABLE leases (
  role   TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until  INTEGER NOT NULL
);
)sql"},
      {12, "abuse limits counted by every process of the desk together (rate_limits)", R"sql(
CREATE TABLE rate_limits (
  key   TEXT PRIMARY KEY,
  hits  INTEGER NOT NULL,
  until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limits_by_end ON rate_limits(until);
)sql"},
      {13, "several senders share an edition: leases on its copies (deliveries.lease_holder, lease_until), not on the edition", R"sql(
ALTER TABLE deliveries ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
DROP TABLE send_leases;
)sql"},
      {14, "workers say they are alive (workers), so that each takes its share of the sites", R"sql(
CREATE TABLE workers (
  name       TEXT PRIMARY KEY,
  roles      TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  until      INTEGER NOT NULL
);
)sql"},
      {15, "an edition's copies still to send are found without walking those sent (the deliveries_waiting index)", R"sql(
CREATE INDEX deliveries_waiting ON deliveries(edition_id, subscriber_id) WHERE state IN ('queued', 'sending', 'deferred');
)sql"},
      // PostgreSQL's version 16 moves its search vectors out of the articles'
      // rows; SQLite's FTS5 index has always been a table of its own.
      {16, "(PostgreSQL only: the articles' search vectors in a table of their own)", R"sql(
SELECT 1;
)sql"},
      // PostgreSQL's version 17 has newsdesk make the search vectors; SQLite's
      // FTS5 tokenizer always made its own.
      {17, "(PostgreSQL only: the search vectors made by newsdesk, not by the server's parser)", R"sql(
SELECT 1;
)sql"},
      {18, "retention: the articles that still hold their text, by when they were fetched", R"sql(
CREATE INDEX articles_text_kept ON articles(fetched_at) WHERE text <> '' OR html <> '';
)sql"},
      {19, "paywalls and lead images: articles.access (free, teaser, unknown) and articles.image_credit", R"sql(
ALTER TABLE articles ADD COLUMN access TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE articles ADD COLUMN image_credit TEXT NOT NULL DEFAULT '';
)sql"},
  };
  return kMigrations;
}

}  // namespace newsdesk::store
