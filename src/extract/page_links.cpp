#include "extract/page_links.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/strings.hpp"
#include "core/url.hpp"

namespace newsdesk::extract {
namespace {

// Lower-case words of an attribute value: "c-pagination__list" -> c, pagination, list.
std::vector<std::string> words_of(std::string_view value) {
  std::vector<std::string> out;
  append_words(value, out);
  return out;
}

// What a box that pages through a document calls itself.
bool names_pagination(std::string_view value) {
  // Not "pages": it names too much else (Shopify's /pages/, "pages" in running text) to be worth a walk.
  static constexpr std::array<std::string_view, 8> kWords = {"pager",      "paging",    "pagenav",     "pagelinks",
                                                             "pagelist",   "pagenumbers", "multipage", "pageswitcher"};
  static constexpr std::array<std::string_view, 5> kAfterPage = {"links", "numbers", "nav", "navigation", "list"};
  auto words = words_of(value);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.rfind("pagina", 0) == 0) return true;  // pagination, paginator, paginación, paginazione
    if (std::find(kWords.begin(), kWords.end(), w) != kWords.end()) return true;
    if (w == "page" && i + 1 < words.size() &&
        std::find(kAfterPage.begin(), kAfterPage.end(), words[i + 1]) != kAfterPage.end()) {
      return true;
    }
  }
  return false;
}

bool is_pagination_box(const xmlNode* n) {
  if (n->properties == nullptr) return false;
  for (const char* attr : {"class", "id", "role", "aria-label"}) {
    std::string_view value = attribute_view(n, attr);
    if (!value.empty() && names_pagination(value)) return true;
  }
  return false;
}

bool rel_has(std::string_view rel, std::string_view token) {
  for (const auto& w : core::split(core::to_lower_ascii(rel), ' ')) {
    if (w == token) return true;
  }
  return false;
}

// The box's own mark for the page being shown: aria-current, or a class that says so.
bool marks_current(const xmlNode* n) {
  if (n->properties == nullptr) return false;
  if (!attribute_view(n, "aria-current").empty() && attribute_view(n, "aria-current") != "false") return true;
  for (const auto& w : words_of(attribute_view(n, "class"))) {
    if (w == "current" || w == "active" || w == "selected") return true;
  }
  return false;
}

std::optional<int> number_in(std::string_view text) {
  text = core::trim(text);
  if (text.empty() || text.size() > 3 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(std::string(text));
}

// "Next", "Next page »", "›", "Suivant": a label that moves forward.
bool says_next(std::string_view label) {
  std::string lower = core::to_lower_ascii(core::collapse_whitespace(label));
  bool arrow = false;
  for (std::string_view mark : {"\u00bb", "\u203a", "\u2192", "\u27e9", ">"}) {
    for (size_t at = lower.find(mark); at != std::string::npos; at = lower.find(mark)) {
      lower.erase(at, mark.size());
      arrow = true;
    }
  }
  std::string word(core::trim(lower));
  if (word.empty()) return arrow;
  static constexpr std::array<std::string_view, 16> kNext = {
      "next", "next page", "next part", "suivant", "page suivante", "weiter", "n\u00e4chste", "n\u00e4chste seite",
      "siguiente", "p\u00e1gina siguiente", "successiva", "pagina successiva", "successivo", "volgende",
      "pr\u00f3xima", "seguinte"};
  return std::find(kNext.begin(), kNext.end(), word) != kNext.end();
}

struct BoxLink {
  std::string href;
  std::string label;
  const xmlNode* box;
};

}  // namespace

bool may_link_other_pages(std::string_view html) {
  const std::string lower = core::to_lower_ascii(html);
  const std::string_view text(lower);
  if (text.find("amphtml") != std::string_view::npos) return true;
  // A rel that names next: <link rel="next">, <a rel="nofollow next">.
  for (size_t at = text.find("rel="); at != std::string_view::npos; at = text.find("rel=", at + 4)) {
    std::string_view value = text.substr(at + 4, 64);
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      value = value.substr(1, value.find(value.front(), 1) - 1);
    } else {
      value = value.substr(0, value.find_first_of(" \t\n>"));
    }
    if (value.find("next") != std::string_view::npos) return true;
  }
  // A pagination box: the words names_pagination() reads, as they are spelled in attributes.
  static constexpr std::array<std::string_view, 16> kAfterPag = {
      "ina", "er", "ing", "enav", "e-nav", "e_nav", "e nav", "elink", "e-link", "e_link", "enumber",
      "e-number", "e_number", "elist", "e-list", "e_list"};
  for (size_t at = text.find("pag"); at != std::string_view::npos; at = text.find("pag", at + 3)) {
    std::string_view rest = text.substr(at + 3);
    for (auto after : kAfterPag) {
      if (rest.substr(0, after.size()) == after) return true;
    }
  }
  return false;
}

PageLinks read_page_links(xmlNode* root, const std::string& page_url) {
  PageLinks links;
  std::string head_next;
  std::vector<std::string> rel_next;
  std::vector<BoxLink> box_links;
  std::unordered_map<const xmlNode*, int> current_of_box;
  std::vector<std::pair<xmlNode*, const xmlNode*>> stack{{root, nullptr}};  // element, its pagination box
  while (!stack.empty()) {
    auto [n, box] = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string_view name = element_name(n);
    if (name == "script" || name == "style" || name == "template" || name == "svg" || name == "noscript") continue;
    if (name == "link") {
      std::string_view rel = attribute_view(n, "rel");
      if (head_next.empty() && rel_has(rel, "next")) head_next = std::string(attribute_view(n, "href"));
      if (links.amphtml.empty() && rel_has(rel, "amphtml")) {
        std::string amp = core::resolve_url(page_url, core::trim(attribute_view(n, "href")));
        if (core::is_http_url(amp) && amp != page_url) links.amphtml = std::move(amp);
      }
      continue;
    }
    if (box == nullptr && is_pagination_box(n)) box = n;
    if (name == "a") {
      std::string href(core::trim(attribute_view(n, "href")));
      if (box != nullptr && marks_current(n)) {
        if (auto number = number_in(text_content(n))) current_of_box[box] = *number;
        continue;
      }
      if (href.empty()) continue;
      if (rel_has(attribute_view(n, "rel"), "next")) rel_next.push_back(href);
      if (box != nullptr) {
        std::string label = text_content(n);
        // An arrow drawn by CSS or an icon: the label is in the attributes.
        if (label.empty()) label = attribute(n, "aria-label");
        if (label.empty()) label = attribute(n, "title");
        box_links.push_back({std::move(href), std::move(label), box});
      }
      continue;
    }
    if (box != nullptr && marks_current(n)) {
      if (auto number = number_in(text_content(n))) current_of_box[box] = *number;
    }
    std::vector<xmlNode*> children;
    for (xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) children.push_back(c);
    }
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.emplace_back(*it, box);
  }

  // What the page declares first, then what its pagination box shows.
  std::vector<std::string> declared;
  if (!head_next.empty()) declared.push_back(head_next);
  declared.insert(declared.end(), rel_next.begin(), rel_next.end());
  for (const auto& href : declared) {
    std::string next = core::resolve_url(page_url, href);
    if (continuing_part_numbers(page_url, next)) {
      links.next_part = std::move(next);
      return links;
    }
  }
  for (const auto& link : box_links) {
    std::string next = core::resolve_url(page_url, link.href);
    auto numbers = continuing_part_numbers(page_url, next);
    if (!numbers || numbers->second != numbers->first + 1) continue;
    auto shown = current_of_box.find(link.box);
    if (shown != current_of_box.end() && shown->second != numbers->first) continue;
    auto number = number_in(link.label);
    if (number ? *number == numbers->second : says_next(link.label)) {
      links.next_part = std::move(next);
      return links;
    }
  }
  return links;
}

}  // namespace newsdesk::extract
