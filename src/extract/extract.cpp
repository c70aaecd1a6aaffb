#include "extract/extract.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "text/language.hpp"
#include "extract/access.hpp"
#include "extract/body.hpp"
#include "extract/lead_image.hpp"
#include "text/charset.hpp"
#include "extract/html_document.hpp"
#include "extract/live_blog.hpp"
#include "extract/metadata.hpp"
#include "extract/page_links.hpp"
#include "extract/shell_page.hpp"

namespace newsdesk::extract {
namespace {

bool looks_binary(std::string_view s) {
  size_t sample = std::min<size_t>(s.size(), 1024);
  size_t control = 0;
  for (size_t i = 0; i < sample; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x09 || (c > 0x0D && c < 0x20)) ++control;
  }
  return sample > 0 && control * 10 > sample;
}

// The lead figure first, its credit apart inside the caption; then the body.
std::string sanitised_html(const Body& body, const std::string& image_url, const std::string& caption,
                           const std::string& credit) {
  std::string out;
  if (core::is_http_url(image_url)) {
    out += fmt::format("<figure><img src=\"{}\" alt=\"{}\">", core::html_escape(image_url), core::html_escape(caption));
    if (!caption.empty() || !credit.empty()) {
      out += "<figcaption>" + core::html_escape(caption);
      if (!credit.empty()) out += std::string(caption.empty() ? "" : " ") + "<small class=\"credit\">" + core::html_escape(credit) + "</small>";
      out += "</figcaption>";
    }
    out += "</figure>\n";
  }
  const void* open_list = nullptr;
  bool open_ordered = false;
  auto close_list = [&] {
    if (open_list != nullptr) out += open_ordered ? "</ol>\n" : "</ul>\n";
    open_list = nullptr;
  };
  for (const auto& b : body.blocks) {
    if (b.kind != BlockKind::kListItem || b.list != open_list) close_list();
    const std::string& text = b.html;
    switch (b.kind) {
      case BlockKind::kParagraph: out += "<p>" + text + "</p>\n"; break;
      case BlockKind::kHeading: out += fmt::format("<h{0}>{1}</h{0}>\n", b.heading_level, text); break;
      case BlockKind::kQuote: out += "<blockquote><p>" + text + "</p></blockquote>\n"; break;
      case BlockKind::kPreformatted: out += "<pre>" + text + "</pre>\n"; break;
      case BlockKind::kTableRow: out += "<p>" + text + "</p>\n"; break;
      case BlockKind::kListItem:
        if (open_list == nullptr) {
          open_list = b.list;
          open_ordered = b.ordered;
          out += open_ordered ? "<ol>\n" : "<ul>\n";
        }
        out += "<li>" + text + "</li>\n";
        break;
    }
  }
  close_list();
  return out;
}

// "Jane Doe covers the Navy for The Gazette and joined in 2011." at the end of
// the body is the author's box, not the article.
void drop_author_bio(std::vector<Block>& blocks, const std::vector<std::string>& authors) {
  if (authors.empty() || blocks.size() < 3) return;
  size_t first = blocks.size() > 4 ? blocks.size() - 4 : 1;
  for (size_t i = blocks.size(); i-- > first;) {
    const std::string& t = blocks[i].text;
    if (blocks[i].kind != BlockKind::kParagraph || t.size() > 600) continue;
    for (const auto& author : authors) {
      std::string first_name = author.substr(0, author.find(' '));
      bool named = t.rfind(author, 0) == 0 || (first_name.size() > 2 && t.rfind(first_name + " ", 0) == 0);
      if (!named) continue;
      std::string lower = core::to_lower_ascii(t);
      for (const char* bio : {" is a ", " is an ", " covers ", " writes ", " has been ", " joined ", " reports on ",
                              " is the ", " specializes ", " specialises ", " started ", " founded "}) {
        if (lower.find(bio) != std::string::npos && lower.find(bio) < 80) {
          blocks.erase(blocks.begin() + static_cast<long>(i));
          return;
        }
      }
    }
  }
}

// Page type from the shape of the page and what its metadata claims.
std::pair<core::PageType, double> classify(const Metadata& m, const Body& body, size_t text_size) {
  if (m.schema_type == "LiveBlogPosting") return {core::PageType::kLiveblog, 0.95};
  bool little_text = text_size < 1500;
  if ((m.schema_type == "VideoObject" || m.og_type.rfind("video", 0) == 0) && little_text) {
    return {core::PageType::kVideo, 0.85};
  }
  if (body.videos > 0 && text_size < 600) return {core::PageType::kVideo, 0.6};
  if (m.schema_type == "ImageGallery" || m.og_type == "gallery") return {core::PageType::kGallery, 0.85};
  if (body.figures >= 6 && little_text) return {core::PageType::kGallery, 0.6};
  bool claims_article = m.og_type == "article" || (!m.schema_type.empty() && m.schema_type != "WebPage");
  bool link_heavy = body.link_blocks > 2 * std::max(body.text_blocks, 1);
  if (text_size < 400 && (link_heavy || m.og_type == "website")) return {core::PageType::kIndex, 0.8};
  if (!claims_article && (m.og_type == "website" || link_heavy) && body.text_blocks < 8) {
    return {core::PageType::kIndex, 0.6};
  }
  if (text_size < 200) return {core::PageType::kOther, 0.5};
  return {core::PageType::kArticle, claims_article ? 0.95 : 0.7};
}

core::Result<void> check_input(std::string_view html, const Options& options) {
  if (core::trim(html).empty()) return core::fail(core::ErrorCode::kInvalidInput, "the page is empty");
  if (static_cast<std::int64_t>(html.size()) > options.max_html_bytes) {
    return core::fail(core::ErrorCode::kLimit, fmt::format("the page is {} bytes, over extract.max_html_bytes ({})",
                                                           html.size(), options.max_html_bytes));
  }
  if (looks_binary(html)) return core::fail(core::ErrorCode::kInvalidInput, "binary data, not an HTML page");
  return {};
}

// The caption the body should not repeat, when it is a sentence: a short one
// ("digital marketing", ".") is found inside real text and headings.
std::string caption_hint(const std::string& caption) {
  size_t words = static_cast<size_t>(std::count(caption.begin(), caption.end(), ' ')) + 1;
  return words >= 6 ? caption : std::string();
}

// The steps extract() and explain() share: decode, parse, read metadata, find the body.
struct Reading {
  Metadata metadata;
  Body body;
  bool live_blog = false;  // the body is a live blog's entries
  PageLinks links;  // with `with_links` only
  LeadImage lead_image;
  core::Access access = core::Access::kUnknown;
  std::string access_reason;
};

core::Result<Reading> read_page(std::string_view html, const std::string& page_url, const Options& options,
                                std::string_view http_charset, bool explain, bool with_links) {
  if (auto ok = check_input(html, options); !ok) return tl::unexpected(ok.error());
  const std::string charset = text::detect_charset(html, http_charset);
  OffDomSources off_dom;  // views into `html`, which outlives this call
  const std::string lean = without_script_bodies(html, &off_dom);
  HtmlDocument doc(lean, charset);
  xmlNode* root = doc.root();
  if (root == nullptr) return core::fail(core::ErrorCode::kInvalidInput, "no HTML could be read from the page");
  Reading r;
  r.metadata = read_metadata(root, page_url);
  const std::string caption = caption_hint(r.metadata.image_caption);
  r.body = find_body(root, r.metadata.title, caption, options.max_depth, page_url, explain);
  const FragmentContext context{r.metadata.title, caption, options.max_depth, page_url};
  if (auto shell = find_shell_article(r.body.blocks, r.metadata, off_dom, charset, context)) {
    if (explain) r.body.trace.push_back("shell page: the article from " + shell->source);
    r.body.blocks = std::move(shell->blocks);
  }
  drop_author_bio(r.body.blocks, r.metadata.authors);
  if (auto live = find_live_blog(root, r.metadata, text_size(r.body.blocks), context)) {
    if (explain) r.body.trace.push_back(fmt::format("live blog: {} entries from {}", live->entries, live->source));
    r.body.blocks = std::move(live->blocks);
    r.live_blog = true;
  }
  r.lead_image = find_lead_image(r.body.container, r.metadata, page_url);
  drop_caption_repeats(r.body.blocks, r.lead_image);
  r.access = read_access(root, r.body.container, r.metadata, r.body.blocks, explain ? &r.access_reason : nullptr);
  r.body.container = nullptr;  // the page goes with `doc`
  if (with_links && may_link_other_pages(lean)) r.links = read_page_links(root, page_url);
  return r;
}

}  // namespace

core::Result<std::string> explain(std::string_view html, std::string_view url, const Options& options,
                                  std::string_view http_charset) {
  ND_TRY_ASSIGN(r, read_page(html, std::string(url), options, http_charset, /*explain=*/true, /*with_links=*/true));
  const Metadata& m = r->metadata;
  std::string out = fmt::format("title: {}\nschema type: {}\nog:type: {}\ntext blocks: {}, link blocks: {}\n",
                                m.title, m.schema_type, m.og_type, r->body.text_blocks, r->body.link_blocks);
  out += fmt::format("lead image: {}\n  caption: {}\n  credit: {}\naccess: {} ({})\n", r->lead_image.url,
                     r->lead_image.caption, r->lead_image.credit, core::to_string(r->access), r->access_reason);
  for (const auto& line : r->body.trace) out += line + "\n";
  out += fmt::format("next part: {}\namphtml: {}\n", r->links.next_part.empty() ? "(none)" : r->links.next_part,
                     r->links.amphtml.empty() ? "(none)" : r->links.amphtml);
  return out;
}

namespace {

core::Article article_of(Reading& reading, const std::string& page_url) {
  const Metadata& m = reading.metadata;
  Body& body = reading.body;

  core::Article a;
  a.url = page_url;
  a.canonical_url = m.canonical_url.empty() ? page_url : m.canonical_url;
  a.title = core::repair_mojibake(core::sanitize_utf8(m.title));
  for (auto& author : m.authors) a.authors.push_back(core::sanitize_utf8(author));
  if (m.published) {
    a.published = m.published->utc;
    a.published_offset = m.published->offset_minutes;
  }
  a.modified = m.modified;
  a.site_name = core::sanitize_utf8(m.site_name);
  a.description = core::sanitize_utf8(m.description);
  a.image_url = reading.lead_image.url;
  a.image_caption = core::repair_mojibake(core::sanitize_utf8(reading.lead_image.caption));
  a.image_credit = core::repair_mojibake(core::sanitize_utf8(reading.lead_image.credit));
  a.access = reading.access;
  std::string text;
  for (const auto& b : body.blocks) {
    if (!text.empty()) text += '\n';
    if (b.kind == BlockKind::kListItem && b.ordered) text += std::to_string(b.number) + ". ";
    text += b.text;
  }
  // Repairing may reveal separators (U+2028) that were hidden in mojibake.
  std::string repaired = core::repair_mojibake(core::sanitize_utf8(text));
  if (repaired.size() != text.size()) {
    std::string lines;
    for (const auto& line : core::split(repaired, '\n')) lines += (lines.empty() ? "" : "\n") + core::collapse_whitespace(line);
    repaired = std::move(lines);
  }
  a.text = std::move(repaired);
  // What the text is written in, with the page's declaration as the fallback.
  a.language = text::detect_language(a.title, a.text, m.language);
  a.html = core::repair_mojibake(core::sanitize_utf8(sanitised_html(body, a.image_url, a.image_caption, a.image_credit)));
  auto [type, confidence] =
      reading.live_blog ? std::pair{core::PageType::kLiveblog, 0.9} : classify(m, body, a.text.size());
  a.page_type = type;
  a.page_type_confidence = confidence;
  return a;
}

}  // namespace

core::Result<core::Article> extract(std::string_view html, std::string_view url, const Options& options,
                                    std::string_view http_charset) {
  std::string page_url(url);
  ND_TRY_ASSIGN(reading, read_page(html, page_url, options, http_charset, /*explain=*/false, /*with_links=*/false));
  return article_of(*reading, page_url);
}

core::Result<ExtractedPage> extract_page(std::string_view html, std::string_view url, const Options& options,
                                         std::string_view http_charset) {
  std::string page_url(url);
  ND_TRY_ASSIGN(reading, read_page(html, page_url, options, http_charset, /*explain=*/false, /*with_links=*/true));
  ExtractedPage page{article_of(*reading, page_url), std::move(reading->links)};
  return page;
}

}  // namespace newsdesk::extract
