#include "app/article_pages.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "extract/pagination.hpp"

namespace newsdesk::app {
namespace {

// Where a fetch ended: the address after redirects, else the one asked for.
std::string fetched_address(const fetch::Response& r, const std::string& asked) {
  return r.final_url.empty() ? asked : r.final_url;
}

std::string why_not_fetched(const fetch::Response& r) {
  return fmt::format("{}: {}", fetch::to_string(r.outcome), r.error);
}

core::Result<extract::ExtractedPage> read_page(const fetch::Response& r, const std::string& address,
                                               const extract::Options& options) {
  return extract::extract_page(r.body, address, options, fetch::charset_of(r.content_type));
}

}  // namespace

std::vector<core::Result<core::Article>> read_articles(fetch::HttpFetcher& fetcher, const std::vector<std::string>& urls,
                                                       const std::vector<fetch::Response>& pages,
                                                       const extract::Options& options, const FollowOptions& follow) {
  const size_t n = std::min(urls.size(), pages.size());
  std::vector<core::Result<core::Article>> out(n, core::Article{});
  std::vector<std::optional<extract::ExtractedPage>> first(n);
  std::vector<std::string> address(n);
  for (size_t i = 0; i < n; ++i) {
    const fetch::Response& r = pages[i];
    if (r.outcome != fetch::Outcome::kFetched) {
      out[i] = core::fail(core::ErrorCode::kNetwork, why_not_fetched(r));
      continue;
    }
    address[i] = fetched_address(r, urls[i]);
    auto page = read_page(r, address[i], options);
    if (!page) {
      out[i] = tl::unexpected(page.error());
      continue;
    }
    first[i] = std::move(*page);
  }

  // A page that gave no article (a shell its scripts fill): its AMP version, once.
  if (follow.amp_fallback) {
    std::vector<size_t> asking;
    std::vector<fetch::Request> requests;
    for (size_t i = 0; i < n; ++i) {
      if (first[i] && !first[i]->links.amphtml.empty() && extract::wants_amp_version(first[i]->article)) {
        asking.push_back(i);
        requests.push_back({first[i]->links.amphtml, "", ""});
      }
    }
    auto answers = requests.empty() ? std::vector<fetch::Response>{} : fetcher.fetch_all(requests);
    for (size_t k = 0; k < answers.size(); ++k) {
      const size_t i = asking[k];
      const std::string& amp_url = requests[k].url;
      if (answers[k].outcome != fetch::Outcome::kFetched) {
        spdlog::warn("{}: its AMP version {} could not be fetched: {}", urls[i], amp_url, why_not_fetched(answers[k]));
        continue;
      }
      const std::string amp_address = fetched_address(answers[k], amp_url);
      auto amp = read_page(answers[k], amp_address, options);
      if (!amp) {
        spdlog::warn("{}: its AMP version {} could not be read: {}", urls[i], amp_address, amp.error().message);
        continue;
      }
      if (auto kept = extract::prefer_amp_version(first[i]->article, std::move(amp->article), amp_address)) {
        first[i] = extract::ExtractedPage{std::move(*kept), std::move(amp->links)};
        address[i] = amp_address;
      }
    }
  }

  // The further parts: a round per part, every article still wanting one together.
  std::vector<std::optional<extract::ArticleParts>> parts(n);
  for (size_t i = 0; i < n; ++i) {
    if (first[i]) parts[i].emplace(std::move(*first[i]), address[i], follow.follow_pages);
  }
  for (int round = 0; round < follow.follow_pages; ++round) {
    std::vector<size_t> asking;
    std::vector<fetch::Request> requests;
    for (size_t i = 0; i < n; ++i) {
      if (parts[i] && !parts[i]->next_url().empty()) {
        asking.push_back(i);
        requests.push_back({parts[i]->next_url(), "", ""});
      }
    }
    if (requests.empty()) break;
    auto answers = fetcher.fetch_all(requests);
    for (size_t k = 0; k < answers.size(); ++k) {
      extract::ArticleParts& article = *parts[asking[k]];
      const std::string& asked = requests[k].url;
      const std::string& url = urls[asking[k]];
      if (answers[k].outcome != fetch::Outcome::kFetched) {
        spdlog::warn("{}: part {} ({}) could not be fetched, the article keeps the {} part(s) it has: {}", url,
                     article.parts() + 1, asked, article.parts(), why_not_fetched(answers[k]));
        article.stop();
        continue;
      }
      const std::string part_address = fetched_address(answers[k], asked);
      auto part = read_page(answers[k], part_address, options);
      if (!part) {
        spdlog::warn("{}: part {} ({}) could not be read, the article keeps the {} part(s) it has: {}", url,
                     article.parts() + 1, part_address, article.parts(), part.error().message);
        article.stop();
        continue;
      }
      if (!article.add(std::move(*part), part_address)) {
        spdlog::info("{}: {} is no further part of the article (an index page, or a part already joined)", url,
                     part_address);
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (parts[i]) out[i] = parts[i]->article();
  }
  return out;
}

}  // namespace newsdesk::app
