// Articles split across pages, and a page's AMP version: which link leads to
// the next part of the same article, when the AMP version is worth reading,
// and how the parts join into one Article. The links themselves are read off
// a page by extract_page() (extract.hpp), in the same pass as its article.
// Pure (values in, values out, no I/O); the functions are safe to call
// concurrently; an ArticleParts is a value, one per article, for one thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/types.hpp"

namespace newsdesk::extract {

// The links a page gives to the rest of it, absolute; "" when it gives none.
struct PageLinks {
  // The next page of this same article: <link rel="next">, <a rel="next">, or
  // the next number in a pagination box, kept only when its address continues
  // the page's own (continuing_part_numbers). Never another host, an earlier
  // page, or a "next story" with an address of its own.
  std::string next_part;
  std::string amphtml;  // <link rel="amphtml" href>: the same article as an AMP page
};

// What extract_page() reads off one page.
struct ExtractedPage {
  core::Article article;
  PageLinks links;
};

// Whether `candidate` is a later page of the article at `page_url`, by the
// shape of the two addresses: the same host and the same address once a page
// number is taken out of each (a query parameter page=, pg=, paged=, part=,
// seite=, pagina=; a last path segment /2/, /page/2/, /page-2/; a suffix
// "-2.html", "_p2"), the candidate's number the higher (the page without one is
// page 1). Returns {the page's number, the candidate's}, or nullopt when the
// candidate is not such a page (another article, another host, an earlier
// page, the page itself, not an http(s) URL).
std::optional<std::pair<int, int>> continuing_part_numbers(std::string_view page_url, std::string_view candidate);

// Whether a page gave no article to speak of (no text, or a little text on a
// page not read as an article: a shell its scripts fill), so that its AMP
// version is worth fetching instead.
bool wants_amp_version(const core::Article& page);

// The article to keep from a page and its AMP version: the AMP page's when it
// holds more text and is not an index page, placed at the page's own address
// (url; its canonical URL when the AMP page names none but itself), the
// page's metadata filling what the AMP page lacks. nullopt when the AMP
// version is no better than the page.
std::optional<core::Article> prefer_amp_version(const core::Article& page, core::Article amp, std::string_view amp_url);

// One article read part by part: the first page, then each further part once,
// in order, up to a number of parts. Knows nothing of fetching: the caller
// fetches next_url() and hands the part back with add().
class ArticleParts {
 public:
  // `first` as extract_page() read it from `first_url` (where it was fetched,
  // after redirects). At most `follow_pages` further parts are asked for
  // (0: none), and none when the first page is not an article.
  ArticleParts(ExtractedPage first, std::string_view first_url, int follow_pages);

  // The address of the next part to fetch; "" once the article is complete
  // (no further part, `follow_pages` reached, a part that could not be read,
  // or an address already joined).
  const std::string& next_url() const { return next_; }

  // The part fetched from next_url(); `fetched_url` is where the fetch ended
  // (after redirects). Its blocks that an earlier part already holds (the
  // headline, furniture the extractor kept on every page) are left out.
  // Returns false, and ends the article, when it is no part of it: an index
  // page, an address already joined, or nothing the earlier parts lack.
  bool add(ExtractedPage part, std::string_view fetched_url);

  // Ends the article where it is (the next part could not be fetched or read).
  void stop() { next_.clear(); }

  size_t parts() const { return parts_; }

  // The parts joined: the first part's metadata, the texts (lines) and the
  // sanitised HTML (top-level elements) in order, each block once.
  core::Article article() const;

 private:
  void choose_next(const std::string& candidate);

  core::Article first_;
  std::vector<std::string> lines_;
  std::unordered_set<std::string> seen_lines_;
  std::string html_;
  std::unordered_set<std::string> seen_html_;
  std::unordered_set<std::string> seen_urls_;
  std::string next_;
  int follow_pages_ = 0;
  size_t parts_ = 1;
};

// The top-level elements of sanitised body HTML as extract() writes it
// ("<p>..</p>\n", a whole "<ul>..</ul>\n", "<pre>" with its lines), in order.
std::vector<std::string> top_level_elements(std::string_view html);

}  // namespace newsdesk::extract
