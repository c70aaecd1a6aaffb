#include "extract/pagination.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/strings.hpp"
#include "core/url.hpp"

namespace newsdesk::extract {
namespace {

// Page numbers above this are read as the numbers of articles (/news/4127),
// not of an article's pages.
constexpr int kMaxPartNumber = 999;

// Query parameters that number the pages of one document.
constexpr std::array<std::string_view, 9> kPageParameters = {"page",  "pg",    "paged", "pagenum", "pageno",
                                                             "pagina", "seite", "part",  "pag"};
// Words that stand before a page number in a path: /page/2, /page-2, story_p2.
constexpr std::array<std::string_view, 7> kPageWords = {"page", "p", "pg", "part", "seite", "pagina", "pag"};

bool is_page_word(std::string_view w) {
  std::string lower = core::to_lower_ascii(w);
  return std::find(kPageWords.begin(), kPageWords.end(), lower) != kPageWords.end();
}

// A page number: 1 to 3 digits, not 0.
std::optional<int> part_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > kMaxPartNumber) return std::nullopt;
  return n;
}

// A reading of an address as (the article's address without a page number, the number).
struct PartKey {
  std::string stem;
  int number = 1;
};

// "story-2", "story_p2", "story-page-2" -> ("story", 2); "page-2", "p2" ->
// ("", 2) (the whole segment is the number); nullopt without a page number at
// the end ("story2", "budget-2026").
std::optional<std::pair<std::string, int>> split_numbered_name(std::string_view name) {
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  auto number = part_number(name.substr(digits));
  if (!number) return std::nullopt;
  std::string_view head = name.substr(0, digits);
  bool separated = !head.empty() && (head.back() == '-' || head.back() == '_');
  if (separated) head.remove_suffix(1);
  size_t sep = head.find_last_of("-_");
  std::string_view word = sep == std::string_view::npos ? head : head.substr(sep + 1);
  if (is_page_word(word)) {
    head = sep == std::string_view::npos ? std::string_view() : head.substr(0, sep);
  } else if (!separated) {
    return std::nullopt;
  }
  return std::pair<std::string, int>{std::string(head), *number};
}

// Every way of reading `url` as (stem, number): as page 1 of itself, and, when
// it carries a page number, as that page of the stem without it.
std::vector<PartKey> part_keys(std::string_view url) {
  std::vector<PartKey> keys;
  auto parts = core::parse_http_url(url);
  if (!parts) return keys;
  // The scheme is left out: an article does not change by moving to https.
  std::string site = parts->host + (parts->port.empty() ? "" : ":" + parts->port);
  std::string path = parts->path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::vector<std::string> kept;
  std::optional<int> query_number;
  for (const auto& param : core::split(parts->query, '&')) {
    if (param.empty() || param.rfind("utm_", 0) == 0) continue;
    size_t eq = param.find('=');
    std::string name = core::to_lower_ascii(param.substr(0, eq));
    if (eq != std::string::npos && !query_number &&
        std::find(kPageParameters.begin(), kPageParameters.end(), name) != kPageParameters.end()) {
      if (auto n = part_number(std::string_view(param).substr(eq + 1))) {
        query_number = n;
        continue;
      }
    }
    kept.push_back(param);
  }
  std::sort(kept.begin(), kept.end());
  const std::string query = kept.empty() ? "" : "?" + core::join(kept, "&");
  if (query_number) {
    keys.push_back({site + path + query, *query_number});
    return keys;
  }
  keys.push_back({site + path + query, 1});
  size_t slash = path.rfind('/');
  std::string parent = path.substr(0, slash);
  std::string_view last = std::string_view(path).substr(slash + 1);
  if (last.empty()) return keys;
  // "/story/2", "/story/page/2".
  if (auto n = part_number(last)) {
    size_t up = parent.rfind('/');
    if (up != std::string::npos && is_page_word(std::string_view(parent).substr(up + 1))) parent.resize(up);
    keys.push_back({site + (parent.empty() ? "/" : parent) + query, *n});
    return keys;
  }
  // "/story-2.html", "/story/page-2", "/story_p2".
  size_t dot = last.rfind('.');
  std::string_view extension = dot == std::string_view::npos ? std::string_view() : last.substr(dot);
  std::string_view name = last.substr(0, last.size() - extension.size());
  if (auto split = split_numbered_name(name)) {
    std::string stem = split->first.empty() ? (parent.empty() ? "/" : parent)
                                            : parent + "/" + split->first + std::string(extension);
    keys.push_back({site + stem + query, split->second});
  }
  return keys;
}

std::string without_fragment(std::string_view url) {
  return std::string(url.substr(0, std::min(url.find('#'), url.size())));
}

}  // namespace

std::optional<std::pair<int, int>> continuing_part_numbers(std::string_view page_url, std::string_view candidate) {
  if (without_fragment(page_url) == without_fragment(candidate)) return std::nullopt;
  const auto page_keys = part_keys(page_url);
  const auto candidate_keys = part_keys(candidate);
  for (const auto& c : candidate_keys) {
    for (const auto& p : page_keys) {
      if (c.stem == p.stem && c.number > p.number) return std::pair<int, int>{p.number, c.number};
    }
  }
  return std::nullopt;
}

bool wants_amp_version(const core::Article& page) {
  if (page.text.empty()) return true;
  bool not_read_as_article = page.page_type == core::PageType::kOther || page.page_type == core::PageType::kIndex;
  return not_read_as_article && page.text.size() < 400;
}

std::optional<core::Article> prefer_amp_version(const core::Article& page, core::Article amp, std::string_view amp_url) {
  if (amp.page_type == core::PageType::kIndex || amp.text.size() <= page.text.size()) return std::nullopt;
  if (amp.canonical_url.empty() || without_fragment(amp.canonical_url) == without_fragment(amp_url)) {
    amp.canonical_url = page.canonical_url;
  }
  amp.url = page.url;
  if (amp.title.empty()) amp.title = page.title;
  if (amp.authors.empty()) amp.authors = page.authors;
  if (!amp.published) {
    amp.published = page.published;
    amp.published_offset = page.published_offset;
  }
  if (!amp.modified) amp.modified = page.modified;
  if (amp.site_name.empty()) amp.site_name = page.site_name;
  if (amp.description.empty()) amp.description = page.description;
  if (amp.image_url.empty()) {
    amp.image_url = page.image_url;
    amp.image_caption = page.image_caption;
  }
  if (amp.language.empty()) amp.language = page.language;
  return amp;
}

std::vector<std::string> top_level_elements(std::string_view html) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t open = html.find('<', pos);
    if (open == std::string_view::npos) break;
    size_t name_end = html.find_first_of(" >", open + 1);
    if (name_end == std::string_view::npos) name_end = html.size();
    // The sanitiser escapes every '<' of the text and never nests an element
    // in one of its own name at the top level: its closing tag ends it.
    std::string close = "</" + std::string(html.substr(open + 1, name_end - open - 1)) + ">";
    size_t end = html.find(close, name_end);
    end = end == std::string_view::npos ? html.size() : end + close.size();
    if (end < html.size() && html[end] == '\n') ++end;
    out.emplace_back(html.substr(open, end - open));
    pos = end;
  }
  return out;
}

ArticleParts::ArticleParts(ExtractedPage first, std::string_view first_url, int follow_pages)
    : first_(std::move(first.article)), follow_pages_(follow_pages) {
  seen_urls_.insert(without_fragment(first_url));
  seen_urls_.insert(without_fragment(first_.url));
  for (auto& line : core::split(first_.text, '\n')) {
    if (!line.empty() && seen_lines_.insert(line).second) lines_.push_back(std::move(line));
  }
  for (auto& element : top_level_elements(first_.html)) {
    if (seen_html_.insert(element).second) html_ += element;
  }
  // Pagination on a page that is not an article pages through an index.
  if (first_.page_type == core::PageType::kArticle) choose_next(first.links.next_part);
}

void ArticleParts::choose_next(const std::string& candidate) {
  next_.clear();
  if (candidate.empty() || parts_ > static_cast<size_t>(follow_pages_)) return;
  if (seen_urls_.count(without_fragment(candidate)) > 0) return;
  next_ = candidate;
}

bool ArticleParts::add(ExtractedPage part, std::string_view fetched_url) {
  const std::string asked = next_;
  next_.clear();
  if (part.article.page_type == core::PageType::kIndex) return false;
  // A redirect back to a part already joined (a loop the addresses hid).
  if (seen_urls_.count(without_fragment(fetched_url)) > 0) return false;
  std::vector<std::string> new_lines;
  for (auto& line : core::split(part.article.text, '\n')) {
    if (!line.empty() && seen_lines_.count(line) == 0) new_lines.push_back(std::move(line));
  }
  if (new_lines.empty()) return false;  // a page already joined, under another address
  for (auto& line : new_lines) {
    if (seen_lines_.insert(line).second) lines_.push_back(std::move(line));
  }
  for (auto& element : top_level_elements(part.article.html)) {
    if (seen_html_.insert(element).second) html_ += element;
  }
  seen_urls_.insert(without_fragment(asked));
  seen_urls_.insert(without_fragment(fetched_url));
  ++parts_;
  choose_next(part.links.next_part);
  return true;
}

core::Article ArticleParts::article() const {
  core::Article a = first_;
  if (parts_ > 1) {
    a.text = core::join(lines_, "\n");
    a.html = html_;
  }
  return a;
}

}  // namespace newsdesk::extract
