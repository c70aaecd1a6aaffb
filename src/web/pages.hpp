// The public pages as HTML, from plain values. Pure; safe to call
// concurrently. Every value is escaped by the templates; links are only
// http(s) (anything else becomes "#").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace newsdesk::web {

struct SiteInfo {
  std::string name;         // "Daily Headlines"
  std::string support_url;  // optional
  std::string postal_address;
};

// A story ranking high on a beat right now (between editions).
struct LiveStory {
  core::Id story_id = 0;
  std::string headline;
  int outlets = 0;  // independent outlets
  core::TimePoint updated{};
  double score = 0;
};
struct LiveBeat {
  std::string beat;
  std::vector<LiveStory> stories;
};

// Today's headlines: the latest edition's stories, then each beat's live top stories.
std::string headlines_page(const SiteInfo& site, const std::optional<core::Edition>& edition,
                           const std::vector<LiveBeat>& live = {});

// A beat's live top stories as a feed: Atom, RSS 2.0 or JSON Feed 1.1.
std::string beat_atom(const LiveBeat& beat, const std::string& site_name, const std::string& site_url, core::TimePoint now);
std::string beat_rss(const LiveBeat& beat, const std::string& site_name, const std::string& site_url, core::TimePoint now);
std::string beat_json_feed(const LiveBeat& beat, const std::string& site_name, const std::string& site_url);

struct StoryArticle {
  core::Article article;
  std::string outlet;
};

// One story: every article with outlet, time and link; who reported first;
// copies marked; the lead image with its caption once.
// Why the story ranks where it does: its score for the site's beat and each
// term with how it was reached (rank::score_story's explanation).
struct StoryWhy {
  std::string beat;
  double score = 0;
  std::vector<std::pair<std::string, std::string>> terms;  // name, note
};

// `page_url` is the story page's own address, for the share links (which load
// nothing from elsewhere: plain links to X's compose page and to mail).
std::string story_page(const SiteInfo& site, const core::Story& story, const std::vector<StoryArticle>& articles,
                       const std::optional<StoryWhy>& why = std::nullopt, const std::string& page_url = "",
                       const std::vector<core::Enclosure>& videos = {});

std::string not_found_page(const SiteInfo& site);

// The site's frame (header, footer, styles) around `content_html`, which must
// already be escaped; with `refresh_seconds`, the page reloads itself (no script).
std::string page_layout(const SiteInfo& site, const std::string& title, const std::string& content_html, int refresh_seconds = 0);

// Search results: `query` as typed, page `page` (from 1) of `per_page`.
// Titles and snippets come marked (store::kMarkStart/kMarkEnd): escaped
// here, the matches highlighted.
struct SearchView {
  std::string query;
  size_t page = 1;
  size_t per_page = 20;
  size_t total = 0;
  struct Hit {
    std::string title, snippet, link, outlet, when;
  };
  std::vector<Hit> hits;
};
std::string search_page(const SiteInfo& site, const SearchView& view);

// Every edition, newest first, each linking its permanent page.
std::string archive_page(const SiteInfo& site, const std::vector<core::Edition>& editions);

// A reader's page reached from a link in their email: a heading, a message
// and, when `button` is set, a form with that one button posting to
// `action` (a path of ours, with the link's token).
struct SubscriptionPage {
  std::string title;
  std::string message;
  std::string button;  // "" = no form
  std::string action;
  std::string link_text = {};  // an onward link of ours ("" = none)
  std::string link = {};
};
std::string subscription_page(const SiteInfo& site, const SubscriptionPage& page);

struct EditionChoice {
  std::string name;
  bool chosen = true;
};

// The sign-up form: address, editions, time zone; a hidden form token and a
// honeypot field that people never see. `error` says what to fix.
std::string signup_page(const SiteInfo& site, const std::string& form_token, const std::vector<EditionChoice>& editions,
                        const std::string& error);

// A subscriber's preferences, reached by their signed link: editions, time
// zone, pause; with their data to export, or to erase, and unsubscribing.
struct PreferencesView {
  std::string email;
  std::string state;  // "subscribed", "not subscribed"
  std::vector<EditionChoice> editions;
  std::string time_zone;
  bool paused = false;
  std::string token;  // the preferences link's token, for the forms
  std::string unsubscribe_token;
  std::string saved;  // "" or what was saved
};
std::string preferences_page(const SiteInfo& site, const PreferencesView& view);

}  // namespace newsdesk::web
