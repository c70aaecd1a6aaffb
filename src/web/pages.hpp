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

}  // namespace newsdesk::web
