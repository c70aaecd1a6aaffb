// The lead image of an article page: the picture a reader would pick to show
// with the story, its caption and its credit, each once. Internal to
// extract/. Pure functions over a parsed page; safe to call concurrently on
// different pages.
#pragma once

#include <string>
#include <vector>

#include "extract/body.hpp"
#include "extract/html_document.hpp"
#include "extract/metadata.hpp"

namespace newsdesk::extract {

struct LeadImage {
  std::string url;      // absolute http(s); "" when the page shows nothing worth leading with
  std::string caption;  // without the credit
  std::string credit;   // "Jane Doe / Agency", without a "Photo:" label
};

// In order: the first image of the article that the page also declares
// (JSON-LD, og:image, twitter:image; URLs compared loosely: the same path or
// file name once size suffixes and queries are set aside); else the first
// large image of the article (width, height or srcset of ~300 px, or inside a
// <figure>); else the first declared image. Never a logo, avatar, icon,
// tracking pixel, ad, SVG or data: URL. Lazy loading (srcset, data-src,
// data-lazy-src, <picture><source>) counts; a srcset gives its largest.
// `container` is the body's container (Body::container), null without one:
// the article is the <article> or <main> around it, else its parent.
// Caption from the figure's <figcaption> (else the declared image's JSON-LD
// caption); credit from a credit element of the figure, else a "Photo: X"
// label in the caption, else JSON-LD creditText / copyrightHolder / author.
LeadImage find_lead_image(xmlNode* container, const Metadata& metadata, const std::string& page_url);

// Removes the body blocks that only repeat the lead image's caption or credit
// (a caption set again as a paragraph, a "Photo: Jane Doe" line).
void drop_caption_repeats(std::vector<Block>& blocks, const LeadImage& image);

// "Crew members on deck. Photo: Jane Doe / Agency" -> {"Crew members on deck.",
// "Jane Doe / Agency"}; a caption without such a label comes back whole.
std::pair<std::string, std::string> split_credit(const std::string& caption);

}  // namespace newsdesk::extract
