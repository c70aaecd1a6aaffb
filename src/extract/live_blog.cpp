#include "extract/live_blog.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_set>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "extract/sanitize.hpp"

namespace newsdesk::extract {
namespace {

constexpr size_t kMinEntries = 3;
constexpr int kMaxClimb = 8;             // from a <time> up to its entry's box
constexpr size_t kMinEntryText = 20;     // an entry says something beyond its heading
constexpr int kDiscussionLevels = 4;     // how far above an entry a comments box is looked for

// Lower-case words of class and id: "live-post__body" -> live, post, body.
std::vector<std::string> box_words(const xmlNode* n) {
  std::vector<std::string> words;
  for (const char* attr : {"class", "id"}) append_words(attribute_view(n, attr), words);
  return words;
}

bool has_word(const std::vector<std::string>& words, std::initializer_list<std::string_view> wanted) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return std::find(wanted.begin(), wanted.end(), w) != wanted.end();
  });
}

bool is_heading(const xmlNode* n) {
  std::string_view name = element_name(n);
  return n->type == XML_ELEMENT_NODE && name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
}

// The first element below `n` (in document order) that `want` accepts.
template <class Want>
xmlNode* first_below(xmlNode* n, Want want) {
  for (xmlNode* cur = n->children; cur != nullptr; cur = next_below(n, cur, cur->type == XML_ELEMENT_NODE)) {
    if (cur->type == XML_ELEMENT_NODE && want(cur)) return cur;
  }
  return nullptr;
}

bool names_entry(const xmlNode* n) {
  return is_element(n, "article") || has_word(box_words(n), {"post", "entry", "update", "liveblog"});
}

bool names_discussion(const xmlNode* n) {
  return has_word(box_words(n), {"comment", "comments", "reply", "replies", "disqus", "discussion"});
}

std::string without_fragment(const std::string& url) { return url.substr(0, url.find('#')); }

bool points_elsewhere(const xmlNode* a, const std::string& base_url) {
  std::string href = core::collapse_whitespace(attribute(a, "href"));
  if (href.empty() || href[0] == '#') return false;
  return without_fragment(core::resolve_url(base_url, href)) != without_fragment(base_url);
}

// An index's teaser, not an entry: its heading links to another page (from
// inside or around it), or it ends in a "Read more" link. A live blog's
// headings are plain, or link to the entry itself.
bool is_teaser(xmlNode* entry, xmlNode* heading, const std::string& base_url) {
  for (xmlNode* a : find_all(heading, "a")) {
    if (points_elsewhere(a, base_url)) return true;
  }
  for (const xmlNode* up = heading->parent; up != nullptr && up != entry; up = up->parent) {
    if (is_element(up, "a") && points_elsewhere(up, base_url)) return true;
  }
  for (xmlNode* a : find_all(entry, "a")) {
    std::string label = core::to_lower_ascii(text_content(a));
    for (std::string_view more : {"read more", "continue reading", "full story", "read the full"}) {
      if (label.rfind(more, 0) == 0 && points_elsewhere(a, base_url)) return true;
    }
  }
  return false;
}

// Inside an entry: never its text.
bool is_entry_furniture(const xmlNode* n) {
  static const std::unordered_set<std::string_view> kSkipped = {
      "script", "style", "noscript", "template", "svg", "iframe", "figure", "figcaption", "button",
      "nav", "aside", "form", "time", "header", "footer", "video", "audio", "select", "input"};
  if (kSkipped.count(element_name(n)) > 0) return true;
  if (n->properties == nullptr) return false;
  return has_word(box_words(n), {"share", "sharing", "social", "ad", "ads", "advert", "advertisement", "related",
                                 "promo", "byline", "author", "meta", "timestamp", "comment", "comments"});
}

bool holds_blocks(const xmlNode* n) {
  static const std::unordered_set<std::string_view> kBlocks = {
      "p", "div", "section", "article", "ul", "ol", "li", "blockquote", "pre", "table", "figure",
      "h1", "h2", "h3", "h4", "h5", "h6"};
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && kBlocks.count(element_name(c)) > 0) return true;
  }
  return false;
}

// The entry's paragraphs, list items, quotes and subheadings, without its
// heading, its time and its furniture.
std::vector<Block> entry_blocks(xmlNode* entry, const xmlNode* heading, const std::string& base_url) {
  std::vector<Block> out;
  std::vector<xmlNode*> stack;
  for (xmlNode* c = entry->last; c != nullptr; c = c->prev) stack.push_back(c);
  while (!stack.empty()) {
    xmlNode* n = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE || n == heading || is_entry_furniture(n)) continue;
    std::string_view name = element_name(n);
    bool leaf = name == "p" || name == "li" || name == "blockquote" || name == "pre" || is_heading(n) ||
                (name == "div" && !holds_blocks(n));
    if (!leaf) {
      for (xmlNode* c = n->last; c != nullptr; c = c->prev) stack.push_back(c);
      continue;
    }
    Block b;
    b.text = text_content(n);
    if (b.text.empty()) continue;
    b.html = inline_html(n->children, n->last, base_url);
    if (is_heading(n)) {
      b.kind = BlockKind::kHeading;
      b.heading_level = 3;
    } else if (name == "li") {
      b.kind = BlockKind::kListItem;
      b.list = n->parent;
      b.ordered = is_element(n->parent, "ol");
      b.number = 1;
      for (const xmlNode* s = n->parent->children; s != nullptr && s != n; s = s->next) b.number += is_element(s, "li");
    } else if (name == "blockquote") {
      b.kind = BlockKind::kQuote;
    } else if (name == "pre") {
      b.kind = BlockKind::kPreformatted;
    }
    if (b.html.empty()) b.html = core::html_escape(b.text);
    out.push_back(std::move(b));
  }
  return out;
}

// The heading block that opens an entry: its time in UTC, then its heading.
Block entry_heading(const std::optional<core::TimePoint>& when, const std::string& text, const std::string& html) {
  Block b;
  b.kind = BlockKind::kHeading;
  b.heading_level = 2;
  if (when) {
    std::string iso = core::format_rfc3339(*when);  // "2026-03-02T14:05:00Z"
    std::string shown = iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
    b.text = shown + (text.empty() ? "" : " — " + text);
    b.html = "<time datetime=\"" + iso + "\">" + shown + "</time>" + (html.empty() ? "" : " — " + html);
  } else {
    b.text = text;
    b.html = html;
  }
  return b;
}

struct Entry {
  xmlNode* box;
  core::TimePoint when;
};

std::optional<LiveBlog> entries_in_dom(xmlNode* root, const std::string& base_url) {
  std::vector<Entry> entries;
  std::unordered_set<xmlNode*> seen;
  for (xmlNode* t : find_all(root, "time")) {
    auto when = core::parse_zoned(attribute_view(t, "datetime"));
    if (!when) continue;
    xmlNode* box = nullptr;
    int level = 0;
    for (xmlNode* up = t->parent; up != nullptr && up->type == XML_ELEMENT_NODE && !is_element(up, "body") &&
                                  level < kMaxClimb;
         up = up->parent, ++level) {
      if (names_entry(up) && first_below(up, is_heading) != nullptr) {
        box = up;
        break;
      }
    }
    if (box == nullptr) continue;
    if (seen.insert(box).second) entries.push_back({box, when->utc});  // an entry's first time is its own
  }
  if (entries.size() < kMinEntries) return std::nullopt;
  // The container that holds the most entries side by side.
  xmlNode* container = nullptr;
  size_t most = 0;
  for (const Entry& e : entries) {
    size_t n = static_cast<size_t>(std::count_if(entries.begin(), entries.end(),
                                                 [&](const Entry& o) { return o.box->parent == e.box->parent; }));
    if (n > most) {
      most = n;
      container = e.box->parent;
    }
  }
  if (most < kMinEntries || container == nullptr) return std::nullopt;
  int level = 0;
  for (const xmlNode* up = container; up != nullptr && level < kDiscussionLevels; up = up->parent, ++level) {
    if (up->type == XML_ELEMENT_NODE && names_discussion(up)) return std::nullopt;
  }
  LiveBlog blog;
  blog.source = "DOM entries";
  for (const Entry& e : entries) {
    if (e.box->parent != container || names_discussion(e.box)) continue;
    xmlNode* heading = first_below(e.box, is_heading);
    if (heading == nullptr || is_teaser(e.box, heading, base_url)) continue;
    std::vector<Block> body = entry_blocks(e.box, heading, base_url);
    if (text_size(body) < kMinEntryText) continue;
    blog.blocks.push_back(entry_heading(e.when, text_content(heading), inline_html(heading->children, heading->last, base_url)));
    for (auto& b : body) blog.blocks.push_back(std::move(b));
    ++blog.entries;
  }
  // Most of the boxes must read as entries: teasers on an index page do not.
  if (blog.entries < kMinEntries || blog.entries * 3 < most * 2) return std::nullopt;
  return blog;
}

std::optional<LiveBlog> entries_in_json_ld(const Metadata& m, const FragmentContext& context) {
  if (m.live_updates.empty()) return std::nullopt;
  LiveBlog blog;
  blog.source = "JSON-LD liveBlogUpdate";
  for (const auto& update : m.live_updates) {
    std::optional<core::TimePoint> when;
    if (update.published) when = update.published->utc;
    std::vector<Block> body = read_fragment(update.body, "UTF-8", context);
    if (body.empty() && update.headline.empty()) continue;
    if (when || !update.headline.empty()) {
      blog.blocks.push_back(entry_heading(when, update.headline, core::html_escape(update.headline)));
    }
    for (auto& b : body) blog.blocks.push_back(std::move(b));
    ++blog.entries;
  }
  if (blog.entries == 0) return std::nullopt;
  return blog;
}

}  // namespace

std::optional<LiveBlog> find_live_blog(xmlNode* root, const Metadata& metadata, size_t dom_text,
                                       const FragmentContext& context) {
  if (metadata.dated_times >= static_cast<int>(kMinEntries) && root != nullptr) {
    // The entries are the page's text, or most of it; else they are a box beside it.
    if (auto blog = entries_in_dom(root, context.base_url); blog && text_size(blog->blocks) * 2 >= dom_text) {
      return blog;
    }
  }
  // JSON-LD may list only the latest updates: it wins unless the DOM body says clearly more.
  if (auto blog = entries_in_json_ld(metadata, context); blog && text_size(blog->blocks) * 5 >= dom_text * 4) {
    return blog;
  }
  return std::nullopt;
}

}  // namespace newsdesk::extract
