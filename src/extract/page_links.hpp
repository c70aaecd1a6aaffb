// Reading a parsed page's links to the rest of its article (the next part,
// the AMP version): the libxml2 side of pagination.hpp. Internal to extract/.
// Pure; safe to call concurrently on different documents.
#pragma once

#include <string>
#include <string_view>

#include "extract/html_document.hpp"
#include "extract/pagination.hpp"

namespace newsdesk::extract {

// A cheap look at the page's text before any walk: false when it holds none of
// what read_page_links() looks for (a rel naming "next", "amphtml", a
// pagination box's class, id or label), which is most single pages.
bool may_link_other_pages(std::string_view html);

// The page's next part and AMP version, resolved against `page_url`. The next
// part is, in this order: <link rel="next">, <a rel="next">, then in a
// pagination box (an element whose class, id, role or aria-label says
// pagination, pager, paging, page-links, page-numbers, ...) the link whose text
// is the next number or a "Next" word; each only when its address continues
// the page's (continuing_part_numbers), a numbered one only to the very next
// number and, when the box marks the current page, after that page.
PageLinks read_page_links(xmlNode* root, const std::string& page_url);

}  // namespace newsdesk::extract
