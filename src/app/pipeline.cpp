#include "app/pipeline.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/article_pages.hpp"
#include "app/progress.hpp"
#include "app/sender.hpp"
#include "app/story_writer.hpp"
#include "cluster/canonical_url.hpp"
#include "cluster/story_clusterer.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"
#include "extract/extract.hpp"
#include "feed/feed.hpp"
#include "feed/schedule.hpp"
#include "rank/beat.hpp"

namespace newsdesk::app {
namespace {

// What one poll did to a feed, before it is written back.
struct PollResult {
  std::string error;        // "" on success
  std::string error_class;  // health class when it failed
  feed::Feed parsed;        // on success with a body
  bool has_feed = false;
};

PollResult read_response(const fetch::Response& r, const core::Source& source) {
  PollResult out;
  if (r.outcome == fetch::Outcome::kNotModified) return out;
  if (r.outcome != fetch::Outcome::kFetched) {
    out.error = r.error.empty() ? fetch::to_string(r.outcome) : r.error;
    out.error_class = r.outcome == fetch::Outcome::kGone ? "gone" : fetch::to_string(r.failure);
    return out;
  }
  auto parsed = feed::parse_feed(r.body, r.final_url.empty() ? source.feed_url : r.final_url,
                                 fetch::charset_of(r.content_type));
  if (!parsed) {
    out.error = parsed.error().message;
    bool not_a_feed = feed::looks_like_html(r.body) || out.error.find("not a feed") != std::string::npos ||
                      out.error.find("not XML") != std::string::npos || out.error.find("empty") != std::string::npos;
    out.error_class = not_a_feed ? "not a feed" : "parse error";
    return out;
  }
  out.parsed = std::move(*parsed);
  out.has_feed = true;
  return out;
}

}  // namespace

core::Result<PollReport> poll_feeds(store::Store& store, fetch::HttpFetcher& fetcher, const core::PollConfig& config,
                                    core::TimePoint now, bool all) {
  std::vector<core::Source> sources;
  if (all) {
    ND_TRY_ASSIGN(listed, store.sources().list());
    sources = std::move(*listed);
  } else {
    ND_TRY_ASSIGN(due, store.feeds().due(now));
    for (core::Id id : *due) {
      ND_TRY_ASSIGN(source, store.sources().get(id));
      if (*source) sources.push_back(std::move(**source));
    }
  }
  return poll_sources(store, fetcher, config, sources, now);
}

core::Result<PollReport> poll_sources(store::Store& store, fetch::HttpFetcher& fetcher, const core::PollConfig& config,
                                      const std::vector<core::Source>& sources, core::TimePoint now) {
  PollReport report;
  std::vector<fetch::Request> requests;
  std::vector<core::FeedState> states;
  for (const auto& s : sources) {
    ND_TRY_ASSIGN(state, store.feeds().state(s.id));
    requests.push_back({s.feed_url, state->etag, state->last_modified});
    states.push_back(*state);
  }
  Progress progress("polling feeds", requests.size());
  auto responses = fetcher.fetch_all(requests);
  for (size_t i = 0; i < responses.size(); ++i) {
    const auto& source = sources[i];
    const auto& r = responses[i];
    core::FeedState& st = states[i];
    st.last_polled = now;
    ++st.polls;
    ++report.feeds;
    progress.advance();
    PollResult result = read_response(r, source);
    feed::PollFacts facts;
    facts.feed_id = source.id;
    facts.attempt = st.polls;
    facts.fresh_for_seconds = r.fresh_for_seconds;
    facts.retry_after_seconds = r.retry_after_seconds;
    if (r.outcome == fetch::Outcome::kNotModified) ++report.not_modified;
    if (result.has_feed) {
      const feed::Feed& parsed = result.parsed;
      for (const auto& w : parsed.warnings) spdlog::warn("{}: {}", source.feed_url, w);
      std::vector<core::TimePoint> dates;
      size_t added_here = 0;
      auto stored = store.transaction([&]() -> core::Result<void> {
        for (const auto& e : parsed.entries) {
          if (e.published) dates.push_back(*e.published);
          ND_TRY_ASSIGN(added, store.entries().upsert(source.id, e));
          if (*added) ++added_here;
        }
        return {};
      });
      if (!stored) return tl::unexpected(stored.error());
      report.new_entries += added_here;
      // How often it publishes: from its items' dates, else from what was new
      // since the last poll.
      std::optional<double> reading = feed::items_per_day(dates, now);
      if (!reading && st.last_success) {
        double days = std::chrono::duration<double>(now - *st.last_success).count() / 86400.0;
        if (days > 0) reading = static_cast<double>(added_here) / std::max(days, 1.0 / 24.0);
      }
      st.items_per_day = feed::blend_items_per_day(st.items_per_day, reading);
      st.etag = r.etag;
      st.last_modified = r.last_modified;
      facts.ttl_minutes = parsed.ttl_minutes;
      facts.skip_hours = parsed.skip_hours;
    }
    if (r.moved_permanently_to && *r.moved_permanently_to != source.feed_url) {
      // The feed moved for good: read it at its new address from now on.
      auto moved = store.sources().set_feed_url(source.id, *r.moved_permanently_to);
      if (moved) {
        spdlog::info("source {}: the feed moved permanently to {}", source.id, *r.moved_permanently_to);
        ++report.moved;
      } else {
        spdlog::warn("source {}: the feed moved to {}, but {}", source.id, *r.moved_permanently_to, moved.error().message);
      }
    }
    if (result.error.empty()) {
      st.last_success = now;
      st.last_error.clear();
      st.last_error_class.clear();
      st.consecutive_failures = 0;
      st.failing_since.reset();
    } else {
      ++report.failed;
      st.last_error = result.error;
      st.last_error_class = result.error_class;
      ++st.consecutive_failures;
      if (!st.failing_since) st.failing_since = now;
      facts.failed = true;
      facts.consecutive_failures = st.consecutive_failures;
      spdlog::warn("source {} ({}): {}: {}", source.id, source.feed_url, result.error_class, result.error);
    }
    facts.items_per_day = st.items_per_day;
    if (r.outcome == fetch::Outcome::kGone) {
      // 410: the publisher says the feed is gone for good; stop asking, keep the source.
      st.gone = true;
      st.next_poll.reset();
      ++report.gone;
    } else {
      st.gone = false;
      st.next_poll = feed::next_poll(facts, config, now);
    }
    ND_TRY(store.feeds().save_state(source.id, st));
  }
  return report;
}

ArticleFetcher::ArticleFetcher(const core::Config& config) : config_(config) {
  // Every beat of the configuration (the built-in one and [beats.*]): each
  // article gets a relevance to each, once, while its text is in hand.
  std::vector<std::string> beat_names = {"military"};
  for (const auto& b : config.beats) {
    if (std::find(beat_names.begin(), beat_names.end(), b.name) == beat_names.end()) beat_names.push_back(b.name);
  }
  for (const auto& name : beat_names) {
    if (auto profile = rank::beat_named(name, config.beats)) beats_.push_back(std::make_unique<rank::BeatMatcher>(*profile));
  }
}

ArticleFetcher::~ArticleFetcher() = default;

core::Result<FetchReport> fetch_articles(store::Store& store, fetch::HttpFetcher& fetcher, const core::Config& config,
                                         core::TimePoint now) {
  FetchReport report;
  ArticleFetcher articles(config);
  constexpr size_t kBatch = 64;
  ND_TRY_ASSIGN(waiting, store.entries().count(store::EntryState::kNew));
  Progress progress("fetching articles", *waiting);
  for (;;) {
    ND_TRY_ASSIGN(pending, store.entries().pending(kBatch));
    if (pending->empty()) break;
    ND_TRY_ASSIGN(batch, ArticleFetcher::store(store, articles.read(fetcher, std::move(*pending), now, &progress)));
    report.pages += batch->pages;
    report.articles += batch->articles;
    report.failed += batch->failed;
  }
  return report;
}

// First every page is read (the work of the CPU), then the batch is stored in
// one transaction: a commit per batch rather than several per article, and
// no write held open while pages are read.
PagesRead ArticleFetcher::read(fetch::HttpFetcher& fetcher, std::vector<store::StoredEntry> entries, core::TimePoint now,
                               Progress* progress) const {
  extract::Options options{config_.extract.max_html_bytes, config_.extract.max_depth};
  std::vector<fetch::Request> requests;
  std::vector<std::string> urls;
  for (const auto& p : entries) {
    requests.push_back({p.entry.url, "", ""});
    urls.push_back(p.entry.url);
  }
  auto responses = fetcher.fetch_all(requests);
  // Each page with its further parts and, for a page that gave no article, its AMP version.
  auto articles = read_articles(fetcher, urls, responses, options,
                                FollowOptions{config_.extract.follow_pages, /*amp_fallback=*/true});
  PagesRead read;
  read.outcomes.resize(responses.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    const auto& entry = entries[i];
    PageOutcome& out = read.outcomes[i];
    if (progress != nullptr) progress->advance();
    auto& article = articles[i];
    if (!article) {
      out.error = article.error().message;
      spdlog::warn("{}: {}", entry.entry.url, out.error);
      continue;
    }
    core::Article& a = *article;
    a.source_id = entry.source_id;
    a.fetched = now;
    a.canonical_url = cluster::canonical_url(a.canonical_url);
    // The feed's word fills what the page did not say.
    if (a.title.empty()) a.title = entry.entry.title;
    if (!a.published) a.published = entry.entry.published;
    if (a.authors.empty()) a.authors = entry.entry.authors;
    if (a.description.empty()) a.description = entry.entry.summary;
    if (a.image_url.empty()) a.image_url = entry.entry.image;
    if (a.page_type == core::PageType::kIndex) {
      out.state = store::EntryState::kSkipped;
      out.error = "not an article (index page)";
      continue;
    }
    // Relevance to each beat, while the text is in hand: ranking then reads
    // it instead of the text.
    for (const auto& beat : beats_) {
      out.relevance.emplace_back(beat->beat().name, beat->relevance(a.title, a.text, a.language));
    }
    out.state = store::EntryState::kFetched;
    out.article = std::move(a);
  }
  read.entries = std::move(entries);
  return read;
}

core::Result<FetchReport> ArticleFetcher::store(store::Store& store, const PagesRead& pages) {
  FetchReport report;
  auto written = store.transaction([&]() -> core::Result<void> {
    report = {};
    for (size_t i = 0; i < pages.outcomes.size(); ++i) {
      const PageOutcome& out = pages.outcomes[i];
      const core::Id entry_id = pages.entries[i].id;
      ++report.pages;
      if (out.state != store::EntryState::kFetched) {
        if (out.state == store::EntryState::kFailed) ++report.failed;
        ND_TRY(store.entries().mark(entry_id, out.state, out.error, std::nullopt));
        continue;
      }
      ND_TRY_ASSIGN(added, store.articles().add(*out.article));
      if (added->inserted) {
        ++report.articles;
        for (const auto& [beat, relevance] : out.relevance) {
          ND_TRY(store.articles().set_relevance(added->id, beat, relevance));
        }
      }
      ND_TRY(store.entries().mark(entry_id, store::EntryState::kFetched, "", added->id));
    }
    return {};
  });
  if (!written) return tl::unexpected(written.error());
  return report;
}

core::Result<ClusterReport> cluster_articles(store::Store& store, const core::ClusterConfig& config, core::TimePoint now) {
  StoryWriter writer(config);
  return writer.round(store, now);
}

core::Result<std::map<core::Id, rank::SentRecord>> sent_stories(store::Store& store, const std::string& edition,
                                                                const std::string& date) {
  ND_TRY_ASSIGN(sent, store.editions().sent_before(edition, date));
  std::map<core::Id, rank::SentRecord> out;
  for (const auto& s : *sent) out[s.story_id] = {s.date, s.sent_at, s.outlets};
  return out;
}

core::Result<Ranking> rank_recent(store::Store& store, const core::Config& config, core::TimePoint now,
                                  core::TimePoint since, const std::string& edition_date, size_t explain_top) {
  ND_TRY_ASSIGN(beat_profile, rank::beat_named(config.rank.beat, config.beats));
  rank::BeatMatcher beat(*beat_profile);
  // What ranking needs, without article text; an article's relevance to the
  // beat is computed once (at ingest, else here) and kept.
  ND_TRY_ASSIGN(rows, store.articles().rank_rows(since, beat_profile->name));
  auto filled = store.transaction([&]() -> core::Result<void> {
    for (auto& r : *rows) {
      if (r.relevance) continue;
      ND_TRY_ASSIGN(article, store.articles().get(r.article_id));
      if (!*article) continue;
      r.relevance = beat.relevance((*article)->title, (*article)->text, (*article)->language);
      ND_TRY(store.articles().set_relevance(r.article_id, beat_profile->name, *r.relevance));
    }
    return {};
  });
  if (!filled) return tl::unexpected(filled.error());
  ND_TRY_ASSIGN(sources, store.sources().list());
  std::map<core::Id, core::Source> source_by_id;
  for (const auto& s : *sources) source_by_id[s.id] = s;
  ND_TRY_ASSIGN(stories, store.stories().headlines_since(since));
  std::unordered_map<core::Id, size_t> at;
  Ranking out;
  out.stories.reserve(stories->size());
  for (auto& s : *stories) {
    at[s.id] = out.stories.size();
    out.stories.push_back({std::move(s), {}});
  }
  std::vector<size_t> sizes(out.stories.size(), 0);
  for (const auto& r : *rows) {
    auto story = at.find(r.story_id);
    if (story != at.end()) ++sizes[story->second];
  }
  for (size_t i = 0; i < sizes.size(); ++i) out.stories[i].articles.reserve(sizes[i]);
  for (const auto& r : *rows) {
    auto story = at.find(r.story_id);
    auto source = source_by_id.find(r.source_id);
    if (story == at.end() || source == source_by_id.end()) continue;
    rank::CoveredArticle& ca = out.stories[story->second].articles.emplace_back();
    ca.article.id = r.article_id;
    ca.article.source_id = r.source_id;
    ca.article.story_id = r.story_id;
    ca.article.published = r.published;
    ca.article.copy_of = r.copy_of;
    ca.article.language = r.language;
    ca.source = source->second;
    ca.relevance = r.relevance;
  }
  std::erase_if(out.stories, [](const rank::StoryBundle& b) { return b.articles.empty(); });
  ND_TRY_ASSIGN(sent, sent_stories(store, config.edition.name, edition_date));
  out.ranked = rank::rank_stories(out.stories, beat, config.rank, now, *sent, explain_top);
  return out;
}

core::Result<BuiltEdition> compose_edition(store::Store& store, const core::Config& config, core::TimePoint now,
                                           const std::string& date_wanted) {
  BuiltEdition built;
  // The edition's date is local to its time zone.
  std::string date = date_wanted;
  if (date.empty()) {
    ND_TRY_ASSIGN(today, core::local_date(now, config.edition.time_zone));
    date = *today;
  }
  // Notes for the stories that can make the edition (and some to spare).
  size_t explained = static_cast<size_t>(config.edition.stories) * 3 + 20;
  ND_TRY_ASSIGN(ranking, rank_recent(store, config, now, now - std::chrono::hours(72), date, explained));
  built.ranked = std::move(ranking->ranked);
  ND_TRY_ASSIGN(edits, store.editions().edits(config.edition.name, date));
  // Full articles (text for summaries, titles and links for the coverage) for
  // the stories that can make the edition: the best on-beat ones, with room
  // for the caps to pass some over, and every story the editor touched.
  std::set<core::Id> wanted;
  for (const auto& e : *edits) wanted.insert(e.story_id);
  size_t room = static_cast<size_t>(config.edition.stories) * 3;
  for (const auto& r : built.ranked) {
    if (wanted.size() >= room + edits->size()) break;
    if (r.on_beat && !r.already_sent) wanted.insert(r.story_id);
  }
  for (auto& light : ranking->stories) {
    if (!wanted.count(light.story.id)) continue;
    ND_TRY_ASSIGN(articles, store.articles().by_story(light.story.id));
    rank::StoryBundle full{light.story, {}};
    for (auto& a : *articles) {
      auto same = std::find_if(light.articles.begin(), light.articles.end(),
                               [&](const rank::CoveredArticle& c) { return c.article.id == a.id; });
      if (same == light.articles.end()) continue;
      full.articles.push_back({std::move(a), same->source, same->relevance});
    }
    built.stories.push_back(std::move(full));
  }
  built.edition = edition::build_edition(built.stories, built.ranked, config.edition, now, date, *edits);
  std::string site = config.edition.site_url;
  edition::Links links{site + "/unsubscribe", site + "/preferences", site + "/edition/" + date, ""};
  built.rendered.html = edition::render_html(built.edition, config.edition, links);
  built.rendered.text = edition::render_text(built.edition, config.edition, links);
  built.rendered.json = edition::render_json(built.edition);
  return built;
}

core::Result<BuiltEdition> build_edition(store::Store& store, const core::Config& config, core::TimePoint now,
                                         const std::string& date_wanted) {
  ND_TRY_ASSIGN(composed, compose_edition(store, config, now, date_wanted));
  BuiltEdition built = std::move(*composed);
  ND_TRY_ASSIGN(id, store.editions().save(built.edition, built.rendered));
  built.edition.id = *id;
  const std::string site = config.edition.site_url;
  edition::Links links{site + "/unsubscribe", site + "/preferences", site + "/edition/" + built.edition.date, ""};
  // The file copy, addressed to a sample reader.
  ND_TRY_ASSIGN(signer, dkim_signer(config.mail));
  ND_TRY_ASSIGN(eml, edition_email(config, built.edition, "Reader <reader@example.com>", "file", links.unsubscribe_url,
                                   built.rendered.text, built.rendered.html, now, signer->has_value() ? &**signer : nullptr));
  built.eml = std::move(*eml);
  return built;
}

core::Result<void> write_edition_files(const BuiltEdition& built, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", dir.string(), ec.message()));
  for (auto [name, body] : {std::pair<const char*, const std::string*>{"edition.html", &built.rendered.html},
                            {"edition.txt", &built.rendered.text}, {"edition.json", &built.rendered.json},
                            {"edition.eml", &built.eml}}) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out << *body;
    if (!out) return core::fail(core::ErrorCode::kIo, fmt::format("{}: cannot write", (dir / name).string()));
  }
  return {};
}

std::string format_story_table(const BuiltEdition& built) {
  auto cut = [](const std::string& s, size_t width) {
    if (s.size() <= width) return s;
    size_t end = width - 3;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end) + "...";
  };
  std::string out = fmt::format("{:>2}  {:<64}  {:>7}  {:>7}\n", "#", "Headline", "Outlets", "Score");
  out += std::string(86, '-') + "\n";
  int n = 0;
  for (const auto& item : built.edition.items) {
    out += fmt::format("{:>2}  {:<64}  {:>7}  {:>7.1f}\n", ++n, cut(item.headline, 64), item.outlets, item.score);
  }
  return out;
}

}  // namespace newsdesk::app
