// HTML page -> Article: metadata, body text without the page's boilerplate,
// and the body as sanitised HTML rebuilt from an allowlist.
// Pure (bytes in, value out, no I/O); safe to call concurrently.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "core/types.hpp"
#include "extract/pagination.hpp"

namespace newsdesk::extract {

struct Options {
  std::int64_t max_html_bytes = 20 * 1024 * 1024;  // larger input: kLimit
  int max_depth = 1000;                              // deeper elements are read as text
};

// `url` is where the page was fetched (resolves relative links, the default
// canonical URL). `http_charset` is the charset of the Content-Type header if
// known; it wins over the page's own <meta> declaration, as browsers do.
// Errors: kInvalidInput for empty or binary input, kLimit for oversize input.
// A page without an article body still returns an Article (page_type tells).
core::Result<core::Article> extract(std::string_view html, std::string_view url, const Options& options,
                                    std::string_view http_charset = {});

// extract(), and in the same pass the page's links to the rest of its article
// (the next part, the AMP version; pagination.hpp says which links count).
// A cheap look at the text first spares most single pages the search.
// Same inputs and errors as extract().
core::Result<ExtractedPage> extract_page(std::string_view html, std::string_view url, const Options& options,
                                         std::string_view http_charset = {});

// A report for people: the metadata found, the container chosen, and each
// text block with why it was kept or dropped. Same inputs as extract().
core::Result<std::string> explain(std::string_view html, std::string_view url, const Options& options,
                                  std::string_view http_charset = {});

}  // namespace newsdesk::extract
