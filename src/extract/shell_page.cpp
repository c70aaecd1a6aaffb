#include "extract/shell_page.hpp"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/strings.hpp"

namespace newsdesk::extract {
namespace {

using nlohmann::json;

constexpr size_t kEmptyDom = 200;    // DOM text below this holds no article ("Loading…", a consent line)
constexpr size_t kMinArticle = 400;  // text off the DOM below this is no article either
constexpr size_t kTeaserDom = 2000;  // a DOM text up to this long may tease an article kept in blocks
constexpr size_t kPhraseLength = 24;
constexpr int kMaxJsonDepth = 48;
constexpr size_t kMaxJsonNodes = 500000;

bool phrase_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == ',' ||
         c == '.' || c == ';' || c == ':' || c == '-' || c == '(' || c == ')';
}

// Runs of plain characters from the DOM body's first paragraphs, as they
// stand in its sanitised HTML (outside tags and entities): the bytes any
// other copy of the same article holds too, whether JSON string, HTML or
// text. Up to three, from different paragraphs, as one may be split by
// markup in the other copy.
std::vector<std::string> opening_phrases(const std::vector<Block>& dom) {
  std::vector<std::string> out;
  for (const auto& b : dom) {
    if (out.size() >= 3) break;
    if (b.kind != BlockKind::kParagraph) continue;
    const std::string& h = b.html;
    size_t run = 0;  // where the current run began
    for (size_t i = 0; i <= h.size(); ++i) {
      bool in_run = i < h.size() && phrase_char(h[i]);
      if (in_run) continue;
      if (i - run >= kPhraseLength) {
        std::string phrase = h.substr(run, kPhraseLength);
        if (phrase.find(' ') != std::string::npos) {
          out.push_back(std::move(phrase));
          break;
        }
      }
      if (i < h.size() && h[i] == '<') i = std::min(h.find('>', i), h.size());
      else if (i < h.size() && h[i] == '&') i = std::min(h.find(';', i), h.size());
      run = i + 1;
    }
  }
  return out;
}

// Where the first phrase found sits in `text`, npos for none.
size_t find_phrase(std::string_view text, const std::vector<std::string>& phrases) {
  for (const auto& p : phrases) {
    if (size_t at = text.find(p); at != std::string_view::npos) return at;
  }
  return std::string_view::npos;
}

// The length of the JSON string literal around position `at`.
size_t string_literal_length(std::string_view s, size_t at) {
  auto is_quote = [&](size_t q) {
    if (s[q] != '"') return false;
    size_t backslashes = 0;
    while (q > backslashes && s[q - 1 - backslashes] == '\\') ++backslashes;
    return backslashes % 2 == 0;
  };
  size_t begin = at;
  while (begin > 0 && !is_quote(begin)) --begin;
  size_t end = at;
  while (end < s.size() && !is_quote(end)) ++end;
  return end - begin;
}

// The length of the JSON object that opens `text` (at its '{'), counting
// brackets outside strings; 0 when it never closes. What follows it in the
// script (";window.__B__=...") is not JSON.
size_t object_extent(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return 0;
}

// Characters outside tags: how much prose a piece of markup holds.
size_t prose_size(std::string_view markup) {
  size_t size = 0;
  bool in_tag = false;
  for (char c : markup) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    else if (!in_tag) ++size;
  }
  return size;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Boxes of state that hold other people's or other articles' text.
bool names_other_text(std::string_view key) {
  for (std::string_view word : {"comment", "related", "recommend", "repl", "teaser", "promo", "navigation", "menu",
                                "footer", "sidebar", "trending", "popular", "newsletter"}) {
    if (contains(key, word)) return true;
  }
  return false;
}

// A field whose string may be the article: body, content, articleBody,
// bodyHtml, text, fullText, html... (lower-cased `key`).
bool names_body(std::string_view key) {
  for (std::string_view not_text : {"type", "id", "url", "class", "style", "format", "count", "length", "size"}) {
    if (contains(key, not_text)) return false;
  }
  return contains(key, "body") || contains(key, "content") || ends_with(key, "text") || ends_with(key, "html") ||
         key == "markup";
}

// Fields that hold one block's text, and fields that hold its inline runs.
constexpr std::string_view kTextFields[] = {"text", "html", "content", "value", "body", "paragraph", "markup",
                                            "__html", "innerHTML", "bodyHtml"};
constexpr std::string_view kRunFields[] = {"children", "content", "spans", "nodes", "elements", "runs", "body"};

// The text of one block of an array of blocks: a string, a text field, or
// its inline runs joined. "" for blocks without text (images, embeds, ads).
void append_block_text(const json& block, int depth, std::string& out) {
  if (block.is_string()) {
    out += block.get_ref<const std::string&>();
    return;
  }
  if (!block.is_object() || depth > 4) return;
  for (std::string_view field : kTextFields) {
    auto it = block.find(field);
    if (it != block.end() && it->is_string()) {
      out += it->get_ref<const std::string&>();
      return;
    }
  }
  for (std::string_view field : kRunFields) {
    auto it = block.find(field);
    if (it != block.end() && it->is_array()) {
      for (const auto& run : *it) append_block_text(run, depth + 1, out);
      return;
    }
  }
}

// A block whose type says it is a heading: "heading", "subhead", style "h2".
bool is_heading_block(const json& block) {
  if (!block.is_object()) return false;
  for (std::string_view field : {"type", "_type", "kind", "blockType", "style", "tag", "tagName", "__typename"}) {
    auto it = block.find(field);
    if (it == block.end() || !it->is_string()) continue;
    std::string value = core::to_lower_ascii(it->get_ref<const std::string&>());
    if (contains(value, "head") || (value.size() == 2 && value[0] == 'h' && value[1] >= '2' && value[1] <= '6')) {
      return true;
    }
  }
  return false;
}

// Looks through parsed state for the longest piece of prose that could be
// the article, as markup for read_fragment.
class StateSearch {
 public:
  // With `phrases`, only text that holds one of them counts (the DOM's opening words).
  explicit StateSearch(const std::vector<std::string>* phrases) : phrases_(phrases) {}

  void walk(const json& j, int depth, bool body_named) {
    if (depth > kMaxJsonDepth || ++nodes_ > kMaxJsonNodes) return;
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::string key = core::to_lower_ascii(it.key());
        if (names_other_text(key)) continue;
        bool body = names_body(key);
        if (body && it->is_string()) consider(as_markup(it->get_ref<const std::string&>()));
        if (it->is_structured()) walk(*it, depth + 1, body);
      }
    } else if (j.is_array()) {
      consider_blocks(j, body_named);
      for (const auto& e : j) {
        if (e.is_structured()) walk(e, depth + 1, false);
      }
    }
  }

  const std::string& best() const { return best_; }

 private:
  // An array of paragraph blocks (strings only under a body-like name: other
  // arrays of strings are tags, names, links).
  void consider_blocks(const json& array, bool body_named) {
    if (array.size() < 2) return;
    std::string markup;
    size_t with_text = 0;
    std::string text;
    for (const auto& e : array) {
      if (e.is_string() && !body_named) continue;
      text.clear();
      append_block_text(e, 0, text);
      if (core::trim(text).empty()) continue;
      ++with_text;
      if (is_heading_block(e)) {
        markup += "<h2>" + (looks_like_html(text) ? text : core::html_escape(text)) + "</h2>\n";
      } else if (looks_like_html(text)) {
        markup += "<div>" + text + "</div>\n";
      } else {
        markup += as_markup(text);
      }
    }
    // Most blocks carry text; the others are images, embeds, ad slots.
    if (with_text >= 2 && with_text * 2 >= array.size()) consider(std::move(markup));
  }

  void consider(std::string markup) {
    size_t prose = prose_size(markup);
    if (prose < kMinArticle || prose < best_prose_) return;  // ties: the later, deeper one is the more exact
    if (phrases_ != nullptr && find_phrase(markup, *phrases_) == std::string::npos) return;
    best_prose_ = prose;
    best_ = std::move(markup);
  }

  const std::vector<std::string>* phrases_;
  size_t nodes_ = 0;
  size_t best_prose_ = 0;
  std::string best_;
};

// The article's markup in a state blob, "" when the blob is no JSON or holds none.
std::string article_in_state(std::string_view blob, const std::vector<std::string>* phrases) {
  size_t extent = object_extent(blob);
  if (extent == 0) return {};
  json state = json::parse(blob.substr(0, extent), nullptr, /*allow_exceptions=*/false);
  if (state.is_discarded()) return {};
  StateSearch search(phrases);
  search.walk(state, 0, false);
  return search.best();
}

}  // namespace

std::optional<ShellArticle> find_shell_article(const std::vector<Block>& dom, const Metadata& metadata,
                                               const OffDomSources& off_dom, const std::string& charset,
                                               const FragmentContext& context) {
  const size_t dom_size = text_size(dom);
  const bool dom_has_text = dom_size >= kEmptyDom;
  std::optional<std::vector<std::string>> phrases;  // worked out when a source first needs them
  auto opening = [&]() -> const std::vector<std::string>& {
    if (!phrases) phrases = opening_phrases(dom);
    return *phrases;
  };
  // Whether `raw` is large enough to hold the article, and holds the DOM's opening words.
  auto could_hold = [&](std::string_view raw) {
    if (raw.size() < kMinArticle || raw.size() < 2 * dom_size) return false;
    return !dom_has_text || find_phrase(raw, opening()) != std::string_view::npos;
  };
  std::optional<ShellArticle> best;
  size_t best_size = 0;
  auto offer = [&](std::vector<Block> blocks, const char* source) {
    size_t size = text_size(blocks);
    if (size < kMinArticle || size < 2 * dom_size || size <= best_size) return;
    if (dom_has_text) {
      std::string html;
      for (const auto& b : blocks) html += b.html + "\n";
      if (find_phrase(html, opening()) == std::string::npos) return;
    }
    best_size = size;
    best = ShellArticle{std::move(blocks), source};
  };
  if (could_hold(metadata.article_body)) {
    offer(read_fragment(metadata.article_body, "UTF-8", context), "JSON-LD articleBody");
  }
  for (std::string_view raw : off_dom.noscripts) {
    if (could_hold(raw)) offer(read_fragment(raw, charset, context), "<noscript>");
  }
  for (std::string_view blob : off_dom.state_blobs) {
    if (blob.size() < kMinArticle || blob.size() < 2 * dom_size) continue;
    if (dom_has_text) {
      // Parsing is the cost: only for a DOM text of a teaser's length, or
      // when the JSON string around its opening words could be the article.
      size_t at = find_phrase(blob, opening());
      if (at == std::string_view::npos) continue;
      if (dom_size > kTeaserDom && string_literal_length(blob, at) < 2 * dom_size) continue;
    }
    std::string markup = article_in_state(blob, dom_has_text ? &opening() : nullptr);
    if (!markup.empty()) offer(read_fragment(markup, "UTF-8", context), "embedded application state");
  }
  return best;
}

}  // namespace newsdesk::extract
