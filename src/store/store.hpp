// The store: every persistent aggregate behind one repository interface each,
// so that nothing outside store/ writes SQL. Two backends mean the same by
// every call: SQLite (one file) and PostgreSQL (libpq). Schema and
// migrations: docs/schema.md.
//
// A Store and its repositories are used from one thread at a time; open one
// Store per thread (SQLite in WAL mode lets them share the file; each
// PostgreSQL store is a connection of its own).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::store {

using core::Id;
using core::Result;

// Work shared by several workers (threads, processes, machines) through the
// store, which is their only coordination point. A worker claims a batch under
// a lease that names it and runs out at `until`; what another worker holds
// under a live lease is skipped (PostgreSQL: FOR UPDATE SKIP LOCKED, so
// claimers never wait on each other); a worker that dies leaves its claims to
// the others once their leases run out. Finishing an item (FeedRepository::
// save_state, FeedEntryRepository::mark) lets go of its claim.
struct Claim {
  std::string holder;       // the worker: unique per worker ("host:pid:role")
  core::TimePoint now{};
  core::TimePoint until{};  // the lease's end
};

// How many of the oldest waiting rows a claim of `limit` spreads over their
// sites: enough to find many sites, few enough that a claim costs the same
// with a million rows waiting.
inline std::int64_t claim_candidates(size_t limit) { return static_cast<std::int64_t>(std::max<size_t>(limit, 1) * 16); }

class SourceRepository {
 public:
  virtual ~SourceRepository() = default;
  // Adds a source; kInvalidInput if its feed URL is already registered.
  virtual Result<Id> add(const core::Source& source) = 0;
  virtual Result<std::vector<core::Source>> list() = 0;
  virtual Result<std::optional<core::Source>> get(Id id) = 0;
  virtual Result<std::optional<core::Source>> find_by_feed_url(const std::string& url) = 0;
  // The feed moved for good (a permanent redirect): kInvalidInput if another
  // source already reads the new URL.
  virtual Result<void> set_feed_url(Id id, const std::string& url) = 0;
  // Removes a source and everything read from it; false when there was none.
  virtual Result<bool> remove(Id id) = 0;
};

// Conditional-GET and health state per source (one feed per source).
class FeedRepository {
 public:
  virtual ~FeedRepository() = default;
  virtual Result<core::FeedState> state(Id source_id) = 0;
  virtual Result<void> save_state(Id source_id, const core::FeedState& state) = 0;
  // The sources whose feed is due at `now` (never polled, or next poll
  // passed), soonest first; gone feeds are not.
  virtual Result<std::vector<Id>> due(core::TimePoint now) = 0;
  // When the next feed falls due; nullopt when no feed is polled any more.
  virtual Result<std::optional<core::TimePoint>> next_due() = 0;
  // Up to `limit` of the feeds due at `claim.now` (as due()), claimed for
  // `claim.holder` until `claim.until`: none that another holds under a live
  // lease, and none whose site (the feed URL's registrable domain) another
  // worker holds (SiteLeaseRepository). Taken round-robin over the sites of
  // the claim_candidates(limit) soonest due (each site's soonest, then its
  // next...), at most `per_site` of one site. save_state() lets go of the claim.
  virtual Result<std::vector<Id>> claim_due(const Claim& claim, size_t limit, size_t per_site) = 0;
  // Gives claimed feeds back unpolled (their site went to another worker, or
  // beyond this worker's share of the sites); PostgreSQL wakes idle pollers.
  virtual Result<void> release(const std::vector<Id>& source_ids, const std::string& holder) = 0;
};

enum class EntryState { kNew, kFetched, kFailed, kSkipped };

struct StoredEntry {
  Id id = 0;
  Id source_id = 0;
  std::string domain;  // the page URL's registrable domain (core::registrable_domain_of_url)
  core::FeedEntry entry;
  EntryState state = EntryState::kNew;
  std::string error;
};

class FeedEntryRepository {
 public:
  virtual ~FeedEntryRepository() = default;
  // Inserts an entry unless (source, guid) is known; true when it was new.
  virtual Result<bool> upsert(Id source_id, const core::FeedEntry& entry) = 0;
  // Entries waiting for their page to be fetched, oldest first.
  virtual Result<std::vector<StoredEntry>> pending(size_t limit) = 0;
  // Up to `limit` pending entries claimed for `claim.holder` until
  // `claim.until`: none that another holds under a live lease, and none
  // whose site another worker holds. Taken round-robin over the sites of the
  // claim_candidates(limit) oldest (as claim_due), at most `per_site` of one
  // site; returned oldest first. mark() lets go of the claim.
  virtual Result<std::vector<StoredEntry>> claim_pending(const Claim& claim, size_t limit, size_t per_site) = 0;
  // Gives claimed entries back unfetched (their site went to another worker,
  // or beyond this worker's share of the sites); PostgreSQL wakes idle fetchers.
  virtual Result<void> release(const std::vector<Id>& entry_ids, const std::string& holder) = 0;
  virtual Result<void> mark(Id entry_id, EntryState state, const std::string& error,
                            std::optional<Id> article_id) = 0;
  virtual Result<size_t> count(EntryState state) = 0;
  // The videos the feeds attached to the items of a story's articles
  // (their enclosures with a video type), each once.
  virtual Result<std::vector<core::Enclosure>> videos_for_story(Id story_id) = 0;
};

class ArticleRepository {
 public:
  virtual ~ArticleRepository() = default;
  struct Added {
    Id id = 0;
    bool inserted = false;  // false: the canonical URL was stored already
  };
  // Adds an article; when its canonical URL is already stored, returns the
  // existing id and leaves the row as it was (the same article reached twice).
  virtual Result<Added> add(const core::Article& article) = 0;
  virtual Result<std::optional<core::Article>> get(Id id) = 0;
  // Articles without a story yet, in publication order. What the story
  // writer reads, so without their pages (html empty): the pages are most of
  // an article's bytes and clustering never looks at them.
  virtual Result<std::vector<core::Article>> unclustered() = 0;
  virtual Result<size_t> count_unclustered() = 0;
  // Clustered articles published (or fetched) since `since`, in publication
  // order; without their pages, as unclustered().
  virtual Result<std::vector<core::Article>> clustered_since(core::TimePoint since) = 0;
  virtual Result<std::vector<core::Article>> by_story(Id story_id) = 0;
  virtual Result<void> assign(Id article_id, Id story_id, std::optional<Id> copy_of) = 0;
  virtual Result<size_t> count() = 0;

  // What ranking needs of an article, without its text: one row per article
  // of the stories updated since `since`, with its stored relevance to `beat`
  // (nullopt when not computed yet).
  struct RankRow {
    Id article_id = 0;
    Id story_id = 0;
    Id source_id = 0;
    std::optional<core::TimePoint> published;
    std::optional<Id> copy_of;
    std::string language;
    std::optional<double> relevance;
  };
  virtual Result<std::vector<RankRow>> rank_rows(core::TimePoint since, const std::string& beat) = 0;
  // An article's relevance to a beat, kept so it is computed once.
  virtual Result<void> set_relevance(Id article_id, const std::string& beat, double relevance) = 0;
  // Retention: drops the text and page of at most `limit` articles fetched
  // before `before`, keeping their metadata, story and links. Their text
  // leaves the search index; their title stays findable (the story page
  // and the outlet's link remain). Returns how many; 0 when none is left.
  virtual Result<size_t> drop_text(core::TimePoint before, size_t limit) = 0;
};

class StoryRepository {
 public:
  virtual ~StoryRepository() = default;
  // Inserts or updates a story by its id (the clusterer assigns ids).
  virtual Result<void> save(const core::Story& story) = 0;
  // The story, or the one it was merged into (followed to the end).
  virtual Result<std::optional<core::Story>> get(Id id) = 0;
  // Stories updated since `since`, most recently updated first; merged-away
  // stories are not listed.
  virtual Result<std::vector<core::Story>> updated_since(core::TimePoint since) = 0;
  // The same without each story's article ids (one query, for ranking).
  virtual Result<std::vector<core::Story>> headlines_since(core::TimePoint since) = 0;
  virtual Result<Id> max_id() = 0;
  // Folds story `from` into `into`: its articles move, and `from` is kept as a
  // pointer so that links to it still resolve (get(from) returns `into`).
  virtual Result<void> merge(Id from, Id into) = 0;
};

struct RenderedEdition {
  std::string html;
  std::string text;
  std::string json;
};

struct SentStory {
  Id story_id = 0;
  std::string date;        // the edition's date
  core::TimePoint sent_at{};  // when that edition was built
  int outlets = 0;         // independent outlets it had then
};

class EditionRepository {
 public:
  virtual ~EditionRepository() = default;
  // Saves (or replaces) the edition of (name, date) with its items.
  virtual Result<Id> save(const core::Edition& edition, const RenderedEdition& rendered) = 0;
  virtual Result<std::optional<core::Edition>> latest(const std::string& name) = 0;
  virtual Result<std::optional<core::Edition>> by_date(const std::string& name, const std::string& date) = 0;
  virtual Result<std::optional<RenderedEdition>> rendered(Id edition_id) = 0;
  virtual Result<std::vector<core::Edition>> list(const std::string& name, size_t limit) = 0;
  // The stories earlier editions of `name` (dated before `date`) carried:
  // for each, the latest edition's date, build time and outlet count then.
  virtual Result<std::vector<SentStory>> sent_before(const std::string& name, const std::string& date) = 0;
  // The editor's last word: recorded in order, read back in order.
  virtual Result<Id> add_edit(const core::EditionEdit& edit) = 0;
  virtual Result<std::vector<core::EditionEdit>> edits(const std::string& name, const std::string& date) = 0;
};

class SubscriberRepository {
 public:
  virtual ~SubscriberRepository() = default;
  // Adds a pending subscriber; an existing address is returned unchanged.
  virtual Result<Id> add(const std::string& email, const std::string& time_zone, core::TimePoint now) = 0;
  virtual Result<std::optional<core::Subscriber>> find_by_email(const std::string& email) = 0;
  virtual Result<void> set_state(Id id, core::SubscriberState state, core::TimePoint now) = 0;
  virtual Result<std::vector<core::Subscriber>> list(std::optional<core::SubscriberState> state) = 0;
  virtual Result<std::optional<core::Subscriber>> find(Id id) = 0;
  // Their editions (empty = every one), time zone and pause.
  virtual Result<void> set_preferences(Id id, const std::vector<std::string>& editions, const std::string& time_zone,
                                       bool paused, core::TimePoint now) = 0;
  virtual Result<void> add_consent(const core::Consent& consent) = 0;
  virtual Result<std::vector<core::Consent>> consents(Id id) = 0;
  // Erases a subscriber and everything kept about them (deliveries and
  // consents go with them; bounces keep the message without the link).
  virtual Result<void> erase(Id id) = 0;
  // Removes sign-ups never confirmed since before `created_before`.
  virtual Result<size_t> expire_pending(core::TimePoint created_before) = 0;
  // One more hard bounce; at `limit` the address is suppressed (state
  // 'bounced'). Returns the count so far.
  virtual Result<int> add_hard_bounce(Id id, int limit, core::TimePoint now) = 0;
};

// A copy that is due: the delivery row with the address it goes to.
struct DueDelivery {
  Id subscriber_id = 0;
  std::string email;
  core::DeliveryState state = core::DeliveryState::kQueued;
  int attempts = 0;
  std::optional<core::TimePoint> first_attempt_at;
};

struct DeliveryCounts {
  size_t queued = 0, sending = 0, sent = 0, deferred = 0, failed = 0, bounced = 0;
  std::optional<core::TimePoint> next_retry;  // the earliest deferred copy's time
  // Every copy of the edition in the ledger; 0 before its send began.
  size_t total() const { return queued + sending + sent + deferred + failed + bounced; }
};

// A bounce message as received and what was made of it.
struct BounceRecord {
  std::string source;  // where it came from (the Maildir file name): a message is applied once
  core::TimePoint received_at{};
  std::string kind;    // hard, soft, complaint, ignore, unparsable
  std::optional<Id> subscriber_id;
  std::optional<Id> edition_id;
  std::string recipient;
  std::string status;  // e.g. "5.1.1"
  std::string detail;  // the diagnostic, or why it could not be read
  std::string raw;
};

class BounceRepository {
 public:
  virtual ~BounceRepository() = default;
  virtual Result<bool> seen(const std::string& source) = 0;
  virtual Result<Id> add(const BounceRecord& bounce) = 0;
  virtual Result<std::vector<BounceRecord>> for_subscriber(Id subscriber_id) = 0;
  virtual Result<std::vector<BounceRecord>> recent(size_t limit) = 0;  // newest first, without the raw message
};

class DeliveryRepository {
 public:
  virtual ~DeliveryRepository() = default;
  // Queues one delivery per subscriber; existing rows are left as they are.
  virtual Result<size_t> enqueue(Id edition_id, const std::vector<Id>& subscriber_ids, core::TimePoint now) = 0;
  // Queues one delivery per confirmed subscriber who has none for the edition
  // (not paused, and who chose `edition_name` or every edition).
  virtual Result<size_t> enqueue_confirmed(Id edition_id, const std::string& edition_name, core::TimePoint now) = 0;
  // Moves a copy to `state`. 'sending' counts an attempt (and remembers the
  // first); 'deferred' waits until `retry_at`; `relay` names who took it.
  // Every state but 'sending' ends the copy's claim (claim_due): 'sending'
  // keeps it, so that no other sender takes a copy in flight.
  virtual Result<void> set_state(Id edition_id, Id subscriber_id, core::DeliveryState state,
                                 const std::string& error, core::TimePoint now,
                                 std::optional<core::TimePoint> retry_at = std::nullopt, const std::string& relay = "") = 0;
  // Several copies' moves at once, each as set_state() would make it, all or
  // none: a sender writes a copy's verdict with the next copy's 'sending' in
  // one statement (one round trip to PostgreSQL, where set_state() in a
  // transaction is four). The subscribers are distinct.
  struct StateChange {
    Id subscriber_id = 0;
    core::DeliveryState state = core::DeliveryState::kQueued;
    std::string error;
    core::TimePoint at{};
    std::optional<core::TimePoint> retry_at;
    std::string relay;
  };
  virtual Result<void> set_states(Id edition_id, const std::vector<StateChange>& changes) = 0;
  virtual Result<std::vector<core::Delivery>> in_state(Id edition_id, core::DeliveryState state) = 0;
  // Up to `limit` copies to send now, by subscriber id after `after`: those a
  // stopped run left 'sending', the 'queued', and the 'deferred' whose time
  // has come; to confirmed subscribers only.
  virtual Result<std::vector<DueDelivery>> due(Id edition_id, Id after, size_t limit, core::TimePoint now) = 0;
  virtual Result<DeliveryCounts> counts(Id edition_id) = 0;
  // Several senders of one edition share its copies. Up to `limit` of the
  // copies due at `claim.now` (as due() chooses them: those a stopped run
  // left 'sending', the 'queued', the 'deferred' whose time has come; to
  // confirmed subscribers only), in subscriber-id order, claimed for
  // `claim.holder` until `claim.until`: none that any holder (this one too)
  // holds under a live lease, so a copy a stopped run left 'sending' comes
  // back only when its lease has run out. set_state() to any state but
  // 'sending' ends the claim. PostgreSQL: FOR UPDATE SKIP LOCKED (claimers
  // never wait on each other); SQLite: one UPDATE ... RETURNING. Only
  // copies of subscribers after `after`: a sender goes on from its last
  // claim instead of walking again past every copy sent since the start
  // (whose old row versions PostgreSQL's index still holds until vacuumed);
  // it asks again from 0 when nothing is left after it.
  virtual Result<std::vector<DueDelivery>> claim_due(Id edition_id, const Claim& claim, size_t limit, Id after = 0) = 0;
  // Moves the lease of every copy of the edition `claim.holder` still holds
  // to `claim.until` (a sender renews well within its lease).
  virtual Result<void> renew(Id edition_id, const Claim& claim) = 0;
  // Gives back every copy of the edition `holder` holds, whatever its state
  // (a sender that stops, or one found dead); returns how many.
  virtual Result<size_t> release(Id edition_id, const std::string& holder) = 0;
  // Who holds copies of the edition under a live lease at `now`, by name.
  virtual Result<std::vector<std::string>> holders(Id edition_id, core::TimePoint now) = 0;
};

// Sites given to one worker at a time, so that several workers together never
// ask one site faster than fetch.per_domain_concurrency and per_domain_delay_ms
// and its robots.txt allow one desk: each worker's fetcher keeps a site's
// budget, and only the worker holding the site fetches from it.
class SiteLeaseRepository {
 public:
  virtual ~SiteLeaseRepository() = default;
  // Takes or renews `domain` for `claim.holder` until `claim.until` unless
  // another holds it under a live lease; true when the holder has it now.
  virtual Result<bool> take(const std::string& domain, const Claim& claim) = 0;
  // Ends `holder`'s leases on `domains` at `until` (a batch done): from then
  // on another worker may take them, so `until` leaves the site the
  // politeness gap after this holder's last request. The holder itself may
  // take them again at once.
  virtual Result<void> release(const std::vector<std::string>& domains, const std::string& holder,
                               core::TimePoint until) = 0;
  // Lets go of every site `holder` has (a worker stopping).
  virtual Result<void> release_all(const std::string& holder) = 0;
  // How many sites holders other than `holder` have under a live lease at `now`.
  virtual Result<size_t> held_by_others(const std::string& holder, core::TimePoint now) = 0;
};

// A worker alive: it says so (beat) well within its lease, and leaves when it
// stops; one that died counts as alive until its lease runs out. Workers
// size their share of the sites by how many others share their work.
struct LiveWorker {
  std::string name;
  std::string roles;  // comma-separated, as `worker --roles` takes them
  core::TimePoint started{};
  core::TimePoint until{};  // alive until then unless it beats again
  size_t sites = 0;         // the sites it holds (live() fills it in)
};

class WorkerRegistry {
 public:
  virtual ~WorkerRegistry() = default;
  virtual Result<void> beat(const LiveWorker& worker) = 0;
  virtual Result<void> leave(const std::string& name) = 0;
  // The workers alive at `now`, by name, each with how many sites it holds.
  virtual Result<std::vector<LiveWorker>> live(core::TimePoint now) = 0;
};

// Abuse limits counted by every process of the desk together (sign-ups per
// network and per address, admin logins per network), so that M web nodes
// behind one load balancer allow what one node would.
//
// Fixed windows: a key's window opens at the first hit after its previous
// window ended and lasts `window`; every hit in it counts (refused ones
// too), and the first hit after it opens the next at 1. So a caller that
// lets in hits up to `limit` lets in at most `limit` per window (2 x limit
// across the end of one window and the start of the next), and a client
// that keeps knocking once refused does not push its window further out.
// Keys are the caller's, prefixed by their kind ("signup-ip:..."); they must
// not hold an address in clear (callers hash what names a person).
class RateLimitRepository {
 public:
  virtual ~RateLimitRepository() = default;
  // Records one hit for `key` at `now` and returns the hits in its current
  // window, this one included (1 for the first). One statement, atomic
  // across connections and processes: n hits at once from any number of
  // stores return 1..n, each once. Windows that ended are deleted on the
  // way (prune, at most once a minute per store). kDatabase when the store
  // failed; then nothing was counted.
  virtual Result<int> hit(const std::string& key, core::TimePoint now, std::chrono::seconds window) = 0;
  // Deletes the windows that ended at or before `now`; returns how many.
  // PostgreSQL skips rows another connection is counting (they are live).
  virtual Result<size_t> prune(core::TimePoint now) = 0;
};

// Full-text search over articles, for the site. Marked text carries
// kMarkStart/kMarkEnd around the words that matched, for the page to escape
// the rest and highlight those. An interface a PostgreSQL backend can
// implement with tsvector.
struct SearchHit {
  Id article_id = 0;
  std::optional<Id> story_id;
  std::string title;    // marked
  std::string snippet;  // marked, a few dozen words around the matches
  std::string url;
  std::string outlet;
  std::optional<core::TimePoint> published;
};
struct SearchResults {
  std::vector<SearchHit> hits;
  size_t total = 0;  // every match, for pagination
};
inline constexpr char kMarkStart = '\x02';
inline constexpr char kMarkEnd = '\x03';

class SearchRepository {
 public:
  virtual ~SearchRepository() = default;
  // Articles matching every word of `query` (the last may be a prefix), best first.
  virtual Result<SearchResults> search(const std::string& query, size_t limit, size_t offset) = 0;
};

// The words of what a reader typed, as an FTS5 query: letters and digits
// only, each quoted; the last a prefix when long enough. Empty when nothing
// searchable is left. (PostgreSQL reads the same words into a tsquery.)
std::string search_words(const std::string& query);

// The desk's sizes, for /metrics: what is kept and what is waiting.
struct DeskCounts {
  size_t sources = 0;
  size_t feeds_gone = 0;
  std::vector<std::pair<std::string, size_t>> feeds_failing;  // by error class
  size_t entries_waiting = 0;  // announced by feeds, page not fetched yet
  size_t articles = 0;
  size_t stories = 0;
  std::vector<std::pair<std::string, size_t>> subscribers;  // by state
  std::vector<std::pair<std::string, size_t>> deliveries;   // by state, every edition
};

class Store {
 public:
  virtual ~Store() = default;
  virtual SourceRepository& sources() = 0;
  virtual FeedRepository& feeds() = 0;
  virtual FeedEntryRepository& entries() = 0;
  virtual ArticleRepository& articles() = 0;
  virtual StoryRepository& stories() = 0;
  virtual EditionRepository& editions() = 0;
  virtual SubscriberRepository& subscribers() = 0;
  virtual DeliveryRepository& deliveries() = 0;
  virtual BounceRepository& bounces() = 0;
  virtual SearchRepository& search() = 0;
  virtual SiteLeaseRepository& sites() = 0;
  virtual WorkerRegistry& workers() = 0;
  virtual RateLimitRepository& rate_limits() = 0;
  // Runs `work` in one transaction: committed when it succeeds, rolled back
  // when it returns an error.
  virtual Result<void> transaction(const std::function<Result<void>()>& work) = 0;
  virtual int schema_version() = 0;
  // Gives the space rows no longer use back to the disk, after retention
  // has emptied many of them. SQLite: VACUUM (its B-tree never merges the
  // pages that rows shrank in, so the file would keep growing) and a
  // truncating checkpoint; writers wait while it runs, WAL readers do not.
  // PostgreSQL: nothing (autovacuum marks the space and new rows reuse it).
  virtual Result<void> compact() = 0;
  // A secret of the desk by name (e.g. "links": the key that signs readers'
  // links), made from the system's random source the first time it is asked
  // for and kept, so that every process of the desk agrees on it.
  virtual Result<std::string> secret(const std::string& name) = 0;
  virtual Result<DeskCounts> counts() = 0;

  // The one worker of a role that needs a single writer (the story
  // clusterer, which must see articles in arrival order): taken or renewed by
  // `claim.holder` until `claim.until` unless another holds it under a live
  // lease; true while the holder leads. A leader renews well within the
  // lease; when it dies another takes over once the lease has run out.
  virtual Result<bool> lead(const std::string& role, const Claim& claim) = 0;
  // Waits until another process says there is new work on one of `channels`
  // ("poll": a source added; "fetch": new feed entries; "cluster": new
  // articles; "send": copies queued), or until `timeout`; true when woken.
  // PostgreSQL: LISTEN/NOTIFY (the tables' triggers notify), so idle workers
  // do not poll the tables; SQLite: sleeps the timeout (no notification
  // crosses processes there).
  virtual Result<bool> wait_for_work(const std::vector<std::string>& channels, std::chrono::milliseconds timeout) = 0;
};

// Opens (creating if needed) an SQLite store in WAL mode with foreign keys on,
// and applies pending migrations. kDatabase with SQLite's message on failure.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path);

// Connects to a PostgreSQL database (libpq's URL: postgresql://user:password@
// host:port/database?options) and applies pending migrations (the database
// must exist, be UTF8, and its owner be the URL's user, who creates the
// `unaccent` extension the first time). kInvalidInput naming what is wrong
// with a malformed URL; kDatabase naming host:port and the server's or
// libpq's message when it cannot connect or migrate, and when the schema is
// newer than this binary knows (then nothing is written). The password never
// appears in a message.
Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& url);

// Opens the store a location names: "postgresql://..." or "postgres://..."
// is a PostgreSQL database (open_postgresql_store); "sqlite:PATH", or any
// other string taken as a path, is an SQLite file (open_sqlite_store).
// kInvalidInput for "sqlite:" without a path.
Result<std::unique_ptr<Store>> open_store(const std::string& location);

}  // namespace newsdesk::store
