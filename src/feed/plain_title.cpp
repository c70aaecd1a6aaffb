#include "feed/plain_title.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "core/strings.hpp"

namespace newsdesk::feed {

namespace {

// HTML's elements (and the obsolete ones feeds still write). A "<name>" with
// another name is text: "std::vector<int>", "the <blink> tag".
constexpr std::string_view kHtmlElements[] = {
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "big",
    "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data",
    "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed", "fieldset",
    "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link",
    "main", "map", "mark", "math", "menu", "meta", "meter", "nav", "nobr", "noscript", "object", "ol", "optgroup",
    "option", "output", "p", "param", "picture", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script",
    "section", "select", "small", "source", "span", "strike", "strong", "style", "sub", "summary", "sup", "svg",
    "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u",
    "ul", "var", "video", "wbr"};

// Elements that sit inside a line of text: removed without a space
// ("<b>A</b>tom" is "Atom"); the others separate words.
constexpr std::string_view kInlineElements[] = {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data",
                                                "del", "dfn", "em", "font", "i", "ins", "kbd", "mark", "nobr", "q", "s",
                                                "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
                                                "u", "var", "wbr"};

bool one_of(std::string_view name, const std::string_view* begin, const std::string_view* end) {
  return std::find(begin, end, name) != end;
}

// The end of a tag that starts at `lt` ("<" or "</"): the index of its
// closing ">", quoted attribute values stepped over; npos when unclosed.
size_t tag_end(std::string_view s, size_t lt) {
  char quote = 0;
  for (size_t i = lt + 1; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Only a value's quote (after "="), not an apostrophe in text.
      size_t before = i;
      while (before > lt && (s[before - 1] == ' ' || s[before - 1] == '\t')) --before;
      if (before > lt && s[before - 1] == '=') quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Removes markup: comments, declarations, processing instructions and tags
// of HTML elements (script and style with their contents); what is not
// markup is kept as it stands, references included.
std::string strip_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '<' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      size_t close = s.find("-->", i + 4);
      if (close == std::string_view::npos) break;  // an unclosed comment runs to the end
      i = close + 2;
      out += ' ';
      continue;
    }
    if (s[i + 1] == '!' || s[i + 1] == '?') {
      size_t close = s.find('>', i);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    bool closing = s[i + 1] == '/';
    size_t name_at = i + (closing ? 2 : 1);
    size_t name_end = name_at;
    while (name_end < s.size() && (std::isalnum(static_cast<unsigned char>(s[name_end])) || s[name_end] == ':' ||
                                   s[name_end] == '-' || s[name_end] == '_')) {
      ++name_end;
    }
    std::string name = core::to_lower_ascii(s.substr(name_at, name_end - name_at));
    bool named = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0]));
    bool ends_name = name_end >= s.size() || s[name_end] == '>' || s[name_end] == '/' || std::isspace(static_cast<unsigned char>(s[name_end]));
    bool prefixed = name.find(':') != std::string::npos;  // xhtml:b, svg:svg: markup by its namespace
    if (!named || !ends_name || (!prefixed && !one_of(name, std::begin(kHtmlElements), std::end(kHtmlElements)))) {
      out += s[i];
      continue;
    }
    size_t close = tag_end(s, i);
    if (close == std::string_view::npos) {
      out += s[i];
      continue;
    }
    if (!closing && (name == "script" || name == "style")) {
      // Their contents are code, not words.
      std::string end_tag = "</" + name;
      size_t end = close;
      for (size_t at = s.find("</", close); at != std::string_view::npos; at = s.find("</", at + 2)) {
        if (core::starts_with_icase(s.substr(at), end_tag)) {
          end = tag_end(s, at);
          break;
        }
      }
      i = end == std::string_view::npos || end == close ? s.size() : end;
      out += ' ';
      continue;
    }
    if (!one_of(name, std::begin(kInlineElements), std::end(kInlineElements))) out += ' ';
    i = close;
  }
  return out;
}

}  // namespace

std::string plain_title(std::string_view raw) {
  // The usual title has no markup (a plain loop: find_first_of calls memchr per byte).
  bool markup = false;
  for (char c : raw) markup |= c == '<' || c == '&';
  if (!markup) return core::collapse_whitespace(raw);
  // Tags first, then references: what was escaped ("&lt;int&gt;") is text;
  // then HTML's tags once more, for markup escaped twice ("&amp;lt;b&amp;gt;").
  std::string text = core::decode_html_entities(strip_markup(raw));
  if (text.find('<') != std::string::npos) text = strip_markup(text);
  return core::collapse_whitespace(text);
}

namespace {

bool email_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Where an e-mail address (local@domain.tld, maybe after "mailto:") stands
// in `s`: [begin, end), or begin == npos.
std::pair<size_t, size_t> find_address(std::string_view s) {
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    size_t begin = at, end = at + 1;
    while (begin > 0 && email_char(s[begin - 1])) --begin;
    while (end < s.size() && email_char(s[end])) ++end;
    while (end > at + 1 && s[end - 1] == '.') --end;  // a sentence's full stop
    const std::string_view domain = s.substr(at + 1, end - at - 1);
    if (begin == at || domain.find('.') == std::string_view::npos || domain.front() == '.') continue;
    if (begin >= 7 && s.substr(begin - 7, 7) == "mailto:") begin -= 7;
    return {begin, end};
  }
  return {std::string_view::npos, 0};
}

}  // namespace

std::string author_name(std::string_view written) {
  const std::string whole = core::collapse_whitespace(written);
  const auto [begin, end] = find_address(whole);
  if (begin == std::string_view::npos) return whole;
  std::string rest = whole.substr(0, begin) + whole.substr(end);
  // What held the address, now empty ("()" or "<>"), goes; brackets around
  // what is left ("(Name)") too.
  for (const char* empty : {"()", "<>", "[]"}) {
    for (size_t at = rest.find(empty); at != std::string::npos; at = rest.find(empty)) rest.erase(at, 2);
  }
  std::string name = core::collapse_whitespace(rest);
  while (name.size() >= 2 && ((name.front() == '(' && name.back() == ')') || (name.front() == '<' && name.back() == '>'))) {
    name = core::collapse_whitespace(std::string_view(name).substr(1, name.size() - 2));
  }
  if (name.empty()) {
    std::string address = whole.substr(begin, end - begin);
    return address.rfind("mailto:", 0) == 0 ? address.substr(7) : address;
  }
  return name;
}

}  // namespace newsdesk::feed
