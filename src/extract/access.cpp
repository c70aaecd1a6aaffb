#include "extract/access.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

#include "core/strings.hpp"

namespace newsdesk::extract {
namespace {

// A body this long is an article, not the opening a paywall leaves.
constexpr size_t kFullText = 1500;
// Paywalled parts holding less than this are empty: the page left them out.
constexpr size_t kPartText = 200;
// A consent wall stands in front of next to nothing.
constexpr size_t kConsentBody = 300;
constexpr size_t kConsentPage = 5000;

// Lines a paywall box says where the article stops.
constexpr std::array<std::string_view, 36> kPaywallLines = {
    "subscribe to continue", "subscribe to keep reading", "subscribe to read", "subscribe now to read",
    "subscribe to unlock", "subscribe for full access", "to continue reading", "continue reading with",
    "keep reading with", "this article is for subscribers", "this article is only available",
    "this story is only available", "this content is only available", "available to subscribers",
    "available only to subscribers", "for subscribers only", "subscribers only", "subscriber-only",
    "subscriber exclusive", "exclusive to subscribers", "exclusive for subscribers", "already a subscriber",
    "you have reached your", "you've reached your", "free articles", "to read the full", "to read this article",
    "unlock this article", "unlock this story", "become a member to", "members only", "register to continue",
    "sign in to continue", "log in to continue", "to read the rest", "read the rest of this"};

// One simple selector's parts: "div.paywall#rest" -> {div, [paywall], rest}.
struct Selector {
  std::string tag;
  std::vector<std::string> classes;
  std::string id;
};

// The last compound of a selector (".article .paywalled" -> ".paywalled");
// nullopt for what this reader does not follow (attributes, pseudo-classes).
std::optional<Selector> parse_selector(std::string_view text) {
  text = core::trim(text);
  size_t space = text.find_last_of(" >+~");
  if (space != std::string_view::npos) text = text.substr(space + 1);
  if (text.empty() || text.find_first_of("[:*") != std::string_view::npos) return std::nullopt;
  Selector s;
  char kind = 't';
  std::string cur;
  auto flush = [&] {
    if (kind == 't') s.tag = core::to_lower_ascii(cur);
    else if (kind == '.' && !cur.empty()) s.classes.push_back(cur);
    else if (kind == '#') s.id = cur;
    cur.clear();
  };
  for (char c : text) {
    if (c == '.' || c == '#') {
      flush();
      kind = c;
    } else {
      cur += c;
    }
  }
  flush();
  if (s.tag.empty() && s.classes.empty() && s.id.empty()) return std::nullopt;
  return s;
}

bool has_class(const xmlNode* n, std::string_view wanted) {
  std::string_view classes = attribute_view(n, "class");
  size_t i = 0;
  while (i < classes.size()) {
    while (i < classes.size() && std::isspace(static_cast<unsigned char>(classes[i]))) ++i;
    size_t j = i;
    while (j < classes.size() && !std::isspace(static_cast<unsigned char>(classes[j]))) ++j;
    if (classes.substr(i, j - i) == wanted) return true;
    i = j;
  }
  return false;
}

bool matches(const xmlNode* n, const Selector& s) {
  if (!s.tag.empty() && element_name(n) != s.tag) return false;
  if (!s.id.empty() && attribute_view(n, "id") != s.id) return false;
  return std::all_of(s.classes.begin(), s.classes.end(), [&](const std::string& c) { return has_class(n, c); });
}

// How much text the paywalled parts hold (parts inside parts counted once);
// nullopt when no selector could be read.
std::optional<size_t> text_of_parts(xmlNode* root, const std::vector<std::string>& selectors) {
  std::vector<Selector> parsed;
  for (const auto& s : selectors) {
    if (auto p = parse_selector(s)) parsed.push_back(std::move(*p));
  }
  if (parsed.empty() || root == nullptr) return std::nullopt;
  size_t total = 0;
  std::vector<xmlNode*> stack{root};
  while (!stack.empty()) {
    xmlNode* n = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE || is_element(n, "script") || is_element(n, "style")) continue;
    if (n->properties != nullptr &&
        std::any_of(parsed.begin(), parsed.end(), [&](const Selector& s) { return matches(n, s); })) {
      total += text_content(n).size();
      continue;
    }
    for (xmlNode* c = n->last; c != nullptr; c = c->prev) stack.push_back(c);
  }
  return total;
}

// The text below `n` lower-cased (ASCII), white space (ASCII and U+00A0)
// collapsed to single spaces, script and style left out: text_content's
// words in one cheap pass, for searching.
std::string lower_text(const xmlNode* n) {
  // The text nodes copied whole, then lower-cased and collapsed in place:
  // a byte at a time only once.
  std::string out;
  const xmlNode* cur = n->children;
  while (cur != nullptr && cur != n) {
    bool descend = false;
    if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) && cur->content != nullptr) {
      out += reinterpret_cast<const char*>(cur->content);
    } else if (cur->type == XML_ELEMENT_NODE && !is_element(cur, "script") && !is_element(cur, "style")) {
      descend = cur->children != nullptr;
    }
    if (descend) {
      cur = cur->children;
      continue;
    }
    while (cur != n && cur->next == nullptr) cur = cur->parent;
    if (cur == n) break;
    cur = cur->next;
  }
  size_t w = 0;
  bool space = true;  // no space at the start
  for (size_t r = 0; r < out.size(); ++r) {
    unsigned char c = static_cast<unsigned char>(out[r]);
    bool white = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    if (c == 0xC2 && r + 1 < out.size() && static_cast<unsigned char>(out[r + 1]) == 0xA0) {
      white = true;
      ++r;
    }
    if (white) {
      if (!space) out[w++] = ' ';
      space = true;
    } else {
      out[w++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      space = false;
    }
  }
  out.resize(w);
  return out;
}

// The paywall line that follows the start of the body's last block in
// `lower` (lower_text of the article), "" if none.
std::string paywall_line(const std::string& lower, const std::vector<Block>& blocks) {
  size_t after = 0;
  if (!blocks.empty()) {
    std::string start = core::to_lower_ascii(std::string_view(blocks.back().text).substr(0, 40));
    size_t at = lower.find(start);
    if (at != std::string::npos) after = at;
  }
  for (std::string_view line : kPaywallLines) {
    if (lower.find(line, after) != std::string::npos) return std::string(line);
  }
  return {};
}

bool consent_wall(const std::string& lower_text) {
  if (lower_text.size() > kConsentPage) return false;
  bool about = lower_text.find("cookie") != std::string::npos || lower_text.find("consent") != std::string::npos ||
               lower_text.find("privacy") != std::string::npos;
  bool asks = lower_text.find("accept") != std::string::npos || lower_text.find("agree") != std::string::npos ||
              lower_text.find("reject") != std::string::npos;
  return about && asks;
}

}  // namespace

core::Access read_access(xmlNode* root, xmlNode* container, const Metadata& m, const std::vector<Block>& blocks,
                         std::string* why) {
  auto say = [&](core::Access access, std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return access;
  };
  size_t text = 0;
  for (const auto& b : blocks) text += b.text.size();
  if (m.accessible_for_free == true) return say(core::Access::kFree, "JSON-LD isAccessibleForFree true");
  bool locked = m.accessible_for_free == false || m.content_tier == "locked";
  if (!locked && m.content_tier == "free") return say(core::Access::kFree, "article:content_tier free");
  if (root == nullptr) return say(core::Access::kUnknown, "no page");
  // The article around the body is where a paywall box follows it; a page
  // with next to no body is read whole (a consent wall stands in for it).
  const bool short_body = text < kFullText;
  const std::string lower = lower_text(text < kConsentBody || container == nullptr ? root : article_around(container));
  std::string line = paywall_line(lower, blocks);
  if (locked) {
    std::optional<size_t> parts = text_of_parts(root, m.paywalled_selectors);
    // The page may carry the text it marks as paywalled (the paywall is then
    // the reader's browser's business): the marked parts hold text, or the
    // body is long with no paywall line after it (sites rename their parts).
    // Such a page is judged by its shape below.
    bool carried = (parts && *parts >= kPartText) || (!short_body && line.empty());
    if (!carried && parts) {
      return say(core::Access::kTeaser, "the paywalled part (" + m.paywalled_selectors.front() + ") is not in the page, and " +
                                            (line.empty() ? "the body is short" : "\"" + line + "\" follows the body"));
    }
    if (!carried) {
      return say(core::Access::kTeaser, line.empty() ? "marked paywalled, and the body is short"
                                                     : "marked paywalled, and \"" + line + "\" follows the body");
    }
  }
  if (short_body && !line.empty()) return say(core::Access::kTeaser, "a short body, then \"" + line + "\"");
  if (text < kConsentBody && consent_wall(lower)) return say(core::Access::kTeaser, "a consent wall and no article");
  if (!short_body && line.empty()) return say(core::Access::kFree, "a long body, no paywall line");
  return say(core::Access::kUnknown, line.empty() ? "a short body" : "a long body, and \"" + line + "\"");
}

}  // namespace newsdesk::extract
