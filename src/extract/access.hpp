// Whether a page gave us its article or only the opening of it: a paywall or
// a consent wall leaves a teaser, which the desk must never show as the
// article (core::Access). Internal to extract/. Pure over a parsed page; safe
// to call concurrently on different pages.
#pragma once

#include <string>
#include <vector>

#include "core/types.hpp"
#include "extract/body.hpp"
#include "extract/html_document.hpp"
#include "extract/metadata.hpp"

namespace newsdesk::extract {

// In order:
// 1. JSON-LD isAccessibleForFree true, else <meta article:content_tier> "free": kFree.
// 2. isAccessibleForFree false (or content_tier "locked"): kTeaser unless the
//    page carries the full text anyway: the hasPart elements it marks as
//    paywalled (cssSelector) hold text, or the body is long and no paywall
//    line follows it (sites rename the parts they mark).
// 3. The page's shape: a short body followed by a paywall line ("Subscribe to
//    continue reading", "This article is for subscribers") is kTeaser, as is
//    a consent wall with next to no article; a long body without such a line
//    is kFree; anything else kUnknown ("metered" pages are judged here).
// `root` is the page, `container` the body's (Body::container, may be null),
// `blocks` the body. `why`, when given, is set to the reason, for --explain.
core::Access read_access(xmlNode* root, xmlNode* container, const Metadata& metadata,
                         const std::vector<Block>& blocks, std::string* why = nullptr);

}  // namespace newsdesk::extract
