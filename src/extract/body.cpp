#include "extract/body.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "extract/sanitize.hpp"

namespace newsdesk::extract {
namespace {

// Never article text.
const std::unordered_set<std::string_view> kSkippedElements = {
    "script", "style", "noscript", "template", "svg", "iframe", "select", "input", "textarea",
    "figure", "figcaption", "dialog", "object", "embed", "video", "audio", "canvas", "map", "head",
    "title", "label"};

// Page furniture by name, unless the parser nested the article inside it:
// libxml2 does not know HTML5's sectioning elements, and an unclosed <header>,
// <nav> or <button> can swallow the rest of the page.
const std::unordered_set<std::string_view> kFurnitureElements = {
    "nav", "footer", "aside", "header", "menu", "form", "button"};

const std::unordered_set<std::string_view> kNegativeTokens = {
    "share", "sharing", "social", "newsletter", "subscribe", "subscription", "signup", "related",
    "recommended", "recommendations", "promo", "promoted", "sponsor", "sponsored", "ad", "ads",
    "advert", "advertisement", "adslot", "comment", "comments", "cookie", "consent", "banner",
    "footer", "nav", "navbar", "navigation", "menu", "sidebar", "widget", "donate", "donation",
    "support", "membership", "bio", "author", "byline", "outbrain", "taboola", "ticker", "breadcrumb",
    "breadcrumbs", "tags", "popular", "trending", "masthead", "toolbar", "modal", "popup", "paywall",
    "more", "also", "credit", "caption", "meta", "dateline", "timestamp", "hidden", "skip", "print",
    "supporter", "cta", "label", "standfirst", "dek", "kicker", "eyebrow", "rail"};

// Words that name furniture only when they are a whole class name
// (class="widget", class="meta"), not a part of one ("elementor-widget-text").
const std::unordered_set<std::string_view> kWholeClassOnly = {
    "widget", "meta", "label", "more", "also", "hidden", "header", "card", "credit", "caption", "print",
    "skip", "rail", "tags", "bio", "menu", "support", "banner"};

const std::unordered_set<std::string_view> kPositiveTokens = {
    "article", "body", "content", "entry", "story", "main", "post", "text", "prose", "para"};

// Substrings strong enough to skip even a "positive" container, unless it holds a lot of text.
constexpr std::array<std::string_view, 12> kStrongNegative = {
    "share", "social", "newsletter", "sponsor", "outbrain", "taboola", "cookie", "comment",
    "advert", "promo", "subscribe", "related"};

// Readers' discussion: as long as an article and written in paragraphs too,
// so it is kept only when an <article> or <main> was nested inside it.
constexpr std::array<std::string_view, 5> kDiscussion = {"comment", "disqus", "respond", "replies", "discussion"};

const std::unordered_set<std::string_view> kBlockElements = {
    "p", "div", "section", "article", "main", "ul", "ol", "li", "table", "tbody", "tr", "td", "th",
    "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "header", "footer", "aside",
    "nav", "form", "dl", "dd", "dt", "hr", "br-block"};

// Lower-case words of the attributes that name a box's purpose: class, id,
// role and the data attributes component frameworks use. One buffer, views
// into it: this runs for every element of every page.
struct BoxNames {
  std::string buffer;                   // the attribute values, lower-cased, '\0'-separated
  std::vector<std::string_view> tokens;  // "story-body__inner" -> "story", "body", "inner"
  std::vector<std::string_view> whole;   // whole class / id / role values
  std::vector<std::pair<size_t, bool>> starts;  // where each attribute begins, whether its names are whole
  bool empty() const { return tokens.empty(); }
};

// Fills `out` (cleared first; its storage is reused, as this runs per element).
// The views point into out.buffer: `out` must not be moved or copied after.
void read_box_names(const xmlNode* n, BoxNames& out) {
  out.buffer.clear();
  out.tokens.clear();
  out.whole.clear();
  out.starts.clear();
  auto& starts = out.starts;
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr) continue;
    std::string_view name(reinterpret_cast<const char*>(a->name));
    bool whole = name == "class" || name == "id" || name == "role";
    if (!whole && name != "data-component" && name != "data-testid" && name != "data-module") continue;
    std::string_view value = attribute_view(n, name);
    if (value.empty()) continue;
    starts.emplace_back(out.buffer.size(), whole);
    for (char ch : value) out.buffer += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    out.buffer += '\0';
  }
  std::string_view all(out.buffer);
  for (auto [begin, whole] : starts) {
    size_t end = all.find('\0', begin);
    std::string_view value = all.substr(begin, end - begin);
    size_t i = 0;
    while (i < value.size()) {
      while (i < value.size() && !std::isalnum(static_cast<unsigned char>(value[i]))) ++i;
      size_t j = i;
      while (j < value.size() && std::isalnum(static_cast<unsigned char>(value[j]))) ++j;
      if (j > i) out.tokens.push_back(value.substr(i, j - i));
      i = j;
    }
    if (whole) {
      size_t k = 0;
      while (k < value.size()) {
        while (k < value.size() && std::isspace(static_cast<unsigned char>(value[k]))) ++k;
        size_t m = k;
        while (m < value.size() && !std::isspace(static_cast<unsigned char>(value[m]))) ++m;
        if (m > k) out.whole.push_back(value.substr(k, m - k));
        k = m;
      }
    }
  }
}

// Text below every element, computed once for the page in one post-order
// pass, so that asking "does this box hold the article?" costs nothing even
// on pages nested thousands deep.
struct SubtreeStats {
  size_t text = 0;         // characters of text (script and style excluded)
  size_t link_text = 0;    // of which inside <a>
  size_t paragraph_text = 0;  // of which inside <p>
  bool has_article = false;  // an <article> or <main> inside
};
// Numbers every element of the page (through libxml2's `_private`, which is
// the application's) so that per-element facts live in plain vectors.
class NodeIndex {
 public:
  // Numbers the elements below `root` and computes their SubtreeStats.
  explicit NodeIndex(xmlNode* root);
  // 0 for elements this index never saw (inside <script>, or another page).
  static size_t id(const xmlNode* n) { return reinterpret_cast<size_t>(n->_private); }
  size_t size() const { return nodes_.size(); }
  xmlNode* node(size_t id) const { return nodes_[id - 1]; }
  const SubtreeStats* stats(const xmlNode* n) const {
    size_t i = id(n);
    return i == 0 || i > stats_.size() ? nullptr : &stats_[i - 1];
  }

 private:
  std::vector<xmlNode*> nodes_;
  std::vector<SubtreeStats> stats_;
};

NodeIndex::NodeIndex(xmlNode* root) {
  std::vector<std::pair<xmlNode*, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [n, children_done] = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string_view name = element_name(n);
    bool opaque = name == "script" || name == "style";
    if (!children_done) {
      stack.emplace_back(n, true);
      if (opaque) continue;
      for (xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) stack.emplace_back(c, false);
      }
      continue;
    }
    SubtreeStats s;
    if (!opaque) {
      for (xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
          size_t len = c->content != nullptr ? std::strlen(reinterpret_cast<const char*>(c->content)) : 0;
          s.text += len;
        } else if (c->type == XML_ELEMENT_NODE && id(c) != 0) {
          const SubtreeStats& cs = stats_[id(c) - 1];
          s.text += cs.text;
          s.link_text += cs.link_text;
          s.paragraph_text += cs.paragraph_text;
          std::string_view child = element_name(c);
          s.has_article |= cs.has_article || child == "article" || child == "main";
        }
      }
      if (name == "a") s.link_text = s.text;
      if (name == "p") s.paragraph_text = s.text;
    }
    nodes_.push_back(n);
    stats_.push_back(s);
    n->_private = reinterpret_cast<void*>(nodes_.size());
  }
}

// Whether a box that looks like furniture holds the article after all (the
// parser nested it there, or a class name misleads): it has an <article> or
// <main> inside, or a large share of the page's prose.
bool holds_article(const xmlNode* n, const NodeIndex& index, size_t page_text) {
  const SubtreeStats* found = index.stats(n);
  if (found == nullptr) return false;
  const SubtreeStats& s = *found;
  if (s.has_article || s.paragraph_text >= 1500) return true;
  size_t prose = s.text > s.link_text ? s.text - s.link_text : 0;
  return prose >= 1500 && s.link_text * 4 < s.text && prose * 10 >= page_text * 3;
}

bool is_skipped(xmlNode* n, const NodeIndex& index, size_t page_text) {
  std::string_view name = element_name(n);
  if (kSkippedElements.count(name) > 0) return true;
  if (kFurnitureElements.count(name) > 0) return !holds_article(n, index, page_text);
  if (n->properties == nullptr) return false;
  // Hidden boxes are furniture too, except where a page streams its article
  // into a hidden element for a script to reveal (React's <div hidden id="S:1">).
  if (has_attribute(n, "hidden")) return !holds_article(n, index, page_text);
  if (attribute_view(n, "aria-hidden") == "true") return true;
  if (std::string_view style = attribute_view(n, "style"); !style.empty()) {
    std::string compact = core::to_lower_ascii(style);
    compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
    if (compact.find("display:none") != std::string::npos) return true;
  }
  if (name == "body" || name == "html" || name == "article" || name == "main") return false;
  thread_local BoxNames names;
  read_box_names(n, names);
  if (names.empty()) return false;
  const auto& tokens = names.tokens;
  thread_local std::string joined;
  joined.clear();
  for (const auto& t : tokens) {
    joined += t;
    joined += ' ';
  }
  bool strong = std::any_of(kStrongNegative.begin(), kStrongNegative.end(),
                            [&](std::string_view s) { return joined.find(s) != std::string::npos; });
  bool negative = std::any_of(tokens.begin(), tokens.end(), [&](std::string_view t) {
    if (kNegativeTokens.count(t) == 0) return false;
    if (kWholeClassOnly.count(t) == 0) return true;
    return std::find(names.whole.begin(), names.whole.end(), t) != names.whole.end();
  });
  bool discussion = std::any_of(kDiscussion.begin(), kDiscussion.end(),
                                [&](std::string_view s) { return joined.find(s) != std::string::npos; });
  if (discussion) {
    const SubtreeStats* found = index.stats(n);
    return found == nullptr || !found->has_article;
  }
  if (strong || negative) return !holds_article(n, index, page_text);
  return false;
}

// Iterative (pages nest deeper than the stack allows).
bool has_block_descendant(const xmlNode* n) {
  for (xmlNode* cur = n->children; cur != nullptr; cur = next_below(n, cur, cur->type == XML_ELEMENT_NODE)) {
    if (cur->type == XML_ELEMENT_NODE && kBlockElements.count(element_name(cur)) > 0) return true;
  }
  return false;
}

// A row of a data table (cells of short text), not a row of a layout table
// that holds the page.
bool is_data_row(xmlNode* row) {
  size_t total = 0;
  for (xmlNode* cell = row->children; cell != nullptr; cell = cell->next) {
    if (!is_element(cell, "td") && !is_element(cell, "th")) continue;
    if (!find_all(cell, "table").empty()) return false;
    size_t length = text_content(cell).size();
    if (length > 400 || (length > 150 && has_block_descendant(cell))) return false;
    total += length;
  }
  return total > 0 && total <= 1200;
}

// Phrasing content: runs of these and text read as one paragraph.
bool is_inline(const xmlNode* n) {
  static const std::unordered_set<std::string_view> kInline = {
      "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark",
      "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "del", "ins",
      "tt", "big", "strike", "nobr", "img", "picture", "source"};
  return kInline.count(element_name(n)) > 0 && !has_block_descendant(n);
}

bool has_block_child(const xmlNode* n) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && kBlockElements.count(element_name(c)) > 0) return true;
  }
  return false;
}

size_t link_text_length(xmlNode* n) {
  size_t total = 0;
  for (xmlNode* a : find_all(n, "a")) total += text_content(a).size();
  return total;
}

struct RawBlock {
  xmlNode* node;  // the block element, or the container of an inline run
  Block block;
  double link_density;
  xmlNode* first = nullptr;  // the inline content: [first, last] siblings
  xmlNode* last = nullptr;
};

// Text that is page furniture whatever container it sits in.
size_t words_in(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), ' ')) + (text.empty() ? 0 : 1);
}

// A line that says the rest of the article is for subscribers. `lower` is
// the line lower-cased.
bool is_paywall_notice(const std::string& lower) {
  auto has = [&](std::string_view w) { return lower.find(w) != std::string::npos; };
  return has("already have an account") || has("already a subscriber") || has("unlock this article") ||
         has("subscribe to continue") || has("to continue reading") || has("to read the rest of") ||
         has("subscribe to read") || (has("exclusive to") && has("subscribers"));
}

// An appeal for support, longer than a line: "If you're enjoying this
// article, consider supporting our award-winning journalism by subscribing."
bool is_appeal_for_support(const std::string& lower) {
  if (lower.size() >= 400) return false;
  auto has = [&](std::string_view w) { return lower.find(w) != std::string::npos; };
  return (has("support") || has("donat")) && (has("journalism") || has("patreon") || has("by subscribing") ||
                                              has("donate via") || has("consider supporting"));
}

// `lower` is `text` lower-cased (the caller has it already).
bool is_furniture(const std::string& text, const std::string& lower) {
  if (is_appeal_for_support(lower)) return true;
  if (text.size() > 220) return false;
  static constexpr std::array<std::string_view, 30> kPrefixes = {
      "share", "sign up", "subscribe", "support ", "advertisement", "read more", "related:", "photo:",
      "image:", "credit:", "published", "updated", "posted", "copyright", "©", "all rights reserved",
      "follow us", "join the conversation", "comments", "read next", "more from", "you may also like",
      "recommended", "sponsored", "listen to this", "click here", "tap here", "getty images", "filed under",
      "tags:"};
  for (auto p : kPrefixes) {
    if (lower.rfind(p, 0) == 0) return true;
  }
  // Credit lines of pictures, and the banner every US government site carries
  // (the U.S. Web Design System's "An official website of ..." box).
  static constexpr std::array<std::string_view, 11> kCreditsAndBanners = {
      "featured image", "image from ", "image via ", "photo by ", "photo via ", "image credit", "photo credit",
      "image courtesy", "photo courtesy", "official websites use .gov", "secure .gov websites use https"};
  for (auto p : kCreditsAndBanners) {
    if (lower.rfind(p, 0) == 0 && (text.size() < 120 || p.find(".gov") != std::string_view::npos)) return true;
  }
  if (lower.rfind("by ", 0) == 0 && text.size() < 90) return true;  // a repeated byline
  // The words of page controls, whole.
  static const std::unordered_set<std::string_view> kControls = {
      "show caption", "hide caption", "opens in a new window", "opens in a new tab", "table of contents",
      "table of contents show", "table of contents hide", "jump to", "jump to:", "skip to content",
      "skip to main content", "back to top", "close", "menu", "loading", "loading...", "print", "email",
      "copy link", "link copied", "save", "listen", "toggle", "expand", "collapse", "show more", "show less",
      "load more", "see more", "view gallery", "enlarge", "zoom", "advertisement", "ad", "sponsored content",
      "continue reading", "continue reading below", "story continues below advertisement", "scroll to continue"};
  std::string bare = lower;
  while (!bare.empty() && (bare.back() == '.' || bare.back() == ':' || bare.back() == ' ')) bare.pop_back();
  if (kControls.count(bare) > 0) return true;
  // Calls to sign up, log in, pay or give, in a line of their own.
  auto has = [&](std::string_view w) { return lower.find(w) != std::string::npos; };
  if ((has("newsletter") || has("inbox")) && (has("sign up") || has("subscribe") || has("delivered"))) return true;
  // Affiliate disclosures and "last updated" notes.
  if (has("affiliate") && (has("commission") || has("links"))) return true;
  if (has("buy through") && has("commission")) return true;
  if (lower.rfind("last updated", 0) == 0 || lower.rfind("last modified", 0) == 0 || lower.rfind("read time", 0) == 0 ||
      lower.rfind("reading time", 0) == 0) {
    return true;
  }
  if ((has("donate") || has("become a patron") || has("become a member") || has("support our") ||
       has("support us")) && text.size() < 200) {
    return true;
  }
  // "4 min read", "3 minute read"
  for (const char* reading : {" min read", " minute read", " mins read", " min. read"}) {
    auto pos = lower.find(reading);
    if (pos != std::string::npos && text.size() < 60) return true;
  }
  // A line that is only a date (and perhaps a word or two around it).
  if (text.size() < 50) {
    if (auto date = core::find_date_in_text(text)) {
      if (text.find_first_of("0123456789") != std::string::npos && words_in(text) <= 6) return true;
    }
  }
  return false;
}

// A heading or line that opens the page's "more to read" part: what follows
// it is teasers, not the article.
bool opens_more_to_read(const std::string& text) {
  if (text.size() > 60) return false;
  static constexpr std::array<std::string_view, 22> kOpeners = {
      "related", "more from", "explore more", "see also", "also read", "read more", "read next", "more stories",
      "more articles", "you may also like", "you might also like", "recommended", "popular", "trending",
      "most read", "latest news", "latest stories", "more on this", "keep reading", "around the web",
      "more news", "what to read next"};
  std::string lower = core::to_lower_ascii(core::collapse_whitespace(text));
  while (!lower.empty() && std::ispunct(static_cast<unsigned char>(lower.back()))) lower.pop_back();
  if (lower.rfind("more from ", 0) == 0 || lower.rfind("more in ", 0) == 0) return true;
  std::string_view line(lower);
  for (auto o : kOpeners) {
    if (line.substr(0, o.size()) != o) continue;
    std::string_view rest = line.substr(o.size());
    if (rest.empty() || rest == " articles" || rest == " stories" || rest == " posts" || rest == " content") return true;
  }
  return false;
}

std::string normalise_caption(std::string s) {
  s = core::to_lower_ascii(core::collapse_whitespace(s));
  for (std::string_view p : {"photo: ", "image: ", "caption: ", "pictured: "}) {
    if (s.rfind(p, 0) == 0) s = s.substr(p.size());
  }
  return s;
}

}  // namespace

xmlNode* article_around(xmlNode* container) {
  if (container == nullptr) return nullptr;
  for (xmlNode* a = container; a != nullptr && a->type == XML_ELEMENT_NODE; a = a->parent) {
    if (is_element(a, "body") || is_element(a, "html")) break;
    if (is_element(a, "article") || is_element(a, "main")) return a;
  }
  xmlNode* parent = container->parent;
  bool page = parent == nullptr || parent->type != XML_ELEMENT_NODE || is_element(parent, "body") ||
              is_element(parent, "html");
  return page ? container : parent;
}

std::string describe(const xmlNode* n) {
  if (n == nullptr) return "(none)";
  std::string out = lower_name(n);
  std::string cls = attribute(n, "class"), id = attribute(n, "id");
  if (!cls.empty()) out += "." + core::collapse_whitespace(cls).substr(0, 60);
  if (!id.empty()) out += "#" + id;
  return out;
}

Body find_body(xmlNode* root, const std::string& title, const std::string& caption_hint, int max_depth,
               const std::string& base_url, bool explain) {
  Body body;
  auto note = [&](const std::string& verdict, const std::string& text) {
    if (!explain) return;
    // About 100 bytes, cut at a character's start so the trace stays UTF-8.
    size_t cut = std::min<size_t>(text.size(), 100);
    while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    body.trace.push_back(verdict + ": " + text.substr(0, cut));
  };
  if (root == nullptr) return body;
  const NodeIndex index(root);
  const size_t page_text = index.stats(root) != nullptr ? index.stats(root)->text : 0;
  std::vector<RawBlock> raw;
  // Iterative walk with an explicit stack. An item is an element to visit, or
  // an inline run: the text and inline elements between a container's block
  // children ("text<br>more<div>..</div>tail"), read as a paragraph of its own.
  struct Item {
    xmlNode* node;
    int depth;
    xmlNode* run_first = nullptr;  // set for a run; `node` is then its container
    xmlNode* run_last = nullptr;
  };
  std::vector<Item> stack{{root, 0}};
  auto add_block = [&](xmlNode* node, std::string text, size_t link_chars, BlockKind kind, std::string_view name,
                       xmlNode* first, xmlNode* last) {
    if (text.empty()) return;
    RawBlock rb{node, Block{}, static_cast<double>(link_chars) / static_cast<double>(text.size()), first, last};
    rb.block.text = std::move(text);
    rb.block.kind = kind;
    if (kind == BlockKind::kHeading) rb.block.heading_level = std::clamp(name[1] - '0', 2, 4);
    if (kind == BlockKind::kListItem) {
      rb.block.list = node->parent;
      rb.block.ordered = is_element(node->parent, "ol");
      if (rb.block.ordered) {
        std::string_view start = attribute_view(node->parent, "start");
        int number = start.empty() ? 1 : std::atoi(std::string(start).c_str());
        for (const xmlNode* s = node->parent->children; s != nullptr && s != node; s = s->next) {
          if (is_element(s, "li")) ++number;
        }
        rb.block.number = number;
      }
    }
    raw.push_back(std::move(rb));
  };
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    xmlNode* n = item.node;
    int depth = item.depth;
    if (item.run_first != nullptr) {
      std::string text;
      size_t links = 0;
      for (xmlNode* c = item.run_first;; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
          text += reinterpret_cast<const char*>(c->content);
        } else if (c->type == XML_ELEMENT_NODE && !is_skipped(c, index, page_text)) {
          std::string inner = text_content(c);
          if (is_element(c, "a")) links += inner.size();
          else links += link_text_length(c);
          text += ' ';
          text += inner;
          text += ' ';
        }
        if (c == item.run_last) break;
      }
      core::collapse_whitespace_in_place(text);
      const size_t size = text.size();
      add_block(n, std::move(text), std::min(links, size), BlockKind::kParagraph, "", item.run_first, item.run_last);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string_view name = element_name(n);
    if (name == "figure") ++body.figures;
    if (name == "video" || (name == "iframe" && (attribute(n, "src").find("youtube") != std::string::npos ||
                                                 attribute(n, "src").find("vimeo") != std::string::npos ||
                                                 attribute(n, "src").find("player") != std::string::npos))) {
      ++body.videos;
    }
    if (depth > 0 && is_skipped(n, index, page_text)) {
      if (explain && kSkippedElements.count(name) == 0) note("skip " + describe(n), text_content(n));
      continue;
    }
    if (name == "tr" && is_data_row(n)) {
      // A table row reads as one line, cells apart.
      std::string text;
      size_t links = 0;
      for (xmlNode* cell = n->children; cell != nullptr; cell = cell->next) {
        if (!is_element(cell, "td") && !is_element(cell, "th")) continue;
        std::string cell_text = text_content(cell);
        if (cell_text.empty()) continue;
        links += link_text_length(cell);
        text += (text.empty() ? "" : " | ") + cell_text;
      }
      add_block(n, text, std::min(links, text.size()), BlockKind::kTableRow, name, nullptr, nullptr);
      continue;
    }
    bool heading = name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
    bool leaf = name == "p" || name == "pre" || heading || depth >= max_depth ||
                ((name == "li" || name == "dd" || name == "blockquote") && !has_block_child(n));
    if (leaf) {
      BlockKind kind = heading ? BlockKind::kHeading
                       : name == "li" ? BlockKind::kListItem
                       : name == "blockquote" ? BlockKind::kQuote
                       : name == "pre" ? BlockKind::kPreformatted
                                        : BlockKind::kParagraph;
      add_block(n, text_content(n), link_text_length(n), kind, name, n->children, n->last);
      continue;
    }
    // A container: block children are visited, inline runs between them (split
    // at <br>) become paragraphs, all in document order.
    std::vector<Item> items;
    xmlNode* run_first = nullptr;
    xmlNode* run_last = nullptr;
    auto flush = [&] {
      if (run_first != nullptr) items.push_back(Item{n, depth + 1, run_first, run_last});
      run_first = run_last = nullptr;
    };
    for (xmlNode* c = n->children; c != nullptr; c = c->next) {
      bool text_node = c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE;
      bool inline_element = c->type == XML_ELEMENT_NODE && is_inline(c);
      if (is_element(c, "br")) {
        flush();
      } else if (text_node || inline_element) {
        if (run_first == nullptr) run_first = c;
        run_last = c;
      } else if (c->type == XML_ELEMENT_NODE) {
        flush();
        items.push_back(Item{c, depth + 1});
      }
    }
    flush();
    for (auto it = items.rbegin(); it != items.rend(); ++it) stack.push_back(*it);
  }

  // Score containers by the paragraphs they hold (parents fully, ancestors
  // less), and count for every ancestor how much prose and how much noise
  // (link text, scraps) lies below it.
  struct Tally {
    double score = 0;
    double prose = 0;
    double noise = 0;
    size_t order = SIZE_MAX;  // document order of the first block below: deterministic ties
  };
  std::vector<Tally> tally_of(index.size() + 1);  // by NodeIndex::id; [0] collects the unnumbered
  auto tally = [&](const xmlNode* n) -> Tally& { return tally_of[NodeIndex::id(n)]; };
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto& rb = raw[i];
    double length = static_cast<double>(rb.block.text.size());
    bool prose = (rb.block.kind == BlockKind::kParagraph || rb.block.kind == BlockKind::kQuote) &&
                 rb.block.text.size() >= 25 && rb.link_density <= 0.5;
    double prose_chars = prose ? length * (1.0 - rb.link_density) : 0.0;
    // Noise is link text: navigation, teasers, "related" lists. Headings and
    // short labels (specs, ratings, captions) are neither prose nor noise.
    double noise_chars = length * rb.link_density;
    for (xmlNode* a = rb.node; a != nullptr && a->type == XML_ELEMENT_NODE; a = a->parent) {
      Tally& t = tally(a);
      if (t.order == SIZE_MAX) t.order = i;
      t.prose += prose_chars;
      t.noise += noise_chars;
    }
    if (!prose) {
      if (rb.link_density > 0.5) ++body.link_blocks;
      continue;
    }
    ++body.text_blocks;
    double s = 1.0 + static_cast<double>(std::count(rb.block.text.begin(), rb.block.text.end(), ',')) +
               std::min(length / 100.0, 3.0);
    s *= (1.0 - rb.link_density);
    xmlNode* a = rb.node->parent;
    for (int level = 0; a != nullptr && a->type == XML_ELEMENT_NODE && level < 4; ++level, a = a->parent) {
      tally(a).score += s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
    }
  }
  xmlNode* top = nullptr;
  double top_score = 0;
  size_t top_order = 0;
  for (size_t id = 1; id < tally_of.size(); ++id) {
    const Tally& t = tally_of[id];
    if (t.score <= 0 || t.score * 1.15 < top_score) continue;
    xmlNode* node = index.node(id);
    double score = t.score;
    thread_local BoxNames names;
    read_box_names(node, names);
    for (const auto& token : names.tokens) {
      if (kPositiveTokens.count(token) > 0) {
        score *= 1.15;
        break;
      }
    }
    if (score > top_score || (score == top_score && t.order < top_order)) {
      top = node;
      top_score = score;
      top_order = t.order;
    }
  }
  body.score = top_score;
  if (top == nullptr) return body;
  // Widen to the ancestor that holds the rest of the article: climb while an
  // ancestor adds a good share of prose and more prose than noise (articles
  // split by boxes, listicles and galleries of many short items). Wrappers
  // that add only a heading or a credit line are looked through.
  int levels_without_gain = 0;
  Tally previous = tally(top);
  for (xmlNode* p = top->parent; p != nullptr && p->type == XML_ELEMENT_NODE && !is_element(p, "body") &&
                                 levels_without_gain < 3;
       p = p->parent) {
    const Tally& cur = tally(top);
    const Tally& up = tally(p);
    double gain_prose = up.prose - cur.prose;
    double gain_noise = up.noise - cur.noise;
    if (explain) {
      body.trace.push_back("climb? " + describe(p) + ": +" + std::to_string(static_cast<int>(gain_prose)) +
                           " prose, +" + std::to_string(static_cast<int>(gain_noise)) + " links over " +
                           std::to_string(static_cast<int>(cur.prose)));
    }
    if (gain_prose >= 0.25 * cur.prose && gain_prose > 2.0 * gain_noise) {
      top = p;
      levels_without_gain = 0;
    } else if (up.prose > previous.prose || up.noise > previous.noise) {
      ++levels_without_gain;  // this level added something, and not enough
    }
    previous = up;
  }
  if (explain) {
    std::string path;
    for (xmlNode* a = top; a != nullptr && a->type == XML_ELEMENT_NODE; a = a->parent) path = describe(a) + " > " + path;
    body.trace.push_back("container (score " + std::to_string(top_score) + "): " + path);
  }
  std::unordered_set<xmlNode*> region{top};
  auto in_region = [&](xmlNode* n) {
    for (xmlNode* a = n; a != nullptr; a = a->parent) {
      if (region.count(a) > 0) return true;
    }
    return false;
  };

  // The lead image's own caption is dropped after (lead_image.hpp); this is the metadata's.
  std::string caption = normalise_caption(caption_hint);
  body.container = top;
  std::string lower_title = core::to_lower_ascii(title);
  // Where the article ends: a "Related" / "More from" line late in the region
  // opens teasers, not text.
  size_t cutoff = raw.size();
  {
    double total = 0, seen_text = 0;
    for (const auto& rb : raw) total += in_region(rb.node) ? static_cast<double>(rb.block.text.size()) : 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (!in_region(raw[i].node)) continue;
      if (seen_text >= 0.6 * total && opens_more_to_read(raw[i].block.text)) {
        cutoff = i;
        break;
      }
      seen_text += static_cast<double>(raw[i].block.text.size());
    }
  }
  std::unordered_set<std::string> seen;
  // After a paywall notice come the offer's short lines ("Monthly", "$39",
  // "Save 15%"), up to the next real paragraph.
  bool in_offer = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    auto& rb = raw[i];
    const std::string& text = rb.block.text;
    if (!in_region(rb.node)) {
      note("outside " + describe(rb.node->parent), text);
      continue;
    }
    if (i >= cutoff) {
      note("after the article", text);
      continue;
    }
    const std::string lower = core::to_lower_ascii(text);
    const bool paywall_notice = text.size() < 400 && is_paywall_notice(lower);
    if (paywall_notice) in_offer = true;
    else if (text.size() >= 150) in_offer = false;
    if (in_offer && text.size() < 150) {
      note("paywall offer", text);
      continue;
    }
    if (rb.link_density > 0.5 && text.size() < 400) {
      note("links", text);
      continue;
    }
    if ((paywall_notice && text.size() <= 220) || is_furniture(text, lower)) {
      note("furniture", text);
      continue;
    }
    if (!caption.empty() && (normalise_caption(text) == caption ||
                             (text.size() < caption.size() + 40 && lower.find(caption) != std::string::npos))) {
      note("caption", text);
      continue;
    }
    if (rb.block.kind == BlockKind::kHeading && lower == lower_title) {
      note("title", text);
      continue;
    }
    if (!seen.insert(text).second) {
      note("repeat", text);
      continue;
    }
    note("KEEP", text);
    if (rb.first != nullptr) {
      rb.block.html = inline_html(rb.first, rb.last, base_url);
    } else if (rb.block.kind == BlockKind::kTableRow) {
      for (xmlNode* cell = rb.node->children; cell != nullptr; cell = cell->next) {
        if (!is_element(cell, "td") && !is_element(cell, "th")) continue;
        std::string cell_html = inline_html(cell->children, cell->last, base_url);
        if (!cell_html.empty()) rb.block.html += (rb.block.html.empty() ? "" : " | ") + cell_html;
      }
    }
    if (rb.block.html.empty()) rb.block.html = core::html_escape(rb.block.text);
    body.blocks.push_back(std::move(rb.block));
  }
  // A trailing heading with nothing under it is furniture ("Read next").
  while (!body.blocks.empty() && body.blocks.back().kind == BlockKind::kHeading) body.blocks.pop_back();
  return body;
}

}  // namespace newsdesk::extract
