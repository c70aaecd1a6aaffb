// The desk's stages wired to the store: poll feeds, fetch and extract the
// articles they announce, group articles into stories, build an edition.
// Each stage reads its input from the store and writes its output back, so
// any stage can be re-run and a crash loses at most the item in hand.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "fetch/http_fetcher.hpp"
#include "rank/beat.hpp"
#include "rank/score.hpp"
#include "rank/story_bundle.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

struct PollReport {
  size_t feeds = 0;
  size_t not_modified = 0;
  size_t failed = 0;
  size_t new_entries = 0;
  size_t moved = 0;  // feeds whose URL was updated after a permanent redirect
  size_t gone = 0;   // feeds that answered 410 and are no longer polled
};
// Polls the feeds that are due (or, with `all`, every feed, gone ones
// included) once, with conditional GET; stores new entries, the source's
// health and the feed's next poll time. A broken feed is recorded against its
// source and costs only that feed.
core::Result<PollReport> poll_feeds(store::Store& store, fetch::HttpFetcher& fetcher, const core::PollConfig& config,
                                    core::TimePoint now, bool all = false);

struct FetchReport {
  size_t pages = 0;
  size_t articles = 0;  // new articles stored
  size_t failed = 0;
};
// Fetches and extracts the page of every pending entry.
core::Result<FetchReport> fetch_articles(store::Store& store, fetch::HttpFetcher& fetcher, const core::Config& config,
                                         core::TimePoint now);

// Polls the given sources' feeds once (what poll_feeds does after choosing
// them): for a worker that claimed them.
core::Result<PollReport> poll_sources(store::Store& store, fetch::HttpFetcher& fetcher, const core::PollConfig& config,
                                      const std::vector<core::Source>& sources, core::TimePoint now);

class Progress;

// What became of one entry's page, before anything is stored.
struct PageOutcome {
  store::EntryState state = store::EntryState::kFailed;
  std::string error;                                      // kFailed, kSkipped: why
  std::optional<core::Article> article;                   // kFetched
  std::vector<std::pair<std::string, double>> relevance;  // kFetched: per beat
};

// Pages of entries read, to be stored (ArticleFetcher::store): what the
// fetching and reading of a batch leaves for the store.
struct PagesRead {
  std::vector<store::StoredEntry> entries;
  std::vector<PageOutcome> outcomes;  // one per entry
};

// Fetches, extracts and stores the pages of given entries, each article with
// its relevance to every beat of the configuration (the beats are read once,
// here, not per batch). The entries are marked fetched, failed or skipped.
// read() then store(): a worker may store one batch on a connection of its
// own while it reads the next.
class ArticleFetcher {
 public:
  explicit ArticleFetcher(const core::Config& config);
  ~ArticleFetcher();
  // Fetches and reads the pages (the network and the CPU; nothing stored).
  PagesRead read(fetch::HttpFetcher& fetcher, std::vector<store::StoredEntry> entries, core::TimePoint now,
                 Progress* progress = nullptr) const;
  // Stores what read() found, in one transaction. Touches nothing of the
  // ArticleFetcher: any thread may call it with a store of its own.
  static core::Result<FetchReport> store(store::Store& store, const PagesRead& pages);

 private:
  const core::Config& config_;
  std::vector<std::unique_ptr<rank::BeatMatcher>> beats_;
};

struct ClusterReport {
  size_t articles = 0;
  size_t new_stories = 0;
  size_t copies = 0;
  size_t merged = 0;  // stories that converged with another
};
// Places every unclustered article into a story, after replaying the stories
// of the window so that new articles can join them (a StoryWriter for one
// round; a service keeps one StoryWriter alive instead).
core::Result<ClusterReport> cluster_articles(store::Store& store, const core::ClusterConfig& config, core::TimePoint now);

// Stories updated since `since`, with their articles and sources.
// The stories earlier editions of `edition` (before `date`) carried, as they were then.
core::Result<std::map<core::Id, rank::SentRecord>> sent_stories(store::Store& store, const std::string& edition,
                                                                const std::string& date);

// The stories updated since `since`, ranked for the configured beat as of
// `now` (earlier editions of `edition_date`'s edition counted for novelty).
// The bundles carry no article text: ranking reads each article's stored
// relevance (computed and stored here for articles that have none).
struct Ranking {
  std::vector<rank::StoryBundle> stories;
  std::vector<rank::StoryScore> ranked;
};
// Only the first `explain_top` scores carry their notes.
core::Result<Ranking> rank_recent(store::Store& store, const core::Config& config, core::TimePoint now,
                                  core::TimePoint since, const std::string& edition_date,
                                  size_t explain_top = SIZE_MAX);

struct BuiltEdition {
  core::Edition edition;
  std::vector<rank::StoryScore> ranked;
  std::vector<rank::StoryBundle> stories;  // full articles of the stories that could make the edition
  store::RenderedEdition rendered;
  std::string eml;
};
// Ranks the recent stories for the configured beat and builds and renders the
// edition of `date` (today's when empty) as it would be now, the editor's
// changes applied, storing nothing (the admin's preview; no `eml`).
core::Result<BuiltEdition> compose_edition(store::Store& store, const core::Config& config, core::TimePoint now,
                                           const std::string& date = "");
// compose_edition, then stores the edition and makes its file copy (`eml`).
core::Result<BuiltEdition> build_edition(store::Store& store, const core::Config& config, core::TimePoint now,
                                         const std::string& date = "");

// Writes edition.html, edition.txt, edition.json and edition.eml into `dir`.
core::Result<void> write_edition_files(const BuiltEdition& built, const std::filesystem::path& dir);

// The top stories as a table for a terminal.
std::string format_story_table(const BuiltEdition& built);

}  // namespace newsdesk::app
