#include "extract/body.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.hpp"

namespace newsdesk::extract {
namespace {

const std::unordered_set<std::string_view> kSkippedElements = {
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select", "input",
    "textarea", "nav", "footer", "aside", "figure", "figcaption", "header", "menu", "dialog", "object",
    "embed", "video", "audio", "canvas", "map", "head", "title", "label"};

const std::unordered_set<std::string_view> kNegativeTokens = {
    "share", "sharing", "social", "newsletter", "subscribe", "subscription", "signup", "related",
    "recommended", "recommendations", "promo", "promoted", "sponsor", "sponsored", "ad", "ads",
    "advert", "advertisement", "adslot", "comment", "comments", "cookie", "consent", "banner",
    "footer", "nav", "navbar", "navigation", "menu", "sidebar", "widget", "donate", "donation",
    "support", "membership", "bio", "author", "byline", "outbrain", "taboola", "ticker", "breadcrumb",
    "breadcrumbs", "tags", "popular", "trending", "masthead", "toolbar", "modal", "popup", "paywall",
    "more", "also", "credit", "caption", "meta", "dateline", "timestamp", "hidden", "skip", "print"};

const std::unordered_set<std::string_view> kPositiveTokens = {
    "article", "body", "content", "entry", "story", "main", "post", "text", "prose", "para"};

// Substrings strong enough to skip even a "positive" container, unless it holds a lot of text.
constexpr std::array<std::string_view, 12> kStrongNegative = {
    "share", "social", "newsletter", "sponsor", "outbrain", "taboola", "cookie", "comment",
    "advert", "promo", "subscribe", "related"};

const std::unordered_set<std::string_view> kBlockElements = {
    "p", "div", "section", "article", "main", "ul", "ol", "li", "table", "tbody", "tr", "td", "th",
    "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "header", "footer", "aside",
    "nav", "form", "dl", "dd", "dt", "hr", "br-block"};

std::vector<std::string> class_tokens(const xmlNode* n) {
  std::string s = core::to_lower_ascii(attribute(n, "class") + " " + attribute(n, "id") + " " +
                                       attribute(n, "role") + " " + attribute(n, "data-component"));
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

size_t paragraph_text_length(xmlNode* n) {
  size_t total = 0;
  for (xmlNode* p : find_all(n, "p")) total += text_content(p).size();
  return total;
}

bool is_skipped(xmlNode* n) {
  std::string name = lower_name(n);
  if (kSkippedElements.count(name) > 0) return true;
  if (!attribute(n, "hidden").empty() || attribute(n, "aria-hidden") == "true") return true;
  std::string style = core::to_lower_ascii(attribute(n, "style"));
  style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
  if (style.find("display:none") != std::string::npos) return true;
  if (name == "body" || name == "html" || name == "article" || name == "main") return false;
  auto tokens = class_tokens(n);
  if (tokens.empty()) return false;
  std::string joined;
  for (const auto& t : tokens) joined += t + " ";
  bool strong = std::any_of(kStrongNegative.begin(), kStrongNegative.end(),
                            [&](std::string_view s) { return joined.find(s) != std::string::npos; });
  bool negative = std::any_of(tokens.begin(), tokens.end(), [](const std::string& t) { return kNegativeTokens.count(t) > 0; });
  bool positive = std::any_of(tokens.begin(), tokens.end(), [](const std::string& t) { return kPositiveTokens.count(t) > 0; });
  if (strong || (negative && !positive)) return paragraph_text_length(n) < 1500;
  return false;
}

bool has_block_child(const xmlNode* n) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && kBlockElements.count(lower_name(c)) > 0) return true;
  }
  return false;
}

size_t link_text_length(xmlNode* n) {
  size_t total = 0;
  for (xmlNode* a : find_all(n, "a")) total += text_content(a).size();
  return total;
}

struct RawBlock {
  xmlNode* node;
  Block block;
  double link_density;
};

// Text that is page furniture whatever container it sits in.
bool is_furniture(const std::string& text) {
  if (text.size() > 220) return false;
  static constexpr std::array<std::string_view, 30> kPrefixes = {
      "share", "sign up", "subscribe", "support ", "advertisement", "read more", "related:", "photo:",
      "image:", "credit:", "published", "updated", "posted", "copyright", "©", "all rights reserved",
      "follow us", "join the conversation", "comments", "read next", "more from", "you may also like",
      "recommended", "sponsored", "listen to this", "click here", "tap here", "getty images", "filed under",
      "tags:"};
  std::string lower = core::to_lower_ascii(text);
  for (auto p : kPrefixes) {
    if (lower.rfind(p, 0) == 0) return true;
  }
  if (lower.rfind("by ", 0) == 0 && text.size() < 90) return true;  // a repeated byline
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

Body find_body(xmlNode* root, const std::string& title, const std::string& caption_hint, int max_depth) {
  Body body;
  if (root == nullptr) return body;
  std::vector<RawBlock> raw;
  std::vector<std::string> captions;
  std::vector<std::string> images;
  // Iterative walk with an explicit stack: (node, depth).
  std::vector<std::pair<xmlNode*, int>> stack{{root, 0}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string name = lower_name(n);
    if (name == "figure" || name == "figcaption") {
      for (xmlNode* fc : name == "figcaption" ? std::vector<xmlNode*>{n} : find_all(n, "figcaption")) {
        captions.push_back(text_content(fc));
      }
      for (xmlNode* img : find_all(n, "img")) images.push_back(attribute(img, "src"));
    }
    if (depth > 0 && is_skipped(n)) continue;
    bool leaf_block = name == "p" || name == "pre" || name == "li" || name == "dd" ||
                      (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') ||
                      (name == "blockquote" && !has_block_child(n)) ||
                      ((name == "div" || name == "td" || name == "section" || name == "span") && !has_block_child(n)) ||
                      depth >= max_depth;
    if (leaf_block) {
      std::string text = text_content(n);
      if (text.empty()) continue;
      RawBlock rb{n, Block{}, 0.0};
      rb.block.text = std::move(text);
      rb.link_density = static_cast<double>(link_text_length(n)) / static_cast<double>(rb.block.text.size());
      if (name[0] == 'h' && name.size() == 2) {
        rb.block.kind = BlockKind::kHeading;
        rb.block.heading_level = std::clamp(name[1] - '0', 2, 4);
      } else if (name == "li") {
        rb.block.kind = BlockKind::kListItem;
        rb.block.list = n->parent;
        rb.block.ordered = is_element(n->parent, "ol");
      } else if (name == "blockquote") {
        rb.block.kind = BlockKind::kQuote;
      } else if (name == "pre") {
        rb.block.kind = BlockKind::kPreformatted;
      }
      raw.push_back(std::move(rb));
      continue;
    }
    std::vector<xmlNode*> children;
    for (xmlNode* c = n->children; c != nullptr; c = c->next) children.push_back(c);
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.emplace_back(*it, depth + 1);
  }

  // Score containers by the paragraphs they hold (parents fully, ancestors less).
  std::unordered_map<xmlNode*, double> scores;
  for (const auto& rb : raw) {
    if (rb.block.kind != BlockKind::kParagraph || rb.block.text.size() < 25) {
      if (rb.link_density > 0.5) ++body.link_blocks;
      continue;
    }
    if (rb.link_density > 0.5) {
      ++body.link_blocks;
      continue;
    }
    ++body.text_blocks;
    double s = 1.0 + static_cast<double>(std::count(rb.block.text.begin(), rb.block.text.end(), ',')) +
               std::min(static_cast<double>(rb.block.text.size()) / 100.0, 3.0);
    s *= (1.0 - rb.link_density);
    xmlNode* a = rb.node->parent;
    for (int level = 0; a != nullptr && a->type == XML_ELEMENT_NODE && level < 4; ++level, a = a->parent) {
      scores[a] += s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
    }
  }
  xmlNode* top = nullptr;
  double top_score = 0;
  for (auto& [node, score] : scores) {
    for (const auto& t : class_tokens(node)) {
      if (kPositiveTokens.count(t) > 0) {
        score *= 1.15;
        break;
      }
    }
    if (score > top_score || (score == top_score && node < top)) {
      top = node;
      top_score = score;
    }
  }
  body.score = top_score;
  if (top == nullptr) return body;

  // The region: the top container, plus siblings that score well (articles
  // split across containers by an ad or a box).
  std::unordered_set<xmlNode*> region{top};
  if (top->parent != nullptr) {
    for (xmlNode* s = top->parent->children; s != nullptr; s = s->next) {
      auto it = scores.find(s);
      if (s != top && it != scores.end() && it->second >= std::max(3.0, top_score * 0.2)) region.insert(s);
    }
  }
  auto in_region = [&](xmlNode* n) {
    for (xmlNode* a = n; a != nullptr; a = a->parent) {
      if (region.count(a) > 0) return true;
    }
    return false;
  };

  std::string caption = normalise_caption(caption_hint.empty() && !captions.empty() ? captions.front() : caption_hint);
  body.lead_caption = caption_hint.empty() && !captions.empty() ? captions.front() : caption_hint;
  if (!images.empty()) body.lead_image = images.front();
  std::string lower_title = core::to_lower_ascii(title);
  std::unordered_set<std::string> seen;
  for (auto& rb : raw) {
    if (!in_region(rb.node)) continue;
    const std::string& text = rb.block.text;
    if (rb.link_density > 0.5 && text.size() < 400) continue;
    if (is_furniture(text)) continue;
    std::string lower = core::to_lower_ascii(text);
    if (!caption.empty() && (normalise_caption(text) == caption ||
                             (text.size() < caption.size() + 40 && lower.find(caption) != std::string::npos))) {
      continue;
    }
    if (rb.block.kind == BlockKind::kHeading && lower == lower_title) continue;
    if (!seen.insert(text).second) continue;
    body.blocks.push_back(std::move(rb.block));
  }
  // A trailing heading with nothing under it is furniture ("Read next").
  while (!body.blocks.empty() && body.blocks.back().kind == BlockKind::kHeading) body.blocks.pop_back();
  return body;
}

}  // namespace newsdesk::extract
