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

// Today's headlines: the latest edition's stories.
std::string headlines_page(const SiteInfo& site, const std::optional<core::Edition>& edition);

struct StoryArticle {
  core::Article article;
  std::string outlet;
};

// One story: every article with outlet, time and link; who reported first;
// copies marked; the lead image with its caption once.
std::string story_page(const SiteInfo& site, const core::Story& story, const std::vector<StoryArticle>& articles);

std::string not_found_page(const SiteInfo& site);

// A reader's page reached from a link in their email: a heading, a message
// and, when `button` is set, a form with that one button posting to
// `action` (a path of ours, with the link's token).
struct SubscriptionPage {
  std::string title;
  std::string message;
  std::string button;  // "" = no form
  std::string action;
};
std::string subscription_page(const SiteInfo& site, const SubscriptionPage& page);

}  // namespace newsdesk::web
